//! Issue #14, learning on a first day: the walkthrough reads the real engine (it offers the
//! user's own images, never "no images" beside a sidebar that counts some) and steps aside
//! when a view is chosen; scaling a group is in the command log and under the group, whose
//! members open their container's detail.

use std::time::Duration;

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};

use super::first_day_launch::{dark, open_launch};
use super::{text_of, wait_connected, SETTLE};

/// A scale of one replica of a small image ends in well under this on the test machine.
const SCALED: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthrough_offers_an_existing_image_and_steps_aside() -> Result<(), AppError> {
    ensure_test_images()?;
    let app = App::launch(
        "the_walkthrough_offers_an_existing_image_and_steps_aside",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-learn]", SETTLE).await?;
        app.click("[data-testid=learn-walkthrough]", SETTLE).await?;
        let state = app
            .wait_for_css("[data-testid=first-run-state]", SETTLE)
            .await?;
        let state = text_of(&state).await?;
        assert!(!state.contains("no images"), "{state}");
        // The test image is one of the user's images here, offered to use as it is.
        app.wait_for_css(
            &format!(
                "[data-testid=first-run-use][data-image={}]",
                css_str(APP_IMAGE)
            ),
            SETTLE,
        )
        .await?;
        app.screenshot("first-day-walkthrough-light").await?;
        dark(&app, true).await?;
        app.screenshot("first-day-walkthrough-dark").await?;
        dark(&app, false).await?;

        // Choosing a view in the sidebar: the walkthrough steps aside, the view shows.
        app.click("[data-testid=tab-containers]", SETTLE).await?;
        app.wait_gone("[data-testid=first-run]", SETTLE).await?;
        app.wait_for_css("[data-testid=container-filter]", SETTLE)
            .await?;
        Ok(())
    })
    .await
}

/// The id of the launch group that holds the container `name`.
async fn group_of(app: &App, name: &str) -> Result<String, AppError> {
    let css = format!("[data-testid=group-member][data-name={}]", css_str(name));
    app.wait_for_css(&css, SETTLE).await?;
    let id = app
        .client()
        .execute(
            "return document.querySelector(arguments[0]).closest('[data-testid=group]').dataset.group;",
            vec![serde_json::Value::String(css)],
        )
        .await
        .map_err(|e| AppError::Setup(format!("finding the group: {e}")))?;
    id.as_str()
        .map(str::to_string)
        .ok_or_else(|| AppError::Setup(format!("no group holds {name}")))
}

/// The command log's lines of scales, newest first.
async fn scale_lines(app: &App) -> Result<Vec<String>, AppError> {
    let mut lines = Vec::new();
    for e in app.find_all("[data-testid=command-log-entry]").await? {
        let what = e.attr("data-what").await.ok().flatten().unwrap_or_default();
        if what.starts_with("Scale") {
            lines.push(e.attr("data-line").await.ok().flatten().unwrap_or_default());
        }
    }
    Ok(lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scale_shows_in_the_command_log_and_a_member_opens_its_detail() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-scale");
    let app = App::launch(
        "a_scale_shows_in_the_command_log_and_a_member_opens_its_detail",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        // Two replicas, launched from the dialog as a user would.
        open_launch(&app).await?;
        app.type_into("[data-testid=launch-replicas]", "2", SETTLE)
            .await?;
        app.type_into(
            "[data-testid=launch-name]",
            &format!("{}-{{n}}", run.name("sc")),
            SETTLE,
        )
        .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        app.wait_until("the form planned", SETTLE, |client| async move {
            let el = client
                .find(fantoccini::Locator::Css("[data-testid=launch-cli]"))
                .await?;
            let text = el.prop("textContent").await?.unwrap_or_default();
            Ok(
                (text.matches("docker run -d").count() == 2 && text.contains("berth.test="))
                    .then_some(()),
            )
        })
        .await?;
        app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=launch-progress][data-phase=done]", SCALED)
            .await?;
        app.click("[data-testid=launch-done]", SETTLE).await?;

        app.click("[data-testid=tab-groups]", SETTLE).await?;
        let id = group_of(&app, &run.name("sc-1")).await?;
        let group = format!("[data-testid=group][data-group={}]", css_str(&id));

        // Down to 1: one `docker rm`, under the group and in the log.
        app.type_into(
            &format!("{group} [data-testid=group-scale-input]"),
            "1",
            SETTLE,
        )
        .await?;
        app.click(&format!("{group} [data-testid=group-scale]"), SETTLE)
            .await?;
        // Scaling down asks first (#13), naming what goes; volumes stay unticked.
        app.click("[data-testid=scale-down-confirm-go]", SETTLE)
            .await?;
        app.wait_for_css(&format!("{group}[data-total='1']"), SCALED)
            .await?;
        let shown = app
            .wait_for_css(&format!("{group} [data-testid=group-cli-line]"), SCALED)
            .await?;
        let shown = shown
            .attr("data-line")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(shown, format!("docker rm -f -v {}", run.name("sc-2")));

        // Up to 2 again: one `docker run` for the new replica, with its name.
        app.type_into(
            &format!("{group} [data-testid=group-scale-input]"),
            "2",
            SETTLE,
        )
        .await?;
        app.click(&format!("{group} [data-testid=group-scale]"), SETTLE)
            .await?;
        app.wait_for_css(&format!("{group}[data-total='2']"), SCALED)
            .await?;
        app.wait_until(
            "the scale-up's docker run under the group",
            SCALED,
            |client| {
                let css = format!("{group} [data-testid=group-cli-line]");
                async move {
                    let el = client.find(fantoccini::Locator::Css(&css)).await?;
                    let line = el.attr("data-line").await?.unwrap_or_default();
                    Ok(line.starts_with("docker run -d --name ").then_some(()))
                }
            },
        )
        .await?;
        app.screenshot("first-day-groups-light").await?;
        dark(&app, true).await?;
        app.screenshot("first-day-groups-dark").await?;
        dark(&app, false).await?;

        app.click("[data-testid=tab-learn]", SETTLE).await?;
        app.click("[data-testid=learn-tab-log]", SETTLE).await?;
        app.wait_for_css("[data-testid=command-log-entry]", SETTLE)
            .await?;
        let lines = scale_lines(&app).await?;
        let rm = format!("docker rm -f -v {}", run.name("sc-2"));
        assert!(lines.iter().any(|l| l == &rm), "{lines:#?}");
        let run_line = lines
            .iter()
            .find(|l| l.starts_with("docker run -d "))
            .cloned()
            .unwrap_or_default();
        let second = run.name("sc-2");
        let third = run.name("sc-3");
        assert!(
            run_line.contains(&format!("--name {second} "))
                || run_line.contains(&format!("--name {third} ")),
            "{lines:#?}"
        );
        assert!(
            run_line.contains(&format!("berth.group={id}")),
            "{run_line}"
        );
        app.screenshot("first-day-command-log").await?;

        // A member opens its container's detail (its logs are one tab away).
        app.click("[data-testid=tab-groups]", SETTLE).await?;
        app.click(
            &format!(
                "[data-testid=group-member][data-name={}] [data-testid=group-member-open]",
                css_str(&run.name("sc-1"))
            ),
            SETTLE,
        )
        .await?;
        let detail = app
            .wait_for_css("[data-testid=container-detail]", SETTLE)
            .await?;
        let sc1 = docker(["inspect", "-f", "{{.Id}}", &run.name("sc-1")])?;
        assert_eq!(
            detail
                .attr("data-id")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
            sc1.trim()
        );
        Ok(())
    })
    .await
}
