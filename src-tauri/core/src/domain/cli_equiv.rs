//! "Every click teaches its command": the exact `docker` CLI command equivalent to each thing
//! Berth does, as an argv vector (what the tests run, with no shell) and as one line quoted
//! for a POSIX shell (what the UI shows and copies). The single place these are rendered:
//! the older per-feature helpers (`ContainerAction::cli`, `rmi_cli`, ...) delegate here.
//!
//! The lines are for display only. Berth itself never runs them, and never through a shell.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::launch::cli::group_replica;
use super::launch::{docker_run_argv, shell, LaunchSpec, PortBinding, ReplicaConfig};

/// Which `docker ... prune` a cleanup runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PruneKind {
    /// Stopped containers: `docker container prune`.
    Containers,
    /// Untagged images no container uses: `docker image prune`.
    DanglingImages,
    /// Every image no container uses: `docker image prune -a`.
    UnusedImages,
}

/// One action, with what it acts on. Travels from the UI as tagged JSON so the UI can ask for
/// the command of a button before it is clicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum DockerCommand {
    Pull {
        reference: String,
    },
    Start {
        container: String,
    },
    Stop {
        container: String,
    },
    Restart {
        container: String,
    },
    Pause {
        container: String,
    },
    Unpause {
        container: String,
    },
    Kill {
        container: String,
    },
    /// `docker rm [-f] [-v]`: `force` also removes a running one, `volumes` its anonymous
    /// volumes.
    Remove {
        container: String,
        force: bool,
        volumes: bool,
    },
    Rename {
        container: String,
        new_name: String,
    },
    /// `docker rmi [-f]`.
    RemoveImage {
        image: String,
        force: bool,
    },
    Tag {
        source: String,
        target: String,
    },
    History {
        image: String,
    },
    /// `docker ps [-a]`, optionally with `--filter` expressions (`label=k=v`, `ancestor=img`).
    Ps {
        all: bool,
        filters: Vec<String>,
    },
    /// `docker images [-a]`.
    Images {
        all: bool,
    },
    Logs {
        container: String,
        tail: Option<u32>,
        timestamps: bool,
        follow: bool,
    },
    /// `docker stats [--no-stream] [CONTAINER...]` (no containers: every running one).
    Stats {
        containers: Vec<String>,
        no_stream: bool,
    },
    /// `docker ... prune -f`, limited to objects carrying `label` (`key=value`) when set.
    Prune {
        what: PruneKind,
        label: Option<String>,
    },
    /// `docker diff`: the container's writable layer.
    Diff {
        container: String,
    },
    /// `docker top`: the container's processes.
    Top {
        container: String,
    },
    /// `docker inspect [--size]`.
    Inspect {
        target: String,
        size: bool,
    },
    /// `docker exec CONTAINER CMD...`.
    Exec {
        container: String,
        cmd: Vec<String>,
    },
    /// `docker exec -it [-u USER] [-w DIR] CONTAINER CMD...`: a terminal in the container.
    ExecTerminal {
        container: String,
        user: Option<String>,
        workdir: Option<String>,
        cmd: Vec<String>,
    },
    /// `docker update [--memory M] [--memory-swap S] [--cpus C] [--restart R] CONTAINER`.
    Update {
        container: String,
        memory: Option<String>,
        memory_swap: Option<String>,
        cpus: Option<String>,
        restart: Option<String>,
    },
    /// `docker build -t TAG CONTEXT`.
    Build {
        tag: String,
        context: String,
    },
    /// `docker volume ls`.
    VolumeLs,
    /// `docker volume create [--driver D] [--label k=v]... NAME`.
    VolumeCreate {
        name: String,
        driver: String,
        labels: Vec<String>,
    },
    /// `docker volume rm NAME`.
    VolumeRm {
        name: String,
    },
    /// `docker volume prune -f [--all] [--filter label=k=v]` (`--all`: Docker 23+ only).
    VolumePrune {
        all: bool,
        label: Option<String>,
    },
    /// `docker create --name N --label berth.helper=volume-browse --network none -v VOL:/v:ro
    /// IMAGE true`: the never-started helper the volume browser reads through.
    VolumeHelper {
        name: String,
        volume: String,
        image: String,
    },
    /// `docker cp CONTAINER:PATH -`: a path as a tar stream on stdout.
    CopyOut {
        container: String,
        path: String,
    },
    /// `docker cp CONTAINER:PATH DEST`: a file copied out to the host.
    CopyOutTo {
        container: String,
        path: String,
        dest: String,
    },
    /// `docker cp SOURCE CONTAINER:DIR`: a host file copied into a container's folder.
    CopyIn {
        source: String,
        container: String,
        dir: String,
    },
    /// `docker run -d ...` for one replica of a launch group (what scaling up does): the
    /// group's spec (its `berth.launch` label), the replica's number, name and host ports.
    LaunchReplica {
        spec: Box<LaunchSpec>,
        group: String,
        replica: u32,
        name: String,
        ports: Option<Vec<PortBinding>>,
    },
    /// `docker network ls`.
    NetworkLs,
    /// `docker network create [--subnet CIDR] [--label k=v]... NAME` (a bridge: the default
    /// driver).
    NetworkCreate {
        name: String,
        subnet: Option<String>,
        labels: Vec<String>,
    },
    /// `docker network rm NETWORK`.
    NetworkRm {
        network: String,
    },
    /// `docker network connect NETWORK CONTAINER`.
    NetworkConnect {
        network: String,
        container: String,
    },
    /// `docker network disconnect NETWORK CONTAINER`.
    NetworkDisconnect {
        network: String,
        container: String,
    },
}

