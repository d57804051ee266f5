//! The launcher against the real engine: many replicas with env and auto-incremented host
//! ports (checked with `docker inspect`), a partial failure and its clean-up, scaling a
//! group up and down, cancelling mid-launch, and the dialog's `docker run` command producing
//! the same container configuration as Berth does.

#![allow(clippy::unwrap_used)] // helpers panic on engine or CLI failures, as the tests do

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::domain::launch::{
    docker_run_argv, docker_run_line, shell, LaunchRequest, Replicas, LABEL_GROUP,
};
use berth_core::engine::Engine;
use berth_core::services::launch::{
    group_members, new_group_id, plan_launch, remove_launched, run_launch, scale_group,
    LaunchOptions, PlanError, ReplicaPhase, ReplicaProgress, ScaleTo,
};
use berth_core::services::sink::Sink;
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

/// Keeps every batch the launcher sends.
#[derive(Default)]
struct Recorder(Mutex<Vec<Vec<ReplicaProgress>>>);

impl Sink<Vec<ReplicaProgress>> for Recorder {
    fn send(&self, batch: Vec<ReplicaProgress>) -> bool {
        self.0.lock().unwrap().push(batch);
        true
    }
}

fn request(run: &TestRun, replicas: u32, extra: LaunchRequest) -> LaunchRequest {
    LaunchRequest {
        image: APP_IMAGE.into(),
        replicas: replicas.to_string(),
        name_pattern: format!("{}-{{n}}", run.name("r")),
        labels: format!("{}\n{}", run.label(), extra.labels),
        ..extra
    }
}

/// A host port with `n` free ports above it (at the time of asking).
fn free_port_base(n: u16) -> u16 {
    loop {
        let base = TcpListener::bind("0.0.0.0:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if base < 65535 - n && (0..n).all(|i| TcpListener::bind(("0.0.0.0", base + i)).is_ok()) {
            return base;
        }
    }
}

async fn inspect(id: String) -> Value {
    let out = blocking(move || docker(["inspect", &id])).await.unwrap();
    let mut all: Vec<Value> = serde_json::from_str(&out).unwrap();
    all.remove(0)
}

