//! Issue #16 on the real window: a published port is shown at its address and a click opens
//! `http://HOST:PORT` through the backend. The opener is injected (`BERTH_OPENER`, read by
//! debug builds only) as a script that records its argv, so no browser is needed and the test
//! sees exactly what the backend would have opened. A port bound to another interface is shown
//! at its address without a link.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use berth_tests::app::{App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use super::{container_row, show_run, text_of, wait_connected, SETTLE};

/// The recorder: one line per argument, appended to `calls` next to it.
fn write_opener(dir: &Path) -> Result<(std::path::PathBuf, std::path::PathBuf), AppError> {
    let script = dir.join("opener.sh");
    let calls = dir.join("calls");
    let body = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> '{}'\n",
        calls.display()
    );
    std::fs::write(&script, body).map_err(|e| AppError::Setup(e.to_string()))?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| AppError::Setup(e.to_string()))?;
    Ok((script, calls))
}

/// The host port the engine chose for `name`'s port 80.
fn host_port(name: &str) -> Result<u16, AppError> {
    let out = docker(["port", name, "80/tcp"]).map_err(|e| AppError::Setup(e.to_string()))?;
    out.lines()
        .next()
        .and_then(|l| l.rsplit(':').next())
        .and_then(|p| p.trim().parse().ok())
        .ok_or_else(|| AppError::Setup(format!("no host port in {out:?}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_on_a_port_opens_its_address_through_the_backend() -> Result<(), AppError> {
    ensure_test_images()?;
    let dir = tempfile::tempdir().map_err(|e| AppError::Setup(e.to_string()))?;
    let (opener, calls) = write_opener(dir.path())?;
    let run = TestRun::new("e2e-ports");
    let cmd = ["sleep", "600"];
    let web = run.run("web", &["-p", "127.0.0.1::80"], BUSYBOX_IMAGE, &cmd)?;
    let port = host_port(&web.name)?;
    // The default bridge's gateway: an address of this machine that is neither loopback nor
    // every address, so Berth shows it and does not open it.
    let gateway = docker([
        "network",
        "inspect",
        "bridge",
        "--format",
        "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
    ])
    .map_err(|e| AppError::Setup(e.to_string()))?;
    let gateway = gateway.trim().to_string();
    let side = run.run(
        "side",
        &["-p", &format!("{gateway}::80")],
        BUSYBOX_IMAGE,
        &cmd,
    )?;
    let side_port = host_port(&side.name)?;

    let opener_text = opener.to_string_lossy().to_string();
    let app = App::launch(
        "a_click_on_a_port_opens_its_address_through_the_backend",
        &[("BERTH_OPENER", Some(&opener_text))],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        let link_css = format!(
            "{} [data-testid=port-link][data-port=\"{port}\"]",
            container_row(&web.name)
        );
        let link = app.wait_for_css(&link_css, SETTLE).await?;
        // The list's narrow column: host port → container port, the address in the tooltip.
        assert_eq!(text_of(&link).await?.trim(), format!("{port}→80"));
        assert_eq!(
            link.attr("title")
                .await
                .during("reading the link's title")?,
            Some(format!("Open http://127.0.0.1:{port} in the browser"))
        );
        let side_shown = app
            .wait_for_css(
                &format!("{} [data-testid=port-address]", container_row(&side.name)),
                SETTLE,
            )
            .await?;
        assert_eq!(
            text_of(&side_shown).await?.trim(),
            format!("{side_port}→80")
        );
        let side_title = side_shown
            .attr("title")
            .await
            .during("reading the address's title")?
            .unwrap_or_default();
        assert!(
            side_title.starts_with(&format!("{gateway}:{side_port}: not opened by Berth")),
            "{side_title}"
        );
        assert!(
            app.find_all(&format!(
                "{} [data-testid=port-link]",
                container_row(&side.name)
            ))
            .await?
            .is_empty(),
            "a port on another interface has no link"
        );
        app.screenshot("ports-list").await?;

        link.click().await.during("clicking the port link")?;
        let deadline = Instant::now() + SETTLE;
        let opened = loop {
            let text = std::fs::read_to_string(&calls).unwrap_or_default();
            if !text.is_empty() {
                break text;
            }
            assert!(
                Instant::now() < deadline,
                "the backend did not start the opener"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        // Exactly one argument: the URL the backend made from the engine's listing.
        assert_eq!(opened, format!("http://127.0.0.1:{port}\n"));
        assert!(
            app.find_all("[data-testid=port-problem]").await?.is_empty(),
            "no error shown after a successful open"
        );
        Ok(())
    })
    .await
}
