//! The watcher against the real engine: it reports `connected`, then an inventory change
//! within 2 s of `docker run` and again of `docker rm -f`.

use std::sync::Arc;
use std::time::Duration;

use berth_core::domain::reconnect::ReconnectPolicy;
use berth_core::domain::EngineStatus;
use berth_core::engine::resolve_endpoint;
use berth_core::services::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::time::{timeout, timeout_at, Instant};
use tokio_util::sync::CancellationToken;

use crate::{blocking, TestResult};

/// The longest a change may take to reach the UI.
const PROMPT: Duration = Duration::from_secs(2);

// A handful of messages per test: their size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub(crate) enum Seen {
    Status(EngineStatus),
    InventoryChanged,
}

/// Records what the watcher reports, with the moment it did.
pub(crate) struct Recorder(UnboundedSender<(Instant, Seen)>);

impl Recorder {
    pub(crate) fn new() -> (Arc<Self>, UnboundedReceiver<(Instant, Seen)>) {
        let (tx, rx) = unbounded_channel();
        (Arc::new(Self(tx)), rx)
    }
}

impl WatchSink for Recorder {
    fn status_changed(&self, status: &EngineStatus) {
        let _ = self.0.send((Instant::now(), Seen::Status(status.clone())));
    }

    fn inventory_changed(&self) {
        let _ = self.0.send((Instant::now(), Seen::InventoryChanged));
    }
}

/// Swallows reports until none came for `quiet` (the watcher replays the last seconds of
/// events when it subscribes, and one `docker run` is several events).
async fn settle(rx: &mut UnboundedReceiver<(Instant, Seen)>, quiet: Duration) {
    let give_up = Instant::now() + Duration::from_secs(10);
    while Instant::now() < give_up {
        match timeout(quiet, rx.recv()).await {
            Ok(Some(_)) => continue,
            _ => return,
        }
    }
}

