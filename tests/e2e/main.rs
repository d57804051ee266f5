//! End-to-end tests of the built app, through WebDriver on its real window.
//!
//! Needs: the app built with the UI embedded (`npm --prefix ui run build && cargo build -p
//! berth --features custom-protocol`, or `BERTH_APP`), `tauri-driver` (`cargo install
//! tauri-driver --locked`), Debian's `webkit2gtk-driver`, a display and a session bus, and a
//! running engine. Run one test at a time:
//!
//! ```sh
//! dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
//!   cargo test -p berth-tests --test e2e -- --test-threads=1
//! ```
//!
//! Each test owns a `TestRun` (its containers are labelled and removed afterwards) and one app
//! session. A failing test leaves `target/e2e-artifacts/<test>.png` and `<test>.log`.

use std::time::{Duration, Instant};

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE, BUSYBOX_IMAGE};
use berth_tests::proxy::EngineProxy;
use fantoccini::elements::Element;
use fantoccini::Locator;

mod a11y;
mod chaos;
mod compose;
mod confirm;
mod container_files;
mod containers_group_by;
mod engines;
mod first_day_containers;
mod first_day_images;
mod first_day_launch;
mod first_day_learn;
mod health;
mod help;
mod installed;
mod keyboard;
mod launch;
mod learn;
mod lessons;
mod limits;
mod logs_cut;
mod manage;
mod networks;
mod ports;
mod run_image;
mod scroll_frames;
mod settings;
mod stats;
mod swarm;
mod terminal;
mod tray;
mod trust;
mod volumes;
mod window_state;

/// Generous limit for things that have no stated target (first connect, tab switches).
const SETTLE: Duration = Duration::from_secs(10);
/// The stated target for a change made outside Berth to show up (and go away).
const LIVE_TARGET: Duration = Duration::from_secs(2);
/// How long to keep watching past a target, so a miss reports how late it was.
const LIVE_GRACE: Duration = Duration::from_secs(8);
/// "Within a few seconds": the problem screen after the engine went away.
const DOWN_TARGET: Duration = Duration::from_secs(5);

const CONNECTED: &str = "[data-testid=engine-status][data-state=connected]";
const FILTER: &str = "[data-testid=container-filter]";

fn container_row(name: &str) -> String {
    format!("[data-testid=container-row][data-name={}]", css_str(name))
}

fn container_row_in(name: &str, state: &str) -> String {
    format!("{}[data-state={}]", container_row(name), css_str(state))
}

/// The sidebar's container count: shown once an inventory is known, on whatever view the app
/// opened (a restart opens the last view, which need not be Containers).
const INVENTORY_KNOWN: &str = "[data-testid=tab-containers] .count";

/// Waits for the lists of a connected engine, on any view; a fresh launch (its own settings
/// folder) opens on Containers.
async fn wait_connected(app: &App) -> Result<(), AppError> {
    app.wait_for_css(CONNECTED, SETTLE).await?;
    app.wait_for_css(INVENTORY_KNOWN, SETTLE).await?;
    Ok(())
}

/// Narrows the virtualized container list to this run's containers (the engine is shared:
/// other containers may push ours out of the rendered window).
async fn show_run(app: &App, run: &TestRun) -> Result<(), AppError> {
    app.type_into(FILTER, run.id(), SETTLE).await
}

/// The element's text as the DOM holds it. (WebKitWebDriver's "visible text" leaves out some
/// cells of the grid rows, whose CSS truncates long text; the screenshots show them.)
async fn text_of(el: &Element) -> Result<String, AppError> {
    el.prop("textContent")
        .await
        .during("reading textContent")
        .map(Option::unwrap_or_default)
}

