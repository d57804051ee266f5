//! "Run an image…" on the real window (issue #20): type a reference from a loopback registry
//! that the engine does not have, see Berth say where it comes from and that it will be
//! pulled, go on to the launch dialog, ask for three replicas, see the pull's progress, and
//! get three running replicas. Screenshots of the dialog in the light and dark themes are
//! left in `target/e2e-artifacts/` (run-image-light.png, run-image-dark.png).

use std::time::Duration;

use berth_tests::app::{App, AppError};
use berth_tests::docker_cli::{docker, image_id};
use berth_tests::fixtures::{ensure_test_images, TestRun};
use berth_tests::registry::LocalRegistry;

use super::{wait_connected, SETTLE};

/// A pull of a few MiB from loopback and three replicas take a few seconds here.
const PULLED_AND_LAUNCHED: Duration = Duration::from_secs(60);

async fn text_of(app: &App, css: &str) -> Result<String, AppError> {
    let element = app.wait_for_css(css, SETTLE).await?;
    Ok(element
        .prop("textContent")
        .await
        .map_err(|e| AppError::Setup(format!("reading {css}: {e}")))?
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_from_a_registry_is_pulled_and_runs_as_three_replicas() -> Result<(), AppError>
{
    ensure_test_images()?;
    let run = TestRun::new("e2e-run-image");
    let registry = LocalRegistry::start()?;
    // Two layers of a few MiB, so the pull's per-layer progress has time to show.
    let remote = registry.push_fresh_image(&run, "berth/e2e-run:v1", &[4096, 4096])?;
    if image_id(&remote)?.is_some() {
        return Err(AppError::Setup(format!(
            "{remote} should not be on the engine"
        )));
    }

    let app = App::launch(
        "a_reference_from_a_registry_is_pulled_and_runs_as_three_replicas",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-images]", SETTLE).await?;
        app.click("[data-testid=images-run]", SETTLE).await?;
        app.wait_for_css("[data-testid=run-dialog]", SETTLE).await?;

        // A malformed reference is a form error, in people's words.
        app.type_into("[data-testid=run-reference]", "Berth/App:1", SETTLE)
            .await?;
        let error = text_of(&app, "[data-testid=run-check-error]").await?;
        assert!(error.contains("lower-case"), "{error}");
        assert_eq!(
            app.find_all("[data-testid=run-next]:not([disabled])")
                .await?
                .len(),
            0,
            "Next waits for a valid reference"
        );

        // Browse the registry: its repository, then the tag, fills the reference.
        app.click("[data-testid=run-tab-browse]", SETTLE).await?;
        app.type_into("[data-testid=run-registry]", &registry.host(), SETTLE)
            .await?;
        app.click("[data-testid=run-list]", SETTLE).await?;
        app.click(
            "[data-testid=run-repositories] [data-repo='berth/e2e-run']",
            SETTLE,
        )
        .await?;
        app.wait_for_css("[data-testid=run-tags] [data-tag=v1]", SETTLE)
            .await?;
        let note = text_of(&app, "[data-testid=run-plain-note]").await?;
        assert!(note.contains("not encrypted"), "{note}");
        app.screenshot("run-image-browse").await?;
        app.click("[data-testid=run-tags] [data-tag=v1]", SETTLE)
            .await?;

        // Docker Hub search says plainly that there is no network (there is none here).
        app.click("[data-testid=run-tab-hub]", SETTLE).await?;
        app.type_into("[data-testid=run-hub-term]", "busybox", SETTLE)
            .await?;
        app.click("[data-testid=run-hub-search]", SETTLE).await?;
        let hub = app
            .wait_until("the Hub's answer", SETTLE, |client| async move {
                for css in [
                    "[data-testid=run-hub-offline]",
                    "[data-testid=run-hub-results]",
                ] {
                    if let Some(el) = client.find_all(fantoccini::Locator::Css(css)).await?.pop() {
                        return Ok(Some(el.prop("textContent").await?.unwrap_or_default()));
                    }
                }
                Ok(None)
            })
            .await?;
        if docker(["search", "--limit", "1", "busybox"]).is_err() {
            assert!(hub.contains("No network"), "{hub}");
        }
        app.screenshot("run-image-hub").await?;
        app.click("[data-testid=run-tab-name]", SETTLE).await?;

        // The registry's image: where it comes from, and that it is pulled first.
        let typed = app
            .wait_for_css("[data-testid=run-reference]", SETTLE)
            .await?;
        let value = typed
            .prop("value")
            .await
            .map_err(|e| AppError::Setup(format!("reading the reference: {e}")))?
            .unwrap_or_default();
        assert_eq!(value, remote, "the picked tag filled the reference");
        let from = text_of(&app, "[data-testid=run-check-registry]").await?;
        assert_eq!(from, format!("From {}", registry.host()));
        let pull = text_of(&app, "[data-testid=run-check-pull]").await?;
        assert!(pull.contains("pulled from"), "{pull}");
        app.wait_for_css("[data-testid=run-next]:not([disabled])", SETTLE)
            .await?;
        app.screenshot("run-image-light").await?;
        app.client()
            .execute("document.documentElement.dataset.theme = 'dark'", vec![])
            .await
            .map_err(|e| AppError::Setup(format!("switching to the dark theme: {e}")))?;
        app.screenshot("run-image-dark").await?;
        app.client()
            .execute("delete document.documentElement.dataset.theme", vec![])
            .await
            .map_err(|e| AppError::Setup(format!("switching the theme back: {e}")))?;

        // Next: the launch dialog with that image; its commands start with `docker pull`.
        app.click("[data-testid=run-next]:not([disabled])", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=launch-dialog]", SETTLE)
            .await?;
        app.wait_gone("[data-testid=run-dialog]", SETTLE).await?;
        app.type_into("[data-testid=launch-replicas]", "3", SETTLE)
            .await?;
        app.type_into(
            "[data-testid=launch-name]",
            &format!("{}-{{n}}", run.name("run")),
            SETTLE,
        )
        .await?;
        // The test image's own command is `sh`, which ends at once: keep the replicas up.
        app.type_into("[data-testid=launch-command]", "sleep 600", SETTLE)
            .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        let pull_line = format!("docker pull {remote}");
        let cli = app
            .wait_until("the pull and three docker run lines", SETTLE, |client| {
                let pull_line = pull_line.clone();
                async move {
                    let el = client
                        .find(fantoccini::Locator::Css("[data-testid=launch-cli]"))
                        .await?;
                    let text = el.prop("textContent").await?.unwrap_or_default();
                    Ok((text.starts_with(&pull_line)
                        && text.matches("docker run -d").count() == 3
                        && text.contains("sleep 600")
                        && text.contains("berth.test="))
                    .then_some(text))
                }
            })
            .await?;
        assert!(cli.contains(&run.name("run-3")), "{cli}");

        app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        // The pull's progress, a row per layer, then the replicas.
        app.wait_for_css(
            "[data-testid=launch-pull] [data-testid=pull-layer]",
            PULLED_AND_LAUNCHED,
        )
        .await?;
        app.screenshot("run-image-pulling").await?;
        app.wait_for_css(
            "[data-testid=launch-progress][data-phase=done]",
            PULLED_AND_LAUNCHED,
        )
        .await?;
        let running = app
            .find_all("[data-testid=launch-row][data-phase=running]")
            .await?
            .len();
        assert_eq!(running, 3, "replicas shown running");
        assert_eq!(run.running_count()?, 3, "running on the engine");
        assert!(image_id(&remote)?.is_some(), "{remote} was pulled");
        Ok(())
    })
    .await
}
