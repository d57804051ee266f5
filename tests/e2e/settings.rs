//! Settings: a change made in the Settings view survives a restart; a corrupt settings file
//! is kept aside, the defaults load and the user is told; so are files that are not regular
//! files or too large, on every start (issue #13).

use std::path::Path;

use berth_tests::app::{App, AppError};

use crate::{text_of, SETTLE};

async fn open_settings(app: &App) -> Result<(), AppError> {
    // A click in the first moments after the first paint, while the lists and the nav's
    // counts are still arriving, was seen to fail in WebKitWebDriver with an empty error.
    crate::wait_connected(app).await?;
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

/// Issue #13: bad config files of every kind are kept aside and told on every start, in the
/// real window: a settings.json that is a named pipe (a blocking read would hang Berth) and
/// an engines.json of 100 MiB (past the read cap), twice over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_config_files_are_told_every_start() -> Result<(), AppError> {
    use std::os::unix::fs::PermissionsExt;
    let dir = config_dir("bad_config_files_are_told_every_start");
    let env_dir = dir.to_string_lossy().to_string();
    let setup = |e: std::io::Error| AppError::Setup(e.to_string());
    for round in 1..=2 {
        let fifo = dir.join("settings.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .map_err(setup)?;
        assert!(made.success(), "mkfifo {}", fifo.display());
        std::fs::File::create(dir.join("engines.json"))
            .and_then(|f| f.set_len(100 << 20))
            .map_err(setup)?;
        let name = format!("bad_config_files_are_told_every_start-{round}");
        let app = App::launch(&name, &[("BERTH_CONFIG_DIR", Some(env_dir.as_str()))]).await?;
        app.check(async {
            let banner = app
                .wait_for_css("[data-testid=settings-notice][data-kind=not_read]", SETTLE)
                .await?;
            let text = text_of(&banner).await?;
            assert!(text.contains("named pipe"), "{text}");
            assert!(text.contains("settings.json.bad-"), "{text}");
            let engines = app
                .wait_for_css("[data-testid=file-notice]", SETTLE)
                .await?;
            let text = text_of(&engines).await?;
            assert!(text.contains("engines.json"), "{text}");
            assert!(text.contains("too large"), "{text}");
            if round == 1 {
                app.screenshot("bad-config-files").await?;
            }
            // Both files kept aside each time (two per start), none over another.
            assert_eq!(backups(&dir), 2 * round, "in {}", dir.display());
            // The defaults were written in the pipe's place, as a private regular file.
            let meta = std::fs::metadata(dir.join("settings.json")).map_err(setup)?;
            assert!(meta.is_file());
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            Ok(())
        })
        .await?;
        app.close().await;
        std::fs::remove_file(dir.join("settings.json")).map_err(setup)?;
    }
    // The 100 MiB copies are not kept past the test.
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Issue #13: a launch's environment values stay out of the recent images (the settings
/// file) unless "Remember environment values with this image" is ticked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_values_are_remembered_only_when_ticked() -> Result<(), AppError> {
    use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};
    ensure_test_images()?;
    let run = TestRun::new("e2e-remember-env");
    let image = berth_tests::docker_cli::image_id(APP_IMAGE)?
        .ok_or_else(|| AppError::Setup(format!("{APP_IMAGE} is missing")))?;
    let dir = config_dir("environment_values_are_remembered_only_when_ticked");
    let env_dir = dir.to_string_lossy().to_string();
    let secret = "TOKEN=s3cret-e2e-value";
    let stored = || std::fs::read_to_string(dir.join("settings.json")).unwrap_or_default();
    let app = App::launch(
        "environment_values_are_remembered_only_when_ticked",
        &[("BERTH_CONFIG_DIR", Some(env_dir.as_str()))],
    )
    .await?;
    app.check(async {
        crate::wait_connected(&app).await?;
        for (round, tick) in [(1, false), (2, true)] {
            crate::first_day_launch::open_launch_on(&app, &image).await?;
            app.type_into(
                "[data-testid=launch-name]",
                &format!("{}-{{n}}", run.name(&format!("env{round}"))),
                SETTLE,
            )
            .await?;
            app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
                .await?;
            app.type_into("[data-testid=launch-env]", secret, SETTLE)
                .await?;
            let remember = app
                .wait_for_css("[data-testid=launch-remember-env]", SETTLE)
                .await?;
            // Off by default.
            let ticked = remember
                .is_selected()
                .await
                .map_err(|e| AppError::Setup(format!("reading the tick box: {e}")))?;
            assert!(!ticked, "remember-env ticked by default");
            if tick {
                remember
                    .click()
                    .await
                    .map_err(|e| AppError::Setup(format!("ticking: {e}")))?;
                app.screenshot("launch-remember-env").await?;
            }
            app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
                .await?;
            app.wait_for_css(
                "[data-testid=launch-progress][data-phase=done]",
                std::time::Duration::from_secs(30),
            )
            .await?;
            app.click("[data-testid=launch-dialog] .primary", SETTLE)
                .await?;
            // The recent image is recorded after the launch: wait for it in the file.
            let deadline = std::time::Instant::now() + SETTLE;
            while !stored().contains("\"keep_env\"") {
                assert!(
                    std::time::Instant::now() < deadline,
                    "no recent image saved"
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            if tick {
                while !stored().contains("s3cret-e2e-value") {
                    assert!(std::time::Instant::now() < deadline, "ticked, not kept");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            } else {
                let text = stored();
                assert!(!text.contains("s3cret"), "{text}");
                assert!(text.contains("\"keep_env\": false"), "{text}");
            }
        }
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

/// Launch presets: a hand-edited file with one bad preset keeps everything else (the bad one
/// is left out and the user told); in the launch dialog a preset applies, and the current form
/// saves as a new preset that is in the file afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presets_apply_and_save_and_a_bad_one_is_reported() -> Result<(), AppError> {
    use berth_core::domain::launch::LaunchRequest;
    use berth_core::domain::settings::{LaunchPreset, Settings, Theme};
    use berth_tests::docker_cli::image_id;
    use berth_tests::fixtures::{ensure_test_images, BUSYBOX_IMAGE};

    ensure_test_images()?;
    let image = image_id(BUSYBOX_IMAGE)?
        .ok_or_else(|| AppError::Setup(format!("{BUSYBOX_IMAGE} is missing")))?;
    let dir = config_dir("presets_apply_and_save");
    let good = LaunchPreset {
        name: "pair".into(),
        request: LaunchRequest {
            image: BUSYBOX_IMAGE.into(),
            replicas: "2".into(),
            command: "sleep 60".into(),
            env: "MODE=preset".into(),
            ..Default::default()
        },
    };
    let mut doc = serde_json::to_value(Settings {
        theme: Theme::Dark,
        presets: vec![good],
        ..Settings::default()
    })
    .map_err(|e| AppError::Setup(e.to_string()))?;
    // A hand edit: a second preset whose ports line the launcher refuses.
    let mut bad = doc["presets"][0].clone();
    bad["name"] = "broken".into();
    bad["request"]["ports"] = "not-a-port".into();
    if let Some(list) = doc["presets"].as_array_mut() {
        list.push(bad);
    }
    std::fs::write(
        dir.join("settings.json"),
        serde_json::json!({ "settings": doc }).to_string(),
    )
    .map_err(|e| AppError::Setup(e.to_string()))?;
    let env_dir = dir.to_string_lossy().to_string();
    let app = App::launch(
        "presets_apply_and_save",
        &[("BERTH_CONFIG_DIR", Some(env_dir.as_str()))],
    )
    .await?;
    app.check(async {
        let banner = app
            .wait_for_css(
                "[data-testid=settings-notice][data-kind=entries_dropped]",
                SETTLE,
            )
            .await?;
        let text = text_of(&banner).await?;
        assert!(text.contains("broken"), "{text}");
        assert!(text.contains("everything else is in use"), "{text}");
        assert_eq!(backups(&dir), 1, "the file as it was is kept aside");
        // Everything else was kept: the dark theme is applied.
        let deadline = std::time::Instant::now() + SETTLE;
        while html_theme(&app).await.as_deref() != Some("dark") {
            assert!(std::time::Instant::now() < deadline, "theme not kept");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }

        crate::wait_connected(&app).await?;
        crate::first_day_launch::open_launch_on(&app, &image).await?;
        app.wait_for_css("[data-testid=launch-presets]", SETTLE)
            .await?;
        let choice = app
            .wait_for_css("[data-testid=preset-choice]", SETTLE)
            .await?;
        // Only the good preset is offered.
        let options = app
            .find_all("[data-testid=preset-choice] option")
            .await?
            .len();
        assert_eq!(options, 2, "the placeholder and one preset");
        choice
            .select_by_value("pair")
            .await
            .map_err(|e| AppError::Setup(format!("choosing the preset: {e}")))?;
        app.click("[data-testid=preset-apply]", SETTLE).await?;
        assert_eq!(value_of(&app, "[data-testid=launch-replicas]").await?, "2");
        assert_eq!(
            value_of(&app, "[data-testid=launch-command]").await?,
            "sleep 60"
        );
        assert_eq!(
            value_of(&app, "[data-testid=launch-env]").await?,
            "MODE=preset"
        );

        // Change the form and save it under a new name, once the preview accepts it.
        app.type_into("[data-testid=launch-replicas]", "3", SETTLE)
            .await?;
        app.type_into("[data-testid=preset-name]", "trio", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=preset-save]:not([disabled])", SETTLE)
            .await?;
        app.click("[data-testid=preset-save]", SETTLE).await?;
        let msg = app
            .wait_for_css("[data-testid=preset-message][data-kind=ok]", SETTLE)
            .await?;
        assert!(text_of(&msg).await?.contains("trio"));
        app.screenshot("launch-presets").await?;
        Ok(())
    })
    .await?;
    app.close().await;

    let stored = std::fs::read_to_string(dir.join("settings.json"))
        .map_err(|e| AppError::Setup(format!("reading the settings file: {e}")))?;
    let doc: serde_json::Value =
        serde_json::from_str(&stored).map_err(|e| AppError::Setup(e.to_string()))?;
    let presets = doc["settings"]["presets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = presets.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["pair", "trio"], "{stored}");
    assert_eq!(presets[1]["request"]["replicas"], "3");
    assert_eq!(presets[1]["request"]["env"], "MODE=preset");
    // The image is the one the dialog was opened for (the image's first tag).
    assert!(
        presets[1]["request"]["image"]
            .as_str()
            .is_some_and(|i| !i.is_empty()),
        "{stored}"
    );
    Ok(())
}

/// Issue #6: a new engine endpoint saved in Settings is used at once. A bad one brings the
/// problem screen naming it (no restart), with a way back to Settings; clearing it
/// reconnects to the default engine and the lists come back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_engine_endpoint_reconnects_at_once() -> Result<(), AppError> {
    let dir = config_dir("changing_the_engine_endpoint");
    let env_dir = dir.to_string_lossy().to_string();
    let bad = "unix:///nonexistent/berth-e2e-endpoint.sock";
    let app = App::launch(
        "changing_the_engine_endpoint",
        &[("BERTH_CONFIG_DIR", Some(env_dir.as_str()))],
    )
    .await?;
    app.check(async {
        open_settings(&app).await?;
        app.type_into("[data-testid=setting-endpoint]", bad, SETTLE)
            .await?;
        app.click("[data-testid=settings-save]", SETTLE).await?;
        // Saved, then straight to the problem screen for the new endpoint.
        let problem = app
            .wait_for_css("[data-testid=engine-problem]", SETTLE)
            .await?;
        let text = text_of(&problem).await?;
        assert!(text.contains(bad), "{text}");
        app.wait_for_css(
            "[data-testid=engine-status]:not([data-state=connected])",
            SETTLE,
        )
        .await?;
        app.screenshot("endpoint-bad").await?;

        app.click("[data-testid=problem-open-settings]", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=settings-view] form", SETTLE)
            .await?;
        assert_eq!(value_of(&app, "[data-testid=setting-endpoint]").await?, bad);
        // Cleared by typing (a bare WebDriver clear fires no input event): a space, then
        // Backspace.
        app.type_into("[data-testid=setting-endpoint]", " \u{E003}", SETTLE)
            .await?;
        assert_eq!(value_of(&app, "[data-testid=setting-endpoint]").await?, "");
        app.click("[data-testid=settings-save]", SETTLE).await?;
        // Back on the default engine, with its lists, without a restart.
        crate::wait_connected(&app).await?;
        Ok(())
    })
    .await?;
    app.close().await;
    let stored = std::fs::read_to_string(dir.join("settings.json"))
        .map_err(|e| AppError::Setup(format!("reading the settings file: {e}")))?;
    assert!(
        stored.contains("\"engine_endpoint\": null") || stored.contains("\"engine_endpoint\":null"),
        "{stored}"
    );
    Ok(())
}
