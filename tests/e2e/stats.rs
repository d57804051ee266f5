//! Live resource charts of one container in its detail pane.

use std::time::Duration;

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
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

        // This computer's panel beside the container's figures.
        host_panel_has_figures(&app, "[data-testid=stats-pane]").await?;

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

/// A number in attribute `attr` of the first element matching `css`, once `ok` accepts it.
async fn attr_number(
    app: &App,
    what: &str,
    css: &str,
    attr: &'static str,
    timeout: Duration,
    ok: impl Fn(f64) -> bool + Send + Sync + Clone + 'static,
) -> Result<f64, AppError> {
    let css = css.to_string();
    app.wait_until(what, timeout, move |client| {
        let css = css.clone();
        let ok = ok.clone();
        async move {
            let Ok(el) = client.find(fantoccini::Locator::Css(&css)).await else {
                return Ok(None);
            };
            let value = el.attr(attr).await?.unwrap_or_default();
            Ok(value.parse::<f64>().ok().filter(|v| ok(*v)))
        }
    })
    .await
}

/// The "This computer" panel inside `scope` shows real, non-zero figures of this machine.
async fn host_panel_has_figures(app: &App, scope: &str) -> Result<(), AppError> {
    let panel = format!("{scope} [data-testid=host-panel]");
    let mem = attr_number(
        app,
        "the host panel's memory",
        &format!("{panel} [data-testid=host-mem]"),
        "data-value",
        MOVING,
        |v| v > 0.0,
    )
    .await?;
    let cores = attr_number(
        app,
        "the host panel's cores",
        &format!("{panel} [data-testid=host-cores]"),
        "data-value",
        SETTLE,
        |v| v >= 1.0,
    )
    .await?;
    let cpu = attr_number(
        app,
        "the host panel's CPU",
        &format!("{panel} [data-testid=host-cpu]"),
        "data-value",
        MOVING,
        |v| v > 0.0 && v <= 100.0,
    )
    .await?;
    let label = app
        .wait_for_css(&format!("{panel} strong"), SETTLE)
        .await?
        .text()
        .await
        .during("reading the host panel's label")?;
    assert_eq!(label.trim(), "This computer");
    eprintln!("host panel: cpu {cpu:.1}%, memory {mem} B, {cores} cores");
    Ok(())
}

/// A launch group's charts: the sum over its running replicas moves, one line per replica,
/// and a replica that starts while the charts are open joins them (one that dies leaves).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_charts_sum_the_replicas_live() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-group-stats");
    let group = format!("e2e-{}", run.id());
    let replica = |n: u32| {
        run.run(
            &format!("r{n}"),
            &[
                "--label",
                &format!("berth.group={group}"),
                "--label",
                &format!("berth.replica={n}"),
                "--cpus",
                "0.3",
            ],
            BUSYBOX_IMAGE,
            &["sh", "-c", "while :; do :; done"],
        )
    };
    replica(1)?;
    replica(2)?;

    let app = App::launch("group_charts_sum_the_replicas_live", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-groups]", SETTLE).await?;
        let card = format!("[data-testid=group][data-group={}]", css_str(&group));
        app.click(&format!("{card} [data-testid=group-charts-toggle]"), SETTLE)
            .await?;
        let charts = format!("{card} [data-testid=group-charts]");
        for kind in ["cpu", "mem", "net", "blk"] {
            for side in ["sum", "per"] {
                app.wait_for_css(
                    &format!("{charts} [data-testid=group-{side}-{kind}] canvas"),
                    SETTLE,
                )
                .await?;
            }
        }
        app.wait_for_css(&format!("{charts}[data-replicas='2']"), MOVING)
            .await?;

        // The sum moves: two replicas at ~30 % each read well above one of them.
        let sum_css = format!("{charts} [data-testid=group-sum-cpu-now]");
        let first = attr_number(
            &app,
            "the group's CPU sum",
            &sum_css,
            "data-value",
            MOVING,
            |v| v > 35.0,
        )
        .await?;
        let next = attr_number(
            &app,
            "the group's CPU sum to change",
            &sum_css,
            "data-value",
            MOVING,
            move |v| v > 35.0 && (v - first).abs() > f64::EPSILON,
        )
        .await?;
        eprintln!("group CPU sum: {first:.1}% then {next:.1}%");
        let mem = attr_number(
            &app,
            "the group's memory sum",
            &format!("{charts} [data-testid=group-sum-mem-now]"),
            "data-value",
            MOVING,
            |v| v > 0.0,
        )
        .await?;
        eprintln!("group memory sum: {mem} B");
        host_panel_has_figures(&app, &charts).await?;

        // A third replica starts: it joins the charts and the sum.
        replica(3)?;
        app.wait_for_css(&format!("{charts}[data-replicas='3']"), LIST_MOVING)
            .await?;
        let three = attr_number(
            &app,
            "the sum of three replicas",
            &sum_css,
            "data-value",
            LIST_MOVING,
            |v| v > 65.0,
        )
        .await?;
        eprintln!("group CPU sum with three: {three:.1}%");
        app.screenshot("group-charts").await?;

        // One dies: it leaves.
        let gone = run.name("r1");
        docker(["rm", "-f", &gone])?;
        app.wait_for_css(&format!("{charts}[data-replicas='2']"), LIST_MOVING)
            .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