async fn plan(engine: &Engine, req: &LaunchRequest) -> berth_core::domain::launch::LaunchPlan {
    match plan_launch(engine, req, &new_group_id()).await {
        Ok(p) => p,
        Err(PlanError::Invalid(e)) => panic!("invalid: {e:?}"),
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launches_ten_replicas_with_env_and_incremented_ports() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-ten");
    let engine = connect().await?;
    let base = free_port_base(12);
    // One port in the range is held by a listening socket: the planner must skip it.
    let held = TcpListener::bind(("0.0.0.0", base + 2))?;
    let req = request(
        &run,
        10,
        LaunchRequest {
            env: "GREETING=hello world\n# a comment\nMODE=test".into(),
            ports: format!("{base}:8080"),
            ..Default::default()
        },
    );
    let plan = plan(&engine, &req).await;
    let sink = Arc::new(Recorder::default());
    let outcome = run_launch(
        &engine,
        &plan,
        sink.clone(),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await;
    drop(held);
    assert!(!outcome.cancelled);
    assert_eq!(outcome.running_ids().len(), 10, "{:?}", outcome.replicas);
    // Batched: far fewer batches than the ~30 individual events.
    let batches = sink.0.lock().unwrap().len();
    assert!(batches < 30, "{batches} batches");

    let expected_ports: Vec<u16> = (0..12)
        .map(|i| base + i)
        .filter(|p| *p != base + 2)
        .take(10)
        .collect();
    for (i, r) in outcome.replicas.iter().enumerate() {
        let c = inspect(r.container_id.clone().unwrap().into_string()).await;
        assert_eq!(c["Name"], format!("/{}", run.name(&format!("r-{}", i + 1))));
        assert_eq!(c["State"]["Running"], true);
        let env: Vec<&str> = c["Config"]["Env"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            env.contains(&"GREETING=hello world") && env.contains(&"MODE=test"),
            "{env:?}"
        );
        let binding = &c["HostConfig"]["PortBindings"]["8080/tcp"][0];
        assert_eq!(binding["HostPort"], expected_ports[i].to_string());
        assert_eq!(c["Config"]["Labels"][LABEL_GROUP], plan.group.as_str());
        assert_eq!(c["Config"]["Labels"]["berth.replica"], (i + 1).to_string());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_failure_is_reported_and_what_was_made_can_be_removed() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-partial");
    let engine = connect().await?;
    let base = free_port_base(5);
    let req = request(
        &run,
        4,
        LaunchRequest {
            ports: format!("{base}:8080"),
            ..Default::default()
        },
    );
    let plan = plan(&engine, &req).await;
    // Taken after planning: replica 3's port is now held by a socket outside the engine.
    let port3 = plan.replicas[2].ports[0].host_port.unwrap();
    let _held = TcpListener::bind(("0.0.0.0", port3))?;
    let outcome = run_launch(
        &engine,
        &plan,
        Arc::new(Recorder::default()),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await;
    let failed: Vec<&ReplicaProgress> = outcome.failed().collect();
    assert_eq!(failed.len(), 1, "{:?}", outcome.replicas);
    assert_eq!(failed[0].replica, 3);
    let why = failed[0].error.as_deref().unwrap_or_default();
    assert!(
        why.contains("address already in use") || why.contains(&port3.to_string()),
        "{why}"
    );
    // The failed replica left nothing behind.
    assert!(failed[0].container_id.is_none());
    assert_eq!(group_members(&engine, &plan.group).await?.len(), 3);

    let errors = remove_launched(&engine, &outcome.running_ids(), 4).await?;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(group_members(&engine, &plan.group).await?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_scales_up_and_down() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-scale");
    let engine = connect().await?;
    let base = free_port_base(8);
    let req = request(
        &run,
        2,
        LaunchRequest {
            ports: format!("{base}:8080"),
            env: "A=1".into(),
            ..Default::default()
        },
    );
    let plan = plan(&engine, &req).await;
    let opts = LaunchOptions::default();
    let outcome = run_launch(
        &engine,
        &plan,
        Arc::new(Recorder::default()),
        CancellationToken::new(),
        &opts,
    )
    .await;
    assert_eq!(outcome.running_ids().len(), 2);

    let up = scale_group(
        &engine,
        &plan.group,
        ScaleTo::keeping_volumes(Replicas::new(5)?),
        Arc::new(Recorder::default()),
        CancellationToken::new(),
        &opts,
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    let launch = up.launch.unwrap();
    assert_eq!(launch.running_ids().len(), 3, "{:?}", launch.replicas);
    let members = group_members(&engine, &plan.group).await?;
    let numbers: Vec<String> = members
        .iter()
        .map(|c| c.labels["berth.replica"].clone())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5"]);
    // The new replicas have the same settings and continue the port sequence.
    let c5 = inspect(members[4].id.clone()).await;
    assert_eq!(c5["Name"], format!("/{}", run.name("r-5")));
    assert!(c5["Config"]["Env"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "A=1"));
    let p5: u16 = c5["HostConfig"]["PortBindings"]["8080/tcp"][0]["HostPort"]
        .as_str()
        .unwrap()
        .parse()?;
    assert!(p5 > base + 1, "{p5}");

    let down = scale_group(
        &engine,
        &plan.group,
        ScaleTo::keeping_volumes(Replicas::new(1)?),
        Arc::new(Recorder::default()),
        CancellationToken::new(),
        &opts,
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    assert!(down.errors.is_empty(), "{:?}", down.errors);
    assert_eq!(down.removed.len(), 4);
    let left = group_members(&engine, &plan.group).await?;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].labels["berth.replica"], "1");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_mid_launch_leaves_nothing_behind() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-cancel");
    let engine = connect().await?;
    let req = request(&run, 40, LaunchRequest::default());
    let plan = plan(&engine, &req).await;
    let cancel = CancellationToken::new();
    let sink = Arc::new(Recorder::default());
    let canceller = {
        let cancel = cancel.clone();
        let sink = sink.clone();
        tokio::spawn(async move {
            // Cancel once some replicas are up (mid-launch, not before it starts).
            for _ in 0..200 {
                let running = sink
                    .0
                    .lock()
                    .unwrap()
                    .iter()
                    .flatten()
                    .filter(|p| p.phase == ReplicaPhase::Running)
                    .count();
                if running >= 3 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            cancel.cancel();
        })
    };
    let opts = LaunchOptions {
        concurrency: 4,
        ..Default::default()
    };
    let outcome = run_launch(&engine, &plan, sink, cancel, &opts).await;
    canceller.await?;
    assert!(outcome.cancelled);
    let phases: BTreeMap<String, usize> =
        outcome.replicas.iter().fold(BTreeMap::new(), |mut m, r| {
            *m.entry(format!("{:?}", r.phase)).or_default() += 1;
            m
        });
    assert!(
        phases.get("Removed").copied().unwrap_or(0) >= 3,
        "{phases:?}"
    );
    assert!(
        phases.get("Skipped").copied().unwrap_or(0) >= 1,
        "{phases:?}"
    );
    assert!(
        outcome
            .replicas
            .iter()
            .all(|r| matches!(r.phase, ReplicaPhase::Removed | ReplicaPhase::Skipped)),
        "{phases:?}"
    );
    assert!(group_members(&engine, &plan.group).await?.is_empty());
    let filter = format!("label={LABEL_GROUP}={}", plan.group);
    let left = blocking(move || docker(["ps", "-aq", "--filter", &filter])).await?;
    assert_eq!(left, "", "containers left behind");
    Ok(())
}

/// Fields of `docker inspect` that the launch options decide.
fn config_fields(c: &Value) -> BTreeMap<&'static str, Value> {
    let labels: BTreeMap<String, Value> = c["Config"]["Labels"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !k.starts_with("berth.") || k.as_str() == "berth.test")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut mounts: Vec<Value> = c["Mounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::json!([m["Type"], m["Name"], m["Source"], m["Destination"], m["RW"]]))
        .collect();
    mounts.sort_by_key(|m| m.to_string());
    BTreeMap::from([
        ("image", c["Config"]["Image"].clone()),
        ("image id", c["Image"].clone()),
        ("cmd", c["Config"]["Cmd"].clone()),
        ("entrypoint", c["Config"]["Entrypoint"].clone()),
        // The Docker 28 CLI does not keep the order of `--env` options either (seen here:
        // the same command gave both orders); keys are unique, so the order means nothing.
        ("env", sorted(&c["Config"]["Env"])),
        ("labels", serde_json::to_value(labels).unwrap()),
        ("exposed ports", c["Config"]["ExposedPorts"].clone()),
        ("port bindings", c["HostConfig"]["PortBindings"].clone()),
        ("restart", c["HostConfig"]["RestartPolicy"].clone()),
        ("memory", c["HostConfig"]["Memory"].clone()),
        ("nano cpus", c["HostConfig"]["NanoCpus"].clone()),
        // The CLI collects `-v` options in a map, so their order is not kept; it means nothing.
        ("binds", sorted(&c["HostConfig"]["Binds"])),
        ("network", c["HostConfig"]["NetworkMode"].clone()),
        ("auto remove", c["HostConfig"]["AutoRemove"].clone()),
        ("mounts", Value::Array(mounts)),
    ])
}

fn sorted(list: &Value) -> Value {
    let mut items = list.as_array().cloned().unwrap_or_default();
    items.sort_by_key(Value::to_string);
    Value::Array(items)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shown_docker_run_command_makes_the_same_container() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-cli");
    let engine = connect().await?;
    let volume = format!("berth-{}-shared", run.id());
    let host_dir = tempfile::tempdir()?;
    // Everything but per-replica values (names, incremented host ports) must match: random
    // host ports and a shared volume keep the two replicas' settings identical.
    for (options, restart, auto_remove) in [
        ("with limits", "on-failure:3", false),
        ("auto-remove", "", true),
    ] {
        let req = request(
            &run,
            2,
            LaunchRequest {
                command: r#"sh -c 'echo "it'\''s $GREETING"; exec httpd -f -p 8080'"#.into(),
                env: "GREETING=hello world\nQUOTE=it's \"quoted\" $HOME".into(),
                ports: "127.0.0.1::8080, 5353/udp".into(),
                volumes: format!("{volume}:/data\n{}:/host:ro", host_dir.path().display()),
                labels: format!("team=web\nnote=a b;c\nkind={options}"),
                restart: restart.into(),
                memory: "64m".into(),
                cpus: "0.5".into(),
                network: "bridge".into(),
                auto_remove,
                ..Default::default()
            },
        );
        let plan = plan(&engine, &req).await;
        // Replica 1 through Berth.
        let mut berth_only = plan.clone();
        berth_only.replicas.truncate(1);
        let outcome = run_launch(
            &engine,
            &berth_only,
            Arc::new(Recorder::default()),
            CancellationToken::new(),
            &LaunchOptions::default(),
        )
        .await;
        let berth_id = outcome
            .running_ids()
            .pop()
            .ok_or_else(|| format!("{:?}", outcome.replicas))?;
        // Replica 2 through the docker CLI, from the line the dialog shows (read back with
        // a shell-words splitter, then run as argv: no shell involved).
        let line = docker_run_line(&plan.replicas[1]);
        let argv = shell::split(&line)?;
        assert_eq!(argv, docker_run_argv(&plan.replicas[1]));
        assert_eq!(argv[0], "docker");
        let args: Vec<String> = argv[1..].to_vec();
        let cli_id = blocking(move || docker(&args))
            .await?
            .lines()
            .last()
            .unwrap_or_default()
            .to_string();

        let berth = config_fields(&inspect(berth_id.into_string()).await);
        let cli = config_fields(&inspect(cli_id).await);
        for (field, value) in &berth {
            assert_eq!(
                Some(value),
                cli.get(field),
                "{options}: {field} differs\nBerth: {value}\nCLI:   {:?}",
                cli.get(field)
            );
        }
        assert_eq!(
            berth["restart"]["Name"],
            if restart.is_empty() {
                "no"
            } else {
                "on-failure"
            }
        );
        assert_eq!(berth["memory"], 64 << 20);
    }
    drop(run);
    let _ = blocking(move || docker(["volume", "rm", &volume])).await;
    Ok(())
}

/// Issue #14: one replica named without `{n}` is created with exactly that name; launching it
/// again is a form error on the name field, found before anything is created; growing its
/// group numbers the new member after it (`<name>-2`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_keeps_an_exact_name_and_a_taken_one_is_a_form_error() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-exact");
    let engine = connect().await?;
    let exact = format!("exact-{}", run.id());
    let req = LaunchRequest {
        name_pattern: exact.clone(),
        ..request(&run, 1, LaunchRequest::default())
    };
    let plan = plan(&engine, &req).await;
    let opts = LaunchOptions::default();
    let outcome = run_launch(
        &engine,
        &plan,
        Arc::new(Recorder::default()),
        CancellationToken::new(),
        &opts,
    )
    .await;
    assert_eq!(outcome.running_ids().len(), 1, "{:?}", outcome.replicas);
    let c = inspect(outcome.running_ids()[0].clone().into_string()).await;
    assert_eq!(c["Name"], format!("/{exact}"));

    // The same exact name again: refused on the name field, in words, and nothing created.
    let filter = run.filter();
    let count = || {
        let filter = filter.clone();
        blocking(move || docker(["ps", "-aq", "--filter", &filter]))
    };
    let before = count().await?;
    match plan_launch(&engine, &req, &new_group_id()).await {
        Err(PlanError::Invalid(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(
                errors[0].field,
                berth_core::domain::launch::LaunchField::NamePattern
            );
            assert!(
                errors[0]
                    .message
                    .contains(&format!("already a container named {exact}")),
                "{}",
                errors[0].message
            );
        }
        other => panic!("expected a name error, got {other:?}"),
    }
    assert_eq!(count().await?, before, "a refused launch creates nothing");

    // One more in the exact-named group: numbered after it, not refused for the taken name.
    let up = scale_group(
        &engine,
        &plan.group,
        ScaleTo::keeping_volumes(Replicas::new(2)?),
        Arc::new(Recorder::default()),
        CancellationToken::new(),
        &opts,
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    let launch = up.launch.unwrap();
    assert_eq!(launch.running_ids().len(), 1, "{:?}", launch.replicas);
    assert_eq!(launch.replicas[0].name, format!("{exact}-2"));
    assert_eq!(launch.replicas[0].replica, 2);
    Ok(())
}
