//! The first day with Berth (issue #14), containers side: a log pane that keeps its lines while
//! other containers come and go, a slow stop that locks only its own row, readable ports,
//! sortable columns, and a roomier container detail.

use std::time::{Duration, Instant};

use berth_tests::app::{App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE, BUSYBOX_IMAGE};

use super::{container_row, container_row_in, show_run, text_of, wait_connected, SETTLE};

/// Screenshots of the window as it is, in the light and then the dark theme.
pub(crate) async fn light_and_dark(app: &App, label: &str) -> Result<(), AppError> {
    app.screenshot(&format!("{label}-light")).await?;
    app.client()
        .execute("document.documentElement.dataset.theme = 'dark'", vec![])
        .await
        .during("switching to the dark theme")?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    app.screenshot(&format!("{label}-dark")).await?;
    app.client()
        .execute("delete document.documentElement.dataset.theme", vec![])
        .await
        .during("switching the theme back")?;
    Ok(())
}

/// An action's effect shows up through the engine's events; generous on a loaded machine.
const ACTED: Duration = Duration::from_secs(20);

fn in_row(name: &str, testid: &str) -> String {
    format!("{} [data-testid={testid}]", container_row(name))
}

/// Records, in the page, every text the log pane's line count shows from now on: a
/// MutationObserver sees each rendered state, even one that lasts a single frame (which a
/// WebDriver poll would miss).
const WATCH_COUNT: &str = "
  const seen = (window.__logCounts = []);
  const read = () => {
    const el = document.querySelector('[data-testid=logs-count]');
    seen.push(el ? el.textContent.trim() : '(no pane)');
  };
  window.__logObserver = new MutationObserver(read);
  window.__logObserver.observe(document.querySelector('[data-testid=container-detail]').parentElement,
    { subtree: true, childList: true, characterData: true });
  read();";

