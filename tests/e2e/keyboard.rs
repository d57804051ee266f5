//! Berth driven by the keyboard alone (issue #18): a scripted session that launches a group,
//! stops one of its containers, opens that container's logs and stops the rest of the group,
//! through the command palette and WebDriver key actions only (no click, no element send-keys).

use std::time::{Duration, Instant};

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};
use fantoccini::key::Key;

use super::{wait_connected, SETTLE};

/// Three replicas of a small image start in well under this on the test machine.
const LAUNCHED: Duration = Duration::from_secs(60);

/// Opens the palette with Ctrl+K, types `query` and checks that the highlighted match is the
/// item `id` before Enter runs it.
async fn palette_run(app: &App, query: &str, id: &str) -> Result<(), AppError> {
    app.press(&[Key::Control], 'k').await?;
    app.wait_focus("[data-testid=palette-input]", SETTLE)
        .await?;
    app.type_keys(query).await?;
    let active = format!(
        "[data-testid=palette-item][aria-selected=true][data-id={}]",
        css_str(id)
    );
    app.wait_for_css(&active, SETTLE)
        .await
        .map_err(|e| AppError::Setup(format!("typing {query:?} does not highlight {id}: {e}")))?;
    app.press(&[], Key::Enter).await?;
    app.wait_gone("[data-testid=palette]", SETTLE).await
}

/// Replaces the text of the focused field: Ctrl+A, then the text typed.
async fn retype(app: &App, text: &str) -> Result<(), AppError> {
    app.press(&[Key::Control], 'a').await?;
    app.type_keys(text).await
}

