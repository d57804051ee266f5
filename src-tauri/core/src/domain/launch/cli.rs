//! The `docker run` command that creates the same container as Berth does for a replica.
//! Every argument is quoted for a POSIX shell; `shell::split` reads it back unchanged.

use std::collections::HashSet;

use super::plan::{build_plan, ReplicaConfig};
use super::ports::PortBinding;
use super::shell;
use super::spec::{format_cpus, LaunchSpec, RestartPolicy};

/// `docker run -d ...` as argv (without a shell), `docker` first.
pub fn docker_run_argv(r: &ReplicaConfig) -> Vec<String> {
    let mut a: Vec<String> = vec!["docker".into(), "run".into(), "-d".into()];
    let mut opt = |flag: &str, value: String| {
        a.push(flag.into());
        a.push(value);
    };
    opt("--name", r.name.clone());
    for (k, v) in &r.labels {
        opt("--label", format!("{k}={v}"));
    }
    for e in &r.env {
        opt("--env", e.clone());
    }
    for p in &r.ports {
        opt("--publish", p.to_cli());
    }
    for b in &r.binds {
        opt("--volume", b.clone());
    }
    if r.restart != RestartPolicy::No {
        opt("--restart", r.restart.to_cli());
    }
    if let Some(m) = r.memory {
        opt("--memory", m.to_string());
    }
    if let Some(c) = r.nano_cpus {
        opt("--cpus", format_cpus(c));
    }
    if let Some(n) = &r.network {
        opt("--network", n.clone());
    }
    if r.auto_remove {
        a.push("--rm".into());
    }
    a.push(r.image.clone());
    if let Some(cmd) = &r.command {
        a.extend(cmd.iter().cloned());
    }
    a
}

/// The same, as one line to paste into a shell.
pub fn docker_run_line(r: &ReplicaConfig) -> String {
    shell::join(&docker_run_argv(r))
}

/// Replica `replica` of the launch group `group` as its launch planned it, named `name`, with
/// the host ports it really got (`None`: as the spec plans them with no port taken). Scaling
/// up makes more of the same, so its `docker run` lines come from here. `None` when the spec
/// cannot plan that replica (its host ports would run past 65535).
pub fn group_replica(
    spec: &LaunchSpec,
    group: &str,
    replica: u32,
    name: &str,
    ports: Option<Vec<PortBinding>>,
) -> Option<ReplicaConfig> {
    let after = replica.checked_sub(1)?;
    let mut r = build_plan(spec, 1, group, &HashSet::new(), after, &mut |_, _, _| false)
        .ok()?
        .replicas
        .pop()?;
    r.name = name.to_string();
    if let Some(ports) = ports {
        r.ports = ports;
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::plan::build_plan;
    use super::super::spec::{validate, LaunchRequest};
    use super::*;

    fn first_replica(req: LaunchRequest) -> ReplicaConfig {
        let (n, spec) = validate(&req).unwrap();
        build_plan(&spec, n, "g1", &HashSet::new(), 0, &mut |_, _, _| false)
            .unwrap()
            .replicas
            .remove(0)
    }

    #[test]
    fn renders_every_option() {
        let r = first_replica(LaunchRequest {
            image: "berth-test/app:latest".into(),
            replicas: "1".into(),
            name_pattern: "web-{n}".into(),
            command: "sh -c 'echo \"$HOME\" it'\\''s'".into(),
            env: "A=1\nB=two words".into(),
            ports: "127.0.0.1:8080:80, 53/udp".into(),
            volumes: "{n}-data:/data:ro".into(),
            labels: "team=web".into(),
            restart: "on-failure:3".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            network: "bridge".into(),
            auto_remove: false,
        });
        let line = docker_run_line(&r);
        assert!(
            line.starts_with("docker run -d --name web-1 --label berth.group=g1 --label "),
            "{line}"
        );
        assert!(
            line.contains(
                " --label berth.replica=1 --label team=web --env A=1 --env 'B=two words' "
            ),
            "{line}"
        );
        assert!(
            line.contains(
                " --publish 127.0.0.1:8080:80 --publish 53/udp --volume 1-data:/data:ro "
            ),
            "{line}"
        );
        assert!(
            line.contains(" --restart on-failure:3 --memory 67108864 --cpus 0.5 --network bridge "),
            "{line}"
        );
        assert!(
            line.ends_with(r#" berth-test/app:latest sh -c 'echo "$HOME" it'\''s'"#),
            "{line}"
        );
        // The line reads back as the argv.
        assert_eq!(shell::split(&line).unwrap(), docker_run_argv(&r));
    }

    #[test]
    fn a_group_replica_is_rendered_as_its_launch_planned_it() {
        let (_, spec) = validate(&LaunchRequest {
            image: "busybox".into(),
            replicas: "1".into(),
            name_pattern: "web-{n}".into(),
            ports: "8080:80".into(),
            volumes: "{n}-data:/data".into(),
            ..Default::default()
        })
        .unwrap();
        let r = group_replica(&spec, "g1", 4, "web-4", None).unwrap();
        assert_eq!(
            (r.replica, r.name.as_str(), r.ports[0].host_port),
            (4, "web-4", Some(8080))
        );
        assert_eq!(r.binds, ["4-data:/data"]);
        assert_eq!(r.labels["berth.replica"], "4");
        let moved = vec![PortBinding {
            host_port: Some(9000),
            ..r.ports[0].clone()
        }];
        let r = group_replica(&spec, "g1", 4, "web-4", Some(moved)).unwrap();
        assert!(docker_run_line(&r).contains("--publish 9000:80"));
        assert!(group_replica(&spec, "g1", 0, "web-0", None).is_none());
    }

    #[test]
    fn defaults_add_nothing_and_auto_remove_is_a_flag() {
        let r = first_replica(LaunchRequest {
            image: "busybox".into(),
            replicas: "1".into(),
            auto_remove: true,
            ..Default::default()
        });
        let argv = docker_run_argv(&r);
        assert!(!argv
            .iter()
            .any(|a| a == "--restart" || a == "--env" || a == "--publish"));
        let tail: Vec<&str> = argv.iter().rev().take(2).map(String::as_str).collect();
        assert_eq!(tail, ["busybox", "--rm"]);
    }
}