/// `300 lines · live` -> 300.
fn line_count(text: &str) -> Option<u64> {
    text.split_whitespace()
        .next()?
        .replace(',', "")
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_pane_keeps_its_lines_while_other_containers_change() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("first-day-logs");
    let talker = run.run(
        "talker",
        &[],
        BUSYBOX_IMAGE,
        &["sh", "-c", "seq 1 300; exec sleep 600"],
    )?;

    let app = App::launch(
        "the_log_pane_keeps_its_lines_while_other_containers_change",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.click(&in_row(&talker.name, "container-open"), SETTLE)
            .await?;
        let deadline = Instant::now() + SETTLE;
        loop {
            let el = app.wait_for_css("[data-testid=logs-count]", SETTLE).await?;
            let text = text_of(&el).await?;
            if text.contains("300 lines") && text.contains("live") {
                break;
            }
            assert!(Instant::now() < deadline, "the log pane shows {text:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.client()
            .execute(WATCH_COUNT, vec![])
            .await
            .during("watching the line count")?;

        // Twenty other containers start, then stop and go: a stream of inventory refreshes.
        let others: Vec<_> = (0..20)
            .map(|i| run.run(&format!("other-{i}"), &[], BUSYBOX_IMAGE, &["sleep", "600"]))
            .collect::<Result<_, _>>()?;
        let ids: Vec<&str> = others.iter().map(|c| c.id.as_str()).collect();
        docker([&["kill"][..], &ids].concat())?;
        docker([&["rm", "-f"][..], &ids].concat())?;
        app.wait_gone(&container_row(&others[19].name), ACTED)
            .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;

        let seen = app
            .client()
            .execute(
                "window.__logObserver.disconnect(); return window.__logCounts;",
                vec![],
            )
            .await
            .during("reading the recorded line counts")?;
        let seen: Vec<String> = seen
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        eprintln!("{} renders of the line count recorded", seen.len());
        let bad: Vec<&String> = seen
            .iter()
            .filter(|t| line_count(t).is_none_or(|n| n < 300) || !t.contains("live"))
            .collect();
        assert!(
            bad.is_empty(),
            "the log pane dropped its lines or its live tag while others changed: {bad:?}"
        );
        light_and_dark(&app, "first-day-logs").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_stop_locks_only_its_own_row() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("first-day-slow-stop");
    let slow = run.run(
        "slow",
        &[],
        BUSYBOX_IMAGE,
        &["sh", "-c", "trap '' TERM; sleep 600"],
    )?;
    let quick = run.run("quick", &["--stop-timeout", "1"], APP_IMAGE, &[])?;
    // It really ignores SIGTERM: still running a moment after one.
    docker(["kill", "--signal", "TERM", &slow.id])?;
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        docker(["inspect", "--format", "{{.State.Status}}", &slow.id])?,
        "running",
        "the slow container ignores SIGTERM"
    );

    let app = App::launch("a_slow_stop_locks_only_its_own_row", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.wait_for_css(&container_row_in(&slow.name, "running"), SETTLE)
            .await?;
        app.wait_for_css(&container_row_in(&quick.name, "running"), SETTLE)
            .await?;

        let asked = Instant::now();
        app.click(&in_row(&slow.name, "row-stop"), SETTLE).await?;
        let busy = app
            .wait_for_css(&in_row(&slow.name, "row-busy"), SETTLE)
            .await?;
        let said = text_of(&busy).await?;
        assert!(said.contains("Stopping"), "the slow row says {said:?}");
        let why = busy.attr("title").await.ok().flatten().unwrap_or_default();
        assert!(
            why.contains("stop timeout"),
            "it says why it waits: {why:?}"
        );
        light_and_dark(&app, "first-day-slow-stop").await?;

        // Meanwhile the other row is usable: its Stop works.
        let other = app
            .wait_for_css(&in_row(&quick.name, "row-stop"), SETTLE)
            .await?;
        assert!(
            other
                .is_enabled()
                .await
                .during("reading row-stop enabled")?,
            "the other row's Stop is usable during the slow stop"
        );
        other.click().await.during("stopping the other container")?;
        app.wait_for_css(&container_row_in(&quick.name, "exited"), ACTED)
            .await?;
        assert!(
            asked.elapsed() < Duration::from_secs(9),
            "the other container stopped while the slow one was still stopping"
        );

        // Kill now ends the wait.
        app.click(&in_row(&slow.name, "row-kill-now"), SETTLE)
            .await?;
        app.wait_for_css(&container_row_in(&slow.name, "exited"), ACTED)
            .await?;
        let took = asked.elapsed();
        eprintln!("stop asked -> killed and exited: {} ms", took.as_millis());
        assert!(
            took < Duration::from_secs(10),
            "Kill now did not wait for the stop timeout"
        );
        app.wait_gone(&in_row(&slow.name, "row-busy"), ACTED)
            .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

/// The names of the container rows, top to bottom.
async fn row_names(app: &App) -> Result<Vec<String>, AppError> {
    let mut names = Vec::new();
    for row in app.find_all("[data-testid=container-row]").await? {
        names.push(
            row.attr("data-name")
                .await
                .during("reading a row's name")?
                .unwrap_or_default(),
        );
    }
    Ok(names)
}

/// Waits until the rows read `expected`, top to bottom.
async fn wait_order(app: &App, expected: &[&str]) -> Result<(), AppError> {
    let deadline = Instant::now() + SETTLE;
    loop {
        let names = row_names(app).await?;
        if names == expected {
            return Ok(());
        }
        assert!(
            Instant::now() < deadline,
            "rows read {names:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sort_state(app: &App, key: &str) -> Result<Option<String>, AppError> {
    let state = app
        .client()
        .execute(
            &format!(
                "return document.querySelector('[data-testid=sort-{key}]').closest('[role=columnheader]').getAttribute('aria-sort');"
            ),
            vec![],
        )
        .await
        .during("reading aria-sort")?;
    Ok(state.as_str().map(str::to_string))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ports_read_host_to_container_and_columns_sort() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("first-day-sort");
    // By name a, b, c; by state the running a and b, then the created c.
    // b publishes 80 (the app image also exposes 8080, unpublished).
    let b = run.run("b", &["-p", "127.0.0.1::80"], APP_IMAGE, &[])?;
    let a = run.run("a", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let c = run.create("c", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let published = docker(["port", &b.id, "80/tcp"])?;
    let host_port = published
        .lines()
        .next()
        .and_then(|l| l.rsplit(':').next())
        .unwrap_or_default()
        .trim()
        .to_string();

    let app = App::launch("ports_read_host_to_container_and_columns_sort", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.wait_for_css(&container_row_in(&c.name, "created"), SETTLE)
            .await?;

        let ports = app
            .wait_for_css(&in_row(&b.name, "row-ports"), SETTLE)
            .await?;
        // Each published port as host port → container port (its address, loopback for a local
        // engine, is in the link's tooltip, #16), then the exposed one.
        assert_eq!(
            text_of(&ports)
                .await?
                .split_whitespace()
                .collect::<Vec<_>>(),
            [format!("{host_port}→80").as_str(), "8080"]
        );
        assert_eq!(
            text_of(
                &app.wait_for_css(&in_row(&a.name, "row-ports"), SETTLE)
                    .await?
            )
            .await?
            .trim(),
            "—"
        );

        // By name, then reversed by a second click.
        wait_order(&app, &[&a.name, &b.name, &c.name]).await?;
        assert_eq!(
            sort_state(&app, "name").await?.as_deref(),
            Some("ascending")
        );
        app.click("[data-testid=sort-name]", SETTLE).await?;
        wait_order(&app, &[&c.name, &b.name, &a.name]).await?;
        assert_eq!(
            sort_state(&app, "name").await?.as_deref(),
            Some("descending")
        );

        // From the keyboard: Enter on the State header sorts running first (then by name).
        // (Created, at the default window size, gives way to CPU and Memory; its order is
        // unit-tested.)
        let state = app.wait_for_css("[data-testid=sort-state]", SETTLE).await?;
        state
            .send_keys(&fantoccini::key::Key::Enter.to_string())
            .await
            .during("pressing Enter on the State header")?;
        wait_order(&app, &[&a.name, &b.name, &c.name]).await?;
        assert_eq!(
            sort_state(&app, "state").await?.as_deref(),
            Some("ascending")
        );
        assert_eq!(sort_state(&app, "name").await?.as_deref(), Some("none"));

        // A new container takes its sorted place (here between the others), not the top.
        app.click("[data-testid=sort-name]", SETTLE).await?;
        wait_order(&app, &[&a.name, &b.name, &c.name]).await?;
        let ab = run.create("ab", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
        wait_order(&app, &[&a.name, &ab.name, &b.name, &c.name]).await?;
        light_and_dark(&app, "first-day-sorted").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

/// A number attribute of the first element matching `css`, once it is there and parses.
async fn number_attr(app: &App, css: &str, attr: &str) -> Result<Option<f64>, AppError> {
    let Some(el) = app.find_all(css).await?.into_iter().next() else {
        return Ok(None);
    };
    let value = el.attr(attr).await.during("reading an attribute")?;
    Ok(value.and_then(|v| v.parse().ok()))
}

async fn pane_height(app: &App) -> Result<f64, AppError> {
    let h = app
        .client()
        .execute(
            "return document.querySelector('[data-testid=detail-pane]').getBoundingClientRect().height;",
            vec![],
        )
        .await
        .during("measuring the detail pane")?;
    Ok(h.as_f64().unwrap_or(0.0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_chart_scales_to_the_container_and_the_detail_pane_grows() -> Result<(), AppError>
{
    ensure_test_images()?;
    let run = TestRun::new("first-day-detail");
    // design.md §5: reads about 64.6 MiB, with no memory limit (the engine reports the host's).
    let fill = run.run_memory_fill("fill")?;

    let app = App::launch(
        "the_memory_chart_scales_to_the_container_and_the_detail_pane_grows",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.click(&in_row(&fill.name, "container-open"), SETTLE)
            .await?;
        app.click("[data-testid=detail-tab-stats]", SETTLE).await?;

        const MIB: f64 = 1024.0 * 1024.0;
        let deadline = Instant::now() + ACTED;
        let (used, top) = loop {
            let used = number_attr(&app, "[data-testid=stats-mem-now]", "data-value").await?;
            let top = number_attr(&app, "[data-testid=stats-chart-mem]", "data-y-max").await?;
            if let (Some(used), Some(top)) = (used, top) {
                // The chart has drawn this reading once its scale reaches it.
                if used > 60.0 * MIB && top >= used {
                    break (used, top);
                }
            }
            assert!(
                Instant::now() < deadline,
                "no memory reading of the fill: {used:?}, y max {top:?}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        eprintln!(
            "memory {:.1} MiB, chart's y max {:.1} MiB",
            used / MIB,
            top / MIB
        );
        assert!(
            top >= used && top < 4.0 * used,
            "the memory chart runs to {:.1} MiB for {:.1} MiB in use",
            top / MIB,
            used / MIB
        );
        light_and_dark(&app, "first-day-memory-chart").await?;

        // The splitter, from the keyboard: Up gives the pane more room.
        let before = pane_height(&app).await?;
        let splitter = app
            .wait_for_css("[data-testid=detail-splitter]", SETTLE)
            .await?;
        splitter
            .send_keys(&fantoccini::key::Key::Up.to_string())
            .await
            .during("pressing Up on the splitter")?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let taller = pane_height(&app).await?;
        assert!(
            taller > before + 10.0,
            "Up on the splitter: {before} -> {taller} px"
        );

        // Maximise: the pane takes the view; Restore gives the list back.
        app.click("[data-testid=detail-maximise]", SETTLE).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let maximised = pane_height(&app).await?;
        assert!(
            maximised > taller + 100.0,
            "maximised: {taller} -> {maximised} px"
        );
        assert!(
            !app.wait_for_css(&container_row(&fill.name), SETTLE)
                .await?
                .is_displayed()
                .await
                .unwrap_or(true),
            "the list gives way to the maximised pane"
        );
        light_and_dark(&app, "first-day-detail-maximised").await?;
        app.click("[data-testid=detail-maximise]", SETTLE).await?;
        app.wait_for_css("[data-testid=detail-splitter]", SETTLE)
            .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
