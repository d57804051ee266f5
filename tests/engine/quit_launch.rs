//! Quitting while a launch runs (issue #13), through the same registry and `settle` the app
//! uses: "roll back and quit" leaves no member of the half-made group (and removes only what
//! the launch itself made: a container that merely carries the group's label stays);
//! "finish, then quit" leaves every member running.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use berth_core::domain::ids::{GroupId, Ticket};
use berth_core::domain::launch::{LaunchRequest, LABEL_GROUP};
use berth_core::engine::Engine;
use berth_core::services::launch::quit::{in_flight, settle, LaunchInFlight, QuitChoice};
use berth_core::services::launch::{
    launch, new_group_id, LaunchOptions, LaunchOutcome, PlanError, ReplicaPhase,
};
use berth_core::services::sink::Discard;
use berth_core::services::streams::{Running, StreamRegistry};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

const REPLICAS: usize = 24;

/// Starts a launch of `REPLICAS` replicas in `launches` the way the app's `launch` command
/// does (two at a time, so it is still running when the quit comes).
fn start(
    engine: &Engine,
    launches: &StreamRegistry,
    run: &TestRun,
    group: &GroupId,
) -> Running<Result<LaunchOutcome, PlanError>> {
    let request = LaunchRequest {
        image: APP_IMAGE.into(),
        replicas: REPLICAS.to_string(),
        name_pattern: format!("{}-{{n}}", run.name("q")),
        labels: run.label(),
        ..Default::default()
    };
    let (engine, group) = (engine.clone(), group.clone());
    launches.start(
        Ticket::new(format!("quit-{group}")),
        move |cancel| async move {
            let options = LaunchOptions {
                concurrency: 2,
                ..LaunchOptions::default()
            };
            launch(
                &engine,
                &request,
                &group,
                Arc::new(Discard),
                Arc::new(Discard),
                cancel,
                &options,
            )
            .await
        },
    )
}

/// Waits until the book shows the launch has made at least one container: the quit comes
/// mid-launch.
async fn mid_launch(group: &GroupId) -> LaunchInFlight {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(l) = in_flight().into_iter().find(|l| &l.group == group) {
            if !l.created.is_empty() {
                return l;
            }
        }
        assert!(Instant::now() < deadline, "the launch made nothing in 30 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Every container carrying the group's label, as `docker ps -a` lists it: `name state`.
async fn labelled(group: &GroupId) -> Vec<String> {
    let filter = format!("label={LABEL_GROUP}={group}");
    let out = blocking(move || {
        docker([
            "ps",
            "-a",
            "--filter",
            &filter,
            "--format",
            "{{.Names}} {{.State}}",
        ])
    })
    .await
    .unwrap();
    let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_back_at_quit_leaves_no_member_and_only_removes_what_the_launch_made() -> TestResult
{
    blocking(ensure_test_images).await?;
    let engine = connect().await?;
    let run = TestRun::new("quit-rollback");
    let group = new_group_id();
    let launches = StreamRegistry::new(&CancellationToken::new());
    let running = start(&engine, &launches, &run, &group);
    let seen = mid_launch(&group).await;
    assert!(
        seen.created.len() < REPLICAS,
        "the quit came mid-launch: {seen:?}"
    );

    // Not made by the launch, only labelled as if it were (made mid-launch: a group with a
    // member this Berth did not make is not launched into): a roll back must not touch it.
    let label = format!("{LABEL_GROUP}={group}");
    let decoy = run.run(
        "decoy",
        &["--label", &label],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;
    assert!(
        !launches.is_empty(),
        "the launch was still running at the quit"
    );
    assert!(settle(&launches, QuitChoice::RollBack, Duration::from_secs(120)).await);
    assert!(launches.is_empty());
    let outcome = running.join().await?.unwrap();
    assert!(outcome.cancelled);
    assert!(
        outcome
            .replicas
            .iter()
            .all(|r| matches!(r.phase, ReplicaPhase::Removed | ReplicaPhase::Skipped)),
        "{:?}",
        outcome.replicas
    );
    assert_eq!(
        labelled(&group).await,
        [format!("{} running", decoy.name)],
        "no member left, the decoy kept"
    );
    assert!(!in_flight().iter().any(|l| l.group == group));
    run.cleanup()?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finishing_at_quit_leaves_every_member_running() -> TestResult {
    blocking(ensure_test_images).await?;
    let engine = connect().await?;
    let run = TestRun::new("quit-finish");
    let group = new_group_id();
    let launches = StreamRegistry::new(&CancellationToken::new());
    let running = start(&engine, &launches, &run, &group);
    let seen = mid_launch(&group).await;
    assert!(
        seen.created.len() < REPLICAS,
        "the quit came mid-launch: {seen:?}"
    );

    assert!(settle(&launches, QuitChoice::Finish, Duration::from_secs(120)).await);
    let outcome = running.join().await?.unwrap();
    assert!(!outcome.cancelled);
    assert_eq!(outcome.running_ids().len(), REPLICAS);
    let members = labelled(&group).await;
    assert_eq!(members.len(), REPLICAS, "{members:?}");
    assert!(
        members.iter().all(|m| m.ends_with(" running")),
        "{members:?}"
    );
    run.cleanup()?;
    Ok(())
}
