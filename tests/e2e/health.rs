//! Issue #16 on the real window: a container whose health check starts failing shows its badge
//! turn from healthy to unhealthy in the list, and the health filter shows it and not a healthy
//! sibling.

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
        "--health-cmd",
        "test -f /ok",
        "--health-interval",
        "1s",
        "--health-retries",
        "1",
    ];
    let cmd = ["sh", "-c", "touch /ok; sleep 600"];
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
