//! Images against the real engine and a local registry on loopback: pulls with per-layer
//! progress, cancelling a pull, bad references, unknown images and unreachable registries;
//! tagging, removing (in use, forced, unknown) and history.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::domain::pull::{LayerPhase, PullOutcome, PullProgress};
use berth_core::domain::reference::parse_tag_target;
use berth_core::engine::EngineError;
use berth_core::services::pull::{run_pull, PULL_TICK};
use berth_core::services::sink::Sink;
use berth_tests::docker_cli::image_id;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::registry::{free_port, LocalRegistry};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

/// Keeps every snapshot; cancels `cancel` at the first download progress, if given.
struct Recorder {
    snapshots: Mutex<Vec<PullProgress>>,
    cancel_on_download: Option<CancellationToken>,
    saw_download: AtomicBool,
}

impl Recorder {
    fn new(cancel_on_download: Option<CancellationToken>) -> Arc<Self> {
        Arc::new(Self {
            snapshots: Mutex::new(Vec::new()),
            cancel_on_download,
            saw_download: AtomicBool::new(false),
        })
    }
}

impl Sink<PullProgress> for Recorder {
    fn send(&self, p: PullProgress) -> bool {
        let downloading = p
            .layers
            .iter()
            .any(|l| l.phase == LayerPhase::Downloading && l.current > 0);
        if downloading {
            self.saw_download.store(true, Ordering::SeqCst);
            if let Some(c) = &self.cancel_on_download {
                c.cancel();
            }
        }
        self.snapshots.lock().unwrap().push(p.clone());
        true
    }
}

