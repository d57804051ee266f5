//! Issue #13 on the real window: a container that prints one 5 MiB line shows it cut in the
//! logs pane, marked with how much was left out, between its whole neighbours.

use berth_tests::app::{App, AppError};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use super::{container_row, show_run, text_of, wait_connected, SETTLE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_mib_line_shows_cut_and_marked() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-logs-cut");
    let c = run.run(
        "long-line",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "echo before; head -c 5242880 /dev/zero | tr '\\0' x; echo; echo after; sleep 300",
        ],
    )?;

    let app = App::launch("a_five_mib_line_shows_cut_and_marked", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.click(
            &format!("{} [data-testid=container-open]", container_row(&c.name)),
            SETTLE,
        )
        .await?;
        let mark = app
            .wait_for_css(
                "[data-testid=logs-lines] [data-testid=logs-line-cut]",
                SETTLE,
            )
            .await?;
        assert_eq!(text_of(&mark).await?, "cut: 5.23MB not shown");
        // At the line's start, in view without scrolling.
        let at_start = app
            .wait_for_css(
                "[data-testid=logs-lines] .line > [data-testid=logs-line-cut]:first-child",
                SETTLE,
            )
            .await?;
        assert!(at_start.is_displayed().await.unwrap_or(false));
        let count = text_of(&app.wait_for_css("[data-testid=logs-count]", SETTLE).await?).await?;
        assert!(count.starts_with("3 lines"), "{count}");
        app.screenshot("logs-cut-line").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
