//! Launching replicas from the real window: pick the image, ask for three, click Launch,
//! and see three running replicas (in the dialog, on the engine, and as one group).

use std::time::Duration;

use berth_tests::app::{App, AppError};
use berth_tests::docker_cli::image_id;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};

use super::{wait_connected, SETTLE};

/// Three replicas of a small image start in well under this on the test machine.
const LAUNCHED: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launching_three_replicas_with_a_click_gives_three_running() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-launch");
    let image =
        image_id(APP_IMAGE)?.ok_or_else(|| AppError::Setup(format!("{APP_IMAGE} is missing")))?;

    let app = App::launch(
        "launching_three_replicas_with_a_click_gives_three_running",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        crate::first_day_launch::open_launch_on(&app, &image).await?;
        app.type_into("[data-testid=launch-replicas]", "3", SETTLE)
            .await?;
        app.type_into(
            "[data-testid=launch-name]",
            &format!("{}-{{n}}", run.name("ui")),
            SETTLE,
        )
        .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        // The live preview shows three `docker run` lines once it has planned the form.
        let cli = app
            .wait_until("three docker run lines", SETTLE, |client| async move {
                let el = client
                    .find(fantoccini::Locator::Css("[data-testid=launch-cli]"))
                    .await?;
                let text = el.prop("textContent").await?.unwrap_or_default();
                Ok(
                    (text.matches("docker run -d").count() == 3 && text.contains("berth.test="))
                        .then_some(text),
                )
            })
            .await?;
        assert!(cli.contains(&run.name("ui-3")), "{cli}");
        app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=launch-progress][data-phase=done]", LAUNCHED)
            .await?;
        let running = app
            .find_all("[data-testid=launch-row][data-phase=running]")
            .await?
            .len();
        assert_eq!(running, 3, "replicas shown running");

        assert_eq!(run.running_count()?, 3, "running on the engine");

        // They show as one group, three of three running.
        app.click("[data-testid=launch-dialog] .primary", SETTLE)
            .await?;
        app.click("[data-testid=tab-groups]", SETTLE).await?;
        let group = app
            .wait_for_css(
                "[data-testid=group][data-running='3'][data-total='3']",
                SETTLE,
            )
            .await?;
        let members = group
            .find_all(fantoccini::Locator::Css(
                "[data-testid=group-member][data-state=running]",
            ))
            .await;
        assert_eq!(members.map(|m| m.len()).unwrap_or(0), 3);
        Ok(())
    })
    .await
}
