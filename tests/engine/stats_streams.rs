//! The stats hub streams what is charted on Docker (issue #17): one `stream=true` connection
//! per charted container, about one point a second, no one-shot polls for it, and the stream
//! closed when the chart closes or the container stops.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use berth_core::services::stats::{now_ms, streams_are_cheaper, StatsConfig, StatsHub};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

use crate::stats::Keep;
use crate::{blocking, connect, TestResult};

/// Waits (bounded) until `ok` holds; returns whether it did.
async fn until(limit: Duration, ok: impl Fn() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while !ok() {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charted_container_is_streamed_once_a_second_and_closed_after_unwatch() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("stats-stream");
    let c = run.run(
        "s",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "while true; do echo x > /dev/null; sleep 1; done",
        ],
    )?;
    let engine = connect().await?;
    assert!(
        streams_are_cheaper(engine.info(), Duration::from_secs(1)),
        "these tests run on Docker, where charts stream: {:?}",
        engine.info().flavor
    );
    let hub = Arc::new(StatsHub::new(StatsConfig::default()));
    let cancel = CancellationToken::new();
    let task = {
        let engine = engine.clone();
        tokio::spawn(hub.clone().run(move || Ok(engine.clone()), cancel.clone()))
    };

    let sink = Arc::new(Keep::default());
    let key = hub.subscribe(vec![c.id.clone()], false, sink.clone());
    assert!(
        until(Duration::from_secs(5), || hub.live_streams() == 1).await,
        "no stream opened for the charted container"
    );
    // Past the first bodies (the first has no previous sample), then 10 s counted.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (t0, polls0) = (now_ms(), hub.polls());
    tokio::time::sleep(Duration::from_secs(10)).await;
    let t1 = now_ms();
    let points: Vec<_> = sink
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|u| u.id == c.id)
        .flat_map(|u| u.points.clone())
        .filter(|p| p.t > t0 && p.t <= t1)
        .collect();
    assert!(
        (8..=12).contains(&points.len()),
        "{} points in 10 s from the stream (about one a second expected)",
        points.len()
    );
    assert!(points.windows(2).all(|w| w[0].t < w[1].t), "in order");
    assert!(
        points
            .iter()
            .all(|p| p.mem > 0 && p.pids >= 1 && p.cpu >= 0.0),
        "real figures: {points:?}"
    );
    assert_eq!(
        hub.polls(),
        polls0,
        "a streamed chart makes no one-shot poll"
    );
    assert_eq!((hub.streams_open(), hub.live_streams()), (1, 1));

    // The chart closes (or the window hides: it unsubscribes the same way): the stream's
    // task ends, which drops its connection.
    hub.unsubscribe(key);
    assert_eq!(hub.streams_open(), 0);
    assert!(
        until(Duration::from_secs(3), || hub.live_streams() == 0).await,
        "the stream's task still runs after unwatch"
    );
    let after = sink.0.lock().unwrap().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.0.lock().unwrap().len(), after, "points after unwatch");

    // Charted again, then the container stops: its stream closes and it is left to polls,
    // which see it gone (its series goes), and no stream stays open on it.
    let sink = Arc::new(Keep::default());
    let key = hub.subscribe(vec![c.id.clone()], false, sink.clone());
    assert!(until(Duration::from_secs(5), || !hub.history(&c.id).is_empty()).await);
    assert!(
        until(Duration::from_secs(10), || sink.0.lock().unwrap().len()
            >= 2)
        .await
    );
    let id = c.id.clone();
    blocking(move || docker(["stop", "-t", "0", &id])).await?;
    assert!(
        until(Duration::from_secs(15), || hub.live_streams() == 0
            && hub.history(&c.id).is_empty())
        .await,
        "after the stop: {} stream tasks, {} points kept",
        hub.live_streams(),
        hub.history(&c.id).len()
    );
    hub.unsubscribe(key);
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), task).await??;
    assert_eq!(hub.live_streams(), 0);
    Ok(())
}
