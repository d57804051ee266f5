//! Issue #16 against the real engine: the watcher tells a launched container's turn to
//! unhealthy once (the notification's source), and not a container Berth did not launch.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::domain::launch::LABEL_GROUP;
use berth_core::domain::EngineStatus;
use berth_core::engine::resolve_endpoint;
use berth_core::services::deaths::ContainerDied;
use berth_core::services::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

use crate::{blocking, TestResult};

#[derive(Default)]
struct Sick(Mutex<Vec<ContainerDied>>);

impl WatchSink for Sick {
    fn status_changed(&self, _status: &EngineStatus) {}
    fn inventory_changed(&self) {}
    fn container_unhealthy(&self, died: &ContainerDied) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(died.clone());
    }
}

impl Sick {
    fn names(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|d| d.name.clone())
            .collect()
    }
}

/// A check every second, unhealthy after one failure.
const CHECK: [&str; 6] = [
    "--health-cmd",
    "cat /ok",
    "--health-interval",
    "1s",
    "--health-retries",
    "1",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launched_container_turning_unhealthy_is_told_once() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = Arc::new(TestRun::new("unhealthy"));
    let endpoint = resolve_endpoint()?;
    let hub = Arc::new(EngineHub::new(&endpoint.uri));
    let sink = Arc::new(Sick::default());
    let cancel = CancellationToken::new();
    let _stop = cancel.clone().drop_guard();
    let config = WatcherConfig::new(Arc::new(move || Ok(endpoint.clone())));
    tokio::spawn(run_watcher(hub, sink.clone(), config, cancel.clone()));

    let cmd = ["sh", "-c", "echo ready > /ok; sleep 600"];
    let (launched, other) = {
        let run = run.clone();
        blocking(move || {
            let group = format!("{LABEL_GROUP}=u2health");
            let mut with_label = CHECK.to_vec();
            with_label.extend(["--label", group.as_str()]);
            let launched = run.run("launched", &with_label, BUSYBOX_IMAGE, &cmd)?;
            let other = run.run("other", &CHECK, BUSYBOX_IMAGE, &cmd)?;
            Ok::<_, berth_tests::docker_cli::CliError>((launched, other))
        })
        .await?
    };
    // Healthy first (one passing check), then both checks fail.
    let healthy = |name: String| {
        move || {
            docker([
                "inspect",
                "--format",
                "{{.State.Health.Status}}",
                name.as_str(),
            ])
        }
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    for name in [&launched.name, &other.name] {
        while blocking(healthy(name.clone())).await?.trim() != "healthy" {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{name} never turned healthy"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    for name in [&launched.name, &other.name] {
        let name = name.clone();
        blocking(move || docker(["exec", &name, "rm", "/ok"])).await?;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while sink.names().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no unhealthy report within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Several more checks fail meanwhile (one a second): still one report, and none for the
    // container Berth did not launch (it is unhealthy too).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        blocking(healthy(other.name.clone())).await?.trim(),
        "unhealthy"
    );
    assert_eq!(sink.names(), std::slice::from_ref(&launched.name));
    let told = sink
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)[0]
        .clone();
    assert!(told.unhealthy && told.group == "u2health", "{told:?}");

    cancel.cancel();
    blocking(move || run.cleanup()).await?;
    Ok(())
}