/// Waits for an `inventory_changed` reported no earlier than `from` and no later than `until`.
async fn expect_change(
    rx: &mut UnboundedReceiver<(Instant, Seen)>,
    from: Instant,
    until: Instant,
    after_what: &str,
) -> TestResult {
    loop {
        match timeout_at(until, rx.recv()).await {
            Ok(Some((at, Seen::InventoryChanged))) if at >= from => return Ok(()),
            Ok(Some((_, Seen::Status(EngineStatus::Connected { .. })))) => continue,
            Ok(Some((_, Seen::Status(status)))) => {
                return Err(
                    format!("the watcher lost the engine after {after_what}: {status:?}").into(),
                )
            }
            Ok(Some(_)) => continue,
            Ok(None) => return Err("the watcher stopped".into()),
            Err(_) => {
                return Err(
                    format!("no inventory change within {PROMPT:?} after {after_what}").into(),
                )
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_reports_connected_then_each_change_within_two_seconds() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = Arc::new(TestRun::new("watcher"));
    let endpoint = resolve_endpoint()?;
    let hub = Arc::new(EngineHub::new(&endpoint.uri));
    let (sink, mut rx) = Recorder::new();
    let cancel = CancellationToken::new();
    let config = WatcherConfig::new(Arc::new(move || Ok(endpoint.clone())));
    let task = tokio::spawn(run_watcher(hub.clone(), sink, config, cancel.clone()));
    // Stops the watcher however this test ends.
    let _stop = cancel.clone().drop_guard();

    let first = timeout(Duration::from_secs(30), rx.recv()).await;
    match first {
        Ok(Some((_, Seen::Status(EngineStatus::Connected { info })))) => {
            assert!(!info.version.is_empty(), "{info:?}");
            assert!(!info.api_version.is_empty(), "{info:?}");
        }
        other => return Err(format!("expected `connected` first, got {other:?}").into()),
    }
    assert!(
        hub.engine().is_ok(),
        "the hub has no engine although connected"
    );
    settle(&mut rx, Duration::from_millis(500)).await;

    let started = Instant::now();
    let container = {
        let run = run.clone();
        blocking(move || run.run("watched", &[], BUSYBOX_IMAGE, &["sleep", "600"])).await?
    };
    expect_change(&mut rx, started, Instant::now() + PROMPT, "docker run").await?;
    settle(&mut rx, Duration::from_millis(500)).await;

    let started = Instant::now();
    let id = container.id.clone();
    blocking(move || docker(["rm", "-f", &id])).await?;
    expect_change(&mut rx, started, Instant::now() + PROMPT, "docker rm -f").await?;

    cancel.cancel();
    timeout(Duration::from_secs(5), task)
        .await
        .map_err(|_| "the watcher did not stop within 5 s of being cancelled")??;
    blocking(move || run.cleanup()).await?;
    Ok(())
}

/// Waits for a status report matching `want`, skipping others; fails after `within`.
async fn expect_status(
    rx: &mut UnboundedReceiver<(Instant, Seen)>,
    within: Duration,
    what: &str,
    want: impl Fn(&EngineStatus) -> bool,
) -> TestResult<EngineStatus> {
    let until = Instant::now() + within;
    let mut seen = Vec::new();
    loop {
        match timeout_at(until, rx.recv()).await {
            Ok(Some((_, Seen::Status(status)))) if want(&status) => return Ok(status),
            Ok(Some((_, other))) => seen.push(format!("{other:?}")),
            Ok(None) => return Err("the watcher stopped".into()),
            Err(_) => {
                return Err(format!("no {what} within {within:?}; saw {seen:?}").into());
            }
        }
    }
}

/// Issue #6: a new engine endpoint (from Settings) takes effect at once through
/// `EngineHub::reconnect`: the old connection is dropped, the new endpoint connects (and
/// the lists are invalidated), a bad one reports `unavailable` naming it, and switching
/// back recovers, each without waiting out a reconnect backoff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_endpoint_reconnects_at_once() -> TestResult {
    use berth_core::engine::{Endpoint, EndpointSource};
    use berth_tests::proxy::EngineProxy;

    let real = resolve_endpoint()?;
    let proxy = EngineProxy::new()?;
    proxy.start()?;
    let bad = "unix:///nonexistent/berth-switch-test.sock".to_string();
    let current = Arc::new(std::sync::Mutex::new(real.uri.clone()));
    let hub = Arc::new(EngineHub::new(&real.uri));
    let (sink, mut rx) = Recorder::new();
    let cancel = CancellationToken::new();
    let resolve = {
        let current = current.clone();
        Arc::new(move || {
            let uri = current.lock().map(|u| u.clone()).unwrap_or_default();
            Ok(Endpoint::new(uri, EndpointSource::Settings))
        })
    };
    let mut config = WatcherConfig::new(resolve);
    // A long backoff: the switch must not wait for it.
    config.policy = Some(ReconnectPolicy {
        base: Duration::from_secs(20),
        cap: Duration::from_secs(20),
        stable_after: Duration::from_secs(60),
    });
    let task = tokio::spawn(run_watcher(hub.clone(), sink, config, cancel.clone()));
    let _stop = cancel.clone().drop_guard();
    let is_connected_to = |uri: String| move |s: &EngineStatus| matches!(s, EngineStatus::Connected { info } if info.endpoint == uri);
    expect_status(
        &mut rx,
        Duration::from_secs(30),
        "first connect",
        is_connected_to(real.uri.clone()),
    )
    .await?;
    settle(&mut rx, Duration::from_millis(300)).await;

    let switch = |uri: &str| {
        *current.lock().unwrap() = uri.to_string();
        hub.reconnect();
        // Commands no longer reach the old engine.
        assert!(hub.engine().is_err(), "the old engine is still handed out");
    };
    switch(&proxy.docker_host());
    expect_status(
        &mut rx,
        PROMPT,
        "connecting to the proxy",
        |s| matches!(s, EngineStatus::Connecting { endpoint } if *endpoint == proxy.docker_host()),
    )
    .await?;
    expect_status(
        &mut rx,
        PROMPT,
        "connected through the proxy",
        is_connected_to(proxy.docker_host()),
    )
    .await?;
    // The new engine's lists are asked for.
    let until = Instant::now() + PROMPT;
    loop {
        match timeout_at(until, rx.recv()).await {
            Ok(Some((_, Seen::InventoryChanged))) => break,
            Ok(Some(_)) => continue,
            _ => return Err("no inventory invalidation after the switch".into()),
        }
    }
    assert_eq!(
        hub.engine()?.endpoint().uri,
        proxy.docker_host(),
        "the hub hands out the new engine"
    );

    switch(&bad);
    let down = expect_status(&mut rx, PROMPT, "unavailable", |s| {
        matches!(s, EngineStatus::Unavailable { .. })
    })
    .await?;
    let EngineStatus::Unavailable { problem } = down else {
        unreachable!()
    };
    assert_eq!(problem.endpoint, bad);
    assert!(!problem.message.is_empty(), "{problem:?}");
    assert!(hub.engine().is_err());

    // Back to the real engine while the watcher sits in its (20 s) backoff.
    switch(&real.uri);
    expect_status(
        &mut rx,
        PROMPT,
        "connected again",
        is_connected_to(real.uri.clone()),
    )
    .await?;
    assert!(hub.engine().is_ok());

    cancel.cancel();
    timeout(Duration::from_secs(5), task)
        .await
        .map_err(|_| "the watcher did not stop within 5 s of being cancelled")??;
    proxy.stop().await;
    Ok(())
}
