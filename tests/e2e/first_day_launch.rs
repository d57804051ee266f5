//! Issue #14, the launch dialog on a first day: the `docker run` preview reads as a person
//! would type it (Berth's own labels folded away, still in the exact lines), an adjusted host
//! port is said next to the ports field and each replica's name and ports are in the result,
//! and the Launch button stays on screen at the default window size.

use std::net::TcpListener;
use std::time::Duration;

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::image_id;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};

use super::{text_of, wait_connected, SETTLE};

/// One replica of a small image starts in well under this on the test machine.
const LAUNCHED: Duration = Duration::from_secs(30);

/// Opens the launch dialog on the app test image (from the Images view, as a user would).
pub(crate) async fn open_launch(app: &App) -> Result<(), AppError> {
    let image =
        image_id(APP_IMAGE)?.ok_or_else(|| AppError::Setup(format!("{APP_IMAGE} is missing")))?;
    open_launch_on(app, &image).await
}

/// Opens the launch dialog on the image with ID `image`: its row in the Images view, then
/// *Launch…*.
pub(crate) async fn open_launch_on(app: &App, image: &str) -> Result<(), AppError> {
    app.click("[data-testid=tab-images]", SETTLE).await?;
    app.click(
        &format!("[data-testid=image-row][data-id={}]", css_str(image)),
        SETTLE,
    )
    .await?;
    app.click("[data-testid=image-launch]", SETTLE).await?;
    app.wait_for_css("[data-testid=launch-dialog]", SETTLE)
        .await?;
    Ok(())
}

/// The default window size (tauri.conf.json), set through WebDriver.
async fn default_size(app: &App) -> Result<(), AppError> {
    app.client()
        .set_window_size(1200, 760)
        .await
        .map_err(|e| AppError::Setup(format!("sizing the window: {e}")))
}

/// The dark theme on or off, for screenshots of both.
pub(crate) async fn dark(app: &App, on: bool) -> Result<(), AppError> {
    let js = if on {
        "document.documentElement.dataset.theme = 'dark'"
    } else {
        "delete document.documentElement.dataset.theme"
    };
    app.client()
        .execute(js, vec![])
        .await
        .map_err(|e| AppError::Setup(format!("switching the theme: {e}")))?;
    // Let WebKit repaint before a screenshot is taken.
    tokio::time::sleep(Duration::from_millis(400)).await;
    Ok(())
}

