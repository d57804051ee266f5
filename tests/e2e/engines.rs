//! Several engines in the real app: Podman added in the Engines view shows up side by side
//! with the local dockerd, live; a plain-TCP engine carries its warning; switching makes every
//! view (and the status bar) show Podman, and switching back shows dockerd again.

use std::sync::Arc;
use std::time::Duration;

use berth_tests::app::{css_str, App, AppError};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::podman::PodmanService;

use crate::{container_row, text_of, SETTLE};

fn engine_row(name: &str) -> String {
    format!("[data-testid=engine-row][data-name={}]", css_str(name))
}

async fn add_engine(app: &App, name: &str, endpoint: &str) -> Result<(), AppError> {
    app.type_into("[data-testid=engine-name]", name, SETTLE)
        .await?;
    app.type_into("[data-testid=engine-endpoint]", endpoint, SETTLE)
        .await?;
    app.click("[data-testid=engine-add]", SETTLE).await?;
    app.wait_for_css(&engine_row(name), SETTLE).await?;
    Ok(())
}

async fn engine_label(app: &App) -> Result<String, AppError> {
    let el = app
        .wait_for_css("[data-testid=status-engine]", SETTLE)
        .await?;
    text_of(&el).await
}

async fn wait_label(app: &App, want: &str) -> Result<(), AppError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let label = engine_label(app).await.unwrap_or_default();
        if label.contains(want) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(AppError::Setup(format!(
                "status bar shows {label:?}, not {want:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn podman_beside_dockerd_then_switched_to_and_back() -> Result<(), AppError> {
    let setup = |e: berth_tests::docker_cli::CliError| AppError::Setup(e.to_string());
    ensure_test_images().map_err(setup)?;
    let podman = Arc::new(PodmanService::start().map_err(setup)?);
    let image = podman.load_from_docker(BUSYBOX_IMAGE).map_err(setup)?;
    let run = TestRun::new("e2e-podman");
    let name = run.name("on-podman");
    podman
        .podman(&[
            "run",
            "-d",
            "--label",
            &run.label(),
            "--name",
            &name,
            &image,
            "sleep",
            "600",
        ])
        .map_err(setup)?;
    struct Cleanup(Arc<PodmanService>, String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = self.0.podman(&["rm", "-f", "-t", "0", &self.1]);
        }
    }
    let _cleanup = Cleanup(podman.clone(), name.clone());

    // A second dockerd on plain TCP: it works, and Berth must keep warning about it.
    let tcp_port = berth_tests::registry::free_port().map_err(setup)?;
    let tcp_uri = format!("tcp://127.0.0.1:{tcp_port}");
    let plain = berth_tests::extra_dockerd::ExtraDockerd::start(
        "plain",
        &["-H".to_string(), tcp_uri.clone()],
    )
    .map_err(setup)?;

    let dir = berth_tests::app::artifacts_dir().join("engines.config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok();
    let dir_env = dir.to_string_lossy().to_string();
    // A docker CLI config with one context, made by the real CLI, for the import.
    let docker_config = dir.join("docker-config");
    let made = std::process::Command::new(berth_tests::docker_cli::docker_program())
        .args(["context", "create", "ctx-podman", "--docker"])
        .arg(format!("host={}", podman.host()))
        .env("DOCKER_CONFIG", &docker_config)
        .output()
        .map_err(|e| AppError::Setup(format!("docker context create: {e}")))?;
    if !made.status.success() {
        return Err(AppError::Setup(format!(
            "docker context create: {}",
            String::from_utf8_lossy(&made.stderr)
        )));
    }
    let docker_config_env = docker_config.to_string_lossy().to_string();
    let app = App::launch(
        "podman_beside_dockerd_then_switched_to_and_back",
        &[
            ("BERTH_CONFIG_DIR", Some(dir_env.as_str())),
            ("DOCKER_CONFIG", Some(docker_config_env.as_str())),
        ],
    )
    .await?;
    app.check(async {
        wait_label(&app, "local · Docker").await?;
        app.click("[data-testid=tab-engines]", SETTLE).await?;
        // Importing the docker contexts adds the one the CLI made, and it connects.
        app.click("[data-testid=engines-import]", SETTLE).await?;
        let imported = engine_row("ctx-podman");
        app.wait_for_css(
            &format!("{imported}[data-state=connected]"),
            Duration::from_secs(20),
        )
        .await?;
        let notice = text_of(
            &app.wait_for_css("[data-testid=engines-notice]", SETTLE)
                .await?,
        )
        .await?;
        assert!(notice.contains("added 1: ctx-podman"), "{notice}");
        add_engine(&app, "podman", &podman.host()).await?;
        add_engine(&app, "exposed", &tcp_uri).await?;

        // Podman connects and counts its one running container, beside the local engine.
        let row = engine_row("podman");
        app.wait_for_css(
            &format!("{row}[data-state=connected]"),
            Duration::from_secs(20),
        )
        .await?;
        let counts = app
            .wait_until("podman counts", Duration::from_secs(20), |c| {
                let css = format!("{row} [data-testid=engine-counts]");
                async move {
                    let el = c.find(fantoccini::Locator::Css(&css)).await?;
                    let text = el.text().await?;
                    Ok((text == "1 / 1").then_some(text))
                }
            })
            .await?;
        assert_eq!(counts, "1 / 1");
        let status = text_of(
            &app.wait_for_css(&format!("{row} [data-testid=engine-status-text]"), SETTLE)
                .await?,
        )
        .await?;
        assert!(status.starts_with("Podman 4."), "{status}");
        app.wait_for_css(
            &format!("{} [data-testid=engine-active]", engine_row("local")),
            SETTLE,
        )
        .await?;
        app.wait_for_css(
            &format!("{} [data-testid=engine-insecure]", engine_row("exposed")),
            SETTLE,
        )
        .await?;
        app.screenshot("engines-overview").await?;

        // Switch: the status bar and the Containers view show Podman.
        app.click(&format!("{row} [data-testid=engine-switch]"), SETTLE)
            .await?;
        wait_label(&app, "podman · Podman").await?;
        app.click("[data-testid=tab-containers]", SETTLE).await?;
        app.wait_for_css(&container_row(&name), Duration::from_secs(20))
            .await?;
        // Each view's header names the engine it shows, too (issue #8).
        let tag = app
            .wait_for_css("[data-testid=view-engine][data-engine=podman]", SETTLE)
            .await?;
        assert!(text_of(&tag).await?.contains("Podman"));
        app.click("[data-testid=tab-images]", SETTLE).await?;
        app.wait_for_css("[data-testid=view-engine][data-engine=podman]", SETTLE)
            .await?;
        app.click("[data-testid=tab-containers]", SETTLE).await?;
        // The stats hub follows the switch: the list's memory column fills from Podman.
        let mem_css = format!("{} [data-testid=row-mem]", container_row(&name));
        let mem = app
            .wait_until("Podman memory in the list", Duration::from_secs(25), |c| {
                let css = mem_css.clone();
                async move {
                    let el = c.find(fantoccini::Locator::Css(&css)).await?;
                    let v = el.attr("data-value").await?.unwrap_or_default();
                    Ok((!v.is_empty()).then_some(v))
                }
            })
            .await?;
        let bytes: f64 = mem.parse().unwrap_or(0.0);
        assert!(bytes > 0.0, "memory of the Podman container: {mem:?}");
        app.screenshot("engines-podman-active").await?;

        // And back to the local engine: the Podman container is gone from the list.
        app.click("[data-testid=tab-engines]", SETTLE).await?;
        app.click(
            &format!("{} [data-testid=engine-switch]", engine_row("local")),
            SETTLE,
        )
        .await?;
        wait_label(&app, "local · Docker").await?;
        app.click("[data-testid=tab-containers]", SETTLE).await?;
        app.wait_gone(&container_row(&name), Duration::from_secs(20))
            .await?;
        assert!(app
            .find_all("[data-testid=engine-insecure-warning]")
            .await?
            .is_empty());

        // The plain-TCP engine, shown: the status bar warns for as long as it is shown.
        app.click("[data-testid=tab-engines]", SETTLE).await?;
        app.click(
            &format!("{} [data-testid=engine-switch]", engine_row("exposed")),
            SETTLE,
        )
        .await?;
        wait_label(&app, "exposed · Docker · TCP, not encrypted").await?;
        app.wait_for_css("[data-testid=engine-insecure-warning]", SETTLE)
            .await?;
        app.click("[data-testid=tab-containers]", SETTLE).await?;
        app.wait_for_css("[data-testid=engine-insecure-warning]", SETTLE)
            .await?;
        app.wait_for_css(
            "[data-testid=view-engine][data-engine=exposed] [data-testid=view-engine-insecure]",
            SETTLE,
        )
        .await?;
        app.screenshot("engines-plain-tcp-active").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    drop(plain);
    Ok(())
}

/// Fills the add form with a TLS engine and submits it.
async fn add_tls_engine(
    app: &App,
    name: &str,
    endpoint: &str,
    files: &berth_core::engine::TlsFiles,
) -> Result<(), AppError> {
    app.type_into("[data-testid=engine-name]", name, SETTLE)
        .await?;
    app.type_into("[data-testid=engine-endpoint]", endpoint, SETTLE)
        .await?;
    // The TLS fields sit in a <details> that stays open after the first engine.
    let details = app.wait_for_css("[data-testid=engine-tls]", SETTLE).await?;
    let open = details.prop("open").await.ok().flatten();
    if open.as_deref() != Some("true") {
        app.click("[data-testid=engine-tls-toggle]", SETTLE).await?;
    }
    let path = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    };
    app.type_into(
        "[data-testid=engine-ca]",
        &files.ca.display().to_string(),
        SETTLE,
    )
    .await?;
    app.type_into("[data-testid=engine-cert]", &path(&files.cert), SETTLE)
        .await?;
    app.type_into("[data-testid=engine-key]", &path(&files.key), SETTLE)
        .await?;
    app.click("[data-testid=engine-add]", SETTLE).await?;
    app.wait_for_css(&engine_row(name), SETTLE).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_engine_with_the_wrong_ca_says_so_and_the_right_one_is_shown() -> Result<(), AppError>
{
    let setup = |e: berth_tests::docker_cli::CliError| AppError::Setup(e.to_string());
    let pki = berth_tests::pki::Pki::make().map_err(setup)?;
    let port = berth_tests::registry::free_port().map_err(setup)?;
    let uri = format!("tcp://127.0.0.1:{port}");
    let args: Vec<String> = vec![
        "-H".into(),
        uri.clone(),
        "--tlsverify".into(),
        "--tlscacert".into(),
        pki.path("ca.pem").display().to_string(),
        "--tlscert".into(),
        pki.path("server-cert.pem").display().to_string(),
        "--tlskey".into(),
        pki.path("server-key.pem").display().to_string(),
    ];
    let daemon = berth_tests::extra_dockerd::ExtraDockerd::start("tlsapp", &args).map_err(setup)?;

    let dir = berth_tests::app::artifacts_dir().join("engines-tls.config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok();
    let dir_env = dir.to_string_lossy().to_string();
    let app = App::launch(
        "a_tls_engine_with_the_wrong_ca_says_so_and_the_right_one_is_shown",
        &[("BERTH_CONFIG_DIR", Some(dir_env.as_str()))],
    )
    .await?;
    app.check(async {
        app.wait_for_css(crate::CONNECTED, SETTLE).await?;
        wait_label(&app, "local · Docker").await?;
        app.click("[data-testid=tab-engines]", SETTLE).await?;
        add_tls_engine(
            &app,
            "wrong-ca",
            &uri,
            &pki.files("wrong-ca", Some("client")),
        )
        .await?;
        let row = engine_row("wrong-ca");
        app.wait_for_css(
            &format!("{row}[data-state=unavailable]"),
            Duration::from_secs(20),
        )
        .await?;
        let text = text_of(
            &app.wait_for_css(&format!("{row} [data-testid=engine-status-text]"), SETTLE)
                .await?,
        )
        .await?;
        assert!(text.contains("not trusted"), "{text}");
        assert!(text.contains("wrong-ca.pem"), "{text}");
        app.screenshot("engines-tls-wrong-ca").await?;

        add_tls_engine(&app, "secure", &uri, &pki.files("ca", Some("client"))).await?;
        let row = engine_row("secure");
        app.wait_for_css(
            &format!("{row}[data-state=connected]"),
            Duration::from_secs(20),
        )
        .await?;
        assert!(app
            .find_all(&format!("{row} [data-testid=engine-insecure]"))
            .await?
            .is_empty());
        app.click(&format!("{row} [data-testid=engine-switch]"), SETTLE)
            .await?;
        wait_label(&app, "secure · Docker · TCP + TLS").await?;
        assert!(app
            .find_all("[data-testid=engine-insecure-warning]")
            .await?
            .is_empty());
        Ok(())
    })
    .await?;
    app.close().await;
    drop(daemon);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ssh_engine_is_listed_and_shown_through_ssh() -> Result<(), AppError> {
    let setup = |e: berth_tests::docker_cli::CliError| AppError::Setup(e.to_string());
    let sshd = berth_tests::test_sshd::TestSshd::start().map_err(setup)?;
    let dir = berth_tests::app::artifacts_dir().join("engines-ssh.config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok();
    // A broken engine list from an earlier run: kept aside, and the user is told.
    std::fs::write(dir.join("engines.json"), "{\"engines\": {\"engines\": 42")
        .map_err(|e| AppError::Setup(e.to_string()))?;
    let dir_env = dir.to_string_lossy().to_string();
    let app = App::launch(
        "an_ssh_engine_is_listed_and_shown_through_ssh",
        &[("BERTH_CONFIG_DIR", Some(dir_env.as_str()))],
    )
    .await?;
    app.check(async {
        app.wait_for_css(crate::CONNECTED, SETTLE).await?;
        wait_label(&app, "local · Docker").await?;
        app.click("[data-testid=tab-engines]", SETTLE).await?;
        let notice = text_of(
            &app.wait_for_css("[data-testid=engines-file-notice]", SETTLE)
                .await?,
        )
        .await?;
        assert!(notice.contains("engines.json.bad"), "{notice}");
        // Kept aside under a unique name (`engines.json.bad-<secs>-<n>`, never over an older
        // copy: issue #13), so look for the prefix.
        let kept = std::fs::read_dir(&dir)
            .map_err(|e| AppError::Setup(e.to_string()))?
            .filter_map(Result::ok)
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("engines.json.bad-")
            });
        assert!(kept, "no engines.json.bad-* in {}", dir.display());
        for (name, case) in [("over-ssh", "client"), ("no-key", "stranger")] {
            app.type_into("[data-testid=engine-name]", name, SETTLE)
                .await?;
            app.type_into("[data-testid=engine-endpoint]", &sshd.uri(), SETTLE)
                .await?;
            let details = app.wait_for_css("[data-testid=engine-ssh]", SETTLE).await?;
            if details.prop("open").await.ok().flatten().as_deref() != Some("true") {
                app.click("[data-testid=engine-ssh-toggle]", SETTLE).await?;
            }
            let config = sshd.ssh_config(case).display().to_string();
            app.type_into("[data-testid=engine-ssh-config]", &config, SETTLE)
                .await?;
            app.click("[data-testid=engine-add]", SETTLE).await?;
            app.wait_for_css(&engine_row(name), SETTLE).await?;
        }
        // A refused key is said as such; BatchMode means no prompt ever hangs the app.
        let refused = engine_row("no-key");
        app.wait_for_css(
            &format!("{refused}[data-state=unavailable]"),
            Duration::from_secs(30),
        )
        .await?;
        let text = text_of(
            &app.wait_for_css(
                &format!("{refused} [data-testid=engine-status-text]"),
                SETTLE,
            )
            .await?,
        )
        .await?;
        assert!(text.contains("key was not accepted"), "{text}");

        let row = engine_row("over-ssh");
        app.wait_for_css(
            &format!("{row}[data-state=connected]"),
            Duration::from_secs(30),
        )
        .await?;
        app.screenshot("engines-ssh").await?;
        app.click(&format!("{row} [data-testid=engine-switch]"), SETTLE)
            .await?;
        wait_label(&app, "over-ssh · Docker · SSH").await?;
        // The same engine at the far end: the lists come back through SSH.
        app.click("[data-testid=tab-containers]", SETTLE).await?;
        app.wait_for_css(crate::CONNECTED, Duration::from_secs(30))
            .await?;
        app.wait_for_css("[data-testid=container-filter]", SETTLE)
            .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    drop(sshd);
    Ok(())
}

/// Issue #13: a docker context that skips TLS verification is not imported as plain TCP. The
/// import says what it is and imports it only when the user chooses, with verification on
/// against the context's CA; one without a CA is skipped, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_that_skips_tls_verification_is_a_choice() -> Result<(), AppError> {
    let setup = |e: berth_tests::docker_cli::CliError| AppError::Setup(e.to_string());
    let pki = berth_tests::pki::Pki::make().map_err(setup)?;
    let dir = berth_tests::app::artifacts_dir().join("engines-skip-verify.config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok();
    let docker_config = dir.join("docker-config");
    // Nothing listens there: the choice is what is tested, not the connection.
    let port = berth_tests::registry::free_port().map_err(setup)?;
    for (name, docker) in [
        (
            "lab",
            format!(
                "host=tcp://127.0.0.1:{port},ca={},skip-tls-verify=true",
                pki.path("ca.pem").display()
            ),
        ),
        (
            "nocert",
            format!("host=tcp://127.0.0.1:{port},skip-tls-verify=true"),
        ),
    ] {
        let made = std::process::Command::new(berth_tests::docker_cli::docker_program())
            .args(["context", "create", name, "--docker", &docker])
            .env("DOCKER_CONFIG", &docker_config)
            .output()
            .map_err(|e| AppError::Setup(format!("docker context create: {e}")))?;
        if !made.status.success() {
            return Err(AppError::Setup(format!(
                "docker context create {name}: {}",
                String::from_utf8_lossy(&made.stderr)
            )));
        }
    }
    let dir_env = dir.to_string_lossy().to_string();
    let docker_config_env = docker_config.to_string_lossy().to_string();
    let app = App::launch(
        "a_context_that_skips_tls_verification_is_a_choice",
        &[
            ("BERTH_CONFIG_DIR", Some(dir_env.as_str())),
            ("DOCKER_CONFIG", Some(docker_config_env.as_str())),
        ],
    )
    .await?;
    app.check(async {
        crate::wait_connected(&app).await?;
        app.click("[data-testid=tab-engines]", SETTLE).await?;
        app.click("[data-testid=engines-import]", SETTLE).await?;
        let choice = text_of(
            &app.wait_for_css("[data-testid=engines-skip-verify]", SETTLE)
                .await?,
        )
        .await?;
        // The text as read, its source line breaks folded to spaces.
        let choice = choice.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(choice.contains("lab"), "{choice}");
        assert!(choice.contains("skips TLS verification"), "{choice}");
        assert!(choice.contains("Berth always verifies"), "{choice}");
        assert!(choice.contains("may fail to connect"), "{choice}");
        let notice = text_of(
            &app.wait_for_css("[data-testid=engines-notice]", SETTLE)
                .await?,
        )
        .await?;
        let notice = notice.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(notice.contains("added 0"), "{notice}");
        assert!(notice.contains("no CA certificate"), "{notice}");
        // Not imported until chosen.
        assert!(app.find_all(&engine_row("lab")).await?.is_empty());
        app.screenshot("engines-skip-verify").await?;
        app.click("[data-testid=engines-verify-import]", SETTLE)
            .await?;
        app.wait_for_css(&engine_row("lab"), SETTLE).await?;
        app.wait_gone("[data-testid=engines-skip-verify]", SETTLE)
            .await?;
        assert!(app.find_all(&engine_row("nocert")).await?.is_empty());
        Ok(())
    })
    .await?;
    app.close().await;
    // Stored with verification on: a TLS engine with the context's CA, never plain TCP.
    let stored = std::fs::read_to_string(dir.join("engines.json"))
        .map_err(|e| AppError::Setup(format!("reading engines.json: {e}")))?;
    let doc: serde_json::Value =
        serde_json::from_str(&stored).map_err(|e| AppError::Setup(e.to_string()))?;
    let engines = doc["engines"]["engines"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(engines.len(), 1, "{stored}");
    assert_eq!(engines[0]["name"], "lab");
    let ca = engines[0]["tls_ca"].as_str().unwrap_or_default();
    assert!(ca.ends_with("docker/ca.pem"), "{stored}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
