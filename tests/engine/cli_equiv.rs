//! "Every click teaches its command", checked on the real engine: for each action the UI
//! shows a `docker` command for, the click's service acts on one object and the shown
//! command (its line split back into words, run as argv: no shell) acts on a twin; the
//! effects must be the same (state via inspect, existence, tags, listed objects, log lines).
//! `docker run` is covered by `launch::the_shown_docker_run_command_makes_the_same_container`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use berth_core::domain::actions::ContainerAction;
use berth_core::domain::cli_equiv::{DockerCommand, PruneKind};
use berth_core::domain::launch::shell;
use berth_core::domain::logs::LogRequest;
use berth_core::domain::prune::PruneRequest;
use berth_core::domain::pull::PullProgress;
use berth_core::domain::reference::parse_tag_target;
use berth_core::domain::short_id;
use berth_core::services::actions::run_action;
use berth_core::services::logs::read_logs;
use berth_core::services::pull::run_pull;
use berth_core::services::sink::Sink;
use berth_tests::docker_cli::{docker, image_id};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::registry::LocalRegistry;
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

/// Runs what the UI shows: its line, split back into words as a shell would, as argv.
async fn run_shown(cmd: &DockerCommand) -> TestResult<String> {
    let line = cmd.line();
    let argv = shell::split(&line)?;
    assert_eq!(argv, cmd.argv(), "{line}");
    assert_eq!(argv[0], "docker");
    let args: Vec<String> = argv[1..].to_vec();
    Ok(blocking(move || docker(&args)).await?)
}

/// Like [`run_shown`], for a command that must fail (the engine refusing, as Berth does).
async fn run_shown_fails(cmd: &DockerCommand) -> TestResult<String> {
    let args: Vec<String> = shell::split(&cmd.line())?[1..].to_vec();
    match blocking(move || docker(&args)).await {
        Ok(out) => Err(format!("`{}` should have failed; printed {out}", cmd.line()).into()),
        Err(e) => Ok(e.to_string()),
    }
}

async fn cli(args: Vec<String>) -> TestResult<String> {
    Ok(blocking(move || docker(&args)).await?)
}

/// What an action can change about a container, as `docker inspect` reports it.
async fn snapshot(id: &str) -> TestResult<(String, String)> {
    let out = cli(vec![
        "inspect".into(),
        "--format".into(),
        "{{.State.Status}} running={{.State.Running}} paused={{.State.Paused}}|{{.State.StartedAt}}"
            .into(),
        id.into(),
    ])
    .await?;
    let (state, started) = out.split_once('|').unwrap();
    Ok((state.to_string(), started.to_string()))
}

async fn exists(id: &str) -> bool {
    let id = id.to_string();
    blocking(move || docker(["inspect", "--format", "{{.Id}}", &id]))
        .await
        .is_ok()
}

fn action_command(action: ContainerAction, container: &str) -> DockerCommand {
    action.command(container)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn container_actions_do_what_their_commands_do() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("cli-actions");
    let engine = connect().await?;
    let twin = |s: &'static str| {
        run.run(
            s,
            &["--stop-timeout", "1"],
            BUSYBOX_IMAGE,
            &["sleep", "600"],
        )
    };
    let (a, b) = (twin("click")?, twin("shown")?);
    let steps = [
        ContainerAction::Stop,
        ContainerAction::Start,
        ContainerAction::Restart,
        ContainerAction::Pause,
        ContainerAction::Unpause,
        ContainerAction::Kill,
        ContainerAction::Start,
    ];
    for action in steps {
        let (_, a_before) = snapshot(&a.id).await?;
        let (_, b_before) = snapshot(&b.id).await?;
        let results = run_action(&engine, std::slice::from_ref(&a.id), action).await;
        assert_eq!(results[0].error, None, "{action:?}");
        // What the result (and the command log) shows is the command the twin gets.
        assert_eq!(results[0].command, action.cli(&a.name));
        run_shown(&action_command(action, &b.name)).await?;
        let (a_state, a_started) = snapshot(&a.id).await?;
        let (b_state, b_started) = snapshot(&b.id).await?;
        assert_eq!(a_state, b_state, "after {action:?}");
        // A (re)start gives both a new start time; the others leave it alone.
        assert_eq!(
            a_started != a_before,
            b_started != b_before,
            "{action:?}: start time changed for one twin only"
        );
    }

    // rm without force: both refuse a running container, and both stay.
    let rm = |force, volumes| ContainerAction::Remove { force, volumes };
    let results = run_action(&engine, std::slice::from_ref(&a.id), rm(false, false)).await;
    assert!(results[0].conflict, "{:?}", results[0]);
    let err = run_shown_fails(&rm(false, false).command(&b.name)).await?;
    assert!(err.to_lowercase().contains("running"), "{err}");
    assert!(exists(&a.id).await && exists(&b.id).await);
    Ok(())
}

