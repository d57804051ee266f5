//! The first day with Berth (issue #14), images side: removing one chosen tag keeps the other
//! and says so for good, and errors read in people's words.

use std::time::Duration;

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use super::first_day_containers::light_and_dark;
use super::{text_of, wait_connected, SETTLE};

/// An image action's effect shows up through the engine's events; generous on a loaded machine.
const ACTED: Duration = Duration::from_secs(20);

fn image_row(id: &str) -> String {
    format!("[data-testid=image-row][data-id={}]", css_str(id))
}

/// The tags the image's row shows.
async fn row_tags(app: &App, id: &str) -> Result<Vec<String>, AppError> {
    let mut tags = Vec::new();
    for t in app
        .find_all(&format!("{} [data-testid=image-tag]", image_row(id)))
        .await?
    {
        tags.push(text_of(&t).await?.trim().to_string());
    }
    Ok(tags)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_one_of_two_tags_keeps_the_other_and_says_so() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("first-day-tags");
    let keep = format!("berth-test/first-day:{}-keep", run.id());
    let drop = format!("berth-test/first-day:{}-drop", run.id());
    let id = run.build_image(&keep, &format!("FROM {BUSYBOX_IMAGE}\n"))?;
    run.tag(&keep, &drop)?;

    let app = App::launch("removing_one_of_two_tags_keeps_the_other_and_says_so", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-images]", SETTLE).await?;
        // Launch… waits for a selection, and says so in words, not only in a tooltip.
        let why = app
            .wait_for_css("[data-testid=images-launch-why]", SETTLE)
            .await?;
        assert!(why.is_displayed().await.unwrap_or(false));
        app.click(&image_row(&id), SETTLE).await?;
        app.wait_gone("[data-testid=images-launch-why]", SETTLE)
            .await?;
        let pick = app
            .wait_for_css(
                &format!(
                    "[data-testid=image-detail][data-id={}] [data-testid=image-remove-pick]",
                    css_str(&id)
                ),
                SETTLE,
            )
            .await?;
        pick.select_by_value(&drop)
            .await
            .during("picking the tag to remove")?;
        app.click("[data-testid=image-remove]", SETTLE).await?;

        let message = app
            .wait_for_css("[data-testid=image-message][data-ok=true]", ACTED)
            .await?;
        let said = text_of(&message).await?;
        assert!(
            said.contains(&format!("Removed the tag {drop}")) && said.contains(&keep),
            "the outcome names the removed tag and the one that stays: {said:?}"
        );
        // The list refreshes (the tag goes); the outcome stays on screen.
        app.wait_until("the removed tag to leave the row", ACTED, |_| {
            let app = &app;
            let drop = drop.clone();
            let id = id.clone();
            async move {
                let tags = row_tags(app, &id).await.unwrap_or_default();
                Ok((!tags.is_empty() && !tags.contains(&drop)).then_some(()))
            }
        })
        .await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let message = app
            .wait_for_css("[data-testid=image-message]", SETTLE)
            .await?;
        assert_eq!(
            text_of(&message).await?,
            said,
            "the outcome stays after the refresh"
        );
        assert_eq!(row_tags(&app, &id).await?, vec![keep.clone()]);
        assert!(
            docker(["image", "inspect", &keep]).is_ok(),
            "{keep} remains"
        );
        assert!(
            docker(["image", "inspect", &drop]).is_err(),
            "{drop} is gone"
        );
        light_and_dark(&app, "first-day-image-tag-removed").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_that_cannot_be_reached_is_said_plainly_and_editing_clears_it(
) -> Result<(), AppError> {
    let app = App::launch(
        "a_registry_that_cannot_be_reached_is_said_plainly_and_editing_clears_it",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-images]", SETTLE).await?;
        app.click("[data-testid=images-pull]", SETTLE).await?;
        app.type_into(
            "[data-testid=pull-reference]",
            "nosuchhost.invalid/x:1",
            SETTLE,
        )
        .await?;
        app.click("[data-testid=pull-start]", SETTLE).await?;
        let error = app.wait_for_css("[data-testid=pull-error]", ACTED).await?;
        let said = text_of(&error).await?;
        assert!(
            said.contains("Can't reach nosuchhost.invalid (no network or DNS)"),
            "the pull's failure in people's words: {said:?}"
        );
        assert!(!said.contains("dial tcp"), "no raw Go error: {said:?}");
        light_and_dark(&app, "first-day-pull-unreachable").await?;

        // Another reference: the old failure goes.
        let input = app
            .wait_for_css("[data-testid=pull-reference]", SETTLE)
            .await?;
        input.send_keys("2").await.during("editing the reference")?;
        app.wait_gone("[data-testid=pull-error]", SETTLE).await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
