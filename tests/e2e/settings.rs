//! Settings: a change made in the Settings view survives a restart; a corrupt settings file
//! is kept aside, the defaults load and the user is told.

use std::path::Path;

use berth_tests::app::{App, AppError};

use crate::{text_of, SETTLE};

async fn open_settings(app: &App) -> Result<(), AppError> {
    app.click("[data-testid=tab-settings]", SETTLE).await?;
    app.wait_for_css("[data-testid=settings-view] form", SETTLE)
        .await?;
    Ok(())
}

async fn value_of(app: &App, css: &str) -> Result<String, AppError> {
    let el = app.wait_for_css(css, SETTLE).await?;
    Ok(el.prop("value").await.ok().flatten().unwrap_or_default())
}

async fn html_theme(app: &App) -> Option<String> {
    let v = app
        .client()
        .execute(
            "return document.documentElement.getAttribute('data-theme');",
            vec![],
        )
        .await
        .ok()?;
    v.as_str().map(str::to_string)
}

fn config_dir(test: &str) -> std::path::PathBuf {
    let dir = berth_tests::app::artifacts_dir().join(format!("{test}.settings"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_setting_survives_a_restart() -> Result<(), AppError> {
    let dir = config_dir("a_changed_setting_survives_a_restart");
    let env_dir = dir.to_string_lossy().to_string();
    let env = [("BERTH_CONFIG_DIR", Some(env_dir.as_str()))];

    let app = App::launch("a_changed_setting_survives_a_restart", &env).await?;
    app.check(async {
        open_settings(&app).await?;
        assert_eq!(
            value_of(&app, "[data-testid=setting-stats-interval]").await?,
            "1000"
        );
        app.type_into("[data-testid=setting-stats-interval]", "2500", SETTLE)
            .await?;
        let theme = app
            .wait_for_css("[data-testid=setting-theme]", SETTLE)
            .await?;
        theme
            .select_by_value("dark")
            .await
            .map_err(|e| AppError::Setup(format!("choosing the dark theme: {e}")))?;
        app.click("[data-testid=settings-save]", SETTLE).await?;
        app.wait_for_css("[data-testid=settings-saved]", SETTLE)
            .await?;
        assert_eq!(html_theme(&app).await.as_deref(), Some("dark"));
        Ok(())
    })
    .await?;
    app.close().await;

    let stored = std::fs::read_to_string(dir.join("settings.json"))
        .map_err(|e| AppError::Setup(format!("reading the settings file: {e}")))?;
    assert!(stored.contains("2500"), "{stored}");

    let app = App::launch("a_changed_setting_survives_a_restart-2", &env).await?;
    app.check(async {
        // The theme is applied at start, before the Settings view is opened.
        let deadline = std::time::Instant::now() + SETTLE;
        while html_theme(&app).await.as_deref() != Some("dark") {
            assert!(std::time::Instant::now() < deadline, "theme not applied");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        open_settings(&app).await?;
        assert_eq!(
            value_of(&app, "[data-testid=setting-stats-interval]").await?,
            "2500"
        );
        assert_eq!(value_of(&app, "[data-testid=setting-theme]").await?, "dark");
        app.screenshot("settings-view").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_settings_file_is_kept_aside_and_reported() -> Result<(), AppError> {
    let dir = config_dir("a_corrupt_settings_file_is_kept_aside");
    std::fs::write(
        dir.join("settings.json"),
        "{\"settings\": {\"version\": 2, ",
    )
    .map_err(|e| AppError::Setup(e.to_string()))?;
    let env_dir = dir.to_string_lossy().to_string();
    let app = App::launch(
        "a_corrupt_settings_file_is_kept_aside",
        &[("BERTH_CONFIG_DIR", Some(env_dir.as_str()))],
    )
    .await?;
    app.check(async {
        let banner = app
            .wait_for_css("[data-testid=settings-notice][data-kind=corrupt]", SETTLE)
            .await?;
        let text = text_of(&banner).await?;
        assert!(text.contains("defaults"), "{text}");
        assert!(backups(&dir) == 1, "one backup file in {}", dir.display());
        open_settings(&app).await?;
        assert_eq!(
            value_of(&app, "[data-testid=setting-stats-interval]").await?,
            "1000"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

fn backups(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().contains(".bad-"))
                .count()
        })
        .unwrap_or(0)
}