fn container_id(run: &TestRun, name: &str) -> Result<String, AppError> {
    let out = docker([
        "ps",
        "-aq",
        "--no-trunc",
        "--filter",
        &run.filter(),
        "--filter",
        &format!("name=^/{name}$"),
    ])?;
    out.lines()
        .next()
        .map(str::to_string)
        .ok_or_else(|| AppError::Setup(format!("no container {name} on the engine")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_launched_stopped_and_its_logs_opened_with_the_keyboard_only(
) -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("kbd");
    let image = docker(["inspect", "--format", "{{.Id}}", APP_IMAGE])?;
    let pattern = format!("{}-{{n}}", run.name("kb"));
    let third = run.name("kb-3");

    let app = App::launch(
        "a_group_launched_stopped_and_its_logs_opened_with_the_keyboard_only",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;

        // 1. "launch <image>" opens the launch dialog on that image.
        palette_run(
            &app,
            &format!("launch {APP_IMAGE}"),
            &format!("image:{image}:{APP_IMAGE}:launch"),
        )
        .await?;
        app.wait_for_css("[data-testid=launch-dialog]", SETTLE)
            .await?;
        app.screenshot("keyboard-launch-dialog").await?;
        app.tab_to("[data-testid=launch-replicas]", 20).await?;
        retype(&app, "3").await?;
        app.tab_to("[data-testid=launch-name]", 10).await?;
        retype(&app, &pattern).await?;
        app.tab_to("[data-testid=launch-labels]", 30).await?;
        retype(&app, &run.label()).await?;
        app.wait_for_css("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        app.tab_to("[data-testid=launch-submit]", 60).await?;
        app.press(&[], Key::Enter).await?;
        app.wait_for_css("[data-testid=launch-progress][data-phase=done]", LAUNCHED)
            .await?;
        assert_eq!(run.running_count()?, 3, "three replicas run");
        // Escape closes the dialog.
        app.press(&[], Key::Escape).await?;
        app.wait_gone("[data-testid=launch-dialog]", SETTLE).await?;

        // The three are one group: the palette finds it and focuses it in the Groups view.
        let group_label = docker([
            "inspect",
            "--format",
            "{{index .Config.Labels \"berth.group\"}}",
            &container_id(&run, &third)?,
        ])?;
        palette_run(
            &app,
            &format!("group {}", run.name("kb")),
            &format!("group:launch:{group_label}"),
        )
        .await?;
        app.wait_focus(
            &format!(
                "[data-testid=group][data-group={}][data-running='3']",
                css_str(&group_label)
            ),
            SETTLE,
        )
        .await?;

        // 2. "stop <name>" stops that one container, through the same action as its button.
        let id = container_id(&run, &third)?;
        app.press(&[Key::Control], 'k').await?;
        app.wait_focus("[data-testid=palette-input]", SETTLE)
            .await?;
        app.type_keys(&format!("stop {third}")).await?;
        app.wait_for_css(
            &format!(
                "[data-testid=palette-item][aria-selected=true][data-id={}]",
                css_str(&format!("container:{id}:stop"))
            ),
            SETTLE,
        )
        .await?;
        // The palette shows each item's shortcut: the views' at least.
        app.press(&[Key::Control], 'a').await?;
        app.type_keys("containers").await?;
        let shortcut = app
            .wait_for_css(
                "[data-testid=palette-item][data-id='view:containers'] kbd",
                SETTLE,
            )
            .await?;
        assert_eq!(
            shortcut.text().await.during("reading a shortcut")?,
            "Ctrl+1"
        );
        retype(&app, &format!("stop {third}")).await?;
        app.wait_for_css(
            &format!(
                "[data-testid=palette-item][aria-selected=true][data-id={}]",
                css_str(&format!("container:{id}:stop"))
            ),
            SETTLE,
        )
        .await?;
        app.screenshot("keyboard-palette").await?;
        app.press(&[], Key::Enter).await?;
        app.wait_gone("[data-testid=palette]", SETTLE).await?;
        let asked = Instant::now();
        loop {
            let state = docker(["inspect", "--format", "{{.State.Status}}", &id])?;
            if state == "exited" {
                break;
            }
            assert!(
                asked.elapsed() < Duration::from_secs(30),
                "{third} still {state} 30 s after the palette's stop"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(run.running_count()?, 2, "only {third} stopped");

        // 3. "logs <name>" opens its detail on the Logs tab, with the focus in it.
        palette_run(
            &app,
            &format!("logs {third}"),
            &format!("container:{id}:logs"),
        )
        .await?;
        let detail = format!("[data-testid=container-detail][data-id={}]", css_str(&id));
        app.wait_for_css(&format!("{detail} [data-testid=logs-pane]"), SETTLE)
            .await?;
        app.wait_focus(&detail, SETTLE).await?;

        // 4. "stop group <name>" stops the rest of the group, as the group's Stop button does
        // (the Groups view shows it, with the group focused).
        palette_run(
            &app,
            &format!("stop group {}", run.name("kb")),
            &format!("group:launch:{group_label}:stop"),
        )
        .await?;
        app.wait_for_css(
            &format!(
                "[data-testid=group][data-group={}][data-running='0']",
                css_str(&group_label)
            ),
            SETTLE * 3,
        )
        .await?;
        assert_eq!(run.running_count()?, 0, "the whole group stopped");

        // The list answers the arrow keys too: Tab into the list, then ↓ moves the focus row
        // by row (with its ring drawn, for the screenshot).
        app.press(&[Key::Control], '1').await?;
        app.wait_for_css("[data-testid=container-filter]", SETTLE)
            .await?;
        app.tab_to("[data-testid=container-filter]", 30).await?;
        retype(&app, run.id()).await?;
        app.wait_until("this run's three rows", SETTLE, |client| async move {
            let rows = client
                .find_all(fantoccini::Locator::Css("[data-testid=container-row]"))
                .await?;
            Ok((rows.len() == 3).then_some(()))
        })
        .await?;
        app.tab_to("[data-testid=container-row]", 40).await?;
        let first = app
            .client()
            .execute("return document.activeElement.dataset.name", vec![])
            .await
            .during("reading the focused row")?;
        app.press(&[], Key::Down).await?;
        let second = app
            .client()
            .execute("return document.activeElement.dataset.name", vec![])
            .await
            .during("reading the focused row")?;
        assert!(
            app.focus_is("[data-testid=container-row]").await?,
            "↓ keeps the focus on a row"
        );
        assert_ne!(first, second, "↓ moves to the next row");
        app.screenshot("keyboard-focus-row").await?;
        // The same ring in the dark theme (as Settings › Theme sets it).
        app.client()
            .execute("document.documentElement.dataset.theme = 'dark';", vec![])
            .await
            .during("setting the dark theme")?;
        app.screenshot("keyboard-focus-row-dark").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