/// A host port nobody uses, held by the test so the planner must skip it.
fn held_port() -> Result<(TcpListener, u16), AppError> {
    let l = TcpListener::bind("0.0.0.0:0")
        .map_err(|e| AppError::Setup(format!("binding a free port: {e}")))?;
    let port = l
        .local_addr()
        .map_err(|e| AppError::Setup(format!("reading the port: {e}")))?
        .port();
    Ok((l, port))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_shows_the_command_a_person_types_and_keeps_the_exact_one(
) -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-fold");
    let app = App::launch(
        "the_preview_shows_the_command_a_person_types_and_keeps_the_exact_one",
        &[],
    )
    .await?;
    app.check(async {
        default_size(&app).await?;
        wait_connected(&app).await?;
        open_launch(&app).await?;
        app.type_into("[data-testid=launch-replicas]", "2", SETTLE)
            .await?;
        app.type_into("[data-testid=launch-ports]", "80", SETTLE)
            .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        // The whole label, not just its start: the preview follows each keystroke, and a
        // line read mid-typing carries half of it.
        let label = run.label();
        let cli = app
            .wait_until("two docker run lines with the form", SETTLE, |client| {
                let label = label.clone();
                async move {
                    let el = client
                        .find(fantoccini::Locator::Css("[data-testid=launch-cli]"))
                        .await?;
                    let text = el.prop("textContent").await?.unwrap_or_default();
                    let planned = text.matches("docker run -d").count() == 2
                        && text.contains("--publish 80 ")
                        && text.contains(&format!("{label} "));
                    Ok(planned.then_some(text))
                }
            })
            .await?;
        let first = cli.lines().next().unwrap_or_default();
        assert!(!first.contains("berth.launch"), "{first}");
        assert!(!first.contains("berth.group"), "{first}");
        assert!(first.contains("--publish 80"), "{first}");
        assert!(
            first.contains(&run.label()),
            "the user's own label stays: {first}"
        );
        assert!(first.len() < 300, "short enough to read: {first}");
        app.screenshot("first-day-preview-light").await?;
        dark(&app, true).await?;
        app.screenshot("first-day-preview-dark").await?;
        dark(&app, false).await?;

        // The exact lines, with Berth's labels, are one click away and are what Copy exact gives.
        app.click("[data-testid=launch-cli-exact] summary", SETTLE)
            .await?;
        let exact = app
            .wait_for_css("[data-testid=launch-cli-exact-text]", SETTLE)
            .await?;
        let exact = text_of(&exact).await?;
        assert!(exact.contains("--label 'berth.launch="), "{exact}");
        assert!(exact.contains("berth.group="), "{exact}");
        app.wait_for_css("[data-testid=launch-copy-exact]", SETTLE)
            .await?;
        app.screenshot("first-day-preview-exact").await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adjusted_port_is_announced_and_the_result_names_each_replica() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-adjust");
    let (_held, port) = held_port()?;
    let app = App::launch(
        "an_adjusted_port_is_announced_and_the_result_names_each_replica",
        &[],
    )
    .await?;
    app.check(async {
        default_size(&app).await?;
        wait_connected(&app).await?;
        open_launch(&app).await?;
        app.type_into(
            "[data-testid=launch-name]",
            &format!("{}-{{n}}", run.name("adj")),
            SETTLE,
        )
        .await?;
        app.type_into("[data-testid=launch-ports]", &format!("{port}:80"), SETTLE)
            .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        let note = app
            .wait_for_css("[data-testid=launch-adjusted-ports]", SETTLE)
            .await?;
        let note = text_of(&note).await?;
        assert!(note.contains(&format!("{port} is in use")), "{note}");
        app.screenshot("first-day-adjusted-port").await?;

        app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=launch-progress][data-phase=done]", LAUNCHED)
            .await?;
        let name = text_of(
            &app.wait_for_css("[data-testid=launch-row-name]", SETTLE)
                .await?,
        )
        .await?;
        assert_eq!(name, run.name("adj-1"));
        let ports = text_of(
            &app.wait_for_css("[data-testid=launch-row-ports]", SETTLE)
                .await?,
        )
        .await?;
        assert!(ports.ends_with("→80"), "{ports}");
        assert!(!ports.starts_with(&format!("{port}→")), "{ports}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_launch_button_is_on_screen_at_the_default_size() -> Result<(), AppError> {
    ensure_test_images()?;
    let app = App::launch("the_launch_button_is_on_screen_at_the_default_size", &[]).await?;
    app.check(async {
        default_size(&app).await?;
        wait_connected(&app).await?;
        open_launch(&app).await?;
        // Nothing saved: the presets bar takes no room.
        assert!(app.find_all("[data-testid=launch-presets]").await?.is_empty());
        // A long environment makes the form taller than the window.
        let env: String = (1..=30).map(|i| format!("KEY_{i}=value\n")).collect();
        app.type_into("[data-testid=launch-env]", &env, SETTLE).await?;
        app.wait_for_css("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        let inside = app
            .client()
            .execute(
                "const r = document.querySelector('[data-testid=launch-submit]').getBoundingClientRect();\
                 return [r.top, r.bottom, window.innerHeight];",
                vec![],
            )
            .await
            .map_err(|e| AppError::Setup(format!("measuring the button: {e}")))?;
        let v: Vec<f64> = inside
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default();
        assert!(
            v.len() == 3 && v[0] >= 0.0 && v[1] <= v[2],
            "the Launch button at {v:?} (top, bottom, window height)"
        );
        app.screenshot("first-day-launch-button-light").await?;
        // The dialog drawn afresh in the dark theme (a theme switched under an open dialog is
        // not always repainted before WebDriver's screenshot).
        dark(&app, true).await?;
        app.click("[data-testid=launch-dialog-close]", SETTLE)
            .await?;
        open_launch(&app).await?;
        app.wait_for_css("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        let bg = app
            .client()
            .execute(
                "return [getComputedStyle(document.querySelector('[data-testid=launch-dialog]')).backgroundColor, document.documentElement.dataset.theme || ''];",
                vec![],
            )
            .await
            .map_err(|e| AppError::Setup(format!("reading the dialog's colour: {e}")))?;
        // WebKit under Xvfb may hand WebDriver a stale (light) paint of the dialog; its
        // computed colour says what the user sees.
        assert_ne!(bg[0], "rgb(255, 255, 255)", "the dialog in the dark theme: {bg}");
        app.screenshot("first-day-launch-button-dark").await?;
        dark(&app, false).await?;

        // Invalid input: the button says Launch (never "Launch 0") and why it waits.
        app.type_into("[data-testid=launch-replicas]", "0", SETTLE)
            .await?;
        let why = app
            .wait_for_css("[data-testid=launch-blocked]", SETTLE)
            .await?;
        assert!(text_of(&why).await?.contains("Replicas"));
        let label = text_of(&app.wait_for_css("[data-testid=launch-submit][disabled]", SETTLE).await?)
            .await?;
        assert_eq!(label.trim(), "Launch");
        Ok(())
    })
    .await
}

/// Issue #14: one replica named without `{n}` gets exactly the name typed (no `-1`), and the
/// dialog says nothing was changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_gets_the_exact_name_typed() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-exact");
    let exact = format!("exact-{}", run.id());
    let app = App::launch("one_replica_gets_the_exact_name_typed", &[]).await?;
    app.check(async {
        default_size(&app).await?;
        wait_connected(&app).await?;
        open_launch(&app).await?;
        app.type_into("[data-testid=launch-replicas]", "1", SETTLE)
            .await?;
        app.type_into("[data-testid=launch-name]", &exact, SETTLE)
            .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        let want = format!("--name {exact} ");
        app.wait_until("the preview with the exact name", SETTLE, |client| {
            let want = want.clone();
            async move {
                let el = client
                    .find(fantoccini::Locator::Css("[data-testid=launch-cli]"))
                    .await?;
                let text = el.prop("textContent").await?.unwrap_or_default();
                Ok((text.contains(&want) && text.contains("berth.test=")).then_some(()))
            }
        })
        .await?;
        // Kept as typed: no note that the name was rewritten.
        assert!(app
            .find_all("[data-testid=launch-adjusted-name_pattern]")
            .await?
            .is_empty());

        app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=launch-progress][data-phase=done]", LAUNCHED)
            .await?;
        let name = text_of(
            &app.wait_for_css("[data-testid=launch-row-name]", SETTLE)
                .await?,
        )
        .await?;
        assert_eq!(name, exact);
        let engine_name =
            berth_tests::docker_cli::docker(["inspect", "--format", "{{.Name}}", exact.as_str()])?;
        assert_eq!(engine_name.trim(), format!("/{exact}"));
        Ok(())
    })
    .await
}
