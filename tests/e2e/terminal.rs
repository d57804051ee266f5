//! Issue #16 on the real window: the Terminal tab finds the container's shell, shows the
//! `docker exec -it` line, runs what is typed into xterm.js (its effect is seen in the
//! container), and closing the terminal leaves no shell process (`docker top`).

use std::time::Duration;

use berth_tests::app::{App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use super::{container_row, show_run, text_of, wait_connected, SETTLE};

const SCREEN: &str = "[data-testid=terminal-view] [data-testid=terminal-screen]";

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

async fn wait_screen(app: &App, what: &str) -> Result<(), AppError> {
    app.wait_until(&format!("{what:?} in the terminal"), SETTLE, |client| {
        let what = what.to_string();
        async move {
            let el = client.find(fantoccini::Locator::Css(SCREEN)).await?;
            let text = el.prop("textContent").await?.unwrap_or_default();
            Ok(text.contains(&what).then_some(()))
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_typed_in_the_terminal_runs_in_the_container() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-terminal");
    let c = run.run("shell", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;

    let app = App::launch("a_command_typed_in_the_terminal_runs_in_the_container", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.click(
            &format!("{} [data-testid=container-open]", container_row(&c.name)),
            SETTLE,
        )
        .await?;
        app.click("[data-testid=detail-tab-terminal]", SETTLE)
            .await?;
        let detected = app
            .wait_for_css("[data-testid=terminal-detected]", SETTLE)
            .await?;
        assert_eq!(text_of(&detected).await?, "Found /bin/sh in the container.");
        let cli = app
            .wait_for_css("[data-testid=terminal-cli]", SETTLE)
            .await?;
        let expected = format!("docker exec -it {} /bin/sh", c.name);
        app.wait_until("the docker exec -it line", SETTLE, |_| {
            let cli = cli.clone();
            let expected = expected.clone();
            async move {
                let text = cli.prop("textContent").await?.unwrap_or_default();
                Ok(text.contains(&expected).then_some(()))
            }
        })
        .await?;

        app.click("[data-testid=terminal-open]", SETTLE).await?;
        let input = app
            .wait_for_css(&format!("{SCREEN} textarea"), SETTLE)
            .await?;
        // The prompt first: the shell is up.
        wait_screen(&app, "#").await?;
        input
            .send_keys(&format!(
                "echo made-by-berth > /tmp/typed; echo done-$((6*7)){ENTER}"
            ))
            .await
            .map_err(|e| AppError::Setup(format!("typing into the terminal: {e}")))?;
        wait_screen(&app, "done-42").await?;
        // The effect, seen from outside Berth.
        let written = docker(["exec", &c.id, "cat", "/tmp/typed"])?;
        assert_eq!(written.trim(), "made-by-berth");
        assert!(docker(["top", &c.id])?.contains("/bin/sh"));
        app.screenshot("terminal-typed").await?;

        app.click("[data-testid=terminal-close]", SETTLE).await?;
        app.wait_gone("[data-testid=terminal-view]", SETTLE).await?;
        let mut left = String::new();
        for _ in 0..50 {
            left = docker(["top", &c.id])?;
            if !left.contains("/bin/sh") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(!left.contains("/bin/sh"), "a shell is left: {left}");
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
