//! The tray's actions against the real engine, through the same `tray_action` service the
//! tray's click handler calls, with the string ids the drawn menu carries.

#![allow(clippy::unwrap_used)]

use berth_core::domain::EngineStatus;
use berth_core::services::tray_actions::{tray_action, TrayOutcome};
use berth_core::services::tray_model::{build_tray_menu, ContainerCommand, TrayId, TrayItem};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

pub(crate) fn menu_ids(items: &[TrayItem], out: &mut Vec<String>) {
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
    let menu = build_tray_menu(&status, Some(&inventory), &[]);
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

    let outcome = tray_action(Ok(engine.clone()), &stop, &[]).await;
    assert!(matches!(outcome, TrayOutcome::Done(_)), "{outcome:?}");
    let id = c.id.clone();
    let state = blocking(move || docker(["inspect", "--format", "{{.State.Status}}", &id])).await?;
    assert_eq!(state.trim(), "exited");

    let start = TrayId::Container {
        command: ContainerCommand::Start,
        id: c.id.clone(),
    }
    .encode();
    let outcome = tray_action(Ok(engine.clone()), &start, &[]).await;
    assert!(matches!(outcome, TrayOutcome::Done(_)), "{outcome:?}");
    let id = c.id.clone();
    let state = blocking(move || docker(["inspect", "--format", "{{.State.Status}}", &id])).await?;
    assert_eq!(state.trim(), "running");

    // Window items need no engine; unknown ids are reported, not acted on.
    assert_eq!(
        tray_action(Ok(engine.clone()), "open", &[]).await,
        TrayOutcome::ShowWindow
    );
    assert!(matches!(
        tray_action(Ok(engine.clone()), "container:explode:x", &[]).await,
        TrayOutcome::Unknown(_)
    ));
    run.cleanup()?;
    Ok(())
}

/// "Launch another" from the tray, for a recent image and for a launch group: each click
/// adds one container with the stored form, a fresh name and a free host port, as the
/// launch dialog would plan them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tray_launch_another_reuses_the_last_form_with_fresh_names_and_ports() -> TestResult {
    use berth_core::domain::launch::LaunchRequest;
    use berth_core::domain::settings::Settings;
    use berth_tests::fixtures::APP_IMAGE;

    blocking(ensure_test_images).await?;
    let run = TestRun::new("tray-launch-another");
    let engine = connect().await?;
    // Hold a host port so the planner must move past it, as the dialog does.
    let held = std::net::TcpListener::bind("0.0.0.0:0")?;
    let port = held.local_addr()?.port();
    let pattern = format!("{}-{{n}}", run.name("another"));
    let form = LaunchRequest {
        image: APP_IMAGE.into(),
        replicas: "2".into(),
        name_pattern: pattern.clone(),
        ports: format!("{port}:8080"),
        labels: run.label(),
        env: "GREETING=hello".into(),
        ..Default::default()
    };
    let mut settings = Settings::default();
    // The user ticked "Remember environment values with this image": without it the stored
    // form (and so the replay) has no env values at all (issue #13).
    assert!(settings.remember_launch_choosing(&form, true));

    let status = EngineStatus::Connected {
        info: engine.info().clone(),
    };
    let recent: Vec<String> = settings
        .recent_images
        .iter()
        .map(|r| r.image.clone())
        .collect();
    let menu = build_tray_menu(&status, Some(&engine.inventory().await?), &recent);
    let launch_id = TrayId::LaunchRecent {
        image: APP_IMAGE.into(),
    }
    .encode();
    let mut ids = Vec::new();
    menu_ids(&menu.items, &mut ids);
    assert!(ids.contains(&launch_id), "{launch_id} not in {ids:?}");

    for _ in 0..2 {
        let outcome = tray_action(Ok(engine.clone()), &launch_id, &settings.recent_images).await;
        let TrayOutcome::Launched { request, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        // The app records the stored form again (not the one-replica copy).
        assert_eq!(**request, form);
    }
    let filter = run.filter();
    let out = blocking(move || {
        docker([
            "ps",
            "--filter",
            &filter,
            "--format",
            "{{.Names}} {{.Ports}} {{.Label \"berth.group\"}}",
        ])
    })
    .await?;
    let mut lines: Vec<&str> = out.lines().collect();
    lines.sort();
    assert_eq!(lines.len(), 2, "{out}");
    let first = pattern.replace("{n}", "1");
    let second = pattern.replace("{n}", "2");
    assert!(lines[0].starts_with(&format!("{first} ")), "{out}");
    assert!(lines[1].starts_with(&format!("{second} ")), "{out}");
    // Neither took the held port; they got the next free ones, and differ.
    assert!(!out.contains(&format!(":{port}->")), "{out}");
    let groups: std::collections::BTreeSet<&str> = lines
        .iter()
        .filter_map(|l| l.split(' ').next_back())
        .collect();
    assert_eq!(groups.len(), 2, "each click is a new launch group: {out}");
    let name = first.clone();
    let env = blocking(move || docker(["inspect", "--format", "{{.Config.Env}}", &name])).await?;
    assert!(env.contains("GREETING=hello"), "{env}");

    // The group of the first one: "Launch another" on it adds replica 2 of that group.
    let group = lines[0]
        .split(' ')
        .next_back()
        .unwrap_or_default()
        .to_string();
    let scale = TrayId::ScaleUp {
        group: group.clone().into(),
    }
    .encode();
    let menu = build_tray_menu(&status, Some(&engine.inventory().await?), &recent);
    let mut ids = Vec::new();
    menu_ids(&menu.items, &mut ids);
    assert!(ids.contains(&scale), "{scale} not in {ids:?}");
    let outcome = tray_action(Ok(engine.clone()), &scale, &[]).await;
    // Issue #6: it comes back with the group's form, which the app records as a recent
    // image like any other launch.
    let TrayOutcome::Launched { request, .. } = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(
        **request,
        LaunchRequest {
            replicas: "1".into(),
            ..form.clone()
        }
    );
    let mut after = Settings::default();
    // Env values opted in, as above (without the tick they are not stored).
    assert!(after.remember_launch_choosing(request, true));
    assert_eq!(
        after.recent(APP_IMAGE).map(|r| &r.request),
        Some(&**request)
    );
    let f = format!("label=berth.group={group}");
    let members =
        blocking(move || docker(["ps", "--filter", &f, "--format", "{{.Names}}"])).await?;
    assert_eq!(members.lines().count(), 2, "{members}");

    // An image no longer among the recent ones fails with a message, launching nothing.
    let gone = TrayId::LaunchRecent {
        image: "not-recent:1".into(),
    }
    .encode();
    let outcome = tray_action(Ok(engine), &gone, &settings.recent_images).await;
    assert!(
        matches!(&outcome, TrayOutcome::Failed(m) if m.contains("not-recent")),
        "{outcome:?}"
    );
    drop(held);
    run.cleanup()?;
    Ok(())
}
