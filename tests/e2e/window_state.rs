//! Window manners (issue #18): the window's size and position survive Help → Quit and a
//! restart (tauri-plugin-window-state, its file beside the settings), and so does the view on
//! screen (the settings' last view).

use std::time::{Duration, Instant};

use berth_tests::app::{artifacts_dir, App, AppError, WebDriverContext};

use crate::{wait_connected, SETTLE};

/// What the window is moved and resized to: neither the default size (1200x760) nor position.
const RECT: (u32, u32, u32, u32) = (40, 30, 980, 640);

/// An empty settings folder of the test's own (kept in the artifacts for a look after a
/// failure), and its path as `BERTH_CONFIG_DIR` wants it.
fn fresh_config(name: &str) -> Result<(std::path::PathBuf, String), AppError> {
    let config = artifacts_dir().join(format!("{name}.settings"));
    let _ = std::fs::remove_dir_all(&config);
    std::fs::create_dir_all(&config).map_err(|e| AppError::Setup(e.to_string()))?;
    let env = config.to_string_lossy().to_string();
    Ok((config, env))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_size_and_position_survive_a_quit_and_a_restart() -> Result<(), AppError> {
    let name = "the_window_size_and_position_survive_a_quit_and_a_restart";
    let (config, config_env) = fresh_config(name)?;
    let env = [("BERTH_CONFIG_DIR", Some(config_env.as_str()))];
    let state_file = config.join("window-state.json");

    let app = App::launch(name, &env).await?;
    app.check(async {
        wait_connected(&app).await?;
        let (x, y, w, h) = RECT;
        app.client()
            .set_window_rect(x, y, w, h)
            .await
            .during("setting the window's rect")?;
        app.wait_until("the new window size", SETTLE, |client| async move {
            let (_, _, w, h) = client.get_window_rect().await?;
            Ok(((w, h) == (u64::from(RECT.2), u64::from(RECT.3))).then_some(()))
        })
        .await?;
        // Help → Quit: no launch runs, so Berth quits at once and saves the window's state.
        // Help is the view on screen when it quits: the one the restart must show.
        app.click("[data-testid=tab-help]", SETTLE).await?;
        app.wait_for_css("[data-testid=tab-help][aria-current=page]", SETTLE)
            .await?;
        let settings = config.join("settings.json");
        app.wait_until("the last view saved", SETTLE, |_| {
            let settings = settings.clone();
            async move {
                let text = std::fs::read_to_string(&settings).unwrap_or_default();
                Ok(text.contains(r#""last_view": "help""#).then_some(()))
            }
        })
        .await?;
        // Berth exits under the click: WebKitWebDriver may answer it with an error (seen: an
        // empty one), so the proof is the saved file, below.
        let _ = app.click("[data-testid=quit-berth]", SETTLE).await;
        let deadline = Instant::now() + SETTLE;
        while !state_file.exists() {
            assert!(
                Instant::now() < deadline,
                "Quit did not save {state_file:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    })
    .await?;
    app.close().await;

    let again = App::launch(name, &env).await?;
    again
        .check(async {
            wait_connected(&again).await?;
            let (x, y, w, h) = again
                .client()
                .get_window_rect()
                .await
                .during("reading the window's rect")?;
            assert_eq!(
                (w, h),
                (u64::from(RECT.2), u64::from(RECT.3)),
                "size after the restart (position {x},{y})"
            );
            assert_eq!(
                (x, y),
                (u64::from(RECT.0), u64::from(RECT.1)),
                "position after the restart"
            );
            // Not the Containers view Berth starts on by default: the one it was left on.
            again
                .wait_for_css("[data-testid=tab-help][aria-current=page]", SETTLE)
                .await?;
            again
                .wait_for_css("[data-testid=quit-berth]", SETTLE)
                .await?;
            again.screenshot("window-state-last-view").await?;
            Ok(())
        })
        .await?;
    again.close().await;
    Ok(())
}

/// Anything may write the window-state file: one asking for a window a million pixels wide is
/// kept aside before the plugin reads it, and the window opens at its default size (1200x760).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_absurd_window_state_is_kept_aside() -> Result<(), AppError> {
    let name = "an_absurd_window_state_is_kept_aside";
    let (config, config_env) = fresh_config(name)?;
    let bad = r#"{"main":{"width":1000000,"height":900000,"x":0,"y":0,"prev_x":0,"prev_y":0,"maximized":false,"visible":true,"decorated":true,"fullscreen":false}}"#;
    std::fs::write(config.join("window-state.json"), bad)
        .map_err(|e| AppError::Setup(e.to_string()))?;
    let app = App::launch(name, &[("BERTH_CONFIG_DIR", Some(config_env.as_str()))]).await?;
    app.check(async {
        wait_connected(&app).await?;
        let (_, _, w, h) = app
            .client()
            .get_window_rect()
            .await
            .during("reading the window's rect")?;
        assert_eq!((w, h), (1200, 760), "the default size");
        let kept: Vec<String> = std::fs::read_dir(&config)
            .map_err(|e| AppError::Setup(e.to_string()))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("window-state.json.bad-"))
            .collect();
        assert_eq!(kept.len(), 1, "kept aside once: {kept:?}");
        assert_eq!(
            std::fs::read_to_string(config.join(&kept[0]))
                .map_err(|e| AppError::Setup(e.to_string()))?,
            bad
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
