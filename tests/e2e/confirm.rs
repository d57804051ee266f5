//! Issue #13 "confirm what destroys", on the real window: the tray's stop-all, a group's
//! Remove all and a bulk remove of stopped containers name every container and ask first
//! (Cancel leaves everything as it was); quitting from the tray while a launch runs asks
//! whether to finish or roll back, and rolling back leaves none of the half-made group.

use std::time::{Duration, Instant};

use berth_tests::app::{App, AppError};
use berth_tests::desktop::{wait_for_shown_window, MenuNode, TrayMenu};
use berth_tests::docker_cli::{docker, image_id};
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE, BUSYBOX_IMAGE};
use fantoccini::Locator;

use crate::tray::{click_until, desk, process_alive};
use crate::{container_row, show_run, text_of, wait_connected, SETTLE};

/// A launch of a few replicas finishes well within this.
const LAUNCHED: Duration = Duration::from_secs(60);

fn setup<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> AppError + '_ {
    move |e| AppError::Setup(format!("{what}: {e}"))
}

/// This run's containers as `docker ps -a` sees them: `name state`, sorted.
fn states(run: &TestRun) -> Result<Vec<String>, AppError> {
    let out = docker([
        "ps",
        "-a",
        "--filter",
        &run.filter(),
        "--format",
        "{{.Names}} {{.State}}",
    ])?;
    let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
    lines.sort();
    Ok(lines)
}

/// The names a confirm dialog lists (`<testid>-name`).
async fn listed(app: &App, testid: &str) -> Result<Vec<String>, AppError> {
    let mut names = Vec::new();
    for el in app
        .find_all(&format!("[data-testid={testid}-name]"))
        .await?
    {
        names.push(text_of(&el).await?);
    }
    Ok(names)
}

/// Launches `replicas` of the app image from its row, named `<run>-ui-{n}` and labelled for
/// the run, and returns once the submit was clicked.
async fn submit_launch(app: &App, run: &TestRun, replicas: u32) -> Result<(), AppError> {
    let image =
        image_id(APP_IMAGE)?.ok_or_else(|| AppError::Setup(format!("{APP_IMAGE} is missing")))?;
    crate::first_day_launch::open_launch_on(app, &image).await?;
    app.type_into(
        "[data-testid=launch-replicas]",
        &replicas.to_string(),
        SETTLE,
    )
    .await?;
    app.type_into(
        "[data-testid=launch-name]",
        &format!("{}-{{n}}", run.name("ui")),
        SETTLE,
    )
    .await?;
    app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
        .await?;
    app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
        .await
}

/// Clicks Remove all on the group card that lists `member`.
async fn group_remove(app: &App, member: &str) -> Result<(), AppError> {
    for group in app.find_all("[data-testid=group]").await? {
        if group.find(Locator::Css(member)).await.is_ok() {
            let button = group
                .find(Locator::Css("[data-testid=group-remove]"))
                .await
                .map_err(setup("the group's Remove all"))?;
            return button.click().await.map_err(setup("Remove all"));
        }
    }
    Err(AppError::Setup(format!("no group card lists {member}")))
}

