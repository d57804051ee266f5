//! Issue #6 end to end, through the desktop the way a user meets it: the window closed like
//! a window manager closes it, the app started a second time, the tray menu read and clicked
//! through the D-Bus menu a tray host shows (libayatana-appindicator's `com.canonical.dbusmenu`
//! export), and notifications received by a notification server on the session bus.
//! Needs `dbus-run-session` around the run (every test here talks to the session bus).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::settings::Settings;
use berth_tests::app::{app_binary, App, AppError};
use berth_tests::desktop::{
    close_window, find_windows, is_viewable, wait_for_shown_window, DesktopError, MenuNode,
    NotificationServer, TrayMenu,
};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{wait_connected, SETTLE};

const TITLE: &str = "Berth";

pub(crate) fn desk(e: DesktopError) -> AppError {
    AppError::Setup(e.to_string())
}

fn setup<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> AppError + '_ {
    move |e| AppError::Setup(format!("{what}: {e}"))
}

/// A fresh settings folder for one test, next to its artifacts.
fn config_dir(test: &str) -> PathBuf {
    let dir = berth_tests::app::artifacts_dir().join(format!("{test}.settings"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Writes `settings` where the app's store reads them (`{"settings": {...}}`).
fn write_settings(dir: &Path, settings: &Settings) -> Result<(), AppError> {
    let doc = serde_json::json!({ "settings": settings });
    std::fs::write(dir.join("settings.json"), doc.to_string())
        .map_err(setup("writing settings.json"))
}

pub(crate) fn process_alive(pid: u32) -> bool {
    // A zombie has a /proc entry too: look at its state.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().to_string())
        })
        .is_some_and(|rest| !rest.starts_with('Z') && !rest.starts_with('X'))
}

/// Reads the menu until `pick` finds an item, clicks it, and waits until `done` says the
/// click took effect. The tray rebuilds its menu (new item ids) whenever the engine's state
/// changes, so a click can land on an id that just went away: then it is read and clicked
/// again, at most a few times.
pub(crate) async fn click_until<P, D, Fut>(
    menu: &TrayMenu,
    what: &str,
    pick: P,
    mut done: D,
) -> Result<MenuNode, AppError>
where
    P: Fn(&MenuNode) -> Option<MenuNode>,
    D: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool, AppError>>,
{
    let deadline = Instant::now() + SETTLE;
    let mut clicks = 0;
    let mut last_outline;
    loop {
        let layout = menu.layout().await.map_err(desk)?;
        last_outline = layout.outline();
        if let Some(item) = pick(&layout) {
            assert!(item.enabled, "{what} is disabled:\n{last_outline}");
            // The menu is rebuilt whenever the inventory changes, so the id just read can be
            // gone by the time of the click ("The ID supplied … does not refer to a menu item
            // we have"): read the layout again rather than fail, until the deadline.
            if let Err(e) = menu.click(item.id).await {
                if Instant::now() > deadline {
                    return Err(desk(e));
                }
                eprintln!("{what}: the menu changed under the click ({e}); reading it again");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            clicks += 1;
            let settled = Instant::now() + Duration::from_secs(5);
            while Instant::now() < settled {
                if done().await? {
                    return Ok(item);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            if clicks >= 3 {
                break;
            }
        } else if Instant::now() > deadline {
            break;
        } else {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    Err(AppError::Setup(format!(
        "{what}: no effect after {clicks} click(s); the tray menu was:\n{last_outline}"
    )))
}

/// (a) Closing the window keeps the process (and its tray) alive, with a one-time
/// notification; starting Berth again shows that same window instead of a second app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_window_keeps_berth_in_the_tray_and_a_second_launch_shows_it(
) -> Result<(), AppError> {
    let mut notifications = NotificationServer::start().await.map_err(desk)?;
    let dir = config_dir("close_to_tray");
    let dir_env = dir.to_string_lossy().to_string();
    let app = App::launch(
        "close_to_tray",
        &[("BERTH_CONFIG_DIR", Some(dir_env.as_str()))],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        // Closing to the tray needs the tray: its menu is on the bus.
        TrayMenu::find(SETTLE).await.map_err(desk)?;
        let window = wait_for_shown_window(TITLE, SETTLE).await.map_err(desk)?;
        let pid = window
            .pid
            .ok_or_else(|| AppError::Setup("the window has no _NET_WM_PID".into()))?;

        close_window(window.id).map_err(desk)?;
        let deadline = Instant::now() + SETTLE;
        while is_viewable(window.id).map_err(desk)? {
            assert!(Instant::now() < deadline, "the window is still shown");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Hidden, not destroyed; the process goes on, and so does its UI.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(process_alive(pid), "Berth (pid {pid}) exited on close");
        assert!(
            find_windows(TITLE)
                .map_err(desk)?
                .iter()
                .any(|w| w.id == window.id),
            "the window was destroyed"
        );
        let answer = app
            .client()
            .execute("return 6 * 7;", vec![])
            .await
            .map_err(setup("the hidden window's page"))?;
        assert_eq!(answer, serde_json::json!(42));
        let (notice, _) = notifications
            .wait_for(SETTLE, |n| n.summary.contains("still running"))
            .await
            .map_err(desk)?;
        assert!(notice.body.contains("tray"), "{notice:?}");
        let stored = std::fs::read_to_string(dir.join("settings.json"))
            .map_err(setup("reading settings.json"))?;
        let doc: serde_json::Value =
            serde_json::from_str(&stored).map_err(setup("settings.json"))?;
        assert_eq!(
            doc["settings"]["close_to_tray_notice_shown"],
            serde_json::json!(true),
            "{stored}"
        );

        // A second launch: it hands over to the running Berth and exits by itself.
        let binary = app_binary()?;
        let second = tokio::task::spawn_blocking(move || {
            let mut child = Command::new(&binary)
                .env("BERTH_CONFIG_DIR", &dir_env)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?;
            let until = Instant::now() + Duration::from_secs(30);
            loop {
                if let Some(status) = child.try_wait()? {
                    return Ok::<_, std::io::Error>(Some(status));
                }
                if Instant::now() > until {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Ok(None);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .await
        .map_err(setup("the second launch"))?
        .map_err(setup("the second launch"))?;
        let status = second.ok_or_else(|| {
            AppError::Setup("a second Berth kept running: single instance failed".into())
        })?;
        assert!(status.success(), "the second launch exited with {status}");

        let shown = wait_for_shown_window(TITLE, SETTLE).await.map_err(desk)?;
        assert_eq!(shown.id, window.id, "a different window came up");
        assert_eq!(shown.pid, Some(pid));
        assert!(process_alive(pid));
        // Only one notice, ever: closing again says nothing new.
        close_window(window.id).map_err(desk)?;
        let deadline = Instant::now() + SETTLE;
        while is_viewable(window.id).map_err(desk)? {
            assert!(Instant::now() < deadline, "the window is still shown");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let again: Vec<_> = notifications
            .drain()
            .into_iter()
            .filter(|n| n.summary.contains("still running"))
            .collect();
        assert!(again.is_empty(), "the notice came again: {again:?}");
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

/// (b) A tray action in the real app: the container's Stop item, clicked through the menu
/// the tray exports, stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tray_menu_click_stops_a_container() -> Result<(), AppError> {
    ensure_test_images().map_err(setup("test images"))?;
    let run = TestRun::new("e2e-tray-stop");
    let c = run
        .run(
            "traystop",
            &["--stop-timeout", "1"],
            BUSYBOX_IMAGE,
            &["sleep", "600"],
        )
        .map_err(setup("docker run"))?;
    let app = App::launch("a_tray_menu_click_stops_a_container", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        let menu = TrayMenu::find(SETTLE).await.map_err(desk)?;
        let prefix = format!("{} — ", c.name);
        let id = c.id.clone();
        let item = click_until(
            &menu,
            &format!("Stop on {}", c.name),
            |layout| {
                layout
                    .find(&|parent, item| parent.starts_with(&prefix) && item.label == "Stop")
                    .cloned()
            },
            || {
                let id = id.clone();
                async move {
                    let state = docker(["inspect", "--format", "{{.State.Status}}", &id])
                        .map_err(setup("docker inspect"))?;
                    Ok(state.trim() == "exited")
                }
            },
        )
        .await?;
        assert_eq!(item.label, "Stop");
        // The menu follows: the container moves to the stopped ones, offering Start.
        let deadline = Instant::now() + SETTLE;
        loop {
            let layout = menu.layout().await.map_err(desk)?;
            let start =
                layout.find(&|parent, item| parent.starts_with(&prefix) && item.label == "Start");
            if start.is_some() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no Start for the stopped container:\n{}",
                layout.outline()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    })
    .await?;
    app.close().await;
    run.cleanup().map_err(setup("cleanup"))?;
    Ok(())
}

/// (c) and "Launch another": the tray launches one more container of a recent image with its
/// stored form (here one that exits with code 3); Berth notices the unexpected exit and sends
/// a notification naming the container, which the test's notification server receives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launched_container_that_fails_is_notified() -> Result<(), AppError> {
    ensure_test_images().map_err(setup("test images"))?;
    let run = TestRun::new("e2e-tray-notify");
    let mut notifications = NotificationServer::start().await.map_err(desk)?;
    let dir = config_dir("tray_notify");
    let pattern = format!("{}-{{n}}", run.name("failing"));
    let form = LaunchRequest {
        image: BUSYBOX_IMAGE.into(),
        replicas: "1".into(),
        name_pattern: pattern.clone(),
        command: "sh -c 'sleep 2; exit 3'".into(),
        labels: run.label(),
        ..Default::default()
    };
    let mut settings = Settings::default();
    assert!(settings.remember_launch(&form));
    write_settings(&dir, &settings)?;
    let dir_env = dir.to_string_lossy().to_string();
    let app = App::launch(
        "a_launched_container_that_fails_is_notified",
        &[("BERTH_CONFIG_DIR", Some(dir_env.as_str()))],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        let menu = TrayMenu::find(SETTLE).await.map_err(desk)?;
        let label = format!("{BUSYBOX_IMAGE} (new container)");
        let filter = run.filter();
        click_until(
            &menu,
            "Launch another",
            |layout| {
                layout
                    .find(&|parent, item| parent == "Launch another" && item.label == label)
                    .cloned()
            },
            || {
                let filter = filter.clone();
                async move {
                    let ids =
                        docker(["ps", "-aq", "--filter", &filter]).map_err(setup("docker ps"))?;
                    Ok(!ids.trim().is_empty())
                }
            },
        )
        .await?;
        let name = pattern.replace("{n}", "1");
        let (note, others) = notifications
            .wait_for(Duration::from_secs(20), |n| n.body.contains(&name))
            .await
            .map_err(desk)?;
        assert_eq!(note.summary, "A container stopped", "{note:?}");
        assert!(note.body.contains("exit code 3"), "{note:?}");
        assert!(!others.iter().any(|n| n.body.contains(&name)), "{others:?}");
        // One click, one container, with the stored form.
        let names = docker([
            "ps",
            "-a",
            "--filter",
            &run.filter(),
            "--format",
            "{{.Names}}",
        ])
        .map_err(setup("docker ps"))?;
        assert_eq!(names.trim(), name, "{names}");
        let cmd = docker(["inspect", "--format", "{{json .Config.Cmd}}", &name])
            .map_err(setup("docker inspect"))?;
        assert_eq!(cmd.trim(), r#"["sh","-c","sleep 2; exit 3"]"#);
        // The launch was recorded: still the first recent image, with the stored form.
        let stored = std::fs::read_to_string(dir.join("settings.json"))
            .map_err(setup("reading settings.json"))?;
        let doc: serde_json::Value =
            serde_json::from_str(&stored).map_err(setup("settings.json"))?;
        assert_eq!(
            doc["settings"]["recent_images"][0]["request"]["command"], "sh -c 'sleep 2; exit 3'",
            "{stored}"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    run.cleanup().map_err(setup("cleanup"))?;
    Ok(())
}
