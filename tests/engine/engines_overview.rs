//! Several engines side by side: the local engine (active) and a second dockerd, each with a
//! live status and running/total counts that follow changes on that engine.

use std::sync::Arc;
use std::time::{Duration, Instant};

use berth_core::domain::engines::{EngineConfig, EngineOverview, EnginesSetup, LOCAL_ENGINE};
use berth_core::domain::EngineStatus;
use berth_core::engine::resolve_endpoint;
use berth_core::services::engines::EngineManager;
use berth_core::services::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use berth_tests::docker_cli::docker;
use berth_tests::extra_dockerd::ExtraDockerd;
use berth_tests::fixtures::{ensure_test_images, BUSYBOX_IMAGE};
use berth_tests::image_copy::copy_image;
use tokio_util::sync::CancellationToken;

use crate::{blocking, TestResult};

struct Quiet;
impl WatchSink for Quiet {
    fn status_changed(&self, _: &EngineStatus) {}
    fn inventory_changed(&self) {}
}

fn config(name: &str, endpoint: &str) -> EngineConfig {
    EngineConfig {
        name: name.into(),
        endpoint: endpoint.into(),
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        ssh_config: None,
        origin: String::new(),
    }
}

/// Polls the overview until `want` holds for it (the manager updates from engine events).
async fn overview_until(
    manager: &Arc<EngineManager>,
    what: &str,
    want: impl Fn(&[EngineOverview]) -> bool,
) -> TestResult<Vec<EngineOverview>> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rows = manager.overview();
        if want(&rows) {
            return Ok(rows);
        }
        if Instant::now() > deadline {
            return Err(format!("overview never showed {what}: {rows:#?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn row<'a>(rows: &'a [EngineOverview], name: &str) -> Option<&'a EngineOverview> {
    rows.iter().find(|r| r.name == name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_side_by_side_with_live_counts() -> TestResult {
    blocking(ensure_test_images).await?;
    let daemon = blocking(|| ExtraDockerd::start("side", &[])).await?;
    let host = daemon.host();
    {
        let host = host.clone();
        blocking(move || {
            copy_image(
                BUSYBOX_IMAGE,
                &[
                    "docker".into(),
                    "-H".into(),
                    host.clone().into(),
                    "load".into(),
                ],
                &[],
            )?;
            docker(["-H", &host, "create", BUSYBOX_IMAGE, "true"])
        })
        .await?;
    }

    let cancel = CancellationToken::new();
    let _stop = cancel.clone().drop_guard();
    let local = resolve_endpoint()?;
    let main = Arc::new(EngineHub::new(&local.uri));
    let resolver = Arc::new(resolve_endpoint);
    tokio::spawn(run_watcher(
        main.clone(),
        Arc::new(Quiet),
        WatcherConfig::new(resolver.clone()),
        cancel.clone(),
    ));
    let manager = EngineManager::new(
        main,
        resolver,
        cancel.clone(),
        tokio::runtime::Handle::current(),
    );
    manager.apply(EnginesSetup {
        engines: vec![config("side", &host)],
        active: None,
    });

    let rows = overview_until(&manager, "both connected with counts", |rows| {
        rows.iter()
            .all(|r| matches!(r.status, EngineStatus::Connected { .. }) && r.total.is_some())
            && rows.len() == 2
    })
    .await?;
    let local_row = row(&rows, LOCAL_ENGINE).ok_or("no local row")?;
    assert!(local_row.active);
    let side = row(&rows, "side").ok_or("no side row")?;
    assert!(!side.active);
    assert_eq!((side.running, side.total), (Some(0), Some(1)), "{side:?}");
    let EngineStatus::Connected { info } = &side.status else {
        unreachable!()
    };
    assert_eq!(info.engine_name, "side");

    // A change on the second engine shows up in its counts, from its own event stream.
    let h = host.clone();
    let sleeper = blocking(move || {
        docker([
            "-H",
            &h,
            "run",
            "-d",
            "--network",
            "none",
            BUSYBOX_IMAGE,
            "sleep",
            "300",
        ])
    })
    .await?;
    overview_until(&manager, "side: 1 running of 2", |rows| {
        row(rows, "side").is_some_and(|r| (r.running, r.total) == (Some(1), Some(2)))
    })
    .await?;

    // Making "side" active stops its own watcher: the app's hub takes over (in the app, the
    // main watcher reconnects to it); "local" is then watched side by side.
    manager.apply(EnginesSetup {
        engines: vec![config("side", &host)],
        active: Some("side".into()),
    });
    assert_eq!(manager.active_endpoint()?.uri, host);
    assert!(manager.hub("side").is_none());
    overview_until(&manager, "local watched on its own", |rows| {
        row(rows, LOCAL_ENGINE).is_some_and(|r| {
            !r.active && matches!(r.status, EngineStatus::Connected { .. }) && r.total.is_some()
        })
    })
    .await?;

    cancel.cancel();
    // Removed now: a stopping daemon would wait 10 s for `sleep` to ignore SIGTERM.
    let h = host.clone();
    blocking(move || docker(["-H", &h, "rm", "-f", sleeper.trim()])).await?;
    drop(daemon);
    Ok(())
}
