//! Launching an image the engine does not have: the preview plans a pull first (with its
//! `docker pull`), the launch pulls it from a loopback registry with progress and then runs
//! the replicas; a pull that fails (a registry that is not there) fails the launch with the
//! pull's message, and nothing is created.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use berth_core::domain::launch::{LaunchField, LaunchRequest};
use berth_core::domain::pull::PullProgress;
use berth_core::services::launch::{
    launch, new_group_id, preview_launch, LaunchOptions, PlanError, ReplicaPhase, ReplicaProgress,
};
use berth_core::services::sink::Sink;
use berth_tests::docker_cli::image_id;
use berth_tests::fixtures::{ensure_test_images, TestRun};
use berth_tests::registry::{free_port, LocalRegistry};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

#[derive(Default)]
struct Batches(Mutex<Vec<Vec<ReplicaProgress>>>);

impl Sink<Vec<ReplicaProgress>> for Batches {
    fn send(&self, batch: Vec<ReplicaProgress>) -> bool {
        self.0.lock().unwrap().push(batch);
        true
    }
}

#[derive(Default)]
struct Pulls(Mutex<Vec<PullProgress>>);

impl Sink<PullProgress> for Pulls {
    fn send(&self, progress: PullProgress) -> bool {
        self.0.lock().unwrap().push(progress);
        true
    }
}

fn request(run: &TestRun, image: &str, replicas: u32) -> LaunchRequest {
    LaunchRequest {
        image: image.into(),
        replicas: replicas.to_string(),
        name_pattern: format!("{}-{{n}}", run.name("p")),
        command: "sleep 600".into(),
        labels: run.label(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_image_is_pulled_first_then_launched() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-pull");
    let engine = connect().await?;
    let registry = LocalRegistry::start()?;
    let remote = registry.push_fresh_image(&run, "berth/launch-pull:v1", &[512, 1024])?;
    assert_eq!(image_id(&remote)?, None, "{remote} should be gone locally");
    let req = request(&run, &remote, 2);
    let group = new_group_id();

    let preview = preview_launch(&engine, &req, &group).await?;
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    let pull = preview.pull.clone().expect("the preview plans a pull");
    assert_eq!(pull.reference, remote);
    assert_eq!(pull.registry, registry.host());
    assert_eq!(preview.commands[0], format!("docker pull {remote}"));
    assert_eq!(preview.commands.len(), 3, "{:?}", preview.commands);
    assert!(preview.commands[1].starts_with("docker run"));

    let batches = Arc::new(Batches::default());
    let pulls = Arc::new(Pulls::default());
    let outcome = launch(
        &engine,
        &req,
        &group,
        batches.clone(),
        pulls.clone(),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await
    .map_err(|e| format!("{e}: {e:?}"))?;
    assert!(!outcome.cancelled);
    assert_eq!(outcome.running_ids().len(), 2, "{:?}", outcome.replicas);
    assert!(image_id(&remote)?.is_some(), "{remote} was pulled");
    {
        let pulls = pulls.0.lock().unwrap();
        assert!(
            pulls.iter().any(|p| !p.layers.is_empty()),
            "pull progress per layer was reported: {pulls:?}"
        );
    }
    assert!(!batches.0.lock().unwrap().is_empty());
    assert_eq!(run.container_ids()?.len(), 2);

    // Now the image is local: no pull any more.
    let again = preview_launch(&engine, &req, &new_group_id()).await?;
    assert_eq!(again.pull, None);
    assert!(again.commands[0].starts_with("docker run"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_pull_fails_the_launch_and_creates_nothing() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-pull-fail");
    let engine = connect().await?;
    let closed = free_port()?;
    let unreachable = format!("127.0.0.1:{closed}/berth/app:v1");
    let req = request(&run, &unreachable, 2);
    let group = new_group_id();

    let preview = preview_launch(&engine, &req, &group).await?;
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    assert_eq!(preview.pull.map(|p| p.reference), Some(unreachable.clone()));

    let batches = Arc::new(Batches::default());
    let result = launch(
        &engine,
        &req,
        &group,
        batches.clone(),
        Arc::new(Pulls::default()),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await;
    let Err(PlanError::Engine(e)) = result else {
        panic!("the launch should fail with the pull's error: {result:?}");
    };
    let text = e.to_string();
    assert!(
        // The pull's error in people's words (domain/plain_words).
        text.contains(&unreachable) && text.contains("refused the connection"),
        "{text}"
    );
    assert!(
        batches.0.lock().unwrap().is_empty(),
        "no replica was started"
    );
    assert!(run.container_ids()?.is_empty(), "nothing was created");

    // A malformed reference, or an image ID that is not there, stays a field error.
    for bad in [
        "Berth/Bad:1",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ] {
        let preview = preview_launch(&engine, &request(&run, bad, 1), &new_group_id()).await?;
        assert_eq!(preview.pull, None, "{bad}");
        assert!(
            preview.errors.iter().any(|e| e.field == LaunchField::Image),
            "{bad}: {:?}",
            preview.errors
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_during_the_pull_leaves_nothing() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("launch-pull-cancel");
    let engine = connect().await?;
    let registry = LocalRegistry::start()?;
    let remote = registry.push_fresh_image(&run, "berth/launch-cancel:v1", &[64 * 1024])?;
    let req = request(&run, &remote, 2);
    let cancel = CancellationToken::new();
    let canceller = cancel.clone();
    let pulls = Arc::new(CancelOnProgress(canceller));
    let outcome = launch(
        &engine,
        &req,
        &new_group_id(),
        Arc::new(Batches::default()),
        pulls,
        cancel,
        &LaunchOptions::default(),
    )
    .await
    .map_err(|e| format!("{e}: {e:?}"))?;
    assert!(outcome.cancelled);
    assert!(
        outcome
            .replicas
            .iter()
            .all(|r| r.phase == ReplicaPhase::Skipped && r.container_id.is_none()),
        "{:?}",
        outcome.replicas
    );
    assert!(run.container_ids()?.is_empty(), "nothing was created");
    assert_eq!(image_id(&remote)?, None, "a cancelled pull tags nothing");
    Ok(())
}

/// Cancels the launch at the first pull progress.
struct CancelOnProgress(CancellationToken);

impl Sink<PullProgress> for CancelOnProgress {
    fn send(&self, _progress: PullProgress) -> bool {
        self.0.cancel();
        true
    }
}
