//! The Volumes view on the real window: a volume and its user as the engine has them, a link
//! from the user to its container, and volumes made or removed elsewhere showing up and going
//! away by themselves.

use std::time::Instant;

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{text_of, wait_connected, LIVE_GRACE, LIVE_TARGET, SETTLE};

fn volume_row(name: &str) -> String {
    format!("[data-testid=volume-row][data-name={}]", css_str(name))
}

/// Removes the named volumes on drop; declared before the `TestRun`, so it drops after the
/// containers that hold them are gone.
struct Volumes(Vec<String>);

impl Drop for Volumes {
    fn drop(&mut self) {
        for v in &self.0 {
            let _ = docker(["volume", "rm", "-f", v]);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_view_lists_volumes_with_their_containers_live() -> Result<(), AppError> {
    ensure_test_images()?;
    let mut volumes = Volumes(Vec::new());
    let run = TestRun::new("volumes-view");
    let label = run.label();
    let data = run.name("data");
    let late = run.name("late");
    volumes.0.extend([data.clone(), late.clone()]);
    docker(["volume", "create", "--label", &label, &data])?;
    let user = run.run(
        "user",
        &["-v", &format!("{data}:/data")],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;

    let app = App::launch("volumes_view_lists_volumes_with_their_containers_live", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-volumes]", SETTLE).await?;
        let row = app
            .wait_for_css(&format!("{}[data-users='1']", volume_row(&data)), SETTLE)
            .await?;
        let text = text_of(&row).await?;
        assert!(
            text.contains(&user.name),
            "the row names its user: {text:?}"
        );
        assert!(text.contains("/data"), "and where it is mounted: {text:?}");
        let cli = app
            .wait_for_css("[data-testid=volumes-cli]", SETTLE)
            .await?;
        assert_eq!(
            cli.attr("data-line").await.ok().flatten().as_deref(),
            Some("docker volume ls")
        );
        app.screenshot("view-volumes").await?;

        // Made elsewhere: shows up by itself; removed elsewhere: goes away.
        docker(["volume", "create", "--label", &label, &late])?;
        let made = Instant::now();
        app.wait_for_css(&volume_row(&late), LIVE_TARGET + LIVE_GRACE)
            .await?;
        let appeared = made.elapsed();
        docker(["volume", "rm", &late])?;
        let removed = Instant::now();
        app.wait_gone(&volume_row(&late), LIVE_TARGET + LIVE_GRACE)
            .await?;
        let vanished = removed.elapsed();
        eprintln!(
            "volume create -> row: {} ms; volume rm -> gone: {} ms",
            appeared.as_millis(),
            vanished.as_millis()
        );
        assert!(appeared <= LIVE_TARGET, "the new volume took {appeared:?}");
        assert!(
            vanished <= LIVE_TARGET,
            "the removed volume took {vanished:?}"
        );

        // The user is a link to its container.
        app.click(
            &format!("{} [data-testid=volume-user]", volume_row(&data)),
            SETTLE,
        )
        .await?;
        app.wait_for_css(
            &format!(
                "[data-testid=container-detail][data-id={}]",
                css_str(&user.id)
            ),
            SETTLE,
        )
        .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