fn words(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

impl DockerCommand {
    /// The command as argv, `docker` first: runnable with `Command::new(argv[0]).args(..)`.
    pub fn argv(&self) -> Vec<String> {
        let mut a = vec!["docker".to_string()];
        match self {
            Self::NetworkLs => a.extend(words(&["network", "ls"])),
            Self::NetworkCreate {
                name,
                subnet,
                labels,
            } => {
                a.extend(words(&["network", "create"]));
                if let Some(s) = subnet {
                    a.extend(words(&["--subnet", s]));
                }
                for l in labels {
                    a.extend(words(&["--label", l]));
                }
                a.push(name.clone());
            }
            Self::NetworkRm { network } => a.extend(words(&["network", "rm", network])),
            Self::NetworkConnect { network, container } => {
                a.extend(words(&["network", "connect", network, container]))
            }
            Self::NetworkDisconnect { network, container } => {
                a.extend(words(&["network", "disconnect", network, container]))
            }
            Self::Update {
                container,
                memory,
                memory_swap,
                cpus,
                restart,
            } => {
                a.push("update".into());
                for (flag, v) in [
                    ("--memory", memory),
                    ("--memory-swap", memory_swap),
                    ("--cpus", cpus),
                    ("--restart", restart),
                ] {
                    if let Some(v) = v {
                        a.extend(words(&[flag, v]));
                    }
                }
                a.push(container.clone());
            }
            Self::Pull { reference } => a.extend(words(&["pull", reference])),
            Self::Start { container } => a.extend(words(&["start", container])),
            Self::Stop { container } => a.extend(words(&["stop", container])),
            Self::Restart { container } => a.extend(words(&["restart", container])),
            Self::Pause { container } => a.extend(words(&["pause", container])),
            Self::Unpause { container } => a.extend(words(&["unpause", container])),
            Self::Kill { container } => a.extend(words(&["kill", container])),
            Self::Remove {
                container,
                force,
                volumes,
            } => {
                a.push("rm".into());
                if *force {
                    a.push("-f".into());
                }
                if *volumes {
                    a.push("-v".into());
                }
                a.push(container.clone());
            }
            Self::Rename {
                container,
                new_name,
            } => a.extend(words(&["rename", container, new_name])),
            Self::RemoveImage { image, force } => {
                a.push("rmi".into());
                if *force {
                    a.push("-f".into());
                }
                a.push(image.clone());
            }
            Self::Tag { source, target } => a.extend(words(&["tag", source, target])),
            Self::History { image } => a.extend(words(&["history", image])),
            Self::Ps { all, filters } => {
                a.push("ps".into());
                if *all {
                    a.push("-a".into());
                }
                for f in filters {
                    a.push("--filter".into());
                    a.push(f.clone());
                }
            }
            Self::Images { all } => {
                a.push("images".into());
                if *all {
                    a.push("-a".into());
                }
            }
            Self::Logs {
                container,
                tail,
                timestamps,
                follow,
            } => {
                a.push("logs".into());
                if let Some(n) = tail {
                    a.push("--tail".into());
                    a.push(n.to_string());
                }
                if *timestamps {
                    a.push("-t".into());
                }
                if *follow {
                    a.push("-f".into());
                }
                a.push(container.clone());
            }
            Self::Stats {
                containers,
                no_stream,
            } => {
                a.push("stats".into());
                if *no_stream {
                    a.push("--no-stream".into());
                }
                a.extend(containers.iter().cloned());
            }
            Self::Prune { what, label } => {
                a.extend(match what {
                    PruneKind::Containers => words(&["container", "prune", "-f"]),
                    PruneKind::DanglingImages => words(&["image", "prune", "-f"]),
                    PruneKind::UnusedImages => words(&["image", "prune", "-a", "-f"]),
                });
                if let Some(l) = label {
                    a.push("--filter".into());
                    a.push(format!("label={l}"));
                }
            }
            Self::Diff { container } => a.extend(words(&["diff", container])),
            Self::Top { container } => a.extend(words(&["top", container])),
            Self::Inspect { target, size } => {
                a.push("inspect".into());
                if *size {
                    a.push("--size".into());
                }
                a.push(target.clone());
            }
            Self::Exec { container, cmd } => {
                a.extend(words(&["exec", container]));
                a.extend(cmd.iter().cloned());
            }
            Self::ExecTerminal {
                container,
                user,
                workdir,
                cmd,
            } => {
                a.extend(words(&["exec", "-it"]));
                if let Some(u) = user {
                    a.extend(words(&["-u", u]));
                }
                if let Some(w) = workdir {
                    a.extend(words(&["-w", w]));
                }
                a.push(container.clone());
                a.extend(cmd.iter().cloned());
            }
            Self::Build { tag, context } => a.extend(words(&["build", "-t", tag, context])),
            Self::VolumeLs => a.extend(words(&["volume", "ls"])),
            Self::VolumeCreate {
                name,
                driver,
                labels,
            } => {
                a.extend(words(&["volume", "create"]));
                if !driver.is_empty() {
                    a.extend(words(&["--driver", driver]));
                }
                for l in labels {
                    a.extend(words(&["--label", l]));
                }
                a.push(name.clone());
            }
            Self::VolumeRm { name } => a.extend(words(&["volume", "rm", name])),
            Self::VolumePrune { all, label } => {
                a.extend(words(&["volume", "prune", "-f"]));
                if *all {
                    a.push("--all".into());
                }
                if let Some(l) = label {
                    a.extend(words(&["--filter", &format!("label={l}")]));
                }
            }
            Self::VolumeHelper {
                name,
                volume,
                image,
            } => a.extend(words(&[
                "create",
                "--name",
                name,
                "--label",
                "berth.helper=volume-browse",
                "--network",
                "none",
                "-v",
                &format!("{volume}:/v:ro"),
                image,
                "true",
            ])),
            Self::CopyOut { container, path } => {
                a.extend(words(&["cp", &format!("{container}:{path}"), "-"]))
            }
            Self::CopyOutTo {
                container,
                path,
                dest,
            } => a.extend(words(&["cp", &format!("{container}:{path}"), dest])),
            Self::CopyIn {
                source,
                container,
                dir,
            } => a.extend(words(&["cp", source, &format!("{container}:{dir}")])),
            Self::LaunchReplica {
                spec,
                group,
                replica,
                name,
                ports,
            } => {
                return match group_replica(spec, group, *replica, name, ports.clone()) {
                    Some(r) => docker_run_argv(&r),
                    // A spec that cannot plan this replica still names what was made.
                    None => words(&["docker", "run", "-d", "--name", name, &spec.image]),
                };
            }
        }
        a
    }

    /// The command as one line for a POSIX shell: every word quoted only where needed, so
    /// pasting it runs exactly [`Self::argv`].
    pub fn line(&self) -> String {
        shell::join(&self.argv())
    }

    /// Both forms, for the UI.
    pub fn render(&self) -> CliCommand {
        let argv = self.argv();
        CliCommand {
            line: shell::join(&argv),
            argv,
        }
    }
}

/// A rendered command: the argv and the line the UI shows and copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CliCommand {
    pub argv: Vec<String>,
    pub line: String,
}

