//! Live resource charts of one container in its detail pane.

use std::time::Duration;

use berth_tests::app::{App, AppError, WebDriverContext};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use serde_json::json;

use super::{container_row, show_run, wait_connected, SETTLE};

/// Samples come at 1 Hz and the first CPU figure needs two of them.
const MOVING: Duration = Duration::from_secs(10);
/** The list samples every running container every 5 s. */
const LIST_MOVING: Duration = Duration::from_secs(20);

/// The CPU readout's raw value, once it is a number above `above`.
async fn cpu_above(app: &App, above: f64) -> Result<f64, AppError> {
    app.wait_until(
        &format!("the CPU readout above {above}"),
        MOVING,
        |client| async move {
            let el = client
                .find(fantoccini::Locator::Css("[data-testid=stats-cpu-now]"))
                .await?;
            let value = el.attr("data-value").await?.unwrap_or_default();
            Ok(value.parse::<f64>().ok().filter(|v| *v > above))
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_tab_charts_a_busy_container_live() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-stats");
    let busy = run.run(
        "busy",
        &["--cpus", "0.5"],
        BUSYBOX_IMAGE,
        &["sh", "-c", "while :; do :; done"],
    )?;

    let app = App::launch("stats_tab_charts_a_busy_container_live", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        // Any Content-Security-Policy violation from here on is recorded.
        app.client()
            .execute(
                "window.__cspViolations = [];
                 document.addEventListener('securitypolicyviolation',
                   (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
                vec![],
            )
            .await
            .during("listening for CSP violations")?;
        show_run(&app, &run).await?;
        app.click(
            &format!("{} [data-testid=container-open]", container_row(&busy.name)),
            SETTLE,
        )
        .await?;
        app.click("[data-testid=detail-tab-stats]", SETTLE).await?;
        app.wait_for_css("[data-testid=stats-pane]", SETTLE).await?;
        for kind in ["cpu", "mem", "net", "blk"] {
            app.wait_for_css(&format!("[data-testid=stats-chart-{kind}] canvas"), SETTLE)
                .await?;
        }

        // The readout moves: a first figure above zero, then a different one a tick later.
        let first = cpu_above(&app, 0.0).await?;
        let next = app
            .wait_until("the CPU readout to change", MOVING, |client| async move {
                let el = client
                    .find(fantoccini::Locator::Css("[data-testid=stats-cpu-now]"))
                    .await?;
                let value = el.attr("data-value").await?.unwrap_or_default();
                Ok(value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| *v > 0.0 && (*v - first).abs() > f64::EPSILON))
            })
            .await?;
        eprintln!("CPU readout: {first:.2}% then {next:.2}%");

        // The list's CPU column (one subscription for every running container) moves too.
        let row_cpu = format!("{} [data-testid=row-cpu]", container_row(&busy.name));
        let listed = app
            .wait_until("the row's CPU figure", LIST_MOVING, |client| {
                let css = row_cpu.clone();
                async move {
                    let el = client.find(fantoccini::Locator::Css(&css)).await?;
                    let value = el.attr("data-value").await?.unwrap_or_default();
                    Ok(value.parse::<f64>().ok().filter(|v| *v > 0.0))
                }
            })
            .await?;
        eprintln!("row CPU: {listed:.2}%");
        app.wait_for_css(
            &format!(
                "{} [data-testid=row-cpu] svg path",
                container_row(&busy.name)
            ),
            SETTLE,
        )
        .await?;

        app.click("[data-testid=stats-range-5]", SETTLE).await?;
        app.wait_for_css("[data-testid=stats-range-5][aria-pressed=true]", SETTLE)
            .await?;
        app.screenshot("stats-light").await?;
        app.client()
            .execute("document.documentElement.dataset.theme = 'dark'", vec![])
            .await
            .during("switching to the dark theme")?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        app.screenshot("stats-dark").await?;
        app.client()
            .execute("delete document.documentElement.dataset.theme", vec![])
            .await
            .during("restoring the theme")?;

        app.click("[data-testid=stats-export]", SETTLE).await?;
        let saved = app
            .wait_for_css("[data-testid=stats-exported]", SETTLE)
            .await?;
        let text = saved.text().await.during("reading the export path")?;
        let path = text.trim().trim_start_matches("Saved to ").to_string();
        assert!(path.ends_with(".csv"), "export says {text:?}");
        let csv = std::fs::read_to_string(&path)
            .map_err(|e| AppError::Setup(format!("reading {path}: {e}")))?;
        let _ = std::fs::remove_file(&path);
        assert!(
            csv.lines().count() >= 2,
            "the CSV has a header and rows: {csv:?}"
        );

        let violations = app
            .client()
            .execute("return window.__cspViolations", vec![])
            .await
            .during("reading CSP violations")?;
        assert_eq!(violations, json!([]), "CSP violations");
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
