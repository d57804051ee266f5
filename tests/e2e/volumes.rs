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

/// The whole volume flow on the real window: a bad name refused as typed, a volume created
/// through the dialog and seen in the list, written by a container, browsed (a folder opened,
/// a file downloaded and compared), removal refused while a stopped container holds it
/// (naming it), then removed through the confirm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volume_is_created_browsed_and_removed_with_the_confirm() -> Result<(), AppError> {
    ensure_test_images()?;
    let mut volumes = Volumes(Vec::new());
    let run = TestRun::new("volume-flow");
    let vol = run.name("flow");
    volumes.0.push(vol.clone());
    let file = format!("{}.txt", run.id());
    let content = format!("hello from {}\n", run.id());

    // Remove unused is limited to this run's volumes: the engine is shared.
    let scope = run.label();
    let app = App::launch(
        "a_volume_is_created_browsed_and_removed_with_the_confirm",
        &[("BERTH_PRUNE_LABEL", Some(scope.as_str()))],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-volumes]", SETTLE).await?;
        app.click("[data-testid=volume-new]", SETTLE).await?;

        // A name with a space: said at once, Create stays off, nothing reaches the engine.
        app.type_into("[data-testid=volume-create-name]", "my data", SETTLE)
            .await?;
        let problem = app
            .wait_for_css("[data-testid=volume-create-problem]", SETTLE)
            .await?;
        let said = text_of(&problem).await?;
        assert!(said.contains("space"), "{said:?}");
        let go = app
            .wait_for_css("[data-testid=volume-create-go]", SETTLE)
            .await?;
        assert!(
            go.attr("disabled").await.ok().flatten().is_some(),
            "Create is off"
        );
        app.screenshot("volumes-create-bad-name").await?;

        app.type_into("[data-testid=volume-create-name]", &vol, SETTLE)
            .await?;
        app.type_into(
            "[data-testid=volume-create-labels]",
            // WebDriver types no newline into a textarea: commas separate labels too.
            &format!("berth.test={}, purpose=e2e", run.id()),
            SETTLE,
        )
        .await?;
        let cli = app
            .wait_for_css(
                &format!(
                    "[data-testid=volume-create-cli][data-line$={}]",
                    css_str(&format!(" {vol}"))
                ),
                SETTLE,
            )
            .await?;
        let line = cli
            .attr("data-line")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        assert!(line.starts_with("docker volume create --label"), "{line}");
        app.screenshot("volumes-create").await?;
        app.click("[data-testid=volume-create-go]", SETTLE).await?;
        app.wait_for_css(&volume_row(&vol), LIVE_TARGET + LIVE_GRACE)
            .await?;
        let labels = docker([
            "volume",
            "inspect",
            "-f",
            "{{index .Labels \"purpose\"}}",
            &vol,
        ])?;
        assert_eq!(labels.trim(), "e2e", "created with its labels");

        // Written by a container, then browsed without starting anything.
        let label = run.label();
        docker([
            "run",
            "--rm",
            "--label",
            &label,
            "-v",
            &format!("{vol}:/d"),
            BUSYBOX_IMAGE,
            "sh",
            "-c",
            &format!(
                "mkdir -p /d/notes && printf '{}' > /d/notes/{file}",
                content.replace('\n', "\\n")
            ),
        ])?;
        // Writes do not change the list: the Size header's refresh reads the sizes again.
        app.click("[data-testid=volume-sizes-refresh]", SETTLE)
            .await?;
        let size = app
            .wait_for_css(
                &format!(
                    "{} [data-testid=volume-size]:not([data-size='']):not([data-size='0'])",
                    volume_row(&vol)
                ),
                SETTLE,
            )
            .await?;
        eprintln!(
            "size after the write: {:?}",
            size.attr("data-size").await.ok().flatten()
        );
        app.click(
            &format!("{} [data-testid=volume-browse]", volume_row(&vol)),
            SETTLE,
        )
        .await?;
        app.click(
            "[data-testid=volume-entry][data-name=notes] button.link",
            SETTLE,
        )
        .await?;
        let entry = app
            .wait_for_css(
                &format!("[data-testid=volume-entry][data-name={}]", css_str(&file)),
                SETTLE,
            )
            .await?;
        assert_eq!(
            entry.attr("data-size").await.ok().flatten().as_deref(),
            Some(content.len().to_string().as_str())
        );
        app.click(
            &format!(
                "[data-testid=volume-entry][data-name={}] [data-testid=volume-entry-download]",
                css_str(&file)
            ),
            SETTLE,
        )
        .await?;
        let saved = app
            .wait_for_css("[data-testid=volume-download-saved]", SETTLE)
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
        app.screenshot("volumes-browse").await?;
        app.click("[data-testid=volume-browser-close]", SETTLE)
            .await?;
        // The helper is gone: nothing mounts the volume.
        let holders = docker(["ps", "-aq", "--filter", &format!("volume={vol}")])?;
        assert!(holders.trim().is_empty(), "helper left: {holders}");

        // In use by a stopped container: refused, naming it.
        let user = run.create(
            "holder",
            &["-v", &format!("{vol}:/data")],
            BUSYBOX_IMAGE,
            &["true"],
        )?;
        app.wait_for_css(
            &format!("{}[data-users='1']", volume_row(&vol)),
            LIVE_TARGET + LIVE_GRACE,
        )
        .await?;
        app.click(
            &format!("{} [data-testid=volume-remove]", volume_row(&vol)),
            SETTLE,
        )
        .await?;
        let refusal = app
            .wait_for_css("[data-testid=volume-in-use]", SETTLE)
            .await?;
        let said = text_of(&refusal).await?;
        assert!(said.contains(&user.name), "{said:?}");
        app.screenshot("volumes-in-use").await?;
        app.click("[data-testid=volume-in-use-close]", SETTLE)
            .await?;
        docker(["rm", &user.name])?;
        app.wait_for_css(
            &format!("{}[data-users='0']", volume_row(&vol)),
            LIVE_TARGET + LIVE_GRACE,
        )
        .await?;

        // Unused: the confirm names it and shows the command; then it goes.
        app.click(
            &format!("{} [data-testid=volume-remove]", volume_row(&vol)),
            SETTLE,
        )
        .await?;
        let confirm = app
            .wait_for_css("[data-testid=volume-remove-confirm]", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=volume-remove-confirm-name]", SETTLE)
            .await?;
        let said = text_of(&confirm).await?;
        assert!(said.contains(&vol), "{said:?}");
        let want = format!("docker volume rm {vol}");
        app.wait_until("the docker volume rm line", SETTLE, |c| {
            let want = want.clone();
            async move {
                let el = c
                    .find(fantoccini::Locator::Css(
                        "[data-testid=volume-remove-confirm-command]",
                    ))
                    .await?;
                Ok(el.text().await?.contains(&want).then_some(()))
            }
        })
        .await?;
        app.screenshot("volumes-remove-confirm").await?;
        app.click("[data-testid=volume-remove-confirm-go]", SETTLE)
            .await?;
        app.wait_gone(&volume_row(&vol), LIVE_TARGET + LIVE_GRACE)
            .await?;
        assert!(
            docker(["volume", "inspect", &vol]).is_err(),
            "the engine no longer has it"
        );
        app.screenshot("volumes-removed").await?;

        // Remove unused (scoped to this run's label by BERTH_PRUNE_LABEL): the preview names
        // exactly the unused volume and says the engine's rule; a used one stays.
        let spare = run.name("spare");
        let kept = run.name("kept");
        volumes.0.extend([spare.clone(), kept.clone()]);
        for v in [&spare, &kept] {
            docker(["volume", "create", "--label", &label, v])?;
        }
        run.create(
            "keeper",
            &["-v", &format!("{kept}:/k")],
            BUSYBOX_IMAGE,
            &["true"],
        )?;
        app.wait_for_css(
            &format!("{}[data-users='1']", volume_row(&kept)),
            LIVE_TARGET + LIVE_GRACE,
        )
        .await?;
        app.click("[data-testid=volume-prune]", SETTLE).await?;
        let confirm = app
            .wait_for_css("[data-testid=volume-prune-confirm]", SETTLE)
            .await?;
        let names = app
            .find_all("[data-testid=volume-prune-confirm-name]")
            .await?;
        let mut listed = Vec::new();
        for n in &names {
            listed.push(text_of(n).await?);
        }
        assert_eq!(
            listed,
            std::slice::from_ref(&spare),
            "only the unused one, by name"
        );
        let said = text_of(&confirm).await?;
        assert!(
            said.contains("every volume no container uses")
                || said.contains("only unused anonymous"),
            "the engine's rule is said: {said:?}"
        );
        app.screenshot("volumes-prune-confirm").await?;
        app.click("[data-testid=volume-prune-confirm-go]", SETTLE)
            .await?;
        app.wait_gone(&volume_row(&spare), LIVE_TARGET + LIVE_GRACE)
            .await?;
        app.wait_for_css("[data-testid=volumes-notice]", SETTLE)
            .await?;
        assert!(
            docker(["volume", "inspect", &kept]).is_ok(),
            "the used one stays"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
