//! Podman and the local dockerd at once: both listed side by side with live counts, replicas
//! launched on Podman by Berth's launcher, and stats read from a Podman container. Podman's
//! Docker-compatible API differs in small ways (Platform name, `localhost/` image names,
//! stats shapes); Berth must handle them, not crash on them.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use berth_core::domain::engines::{EngineConfig, EngineFlavor, EnginesSetup, LOCAL_ENGINE};
use berth_core::domain::launch::{LaunchRequest, LABEL_GROUP};
use berth_core::domain::EngineStatus;
use berth_core::engine::{resolve_endpoint, Endpoint, Engine};
use berth_core::services::engines::EngineManager;
use berth_core::services::launch::{
    new_group_id, plan_launch, remove_launched, run_launch, LaunchOptions,
};
use berth_core::services::sink::Discard;
use berth_core::services::stats::{StatsConfig, StatsHub};
use berth_core::services::{run_watcher, EngineHub, WatchSink, WatcherConfig};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::podman::PodmanService;
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

struct Quiet;
impl WatchSink for Quiet {
    fn status_changed(&self, _: &EngineStatus) {}
    fn inventory_changed(&self) {}
}

fn podman_config(host: &str) -> EngineConfig {
    EngineConfig {
        name: "podman".into(),
        endpoint: host.into(),
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        ssh_config: None,
        origin: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn podman_and_dockerd_at_once_launch_and_stats_on_podman() -> TestResult {
    blocking(ensure_test_images).await?;
    let podman = Arc::new(blocking(PodmanService::start).await?);
    let image = {
        let p = podman.clone();
        blocking(move || p.load_from_docker(BUSYBOX_IMAGE)).await?
    };
    assert_eq!(image, format!("localhost/{BUSYBOX_IMAGE}"));
    let config = podman_config(&podman.host());

    // Both engines side by side: dockerd active, Podman watched, each with live counts.
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
        engines: vec![config.clone()],
        active: None,
    });

    let engine = Engine::connect(&Endpoint::from_config(&config)).await?;
    assert_eq!(
        engine.info().flavor,
        EngineFlavor::Podman,
        "{:?}",
        engine.info()
    );
    assert_eq!(engine.info().product, "Podman Engine");
    assert_eq!(engine.info().engine_name, "podman");
    let docker = connect().await?;
    assert_eq!(docker.info().flavor, EngineFlavor::Docker);

    // Launch three replicas on Podman with the launcher the app uses.
    let run = TestRun::new("podman");
    let req = LaunchRequest {
        image: image.clone(),
        replicas: "3".into(),
        name_pattern: format!("{}-{{n}}", run.name("p")),
        command: "sh -c 'head -c 8388608 /dev/zero > /dev/shm/f; while true; do sleep 1; done'"
            .into(),
        labels: run.label(),
        ..Default::default()
    };
    let plan = match plan_launch(&engine, &req, &new_group_id()).await {
        Ok(plan) => plan,
        Err(e) => return Err(format!("planning on Podman failed: {e:?}").into()),
    };
    let outcome = run_launch(
        &engine,
        &plan,
        Arc::new(Discard),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await;
    let ids: Vec<String> = outcome
        .running_ids()
        .into_iter()
        .map(|id| id.into_string())
        .collect();
    // Whatever happens below, the replicas go.
    struct Cleanup(Arc<PodmanService>, String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            if let Ok(out) = self
                .0
                .podman(&["ps", "-aq", "--filter", &format!("label={}", self.1)])
            {
                for id in out.split_whitespace() {
                    let _ = self.0.podman(&["rm", "-f", "-t", "0", id]);
                }
            }
        }
    }
    let _cleanup = Cleanup(podman.clone(), run.label());
    assert_eq!(ids.len(), 3, "{:?}", outcome.replicas);

    // Podman's own CLI sees them, labelled as Berth's group.
    let listed = {
        let p = podman.clone();
        let label = run.label();
        blocking(move || {
            p.podman(&[
                "ps",
                "-q",
                "--no-trunc",
                "--filter",
                &format!("label={label}"),
            ])
        })
        .await?
    };
    for id in &ids {
        assert!(
            listed.contains(id.as_str()),
            "{id} not in `podman ps`: {listed}"
        );
    }
    // Berth lists them on Podman, with the group label and the localhost/ image name.
    let inventory = engine.inventory().await?;
    let ours: Vec<_> = inventory
        .containers
        .iter()
        .filter(|c| ids.contains(&c.id))
        .collect();
    assert_eq!(ours.len(), 3);
    assert!(ours
        .iter()
        .all(|c| c.state.is_up() && c.labels.contains_key(LABEL_GROUP)));
    assert!(inventory
        .images
        .iter()
        .any(|i| i.tags.iter().any(|t| t == &image)));
    // ... and not on dockerd.
    let on_docker = docker.inventory().await?;
    assert!(!on_docker.containers.iter().any(|c| ids.contains(&c.id)));

    // The overview shows both engines connected, Podman with its three running.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rows = manager.overview();
        let podman_row = rows.iter().find(|r| r.name == "podman");
        let local_row = rows.iter().find(|r| r.name == LOCAL_ENGINE);
        let ok = podman_row.is_some_and(|r| r.running.is_some_and(|n| n >= 3))
            && local_row.is_some_and(|r| r.active && r.total.is_some());
        if ok {
            let EngineStatus::Connected { info } = &podman_row.unwrap().status else {
                panic!("podman row not connected");
            };
            assert_eq!(info.flavor, EngineFlavor::Podman);
            break;
        }
        assert!(Instant::now() < deadline, "overview: {rows:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Stats from a Podman container through the stats hub (two one-shot polls: CPU needs a
    // previous sample).
    let hub = StatsHub::new(StatsConfig::default());
    hub.subscribe(vec![ids[0].clone()], false, Arc::new(Discard));
    hub.round(&engine, true).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    hub.round(&engine, true).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    hub.round(&engine, true).await;
    let points = hub.history(&ids[0]);
    let last = points.last().ok_or("no stats points from Podman")?;
    assert!(
        last.mem >= 8 * 1024 * 1024,
        "the replica holds 8 MiB in /dev/shm: {last:?}"
    );
    assert!(last.pids >= 1, "{last:?}");
    assert!(last.cpu.is_finite() && last.cpu >= 0.0, "{last:?}");

    // The rest of what the views read, on Podman: inspect, logs, image history, prune
    // preview (narrowed to this run's label so nothing else is even considered).
    let details = engine.inspect_container(&ids[0]).await?;
    assert_eq!(details.id, ids[0]);
    assert_eq!(details.state, "running");
    let logs: Vec<_> = {
        use futures_util::StreamExt;
        let req = berth_core::domain::logs::LogRequest {
            tail: Some(10),
            timestamps: true,
            follow: false,
        };
        engine.logs(&ids[0], &req).collect().await
    };
    assert!(logs.iter().all(Result::is_ok), "{logs:?}");
    let history = engine.image_history(&image).await?;
    assert!(!history.is_empty());
    let preview = engine
        .prune_preview(
            berth_core::domain::prune::PruneRequest {
                containers: true,
                dangling_images: false,
                unused_images: false,
            },
            Some(&run.label()),
        )
        .await?;
    // All three are running: nothing of this run is prunable.
    assert!(preview.containers.is_empty(), "{preview:?}");

    // Remove the replicas through Berth, on Podman.
    let errors = remove_launched(&engine, &outcome.running_ids(), 4).await?;
    assert!(errors.is_empty(), "{errors:?}");
    let left = {
        let p = podman.clone();
        let label = run.label();
        blocking(move || p.podman(&["ps", "-aq", "--filter", &format!("label={label}")])).await?
    };
    assert!(left.trim().is_empty(), "left on Podman: {left}");
    Ok(())
}
