//! The tray's actions against the real engine, through the same `tray_action` service the
//! tray's click handler calls, with the string ids the drawn menu carries.

#![allow(clippy::unwrap_used)]

use berth_core::domain::EngineStatus;
use berth_core::services::tray_actions::{tray_action, TrayOutcome};
use berth_core::services::tray_model::{build_tray_menu, ContainerCommand, TrayId, TrayItem};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

fn menu_ids(items: &[TrayItem], out: &mut Vec<String>) {
    for item in items {
        match item {
            TrayItem::Action { id, .. } => out.push(id.encode()),
            TrayItem::Submenu { items, .. } => menu_ids(items, out),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tray_click_stops_and_starts_a_container() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("tray-stop");
    let engine = connect().await?;
    let c = run.run(
        "tray",
        &["--stop-timeout", "1"],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;

    let inventory = engine.inventory().await?;
    let status = EngineStatus::Connected {
        info: engine.info().clone(),
    };
    let menu = build_tray_menu(&status, Some(&inventory));
    let stop = TrayId::Container {
        command: ContainerCommand::Stop,
        id: c.id.clone(),
    }
    .encode();
    let running = inventory
        .containers
        .iter()
        .filter(|c| c.state.is_up())
        .count();
    if running <= berth_core::services::tray_model::MAX_RUNNING {
        let mut ids = Vec::new();
        menu_ids(&menu.items, &mut ids);
        assert!(ids.contains(&stop), "{stop} not in the menu: {ids:?}");
    }

    let outcome = tray_action(Ok(engine.clone()), &stop).await;
    assert!(matches!(outcome, TrayOutcome::Done(_)), "{outcome:?}");
    let id = c.id.clone();
    let state = blocking(move || docker(["inspect", "--format", "{{.State.Status}}", &id])).await?;
    assert_eq!(state.trim(), "exited");

    let start = TrayId::Container {
        command: ContainerCommand::Start,
        id: c.id.clone(),
    }
    .encode();
    let outcome = tray_action(Ok(engine.clone()), &start).await;
    assert!(matches!(outcome, TrayOutcome::Done(_)), "{outcome:?}");
    let id = c.id.clone();
    let state = blocking(move || docker(["inspect", "--format", "{{.State.Status}}", &id])).await?;
    assert_eq!(state.trim(), "running");

    // Window items need no engine; unknown ids are reported, not acted on.
    assert_eq!(
        tray_action(Ok(engine.clone()), "open").await,
        TrayOutcome::ShowWindow
    );
    assert!(matches!(
        tray_action(Ok(engine), "container:explode:x").await,
        TrayOutcome::Unknown(_)
    ));
    run.cleanup()?;
    Ok(())
}