fn stop_all_item(layout: &MenuNode) -> Option<MenuNode> {
    layout
        .find(&|_, item| {
            item.label
                .starts_with("Stop all containers launched by Berth")
        })
        .cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_stop_all_and_a_group_remove_all_name_every_container_and_ask_first(
) -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-confirm-group");
    let app = App::launch(
        "the_tray_stop_all_and_a_group_remove_all_name_every_container_and_ask_first",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        submit_launch(&app, &run, 3).await?;
        app.wait_for_css("[data-testid=launch-progress][data-phase=done]", LAUNCHED)
            .await?;
        app.click("[data-testid=launch-dialog] .primary", SETTLE)
            .await?;
        let names: Vec<String> = (1..=3).map(|n| run.name(&format!("ui-{n}"))).collect();
        let running: Vec<String> = names.iter().map(|n| format!("{n} running")).collect();
        assert_eq!(states(&run)?, running);

        // The tray's Stop all: the window comes up naming them; nothing stops before a yes.
        let menu = TrayMenu::find(SETTLE).await.map_err(desk)?;
        click_until(&menu, "Stop all", stop_all_item, || async {
            Ok(!app
                .find_all("[data-testid=tray-stop-confirm]")
                .await?
                .is_empty())
        })
        .await?;
        let shown = listed(&app, "tray-stop-confirm").await?;
        for n in &names {
            assert!(shown.contains(n), "{n} not named in {shown:?}");
        }
        let keeps = app
            .wait_for_css("[data-testid=tray-stop-confirm-keeps]", SETTLE)
            .await?;
        assert!(text_of(&keeps).await?.starts_with("Nothing is removed"));
        let command = app
            .wait_for_css("[data-testid=tray-stop-confirm-command]", SETTLE)
            .await?;
        let lines = app
            .wait_until("the docker stop lines", SETTLE, |_| {
                let command = command.clone();
                async move {
                    let text = command.prop("textContent").await?.unwrap_or_default();
                    Ok((text.matches("docker stop ").count() >= 3).then_some(text))
                }
            })
            .await?;
        assert!(
            lines.contains(&format!("docker stop {}", names[0])),
            "{lines}"
        );
        app.screenshot("confirm-tray-stop-all").await?;
        app.click("[data-testid=tray-stop-confirm-cancel]", SETTLE)
            .await?;
        app.wait_gone("[data-testid=tray-stop-confirm]", SETTLE)
            .await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(states(&run)?, running, "Cancel stopped nothing");

        click_until(&menu, "Stop all", stop_all_item, || async {
            Ok(!app
                .find_all("[data-testid=tray-stop-confirm]")
                .await?
                .is_empty())
        })
        .await?;
        app.click("[data-testid=tray-stop-confirm-go]", SETTLE)
            .await?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while states(&run)?.iter().any(|s| !s.ends_with(" exited")) {
            assert!(
                Instant::now() < deadline,
                "not stopped: {:?}",
                states(&run)?
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.wait_gone("[data-testid=tray-stop-confirm]", SETTLE)
            .await?;

        // The group's Remove all: every member named, volumes kept unless ticked.
        app.click("[data-testid=tab-groups]", SETTLE).await?;
        let member = format!(
            "[data-testid=group-member][data-name={}]",
            berth_tests::app::css_str(&names[0])
        );
        app.wait_for_css(&member, SETTLE).await?;
        group_remove(&app, &member).await?;
        app.wait_for_css("[data-testid=group-remove-confirm]", SETTLE)
            .await?;
        let mut shown = listed(&app, "group-remove-confirm").await?;
        shown.sort();
        assert_eq!(shown, names);
        let keeps = app
            .wait_for_css("[data-testid=group-remove-confirm-keeps]", SETTLE)
            .await?;
        assert!(text_of(&keeps).await?.starts_with("Volumes stay"));
        let command = app
            .wait_for_css("[data-testid=group-remove-confirm-command]", SETTLE)
            .await?;
        let expected: Vec<String> = names.iter().map(|n| format!("docker rm -f {n}")).collect();
        let mut lines: Vec<String> = text_of(&command)
            .await?
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        assert_eq!(lines, expected);
        // Cancel has the focus: Enter would not remove anything.
        let focused = app
            .client()
            .execute(
                "return document.activeElement && document.activeElement.dataset.testid;",
                vec![],
            )
            .await
            .map_err(setup("the focused element"))?;
        assert_eq!(focused, serde_json::json!("group-remove-confirm-cancel"));
        app.screenshot("confirm-group-remove-all").await?;
        app.click("[data-testid=group-remove-confirm-cancel]", SETTLE)
            .await?;
        app.wait_gone("[data-testid=group-remove-confirm]", SETTLE)
            .await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(states(&run)?.len(), 3, "Cancel removed nothing");

        group_remove(&app, &member).await?;
        app.click("[data-testid=group-remove-confirm-go]", SETTLE)
            .await?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !states(&run)?.is_empty() {
            assert!(Instant::now() < deadline, "left: {:?}", states(&run)?);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    })
    .await?;
    app.close().await;
    run.cleanup().map_err(setup("cleanup"))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_stopped_containers_in_bulk_names_each_and_asks() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-confirm-bulk");
    let made: Vec<String> = (1..=3)
        .map(|n| {
            run.create(&format!("old-{n}"), &[], BUSYBOX_IMAGE, &["true"])
                .map(|c| c.name)
        })
        .collect::<Result<_, _>>()
        .map_err(setup("docker create"))?;
    let app = App::launch(
        "removing_stopped_containers_in_bulk_names_each_and_asks",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        for name in &made {
            app.click(
                &format!("{} [data-testid=container-select]", container_row(name)),
                SETTLE,
            )
            .await?;
        }
        app.wait_for_css("[data-testid=selection-bar][data-count='3']", SETTLE)
            .await?;
        app.click("[data-testid=bulk-remove]", SETTLE).await?;
        app.wait_for_css("[data-testid=remove-confirm]", SETTLE)
            .await?;
        let mut shown = listed(&app, "remove-confirm").await?;
        shown.sort();
        assert_eq!(shown, made);
        let keeps = app
            .wait_for_css("[data-testid=remove-confirm-keeps]", SETTLE)
            .await?;
        assert!(text_of(&keeps).await?.starts_with("Volumes stay"));
        app.screenshot("confirm-bulk-remove").await?;
        // Escape cancels.
        app.client()
            .execute(
                "window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));",
                vec![],
            )
            .await
            .map_err(setup("pressing Escape"))?;
        app.wait_gone("[data-testid=remove-confirm]", SETTLE)
            .await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(states(&run)?.len(), 3, "Escape removed nothing");

        app.click("[data-testid=bulk-remove]", SETTLE).await?;
        app.click("[data-testid=remove-confirm-force]", SETTLE)
            .await?;
        for name in &made {
            app.wait_gone(&container_row(name), SETTLE).await?;
        }
        assert!(states(&run)?.is_empty());
        Ok(())
    })
    .await?;
    app.close().await;
    run.cleanup().map_err(setup("cleanup"))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_from_the_tray_mid_launch_asks_and_rolling_back_leaves_nothing(
) -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-confirm-quit");
    let app = App::launch(
        "quitting_from_the_tray_mid_launch_asks_and_rolling_back_leaves_nothing",
        &[],
    )
    .await?;
    let window = wait_for_shown_window("Berth", SETTLE).await.map_err(desk)?;
    let pid = window
        .pid
        .ok_or_else(|| AppError::Setup("the window has no _NET_WM_PID".into()))?;
    app.check(async {
        wait_connected(&app).await?;
        let menu = TrayMenu::find(SETTLE).await.map_err(desk)?;
        // Many replicas, so the launch is still running when the quit comes.
        submit_launch(&app, &run, 80).await?;
        app.wait_for_css("[data-testid=launch-progress]", SETTLE)
            .await?;
        click_until(
            &menu,
            "Quit Berth",
            |layout| layout.find(&|_, item| item.label == "Quit Berth").cloned(),
            || async { Ok(!app.find_all("[data-testid=quit-prompt]").await?.is_empty()) },
        )
        .await?;
        assert!(process_alive(pid), "Berth quit without asking");
        let title = app
            .wait_for_css("[data-testid=quit-prompt] h1", SETTLE)
            .await?;
        assert_eq!(text_of(&title).await?, "A launch is running. Quit?");
        let focused = app
            .client()
            .execute(
                "return document.activeElement && document.activeElement.dataset.testid;",
                vec![],
            )
            .await
            .map_err(setup("the focused element"))?;
        assert_eq!(focused, serde_json::json!("quit-prompt-keep"));
        app.screenshot("confirm-quit-while-launching").await?;
        app.click("[data-testid=quit-prompt-rollback]", SETTLE)
            .await?;
        // Berth rolls the launch back, then quits.
        let deadline = Instant::now() + Duration::from_secs(90);
        while process_alive(pid) {
            assert!(
                Instant::now() < deadline,
                "Berth did not quit after the roll back"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(states(&run)?, Vec::<String>::new(), "half a group was left");
        Ok(())
    })
    .await?;
    app.close().await;
    run.cleanup().map_err(setup("cleanup"))?;
    Ok(())
}
