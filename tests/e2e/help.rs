//! Help (issue #18): Copy diagnostics shows (and copies) the versions, the engine, the settings
//! with secrets left out and the last lines of Berth's own log, which goes to the XDG state
//! folder.

use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::settings::{LaunchPreset, Settings};
use berth_tests::app::{artifacts_dir, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::BUSYBOX_IMAGE;

use crate::{text_of, wait_connected, SETTLE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_diagnostics_shows_versions_engine_settings_and_log_without_secrets(
) -> Result<(), AppError> {
    let name = "copy_diagnostics_shows_versions_engine_settings_and_log_without_secrets";
    let dirs = artifacts_dir().join(format!("{name}.dirs"));
    let _ = std::fs::remove_dir_all(&dirs);
    let (config, state) = (dirs.join("config"), dirs.join("state"));
    std::fs::create_dir_all(&config).map_err(|e| AppError::Setup(e.to_string()))?;

    // A saved preset whose environment holds a secret.
    let secret = "e2e-diagnostics-secret-4711";
    let mut settings = Settings::default();
    settings.presets.push(LaunchPreset {
        name: "with a token".into(),
        request: LaunchRequest {
            image: BUSYBOX_IMAGE.into(),
            replicas: "1".into(),
            env: format!("API_TOKEN={secret}"),
            ..LaunchRequest::default()
        },
    });
    let doc = serde_json::json!({ "settings": settings });
    std::fs::write(config.join("settings.json"), doc.to_string())
        .map_err(|e| AppError::Setup(e.to_string()))?;
    let engine_version = docker(["version", "--format", "{{.Server.Version}}"])
        .map_err(|e| AppError::Setup(e.to_string()))?;

    let (config_env, state_env) = (
        config.to_string_lossy().to_string(),
        state.to_string_lossy().to_string(),
    );
    let env = [
        ("BERTH_CONFIG_DIR", Some(config_env.as_str())),
        ("XDG_STATE_HOME", Some(state_env.as_str())),
    ];
    let app = App::launch(name, &env).await?;
    app.check(async {
        wait_connected(&app).await?;
        let log_path = state.join("berth/berth.log");
        let log = std::fs::read_to_string(&log_path)
            .map_err(|e| AppError::Setup(format!("{}: {e}", log_path.display())))?;
        let last_logged = log.lines().last().unwrap_or_default().to_string();
        assert!(
            !last_logged.is_empty(),
            "Berth logged nothing to {log_path:?}"
        );

        app.click("[data-testid=tab-help]", SETTLE).await?;
        app.wait_for_css("[data-testid=about]", SETTLE).await?;
        app.click("[data-testid=copy-diagnostics]", SETTLE).await?;
        let el = app
            .wait_for_css("[data-testid=diagnostics-text]", SETTLE)
            .await?;
        let text = text_of(&el).await?;
        let status = text_of(
            &app.wait_for_css("[data-testid=copy-diagnostics-status]", SETTLE)
                .await?,
        )
        .await?;
        app.screenshot("help-diagnostics").await?;

        assert!(text.starts_with("Berth "), "{text}");
        assert!(
            text.contains(&format!(" {engine_version} (API ")),
            "no engine version {engine_version}:\n{text}"
        );
        assert!(text.contains("Engine endpoint: unix socket"), "{text}");
        assert!(text.contains("WebKitGTK: 2."), "{text}");
        assert!(text.contains("launch presets: 1"), "{text}");
        assert!(text.contains(&log_path.display().to_string()), "{text}");
        assert!(
            text.contains(last_logged.trim()),
            "the log's line {last_logged:?} is not in:\n{text}"
        );
        assert!(!text.contains(secret), "the secret is shown:\n{text}");
        // Copied, or (without clipboard access) selected for Ctrl+C.
        assert!(
            status == "Copied" || status == "Selected: press Ctrl+C",
            "{status}"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