/// Reads the number in the element matching `css`.
async fn number_in(app: &App, css: &str) -> Result<u64, AppError> {
    let el = app.wait_for_css(css, SETTLE).await?;
    let text = text_of(&el).await?;
    text.trim()
        .parse()
        .map_err(|_| AppError::Setup(format!("{css} shows {text:?}, not a number")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shows_existing_containers_and_images() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("inventory");
    let web = run.run("web", &[], APP_IMAGE, &[])?;
    let fresh = run.create("fresh", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let done = run.run("done", &[], BUSYBOX_IMAGE, &["true"])?;
    docker(["wait", &done.id])?;
    let held = run.run("held", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    docker(["pause", &held.id])?;
    // The images as the containers were made from them (robust to a fixture rebuilt meanwhile).
    let app_image = docker(["inspect", "--format", "{{.Image}}", &web.id])?;
    let busybox_image = docker(["inspect", "--format", "{{.Image}}", &fresh.id])?;
    let expected = [
        (&web, "running"),
        (&fresh, "created"),
        (&done, "exited"),
        (&held, "paused"),
    ];

    let app = App::launch("shows_existing_containers_and_images", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        for (c, state) in expected {
            let row = app
                .wait_for_css(&container_row_in(&c.name, state), SETTLE)
                .await?;
            assert!(
                row.is_displayed().await.unwrap_or(false),
                "row of {} is not displayed",
                c.name
            );
            let text = text_of(&row).await?;
            assert!(text.contains(&c.name), "row of {} shows {text:?}", c.name);
            assert_eq!(
                row.attr("data-id").await.ok().flatten().as_deref(),
                Some(c.id.as_str())
            );
        }
        let shown = app.find_all("[data-testid=container-row]").await?.len();
        assert_eq!(
            shown,
            expected.len(),
            "the filter shows exactly this run's containers"
        );
        // The engine is shared with other tests: only lower bounds are stable.
        assert!(number_in(&app, "[data-testid=count-total]").await? >= 4);
        assert!(number_in(&app, "[data-testid=count-running]").await? >= 1);

        app.click("[data-testid=tab-images]", SETTLE).await?;
        for (id, tag) in [(&busybox_image, BUSYBOX_IMAGE), (&app_image, APP_IMAGE)] {
            let row = app
                .wait_for_css(
                    &format!("[data-testid=image-row][data-id={}]", css_str(id)),
                    SETTLE,
                )
                .await?;
            let mut tags = Vec::new();
            for t in row
                .find_all(Locator::Css("[data-testid=image-tag]"))
                .await
                .during("finding the tags")?
            {
                tags.push(text_of(&t).await?.trim().to_string());
            }
            assert!(
                tags.iter().any(|t| t == tag),
                "image {id} shows tags {tags:?}, not {tag}"
            );
        }

        // Selecting an image lists the containers made from it, and only those.
        let busybox_row = format!(
            "[data-testid=image-row][data-id={}]",
            css_str(&busybox_image)
        );
        app.click(&busybox_row, SETTLE).await?;
        for c in [&fresh, &done, &held] {
            app.wait_for_css(
                &format!(
                    "[data-testid=image-container-row][data-name={}]",
                    css_str(&c.name)
                ),
                SETTLE,
            )
            .await?;
        }
        let web_in_detail = format!(
            "[data-testid=image-container-row][data-name={}]",
            css_str(&web.name)
        );
        assert!(
            app.find_all(&web_in_detail).await?.is_empty(),
            "{} is not made from busybox",
            web.name
        );

        let app_row = format!("[data-testid=image-row][data-id={}]", css_str(&app_image));
        app.click(&app_row, SETTLE).await?;
        app.wait_for_css(&web_in_detail, SETTLE).await?;
        app.screenshot("view-images").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn containers_made_elsewhere_show_up_and_go_away_by_themselves() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("live");
    let app = App::launch(
        "containers_made_elsewhere_show_up_and_go_away_by_themselves",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        // "No matching containers", or "No containers yet" on an otherwise empty engine.
        app.wait_for_css(
            "[data-testid=containers-no-match], [data-testid=containers-empty]",
            SETTLE,
        )
        .await?;

        let late = run.run("late", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
        let created = Instant::now();
        app.wait_for_css(
            &container_row_in(&late.name, "running"),
            LIVE_TARGET + LIVE_GRACE,
        )
        .await?;
        let appeared = created.elapsed();
        eprintln!(
            "`docker run -d` -> row in the window: {} ms",
            appeared.as_millis()
        );
        app.screenshot("view-live").await?;

        docker(["rm", "-f", &late.id])?;
        let removed = Instant::now();
        app.wait_gone(&container_row(&late.name), LIVE_TARGET + LIVE_GRACE)
            .await?;
        let vanished = removed.elapsed();
        eprintln!("`docker rm -f` -> row gone: {} ms", vanished.as_millis());

        assert!(
            appeared <= LIVE_TARGET,
            "the new container took {appeared:?} to show up"
        );
        assert!(
            vanished <= LIVE_TARGET,
            "the removed container took {vanished:?} to go away"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_going_away_shows_the_problem_and_coming_back_restores_the_lists(
) -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("outage");
    let steady = run.run("steady", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let proxy = EngineProxy::new().map_err(|e| AppError::Setup(format!("engine proxy: {e}")))?;
    proxy
        .start()
        .map_err(|e| AppError::Setup(format!("engine proxy: {e}")))?;
    let host = proxy.docker_host();

    let app = App::launch(
        "engine_going_away_shows_the_problem_and_coming_back_restores_the_lists",
        &[("DOCKER_HOST", Some(&host)), ("DOCKER_CONTEXT", None)],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.wait_for_css(&container_row_in(&steady.name, "running"), SETTLE)
            .await?;

        proxy.stop().await;
        let down = Instant::now();
        let problem = app
            .wait_for_css(
                "[data-testid=engine-problem][data-kind=unreachable]",
                DOWN_TARGET + LIVE_GRACE,
            )
            .await?;
        let noticed = down.elapsed();
        eprintln!("engine gone -> problem screen: {} ms", noticed.as_millis());
        assert!(
            noticed <= DOWN_TARGET,
            "the problem screen took {noticed:?}"
        );
        let text = text_of(&problem).await?;
        assert!(
            text.contains(&proxy.path().display().to_string()),
            "the problem screen names the endpoint {host}: {text:?}"
        );
        app.screenshot("view-engine-down").await?;

        // It stays on the problem screen (no crash, no blank page) while the engine is away.
        tokio::time::sleep(Duration::from_secs(2)).await;
        app.wait_for_css(
            "[data-testid=engine-problem][data-kind=unreachable]",
            SETTLE,
        )
        .await?;
        let status = app
            .wait_for_css("[data-testid=engine-status]", SETTLE)
            .await?;
        let state = status.attr("data-state").await.ok().flatten();
        assert!(
            matches!(state.as_deref(), Some("unavailable" | "connecting")),
            "status bar says {state:?} while the engine is away"
        );

        proxy
            .start()
            .map_err(|e| AppError::Setup(format!("engine proxy: {e}")))?;
        let back = Instant::now();
        wait_connected(&app).await?;
        eprintln!("engine back -> lists: {} ms", back.elapsed().as_millis());
        app.wait_gone("[data-testid=engine-problem]", SETTLE)
            .await?;
        show_run(&app, &run).await?;
        app.wait_for_css(&container_row_in(&steady.name, "running"), SETTLE)
            .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_without_an_engine_shows_the_problem_at_once() -> Result<(), AppError> {
    let dir = tempfile::tempdir().map_err(|e| AppError::Setup(e.to_string()))?;
    let missing = dir.path().join("docker.sock");
    let host = format!("unix://{}", missing.display());

    let app = App::launch(
        "starting_without_an_engine_shows_the_problem_at_once",
        &[("DOCKER_HOST", Some(&host)), ("DOCKER_CONTEXT", None)],
    )
    .await?;
    app.check(async {
        let problem = app
            .wait_for_css(
                "[data-testid=engine-problem][data-kind=unreachable]",
                Duration::from_secs(3),
            )
            .await?;
        eprintln!(
            "launch -> problem screen: {} ms",
            app.since_launch().as_millis()
        );
        let text = text_of(&problem).await?;
        assert!(
            text.contains(&missing.display().to_string()),
            "the problem screen names the endpoint {host}: {text:?}"
        );
        app.wait_for_css(
            "[data-testid=engine-status][data-state=unavailable]",
            SETTLE,
        )
        .await?;
        assert!(
            app.find_all(FILTER).await?.is_empty(),
            "no lists without an engine"
        );

        // The window is shown once the problem screen painted (it starts hidden).
        let line = app.wait_for_log_line("berth-startup:", SETTLE).await?;
        eprintln!("{line}");
        assert!(line.contains("painted=Problem"), "{line}");
        let visibility = app
            .client()
            .execute("return document.visibilityState", vec![])
            .await
            .during("reading document.visibilityState")?;
        assert_eq!(visibility, "visible", "the window is shown");
        app.screenshot("view-no-engine").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