/// The anonymous volume of a container made with `-v /data`.
async fn volume_of(id: &str) -> TestResult<String> {
    let out = cli(vec![
        "inspect".into(),
        "--format".into(),
        "{{range .Mounts}}{{.Name}}{{end}}".into(),
        id.into(),
    ])
    .await?;
    assert!(!out.is_empty(), "no volume on {id}");
    Ok(out)
}

async fn volume_exists(name: &str) -> bool {
    let name = name.to_string();
    blocking(move || docker(["volume", "inspect", &name]))
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_with_force_and_volumes_matches_the_cli() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("cli-rm");
    let engine = connect().await?;
    for (force, volumes) in [(true, true), (true, false), (false, true), (false, false)] {
        let tag = format!("f{}v{}", u8::from(force), u8::from(volumes));
        // Running twins for -f, stopped (created) ones otherwise.
        let make = |who: &str| {
            let suffix = format!("{tag}-{who}");
            let opts = ["-v", "/data"];
            if force {
                run.run(&suffix, &opts, BUSYBOX_IMAGE, &["sleep", "600"])
            } else {
                run.create(&suffix, &opts, BUSYBOX_IMAGE, &["true"])
            }
        };
        let (a, b) = (make("click")?, make("shown")?);
        let (va, vb) = (volume_of(&a.id).await?, volume_of(&b.id).await?);
        let action = ContainerAction::Remove { force, volumes };
        let results = run_action(&engine, std::slice::from_ref(&a.id), action).await;
        assert_eq!(results[0].error, None, "{action:?}");
        let shown = action.command(&b.name);
        assert_eq!(
            shown.argv().contains(&"-v".to_string()),
            volumes,
            "{}",
            shown.line()
        );
        run_shown(&shown).await?;
        assert!(!exists(&a.id).await && !exists(&b.id).await, "{tag}");
        let (keep_a, keep_b) = (volume_exists(&va).await, volume_exists(&vb).await);
        assert_eq!(keep_a, keep_b, "{tag}: volumes differ");
        assert_eq!(
            keep_a, !volumes,
            "{tag}: -v decides whether the volume goes"
        );
        for v in [va, vb] {
            let _ = cli(vec!["volume".into(), "rm".into(), v]).await;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_and_rmi_match_the_cli() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("cli-images");
    let engine = connect().await?;
    let base = format!("berth-test/cli-img:{}", run.id());
    // Images the run owns (labelled, removed on drop with every tag they carry).
    let build = |suffix: &str, generation: &str| {
        run.build_image(
            &format!("{base}-{suffix}"),
            &format!("FROM {BUSYBOX_IMAGE}\nLABEL berth.cli=\"{generation}\"\n"),
        )
    };
    let id = build("base", "1")?;

    // tag: Berth adds one tag, the shown command another; both name the same image.
    let (ta, tb) = (format!("{base}-click"), format!("{base}-shown"));
    engine.tag_image(&id, &parse_tag_target(&ta)?).await?;
    run_shown(&DockerCommand::Tag {
        source: id.clone(),
        target: tb.clone(),
    })
    .await?;
    let (ia, ib) = (image_id_of(&ta).await?, image_id_of(&tb).await?);
    assert_eq!(ia.as_deref(), Some(id.as_str()));
    assert_eq!(ia, ib);

    // rmi of one tag among several: both only untag; the image stays.
    let r = engine.remove_image(&ta, false).await?;
    assert_eq!(r.command, format!("docker rmi {ta}"));
    run_shown(&DockerCommand::RemoveImage {
        image: tb.clone(),
        force: false,
    })
    .await?;
    assert_eq!(image_id_of(&ta).await?, None);
    assert_eq!(image_id_of(&tb).await?, None);
    assert!(image_id_of(&id).await?.is_some());

    // rmi of a single-tag image a container uses: both refuse without -f; with -f both
    // untag it and leave the image to its container.
    let (ua, ub) = (format!("{base}-used-click"), format!("{base}-used-shown"));
    let ida = build("used-click", "a")?;
    let idb = build("used-shown", "b")?;
    run.create("user-click", &[], &ua, &["true"])?;
    run.create("user-shown", &[], &ub, &["true"])?;
    assert!(engine.remove_image(&ua, false).await.is_err());
    let err = run_shown_fails(&DockerCommand::RemoveImage {
        image: ub.clone(),
        force: false,
    })
    .await?;
    assert!(
        err.contains("conflict") || err.contains("being used"),
        "{err}"
    );
    assert_eq!(image_id_of(&ua).await?, Some(ida.clone()));
    assert_eq!(image_id_of(&ub).await?, Some(idb.clone()));

    let r = engine.remove_image(&ua, true).await?;
    assert_eq!(r.command, format!("docker rmi -f {ua}"));
    run_shown(&DockerCommand::RemoveImage {
        image: ub.clone(),
        force: true,
    })
    .await?;
    assert_eq!(image_id_of(&ua).await?, None);
    assert_eq!(image_id_of(&ub).await?, None);
    // Whether the image itself survives depends on the engine (a stopped user does not
    // keep it on 20.10); the click and the command must simply agree.
    let (kept_a, kept_b) = (
        image_id_of(&ida).await?.is_some(),
        image_id_of(&idb).await?.is_some(),
    );
    assert_eq!(kept_a, kept_b, "rmi -f kept one image but not the other");
    Ok(())
}

async fn image_id_of(reference: &str) -> TestResult<Option<String>> {
    let r = reference.to_string();
    Ok(blocking(move || image_id(&r)).await?)
}

/// Progress is not compared here (the pull tests do); only the outcome.
struct Quiet;

impl Sink<PullProgress> for Quiet {
    fn send(&self, _: PullProgress) -> bool {
        true
    }
}

/// The layer digests of a local image, as `docker inspect` lists them.
async fn layers(reference: &str) -> TestResult<String> {
    cli(vec![
        "image".into(),
        "inspect".into(),
        "--format".into(),
        "{{json .RootFS.Layers}}".into(),
        reference.into(),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_matches_the_cli() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("cli-pull");
    let engine = connect().await?;
    let registry = blocking(LocalRegistry::start).await?;
    // Two images with the same shape (random content), gone locally: each side pulls one.
    let a = registry.push_fresh_image(&run, "berth/cli-pull-a:v1", &[64, 128])?;
    let b = registry.push_fresh_image(&run, "berth/cli-pull-b:v1", &[64, 128])?;
    assert_eq!(image_id_of(&a).await?, None);
    assert_eq!(image_id_of(&b).await?, None);
    let outcome = run_pull(
        &engine,
        &a,
        Arc::new(Quiet),
        CancellationToken::new(),
        Duration::from_millis(100),
    )
    .await?;
    let shown = DockerCommand::Pull {
        reference: b.clone(),
    };
    run_shown(&shown).await?;
    assert!(
        format!("{outcome:?}").contains(&format!("docker pull {a}")),
        "{outcome:?}"
    );
    // Both are now local, with as many layers as the registry had (busybox's + 2).
    let (la, lb) = (layers(&a).await?, layers(&b).await?);
    let count = |l: &str| serde_json::from_str::<Vec<String>>(l).unwrap().len();
    assert_eq!(count(&la), count(&lb), "{la}\n{lb}");
    assert!(count(&la) >= 3, "{la}");
    // Both remember where they came from.
    for r in [&a, &b] {
        let digests = cli(vec![
            "image".into(),
            "inspect".into(),
            "--format".into(),
            "{{json .RepoDigests}}".into(),
            r.clone(),
        ])
        .await?;
        assert!(digests.contains(&registry.host()), "{r}: {digests}");
    }
    Ok(())
}

/// Short IDs in the first column of a CLI table (after its header).
fn first_column(table: &str) -> BTreeSet<String> {
    table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ps_and_images_list_what_berth_lists() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("cli-lists");
    let engine = connect().await?;
    run.run("up", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    run.create("made", &[], BUSYBOX_IMAGE, &["true"])?;
    // ps -a with the run's label: the same containers Berth lists for that label.
    let shown = DockerCommand::Ps {
        all: true,
        filters: vec![run.filter()],
    };
    let berth: BTreeSet<String> = engine
        .list_labelled(&run.label())
        .await?
        .into_iter()
        .map(|c| c.short_id)
        .collect();
    let cli_ids = first_column(&run_shown(&shown).await?);
    assert_eq!(berth.len(), 2);
    assert_eq!(berth, cli_ids);
    // Without -a only the running one.
    let up = first_column(
        &run_shown(&DockerCommand::Ps {
            all: false,
            filters: vec![run.filter()],
        })
        .await?,
    );
    assert_eq!(up.len(), 1);

    // images: the same set of top-level images. Other work on a shared engine may add or
    // remove one between the two reads, so a difference is read again a few times.
    let mut last = String::new();
    for _ in 0..5 {
        let berth: BTreeSet<String> = engine
            .list_images()
            .await?
            .into_iter()
            .map(|i| short_id(&i.id))
            .collect();
        let table = run_shown(&DockerCommand::Images { all: false }).await?;
        // REPOSITORY TAG IMAGE-ID ...: one row per tag, so IDs repeat.
        let cli_ids: BTreeSet<String> = table
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().nth(2).map(String::from))
            .collect();
        if berth == cli_ids {
            assert!(berth.contains(&short_id(&image_id_of(BUSYBOX_IMAGE).await?.unwrap())));
            return Ok(());
        }
        last = format!("Berth: {berth:?}\nCLI:   {cli_ids:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(format!("the image lists never agreed\n{last}").into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_show_the_same_lines() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("cli-logs");
    let engine = connect().await?;
    let c = run.run(
        "talk",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "for i in 1 2 3 4 5; do echo \"line $i  with  spaces\"; done",
        ],
    )?;
    cli(vec!["wait".into(), c.id.clone()]).await?;
    for (tail, timestamps) in [(None, false), (Some(2), true), (Some(3), false)] {
        let req = LogRequest {
            tail,
            timestamps,
            follow: false,
        };
        let berth: Vec<String> = read_logs(&engine, &c.id, &req)
            .await?
            .into_iter()
            .map(|l| match l.timestamp {
                Some(t) => format!("{t} {}", l.text),
                None => l.text,
            })
            .collect();
        let shown = DockerCommand::Logs {
            container: c.name.clone(),
            tail,
            timestamps,
            follow: false,
        };
        assert_eq!(shown.line(), req.cli(&c.name));
        let out = run_shown(&shown).await?;
        let cli_lines: Vec<String> = out.lines().map(String::from).collect();
        assert_eq!(berth, cli_lines, "{}", shown.line());
        assert_eq!(berth.len(), tail.map_or(5, |n| n as usize));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_report_the_same_containers() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("cli-stats");
    let engine = connect().await?;
    let a = run.run("a", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let b = run.run("b", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let shown = DockerCommand::Stats {
        containers: vec![a.name.clone(), b.name.clone()],
        no_stream: true,
    };
    let table = run_shown(&shown).await?;
    for c in [&a, &b] {
        let row = table
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == c.name))
            .ok_or_else(|| format!("{} missing from\n{table}", c.name))?;
        // The last column is PIDS: one `sleep`, for Berth's reading too.
        let cli_pids: u64 = row.split_whitespace().last().unwrap().parse()?;
        let berth = engine.stats_once(&c.id).await?;
        assert_eq!(berth.pids_stats.current, Some(cli_pids), "{row}");
        assert_eq!(cli_pids, 1);
    }
    Ok(())
}

/// One side of the prune comparison: what it made, by ID.
struct Side {
    stopped: String,
    running: String,
    dangling: String,
    newer: String,
    unused: String,
    used: String,
}

/// Which of a side's objects still exist.
async fn side_state(s: &Side) -> (bool, bool, bool, bool, bool, bool) {
    (
        exists(&s.stopped).await,
        exists(&s.running).await,
        exists(&s.dangling).await,
        exists(&s.newer).await,
        exists(&s.unused).await,
        exists(&s.used).await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_of_each_kind_matches_the_cli() -> TestResult {
    blocking(ensure_test_images).await?;
    let engine = connect().await?;
    // Each side owns its objects, told apart by its run label (the prune's filter).
    let click = TestRun::new("cli-prune-click");
    let shown = TestRun::new("cli-prune-shown");

    let setup = |run: &TestRun| -> TestResult<Side> {
        let stopped = run.create("stopped", &[], BUSYBOX_IMAGE, &["true"])?.id;
        let running = run
            .run("running", &[], BUSYBOX_IMAGE, &["sleep", "600"])?
            .id;
        let d = run.dangling_image()?;
        let unused = run.build_image(
            &format!("berth-test/cli-prune-unused:{}", run.id()),
            &run.dangling_dockerfile(7),
        )?;
        let used_tag = format!("berth-test/cli-prune-used:{}", run.id());
        let used = run.build_image(&used_tag, &run.dangling_dockerfile(8))?;
        run.run("holder", &[], &used_tag, &["sleep", "600"])?;
        Ok(Side {
            stopped,
            running,
            dangling: d.id,
            newer: d.newer,
            unused,
            used,
        })
    };
    let (a, b) = (setup(&click)?, setup(&shown)?);

    let steps = [
        (
            PruneKind::Containers,
            PruneRequest {
                containers: true,
                ..Default::default()
            },
        ),
        (
            PruneKind::DanglingImages,
            PruneRequest {
                dangling_images: true,
                ..Default::default()
            },
        ),
        (
            PruneKind::UnusedImages,
            PruneRequest {
                unused_images: true,
                ..Default::default()
            },
        ),
    ];
    for (kind, req) in steps {
        let label_a = click.label();
        let report = engine.prune(req, Some(&label_a)).await?;
        let cmd = DockerCommand::Prune {
            what: kind,
            label: Some(shown.label()),
        };
        assert_eq!(
            report.commands,
            [DockerCommand::Prune {
                what: kind,
                label: Some(label_a.clone())
            }
            .line()]
        );
        run_shown(&cmd).await?;
        // After each step, each side has lost exactly the same kinds of things.
        let (sa, sb) = (side_state(&a).await, side_state(&b).await);
        assert_eq!(sa, sb, "after {kind:?}: Berth {sa:?}, CLI {sb:?}");
        let expected = match kind {
            PruneKind::Containers => (false, true, true, true, true, true),
            PruneKind::DanglingImages => (false, true, false, true, true, true),
            PruneKind::UnusedImages => (false, true, false, false, false, true),
        };
        assert_eq!(sa, expected, "after {kind:?}");
    }
    Ok(())
}
