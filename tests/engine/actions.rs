//! Container actions against the real engine: the whole lifecycle (start, stop, restart,
//! pause, unpause, kill, rename, remove with and without force), a bulk action where one
//! container vanished meanwhile, and inspect's summary checked against `docker inspect`.

#![allow(clippy::unwrap_used)]

use berth_core::domain::actions::ContainerAction;
use berth_core::engine::EngineError;
use berth_core::services::actions::{rename, run_action};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

async fn state(id: &str) -> String {
    let id = id.to_string();
    blocking(move || docker(["inspect", "--format", "{{.State.Status}}", &id]))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_lifecycle_of_one_container() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("actions-lifecycle");
    let engine = connect().await?;
    let c = run.run(
        "life",
        &["--stop-timeout", "1"],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;
    let one = [c.id.clone()];
    let steps = [
        (ContainerAction::Stop, "exited", "docker stop"),
        (ContainerAction::Start, "running", "docker start"),
        (ContainerAction::Pause, "paused", "docker pause"),
        (ContainerAction::Unpause, "running", "docker unpause"),
        (ContainerAction::Restart, "running", "docker restart"),
        (ContainerAction::Kill, "exited", "docker kill"),
        (ContainerAction::Start, "running", "docker start"),
        // Starting a running container is not an error.
        (ContainerAction::Start, "running", "docker start"),
    ];
    for (action, expected, cli) in steps {
        let results = run_action(&engine, &one, action).await;
        assert_eq!(results.len(), 1);
        let r = &results[0];
        assert_eq!(r.error, None, "{action:?}");
        assert_eq!(r.name, c.name);
        assert_eq!(r.command, format!("{cli} {}", c.name));
        assert_eq!(state(&c.id).await, expected, "after {action:?}");
    }

    // Renaming: a bad name is refused before the engine is asked; a good one sticks.
    let bad = rename(&engine, &c.id, "no spaces allowed")
        .await
        .unwrap_err();
    assert!(matches!(bad, EngineError::BadRequest { .. }), "{bad}");
    assert!(bad.to_string().contains("no spaces allowed"), "{bad}");
    let new_name = run.name("renamed");
    let cli = rename(&engine, &c.id, &new_name).await?;
    assert_eq!(cli, format!("docker rename {} {new_name}", c.id));
    let id = c.id.clone();
    let name = blocking(move || docker(["inspect", "--format", "{{.Name}}", &id])).await?;
    assert_eq!(name, format!("/{new_name}"));

    // Removing a running container needs force; without it the result says so.
    let results = run_action(
        &engine,
        &one,
        ContainerAction::Remove {
            force: false,
            volumes: false,
        },
    )
    .await;
    let err = results[0].error.clone().unwrap();
    assert!(results[0].conflict);
    assert!(err.contains(&new_name) && err.contains("running"), "{err}");
    assert_eq!(state(&c.id).await, "running");
    let results = run_action(
        &engine,
        &one,
        ContainerAction::Remove {
            force: true,
            volumes: false,
        },
    )
    .await;
    assert_eq!(results[0].error, None);
    assert_eq!(results[0].command, format!("docker rm -f {new_name}"));
    assert!(run.container_ids()?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_action_reports_each_container_even_when_one_vanished() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("actions-bulk");
    let engine = connect().await?;
    let a = run.run(
        "a",
        &["--stop-timeout", "1"],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;
    let b = run.run(
        "b",
        &["--stop-timeout", "1"],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;
    let gone = run.run("gone", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let gone_id = gone.id.clone();
    blocking(move || docker(["rm", "-f", &gone_id])).await?;
    let targets = vec![a.id.clone(), gone.id.clone(), b.id.clone()];
    let results = run_action(&engine, &targets, ContainerAction::Stop).await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].error, None);
    assert_eq!(results[2].error, None);
    let err = results[1].error.clone().unwrap();
    assert!(
        err.contains(&gone.id) && err.contains("no longer exists"),
        "{err}"
    );
    assert_eq!(state(&a.id).await, "exited");
    assert_eq!(state(&b.id).await, "exited");

    // Renaming onto a taken name, or a vanished container: clear, named errors.
    let taken = rename(&engine, &a.id, &b.name).await.unwrap_err();
    assert!(matches!(taken, EngineError::Conflict { .. }), "{taken}");
    assert!(taken.to_string().contains(&b.name), "{taken}");
    let vanished = rename(&engine, &gone.id, &run.name("x")).await.unwrap_err();
    assert!(
        matches!(vanished, EngineError::NotFound { .. }),
        "{vanished}"
    );
    assert!(vanished.to_string().contains(&gone.id), "{vanished}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspect_summarises_what_docker_inspect_says() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("actions-inspect");
    let engine = connect().await?;
    let dir = tempfile::tempdir()?;
    let bind = format!("{}:/data:ro", dir.path().display());
    let c = run.run(
        "web",
        &[
            "-e",
            "GREETING=hello",
            "-p",
            "127.0.0.1::8080",
            "-v",
            &bind,
            "--restart",
            "on-failure:3",
            "--health-cmd",
            "true",
            "--health-interval",
            "1s",
            "--label",
            "tier=front",
        ],
        APP_IMAGE,
        &[],
    )?;
    let d = engine.inspect_container(&c.id).await?;
    assert_eq!(d.name, c.name);
    assert_eq!(d.state, "running");
    assert_eq!(d.exit_code, None);
    assert!(!d.oom_killed);
    assert!(d.env.contains(&"GREETING=hello".to_string()), "{:?}", d.env);
    assert_eq!(d.restart_policy, "on-failure:3");
    assert!(d.labels.contains(&("tier".into(), "front".into())));
    assert_eq!(d.mounts.len(), 1);
    assert_eq!(d.mounts[0].destination, "/data");
    assert!(d.mounts[0].read_only);
    assert_eq!(d.ports.len(), 1);
    assert_eq!(d.ports[0].container_port, 8080);
    assert_eq!(d.ports[0].host_ip.as_deref(), Some("127.0.0.1"));
    assert!(d.ports[0].host_port.is_some());
    assert!(d
        .networks
        .iter()
        .any(|n| n.name == "bridge" && !n.ip_address.is_empty()));
    assert!(d.health.is_some());
    assert_eq!(d.command_line, format!("docker inspect {}", c.name));
    let raw: serde_json::Value = serde_json::from_str(&d.raw_json)?;
    assert_eq!(raw["Id"], c.id.as_str());

    // A container that exited with a code.
    let failed = run.run("exit3", &[], BUSYBOX_IMAGE, &["sh", "-c", "exit 3"])?;
    let id = failed.id.clone();
    blocking(move || docker(["wait", &id])).await?;
    let d = engine.inspect_container(&failed.id).await?;
    assert_eq!(d.state, "exited");
    assert_eq!(d.exit_code, Some(3));
    assert_eq!(d.command, ["sh", "-c", "exit 3"]);

    let missing = engine.inspect_container("berth-no-such-container").await;
    assert!(matches!(missing, Err(EngineError::NotFound { .. })));
    Ok(())
}