/// An image pushed to `registry` and absent locally (see `LocalRegistry::push_fresh_image`).
async fn pushed_image(
    run: &TestRun,
    registry: &LocalRegistry,
    path: &str,
    sizes_kib: &[u32],
) -> TestResult<String> {
    let remote = registry.push_fresh_image(run, path, sizes_kib)?;
    assert_eq!(image_id(&remote)?, None, "{remote} should be gone locally");
    Ok(remote)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_reports_progress_per_layer() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("images-pull");
    let engine = connect().await?;
    let registry = LocalRegistry::start()?;
    let remote = pushed_image(&run, &registry, "berth/multi:v1", &[1024, 3072, 2048]).await?;
    let sink = Recorder::new(None);
    let outcome = run_pull(
        &engine,
        &remote,
        sink.clone(),
        CancellationToken::new(),
        PULL_TICK,
    )
    .await?;
    let expected_id = image_id(&remote)?.unwrap();
    match outcome {
        PullOutcome::Pulled {
            reference,
            image_id,
            command,
        } => {
            assert_eq!(reference, remote);
            assert_eq!(image_id, expected_id);
            assert_eq!(command, format!("docker pull {remote}"));
        }
        other => panic!("{other:?}"),
    }
    let snapshots = sink.snapshots.lock().unwrap().clone();
    let last = snapshots.last().unwrap();
    // Busybox's layer already exists; the three RUN layers were fetched.
    let fetched: Vec<_> = last
        .layers
        .iter()
        .filter(|l| l.phase == LayerPhase::Complete)
        .collect();
    assert_eq!(fetched.len(), 3, "{:?}", last.layers);
    assert!(last
        .layers
        .iter()
        .any(|l| l.phase == LayerPhase::AlreadyExists));
    assert!(fetched.iter().all(|l| l.total.is_some_and(|t| t > 1000)));
    assert!(
        last.status.contains("Downloaded newer image"),
        "{}",
        last.status
    );
    // Progress arrived in several snapshots, not only at the end.
    assert!(snapshots.len() >= 2, "{} snapshots", snapshots.len());
    let (done, total) = last.bytes();
    assert_eq!(done, total);

    // History: the RUN steps, newest first, with their sizes.
    let history = engine.image_history(&remote).await?;
    let layer2 = history
        .iter()
        .position(|h| h.created_by.contains("layer2.bin"))
        .unwrap();
    let layer0 = history
        .iter()
        .position(|h| h.created_by.contains("layer0.bin"))
        .unwrap();
    assert!(layer2 < layer0, "newest first: {history:?}");
    assert!(history[layer2].size >= 2048 * 1024, "{:?}", history[layer2]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_pull_leaves_no_image() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("images-cancel");
    let engine = connect().await?;
    let registry = LocalRegistry::start()?;
    let remote = pushed_image(&run, &registry, "berth/big:v1", &[96 * 1024]).await?;
    let cancel = CancellationToken::new();
    let sink = Recorder::new(Some(cancel.clone()));
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        run_pull(
            &engine,
            &remote,
            sink.clone(),
            cancel,
            Duration::from_millis(20),
        ),
    )
    .await??;
    assert!(
        matches!(outcome, PullOutcome::Cancelled { .. }),
        "{outcome:?}"
    );
    assert!(sink.saw_download.load(Ordering::SeqCst));
    // Give the engine a moment to abandon it, then check nothing was tagged.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(image_id(&remote)?, None, "the cancelled pull left {remote}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_pulls_fail_cleanly_with_a_clear_message() -> TestResult {
    let engine = connect().await?;
    let registry = LocalRegistry::start()?;
    let none = || Recorder::new(None);
    let token = CancellationToken::new;

    let bad = run_pull(&engine, "Not A Ref", none(), token(), PULL_TICK).await;
    match bad {
        Err(EngineError::BadRequest { message }) => {
            assert!(message.contains("“Not A Ref”"), "{message}")
        }
        other => panic!("{other:?}"),
    }

    let unknown = format!("{}/berth/nothing-here:v9", registry.host());
    let err = run_pull(&engine, &unknown, none(), token(), PULL_TICK)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&unknown), "{err}");
    assert!(
        matches!(
            err,
            EngineError::NotFound { .. } | EngineError::Stream { .. }
        ),
        "{err:?}"
    );
    assert_eq!(image_id(&unknown)?, None);

    let closed = free_port()?;
    let unreachable = format!("127.0.0.1:{closed}/berth/app:v1");
    let err = run_pull(&engine, &unreachable, none(), token(), PULL_TICK)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&unreachable) && text.contains(&format!("127.0.0.1:{closed}")),
        "{text}"
    );
    // In people's words since #14: "... refused the connection (nothing answers there)".
    assert!(text.contains("refused"), "{text}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_remove_and_in_use_images() -> TestResult {
    let images = blocking(ensure_test_images).await?;
    let run = TestRun::new("images-tag");
    let engine = connect().await?;

    // Tag a fixture image; the new tag names the same image.
    let target = format!("berth-test/tagged:{}", run.id());
    engine
        .tag_image(BUSYBOX_IMAGE, &parse_tag_target(&target)?)
        .await?;
    run.tag(BUSYBOX_IMAGE, &target)?; // owned by the run for cleanup
    assert_eq!(image_id(&target)?, Some(images.busybox.clone()));
    let missing = engine
        .tag_image("berth-test/no-such:image", &parse_tag_target(&target)?)
        .await;
    assert!(
        matches!(missing, Err(EngineError::NotFound { .. })),
        "{missing:?}"
    );

    // An image of our own, used by a container: refused, naming the container.
    let own = format!("berth-test/own:{}", run.id());
    let own_id = run.build_image(&own, &format!("FROM {BUSYBOX_IMAGE}\nLABEL own=1\n"))?;
    let user = run.create("user", &[], &own, &["true"])?;
    let err = engine.remove_image(&own, false).await.unwrap_err();
    assert!(matches!(err, EngineError::Conflict { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&user.name) && err.to_string().contains(&own),
        "{err}"
    );
    assert_eq!(image_id(&own)?, Some(own_id.clone()));

    // Forced: the engine untags it (a stopped container still holds the image itself).
    let forced = engine.remove_image(&own, true).await?;
    assert_eq!(forced.command, format!("docker rmi -f {own}"));
    assert!(forced.untagged.iter().any(|u| u == &own), "{forced:?}");
    assert_eq!(image_id(&own)?, None);

    // Removing an unused tag only untags; an unknown image is a named not-found.
    let result = engine.remove_image(&target, false).await?;
    assert_eq!(result.untagged, std::slice::from_ref(&target));
    assert!(result.deleted.is_empty());
    assert_eq!(image_id(BUSYBOX_IMAGE)?, Some(images.busybox));
    let err = engine
        .remove_image("berth-test/no-such:image", false)
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::NotFound { .. }));
    assert!(
        err.to_string().contains("berth-test/no-such:image"),
        "{err}"
    );
    Ok(())
}