/// `docker run -d ...` for one launched replica: the launch dialog's renderer, reused so a
/// launch and the command log show the same text.
pub fn run_command(replica: &ReplicaConfig) -> CliCommand {
    let argv = docker_run_argv(replica);
    CliCommand {
        line: shell::join(&argv),
        argv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(c: DockerCommand) -> String {
        let r = c.render();
        // Whatever is shown reads back, word for word, as what would run.
        assert_eq!(shell::split(&r.line).unwrap(), r.argv, "{}", r.line);
        r.line
    }

    #[test]
    fn renders_container_actions() {
        let c = || "web-1".to_string();
        assert_eq!(
            line(DockerCommand::Start { container: c() }),
            "docker start web-1"
        );
        assert_eq!(
            line(DockerCommand::Stop { container: c() }),
            "docker stop web-1"
        );
        assert_eq!(
            line(DockerCommand::Restart { container: c() }),
            "docker restart web-1"
        );
        assert_eq!(
            line(DockerCommand::Kill { container: c() }),
            "docker kill web-1"
        );
        let rm = |force, volumes| {
            line(DockerCommand::Remove {
                container: c(),
                force,
                volumes,
            })
        };
        assert_eq!(rm(false, false), "docker rm web-1");
        assert_eq!(rm(true, false), "docker rm -f web-1");
        assert_eq!(rm(false, true), "docker rm -v web-1");
        assert_eq!(rm(true, true), "docker rm -f -v web-1");
    }

    #[test]
    fn renders_image_commands() {
        assert_eq!(
            line(DockerCommand::Pull {
                reference: "127.0.0.1:5000/app:1".into()
            }),
            "docker pull 127.0.0.1:5000/app:1"
        );
        assert_eq!(
            line(DockerCommand::RemoveImage {
                image: "app:1".into(),
                force: true
            }),
            "docker rmi -f app:1"
        );
        assert_eq!(
            line(DockerCommand::Tag {
                source: "sha256:ab".into(),
                target: "me/app:v2".into()
            }),
            "docker tag sha256:ab me/app:v2"
        );
        assert_eq!(
            line(DockerCommand::Images { all: true }),
            "docker images -a"
        );
        assert_eq!(line(DockerCommand::VolumeLs), "docker volume ls");
        assert_eq!(
            line(DockerCommand::VolumeCreate {
                name: "db-data".into(),
                driver: "local".into(),
                labels: vec!["team=web app".into()],
            }),
            "docker volume create --driver local --label 'team=web app' db-data"
        );
        assert_eq!(
            line(DockerCommand::VolumeRm {
                name: "db-data".into()
            }),
            "docker volume rm db-data"
        );
        assert_eq!(
            line(DockerCommand::VolumePrune {
                all: true,
                label: Some("berth.test=1".into()),
            }),
            "docker volume prune -f --all --filter label=berth.test=1"
        );
        assert_eq!(
            line(DockerCommand::CopyOut {
                container: "berth-browse-1".into(),
                path: "/v/my file".into(),
            }),
            "docker cp 'berth-browse-1:/v/my file' -"
        );
        assert_eq!(
            line(DockerCommand::CopyIn {
                source: "my notes.txt".into(),
                container: "web".into(),
                dir: "/srv".into(),
            }),
            "docker cp 'my notes.txt' web:/srv"
        );
    }

    #[test]
    fn renders_listings_logs_and_stats() {
        assert_eq!(
            line(DockerCommand::Ps {
                all: true,
                filters: vec!["label=berth.group=g 1".into(), "ancestor=busybox".into()]
            }),
            "docker ps -a --filter 'label=berth.group=g 1' --filter ancestor=busybox"
        );
        assert_eq!(
            line(DockerCommand::Logs {
                container: "web-1".into(),
                tail: Some(100),
                timestamps: true,
                follow: true
            }),
            "docker logs --tail 100 -t -f web-1"
        );
        assert_eq!(
            line(DockerCommand::Logs {
                container: "web-1".into(),
                tail: None,
                timestamps: false,
                follow: false
            }),
            "docker logs web-1"
        );
        assert_eq!(
            line(DockerCommand::Stats {
                containers: vec!["a".into(), "b".into()],
                no_stream: true
            }),
            "docker stats --no-stream a b"
        );
        assert_eq!(
            line(DockerCommand::Stats {
                containers: vec![],
                no_stream: false
            }),
            "docker stats"
        );
    }

    #[test]
    fn renders_every_prune_with_and_without_a_label() {
        let p = |what, label: Option<&str>| {
            line(DockerCommand::Prune {
                what,
                label: label.map(String::from),
            })
        };
        assert_eq!(p(PruneKind::Containers, None), "docker container prune -f");
        assert_eq!(p(PruneKind::DanglingImages, None), "docker image prune -f");
        assert_eq!(
            p(PruneKind::UnusedImages, Some("berth.test=x y")),
            "docker image prune -a -f --filter 'label=berth.test=x y'"
        );
    }

    #[test]
    fn a_terminal_is_exec_it_with_its_user_and_folder() {
        let cmd = |user: Option<&str>, workdir: Option<&str>| DockerCommand::ExecTerminal {
            container: "web".into(),
            user: user.map(Into::into),
            workdir: workdir.map(Into::into),
            cmd: vec!["/bin/busybox".into(), "sh".into()],
        };
        assert_eq!(line(cmd(None, None)), "docker exec -it web /bin/busybox sh");
        assert_eq!(
            line(cmd(Some("1000:1000"), Some("/my app"))),
            "docker exec -it -u 1000:1000 -w '/my app' web /bin/busybox sh"
        );
    }

    #[test]
    fn quotes_what_a_shell_would_change() {
        assert_eq!(
            line(DockerCommand::Exec {
                container: "it's".into(),
                cmd: vec!["sh".into(), "-c".into(), "echo $HOME > /f; ls *".into()]
            }),
            r#"docker exec 'it'\''s' sh -c 'echo $HOME > /f; ls *'"#
        );
        assert_eq!(
            line(DockerCommand::Inspect {
                target: "".into(),
                size: true
            }),
            "docker inspect --size ''"
        );
        assert_eq!(
            line(DockerCommand::Build {
                tag: "berth-demo/hello:latest".into(),
                context: "./my demo".into()
            }),
            "docker build -t berth-demo/hello:latest './my demo'"
        );
        assert_eq!(
            line(DockerCommand::Rename {
                container: "a b".into(),
                new_name: "c".into()
            }),
            "docker rename 'a b' c"
        );
    }

    #[test]
    fn a_launch_shows_the_launch_dialogs_docker_run() {
        use crate::domain::launch::{build_plan, docker_run_line, validate, LaunchRequest};
        let (n, spec) = validate(&LaunchRequest {
            image: "busybox".into(),
            replicas: "2".into(),
            env: "A=two words".into(),
            ..Default::default()
        })
        .unwrap();
        let plan = build_plan(
            &spec,
            n,
            "g1",
            &std::collections::HashSet::new(),
            0,
            &mut |_, _, _| false,
        )
        .unwrap();
        for r in &plan.replicas {
            let c = run_command(r);
            assert_eq!(c.line, docker_run_line(r));
            assert_eq!(shell::split(&c.line).unwrap(), c.argv);
            assert!(c.line.contains("--env 'A=two words'"), "{}", c.line);
        }
    }

    #[test]
    fn travels_as_tagged_json() {
        let c: DockerCommand = serde_json::from_value(serde_json::json!(
            {"kind": "prune", "what": "unused_images", "label": null}
        ))
        .unwrap();
        assert_eq!(
            c,
            DockerCommand::Prune {
                what: PruneKind::UnusedImages,
                label: None
            }
        );
        let c: DockerCommand = serde_json::from_value(serde_json::json!(
            {"kind": "remove_image", "image": "a", "force": false}
        ))
        .unwrap();
        assert_eq!(c.line(), "docker rmi a");
    }

    #[test]
    fn renders_network_commands() {
        assert_eq!(line(DockerCommand::NetworkLs), "docker network ls");
        assert_eq!(
            line(DockerCommand::NetworkCreate {
                name: "web".into(),
                subnet: Some("10.20.0.0/24".into()),
                labels: vec!["team=web app".into()],
            }),
            "docker network create --subnet 10.20.0.0/24 --label 'team=web app' web"
        );
        assert_eq!(
            line(DockerCommand::NetworkCreate {
                name: "web".into(),
                subnet: None,
                labels: vec![],
            }),
            "docker network create web"
        );
        assert_eq!(
            line(DockerCommand::NetworkRm {
                network: "web".into()
            }),
            "docker network rm web"
        );
        assert_eq!(
            line(DockerCommand::NetworkConnect {
                network: "web".into(),
                container: "api-1".into()
            }),
            "docker network connect web api-1"
        );
        assert_eq!(
            line(DockerCommand::NetworkDisconnect {
                network: "web".into(),
                container: "api-1".into()
            }),
            "docker network disconnect web api-1"
        );
    }
}
