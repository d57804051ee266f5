//! The container Files tab on the real window: a container's folder listed with its marks
//! (added in this container, changed, from the image), a file uploaded through the picker,
//! seen in the listing and in the container by the docker CLI, viewed inline, and
//! downloaded byte-identical to the Downloads folder.

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{show_run, text_of, wait_connected, SETTLE};

fn entry(name: &str) -> String {
    format!("[data-testid=files-entry][data-name={}]", css_str(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_tab_browses_uploads_and_downloads() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-files");
    let c = run.run(
        "files",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "echo made-here > /made.txt; trap 'exit 0' TERM; while :; do sleep 1; done",
        ],
    )?;
    let upload_dir = tempfile::tempdir().map_err(|e| AppError::Setup(e.to_string()))?;
    let name = format!("{}.txt", run.id());
    let content = format!("uploaded by {}\nline two\n", run.id());
    let local = upload_dir.path().join(&name);
    std::fs::write(&local, &content).map_err(|e| AppError::Setup(e.to_string()))?;

    let app = App::launch("files_tab_browses_uploads_and_downloads", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.click(
            &format!(
                "[data-testid=container-row][data-name={}] [data-testid=container-open]",
                css_str(&c.name)
            ),
            SETTLE,
        )
        .await?;
        app.click("[data-testid=detail-tab-files]", SETTLE).await?;
        // The root: a file written after start is added; /bin comes from the image.
        app.wait_for_css(&format!("{}[data-origin=added]", entry("made.txt")), SETTLE)
            .await?;
        app.wait_for_css(&format!("{}[data-origin=image]", entry("bin")), SETTLE)
            .await?;
        let cli = app.wait_for_css("[data-testid=files-cli]", SETTLE).await?;
        let line = cli
            .attr("data-line")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        assert!(line.starts_with("docker "), "{line}");

        // Upload through the picker into /bin (an image folder).
        app.click(
            &format!("{} [data-testid=files-open]", entry("bin")),
            SETTLE,
        )
        .await?;
        app.wait_for_css(
            "[data-testid=files-list][data-path='/bin'][data-loading=false]",
            SETTLE,
        )
        .await?;
        let picker = app
            .wait_for_css("[data-testid=files-picker]", SETTLE)
            .await?;
        picker
            .send_keys(&local.display().to_string())
            .await
            .map_err(|e| AppError::Setup(format!("choosing the file: {e}")))?;
        let row = app
            .wait_for_css(&format!("{}[data-origin=added]", entry(&name)), SETTLE)
            .await?;
        assert_eq!(
            row.attr("data-size").await.ok().flatten().as_deref(),
            Some(content.len().to_string().as_str())
        );
        let inside = docker(["exec", &c.name, "cat", &format!("/bin/{name}")])?;
        // (The CLI helper trims the output's last newline.)
        assert_eq!(
            inside,
            content.trim_end(),
            "the CLI reads what was uploaded"
        );

        // View it inline, then download it.
        app.click(
            &format!("{} [data-testid=files-view]", entry(&name)),
            SETTLE,
        )
        .await?;
        let text = app
            .wait_for_css("[data-testid=files-viewer-text]", SETTLE)
            .await?;
        assert_eq!(text_of(&text).await?, content);
        app.screenshot("files-tab").await?;
        app.click(
            &format!("{} [data-testid=files-download]", entry(&name)),
            SETTLE,
        )
        .await?;
        let saved = app
            .wait_for_css("[data-testid=files-message]", SETTLE)
            .await?;
        let saved = text_of(&saved).await?;
        let path = saved
            .strip_prefix("Saved ")
            .and_then(|s| s.rsplit_once(" ("))
            .map(|(p, _)| p.to_string())
            .ok_or_else(|| AppError::Setup(format!("no path in {saved:?}")))?;
        let got = std::fs::read(&path);
        let _ = std::fs::remove_file(&path);
        assert_eq!(got.ok().as_deref(), Some(content.as_bytes()), "{path}");
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
