//! The first-run path on an engine with NO images (a second, empty dockerd): the demo image
//! is built offline from the bundled Dockerfile and the host's static busybox, then three
//! containers are launched from it, each with its own (empty) writable layer.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use berth_core::domain::first_run::{DEMO_TAG, HOST_BUSYBOX};
use berth_core::domain::launch::LaunchRequest;
use berth_core::engine::{Endpoint, EndpointSource, Engine, EngineError};
use berth_core::services::first_run::build_demo_image;
use berth_core::services::launch::{
    new_group_id, plan_launch, run_launch, LaunchOptions, PlanError,
};
use berth_core::services::sink::Discard;
use berth_tests::extra_dockerd::ExtraDockerd;
use berth_tests::fixtures::run_id;
use tokio_util::sync::CancellationToken;

use crate::{blocking, TestResult};

async fn connect_to(host: &str) -> TestResult<Engine> {
    let endpoint = Endpoint::new(host, EndpointSource::DockerHost);
    Ok(Engine::connect(&endpoint).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_engine_gets_a_demo_image_and_three_houses() -> TestResult {
    let name = format!("bfr-{}", run_id().replace('-', ""));
    let name = name[..name.len().min(24)].to_string();
    let daemon = blocking(move || ExtraDockerd::start(&name, &[])).await?;
    // The shared daemon's bridge must survive a second daemon (`--bridge=none` deleted it).
    let docker0 = || std::path::Path::new("/sys/class/net/docker0").exists();
    assert!(docker0(), "docker0 is gone after starting the extra daemon");
    let engine = connect_to(&daemon.host()).await?;
    assert!(
        engine.list_images().await?.is_empty(),
        "the extra engine starts empty"
    );

    // A path that is not there: refused with the reason, nothing built.
    let err = build_demo_image(&engine, "/nonexistent/busybox")
        .await
        .unwrap_err();
    assert!(matches!(err, EngineError::BadRequest { .. }), "{err}");
    assert!(err.to_string().contains("busybox-static"), "{err}");
    assert!(engine.list_images().await?.is_empty());

    let demo = build_demo_image(&engine, HOST_BUSYBOX).await?;
    assert_eq!(demo.tag, DEMO_TAG);
    assert_eq!(
        demo.command,
        format!("docker build -t {DEMO_TAG} berth-demo")
    );
    let images = engine.list_images().await?;
    assert_eq!(images.len(), 1, "{images:?}");
    assert_eq!(images[0].id, demo.image_id);
    assert_eq!(images[0].tags, [DEMO_TAG]);

    let req = LaunchRequest {
        image: DEMO_TAG.into(),
        replicas: "3".into(),
        name_pattern: "house-{n}".into(),
        ..Default::default()
    };
    let plan = match plan_launch(&engine, &req, &new_group_id()).await {
        Ok(p) => p,
        Err(PlanError::Invalid(e)) => panic!("invalid: {e:?}"),
        Err(e) => panic!("{e}"),
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
    assert_eq!(ids.len(), 3, "{:?}", outcome.replicas);
    // Still one image; three containers, each with an untouched writable layer and a process.
    assert_eq!(engine.list_images().await?.len(), 1);
    assert_eq!(engine.list_containers().await?.len(), 3);
    for id in &ids {
        let layer = engine.writable_layer(id).await?;
        assert_eq!(layer.image_id, demo.image_id);
        let life = engine.container_life(id).await?;
        assert!(life.running && !life.processes.is_empty(), "{life:?}");
    }
    drop(engine);
    drop(daemon);
    assert!(docker0(), "docker0 is gone after stopping the extra daemon");
    Ok(())
}
