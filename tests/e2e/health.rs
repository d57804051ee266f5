//! Issue #16 on the real window: a container whose health check starts failing shows its badge
//! turn from healthy to unhealthy in the list, its detail shows the last probes with their exit
//! codes and output, and the health filter shows it and not a healthy sibling.

use std::time::{Duration, Instant};

use berth_tests::app::{App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use super::{container_row, show_run, text_of, wait_connected, SETTLE};

/// A check every second, unhealthy after one failure: the engine says so within a few
/// seconds, and the list follows its events.
const TURNS: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_health_check_turns_the_badge_unhealthy() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-health");
    let check = [
        // Prints the file while it is there, busybox's complaint once it is gone.
        "--health-cmd",
        "cat /ok",
        "--health-interval",
        "1s",
        "--health-retries",
        "1",
    ];
    let cmd = ["sh", "-c", "echo ready > /ok; sleep 600"];
    let sick = run.run("sick", &check, BUSYBOX_IMAGE, &cmd)?;
    let fine = run.run("fine", &check, BUSYBOX_IMAGE, &cmd)?;

    let app = App::launch("a_failing_health_check_turns_the_badge_unhealthy", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        let healthy = format!("{}[data-health=healthy]", container_row(&sick.name));
        app.wait_for_css(&format!("{healthy} [data-testid=health-badge]"), TURNS)
            .await?;

        // The check starts failing: the engine marks it unhealthy, the badge follows.
        docker(["exec", &sick.name, "rm", "/ok"])?;
        let unhealthy = format!("{}[data-health=unhealthy]", container_row(&sick.name));
        let badge = app
            .wait_for_css(
                &format!("{unhealthy} [data-testid=health-badge][data-health=unhealthy]"),
                TURNS,
            )
            .await?;
        assert_eq!(text_of(&badge).await?.trim(), "unhealthy");
        app.wait_for_css(
            &format!("{}[data-health=healthy]", container_row(&fine.name)),
            TURNS,
        )
        .await?;
        app.screenshot("health-unhealthy").await?;

        // Its detail: the probes, newest first, with their exit codes and what they printed.
        app.click(
            &format!("{} [data-testid=container-open]", container_row(&sick.name)),
            SETTLE,
        )
        .await?;
        app.click("[data-testid=detail-tab-inspect]", SETTLE).await?;
        let failed = app
            .wait_for_css(
                "[data-testid=health-probes] [data-testid=health-probe][data-exit-code=\"1\"] [data-testid=health-probe-output]",
                TURNS,
            )
            .await?;
        let output = text_of(&failed).await?;
        assert!(output.contains("/ok"), "the failed probe's output: {output:?}");
        // Passed probes still in the engine's last five printed the file.
        for passed in app
            .find_all("[data-testid=health-probe][data-exit-code=\"0\"] [data-testid=health-probe-output]")
            .await?
        {
            assert_eq!(text_of(&passed).await?.trim(), "ready");
        }
        let probes = app.find_all("[data-testid=health-probe]").await?;
        assert!(
            (2..=5).contains(&probes.len()),
            "{} probes shown (the engine keeps 5)",
            probes.len()
        );
        app.screenshot("health-probes").await?;
        app.click("[data-testid=detail-close]", SETTLE).await?;

        // Filtered by health: the unhealthy one only.
        app.wait_for_css("[data-testid=state-filter]", SETTLE)
            .await?
            .select_by_value("health:unhealthy")
            .await
            .during("choosing the health filter")?;
        let deadline = Instant::now() + SETTLE;
        loop {
            let sick_shown = app.find_all(&container_row(&sick.name)).await?.len();
            let fine_shown = app.find_all(&container_row(&fine.name)).await?.len();
            if (sick_shown, fine_shown) == (1, 0) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the health filter shows {sick_shown} unhealthy and {fine_shown} healthy rows"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    })
    .await
}
