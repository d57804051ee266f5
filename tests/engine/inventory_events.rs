//! The inventory refresh after engine events (issue #17): the hub re-reads only the containers
//! the watcher's events named, into the listing it kept. After each of create, rename, start,
//! stop, remove and an image tag, what the hub gives must equal a fresh full listing (this
//! run's rows, field by field; the status text without its "N seconds ago", which ages), and
//! it must already show the change: a row the refresh failed to re-read would stay stale.
//!
//! Other tests change the engine at the same time, so only this run's objects are compared.

use std::sync::Arc;
use std::time::Duration;

use berth_core::domain::{ContainerState, ContainerSummary, EngineStatus, Inventory};
use berth_core::engine::{resolve_endpoint, Engine};
use berth_core::services::{run_watcher, EngineHub, WatcherConfig};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE, RUN_LABEL};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{timeout, Instant};
use tokio_util::sync::CancellationToken;

use crate::watcher::{Recorder, Seen};
use crate::{blocking, connect, TestResult};

type Reports = UnboundedReceiver<(Instant, Seen)>;

/// The status text without the parts that age: "Exited (0) 3 seconds ago" -> "Exited (0)".
fn lasting(status: &str) -> String {
    const AGING: &[&str] = &[
        "about", "a", "an", "less", "than", "ago", "second", "seconds", "minute", "minutes",
        "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years",
    ];
    status
        .split_whitespace()
        .filter(|w| !(w.chars().all(|c| c.is_ascii_digit()) || AGING.contains(&&*w.to_lowercase())))
        .collect::<Vec<_>>()
        .join(" ")
}

/// This run's containers, by ID, with lasting status texts.
fn ours(inventory: &Inventory, run: &TestRun) -> Vec<ContainerSummary> {
    let mut rows: Vec<ContainerSummary> = inventory
        .containers
        .iter()
        .filter(|c| c.labels.get(RUN_LABEL).map(String::as_str) == Some(run.id()))
        .cloned()
        .map(|mut c| {
            c.status = lasting(&c.status);
            c
        })
        .collect();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows
}

/// The image ID holding `tag`, if any.
fn tagged(inventory: &Inventory, tag: &str) -> Option<String> {
    inventory
        .images
        .iter()
        .find(|i| i.tags.iter().any(|t| t == tag))
        .map(|i| i.id.clone())
}

/// Waits for a watcher report made after `from`.
async fn reported_after(rx: &mut Reports, from: Instant, what: &str) -> TestResult {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(until, rx.recv()).await {
            Ok(Some((at, Seen::InventoryChanged))) if at >= from => return Ok(()),
            Ok(Some(_)) => continue,
            _ => return Err(format!("no report within 5 s of {what}").into()),
        }
    }
}

/// After `what` (done at `from`): the hub's refresh shows `expected` of this run's rows and
/// equals a full listing read right after it.
async fn check(
    hub: &EngineHub,
    engine: &Engine,
    run: &TestRun,
    rx: &mut Reports,
    from: Instant,
    what: &str,
    expected: impl Fn(&Inventory) -> bool,
) -> TestResult {
    reported_after(rx, from, what).await?;
    // The report may come from another test's event just before this one's arrived: a few
    // more refreshes are allowed, but a row the refresh does not re-read never turns right.
    let give_up = Instant::now() + Duration::from_secs(3);
    let incremental = loop {
        let inventory = hub.inventory().await?;
        if expected(&inventory) {
            break inventory;
        }
        if Instant::now() > give_up {
            return Err(format!(
                "after {what}, the refreshed inventory does not show it: {:#?}",
                ours(&inventory, run)
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let full = engine.inventory().await?;
    assert_eq!(
        ours(&incremental, run),
        ours(&full, run),
        "after {what}: refreshed (left) and full listing (right) differ"
    );
    Ok(())
}

fn row<'a>(inventory: &'a Inventory, id: &str) -> Option<&'a ContainerSummary> {
    inventory.containers.iter().find(|c| c.id == id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_after_events_equals_a_full_listing() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = Arc::new(TestRun::new("inventory-events"));
    let endpoint = resolve_endpoint()?;
    let engine = connect().await?;
    let hub = Arc::new(EngineHub::new(&endpoint.uri));
    let (sink, mut rx) = Recorder::new();
    let cancel = CancellationToken::new();
    let config = WatcherConfig::new(Arc::new(move || Ok(endpoint.clone())));
    tokio::spawn(run_watcher(hub.clone(), sink, config, cancel.clone()));
    let _stop = cancel.drop_guard();
    loop {
        match timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some((_, Seen::Status(EngineStatus::Connected { .. })))) => break,
            Ok(Some(_)) => continue,
            other => return Err(format!("the watcher did not connect: {other:?}").into()),
        }
    }
    // The first refresh of a connection lists everything.
    hub.inventory().await?;
    let first = hub.inventory_listings();
    assert!(first.full >= 1, "{first:?}");

    let t = Instant::now();
    let a = {
        let run = run.clone();
        blocking(move || run.create("a", &[], BUSYBOX_IMAGE, &["sleep", "600"])).await?
    };
    let id = a.id.clone();
    check(&hub, &engine, &run, &mut rx, t, "docker create", |i| {
        row(i, &id).is_some()
    })
    .await?;

    let t = Instant::now();
    let renamed = run.name("a-renamed");
    {
        let (id, renamed) = (id.clone(), renamed.clone());
        blocking(move || docker(["rename", &id, &renamed])).await?;
    }
    check(&hub, &engine, &run, &mut rx, t, "docker rename", |i| {
        row(i, &id).is_some_and(|c| c.name == renamed)
    })
    .await?;

    let t = Instant::now();
    {
        let id = id.clone();
        blocking(move || docker(["start", &id])).await?;
    }
    check(&hub, &engine, &run, &mut rx, t, "docker start", |i| {
        row(i, &id).is_some_and(|c| c.state == ContainerState::Running)
    })
    .await?;

    let t = Instant::now();
    {
        let id = id.clone();
        blocking(move || docker(["stop", "-t", "0", &id])).await?;
    }
    check(&hub, &engine, &run, &mut rx, t, "docker stop", |i| {
        row(i, &id).is_some_and(|c| c.state == ContainerState::Exited)
    })
    .await?;

    let t = Instant::now();
    {
        let id = id.clone();
        blocking(move || docker(["rm", &id])).await?;
    }
    check(&hub, &engine, &run, &mut rx, t, "docker rm", |i| {
        row(i, &id).is_none()
    })
    .await?;
    // Container events alone re-read only their containers.
    let partial = hub.inventory_listings().partial;
    assert!(
        partial >= 1,
        "no refresh re-read only the changed containers: {:?}",
        hub.inventory_listings()
    );

    let t = Instant::now();
    let tag = format!("berth-test/inventory-events:{}", run.id());
    {
        let (run, tag) = (run.clone(), tag.clone());
        blocking(move || run.tag(BUSYBOX_IMAGE, &tag)).await?;
    }
    check(&hub, &engine, &run, &mut rx, t, "docker tag", |i| {
        tagged(i, &tag).is_some()
    })
    .await?;
    let full = engine.inventory().await?;
    assert_eq!(tagged(&hub.inventory().await?, &tag), tagged(&full, &tag));
    Ok(())
}

#[test]
fn aging_status_words_are_dropped() {
    assert_eq!(lasting("Exited (0) 3 seconds ago"), "Exited (0)");
    assert_eq!(lasting("Up Less than a second"), "Up");
    assert_eq!(lasting("Up About a minute (healthy)"), "Up (healthy)");
    assert_eq!(lasting("Created"), "Created");
}
