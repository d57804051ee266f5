//! Everyday management on the real window: stop, start and remove a container (with the
//! "remove a running container?" confirmation), pull an image from a local registry and see
//! its per-layer progress, and clean up with a preview (scoped to this run's label through
//! `BERTH_PRUNE_LABEL`, so the shared engine's other objects are never touched).

use std::time::Duration;

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::{docker, image_id};
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE, BUSYBOX_IMAGE};
use berth_tests::registry::LocalRegistry;

use super::{container_row, container_row_in, show_run, text_of, wait_connected, SETTLE};

/// An action's effect shows up through the engine's events; generous on a loaded machine.
const ACTED: Duration = Duration::from_secs(20);

fn in_row(name: &str, testid: &str) -> String {
    format!("{} [data-testid={testid}]", container_row(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_start_and_remove_a_container() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-manage");
    // With an anonymous volume: the remove below takes it along (`docker rm -v`, issue #7).
    let web = run.run(
        "web",
        &["--stop-timeout", "1", "-v", "/data"],
        APP_IMAGE,
        &[],
    )?;
    let volume = docker([
        "inspect",
        "--format",
        "{{range .Mounts}}{{.Name}}{{end}}",
        &web.id,
    ])?;
    assert!(!volume.trim().is_empty(), "an anonymous volume: {volume:?}");

    let app = App::launch("stop_start_and_remove_a_container", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.wait_for_css(&container_row_in(&web.name, "running"), SETTLE)
            .await?;

        app.click(&in_row(&web.name, "row-stop"), SETTLE).await?;
        app.wait_for_css(&container_row_in(&web.name, "exited"), ACTED)
            .await?;
        assert_eq!(
            docker(["inspect", "--format", "{{.State.Status}}", &web.id])?,
            "exited"
        );

        app.click(&in_row(&web.name, "row-start"), SETTLE).await?;
        app.wait_for_css(&container_row_in(&web.name, "running"), ACTED)
            .await?;

        // The detail pane: logs and inspect of this container.
        app.click(&in_row(&web.name, "container-open"), SETTLE)
            .await?;
        app.wait_for_css(
            &format!(
                "[data-testid=container-detail][data-id={}]",
                css_str(&web.id)
            ),
            SETTLE,
        )
        .await?;
        app.wait_for_css("[data-testid=logs-pane]", SETTLE).await?;
        app.click("[data-testid=detail-tab-inspect]", SETTLE)
            .await?;
        let state = app
            .wait_for_css("[data-testid=inspect-state]", SETTLE)
            .await?;
        assert!(text_of(&state).await?.contains("running"));
        app.screenshot("manage-detail").await?;

        // Removing a running container asks first, then forces.
        app.click(&in_row(&web.name, "row-remove"), SETTLE).await?;
        app.wait_for_css("[data-testid=remove-confirm]", SETTLE)
            .await?;
        let command = app
            .wait_for_css("[data-testid=remove-confirm-command]", SETTLE)
            .await?;
        assert_eq!(
            text_of(&command).await?,
            format!("docker rm -f {}", web.name)
        );
        app.click("[data-testid=remove-confirm-volumes]", SETTLE)
            .await?;
        assert_eq!(
            text_of(&command).await?,
            format!("docker rm -f -v {}", web.name)
        );
        app.screenshot("manage-remove-confirm").await?;
        app.click("[data-testid=remove-confirm-force]", SETTLE)
            .await?;
        app.wait_gone(&container_row(&web.name), ACTED).await?;
        let results = app
            .wait_for_css("[data-testid=action-results]", SETTLE)
            .await?;
        assert_eq!(
            results.attr("data-failed").await.ok().flatten().as_deref(),
            Some("0")
        );
        assert!(run.container_ids()?.is_empty(), "the container is gone");
        assert!(
            docker(["volume", "inspect", volume.trim()]).is_err(),
            "its anonymous volume {volume} is gone too"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_an_image_and_see_its_progress() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-pull");
    let registry = LocalRegistry::start()?;
    let remote = registry.push_fresh_image(&run, "berth/e2e:v1", &[2048, 4096, 3072])?;

    let app = App::launch("pull_an_image_and_see_its_progress", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-images]", SETTLE).await?;
        app.click("[data-testid=images-pull]", SETTLE).await?;
        app.type_into("[data-testid=pull-reference]", &remote, SETTLE)
            .await?;
        app.click("[data-testid=pull-start]", SETTLE).await?;
        app.wait_for_css("[data-testid=pull-layer]", ACTED).await?;
        app.wait_for_css("[data-testid=pull-done]", ACTED).await?;
        let layers = app.find_all("[data-testid=pull-layer]").await?;
        assert!(layers.len() >= 4, "{} layers shown", layers.len());
        let complete = app
            .find_all("[data-testid=pull-layer][data-phase=complete]")
            .await?;
        assert_eq!(complete.len(), 3, "the three new layers were fetched");
        app.screenshot("pull-done").await?;
        assert!(image_id(&remote)?.is_some(), "{remote} is local now");

        // A malformed reference is refused with a message naming it.
        app.type_into("[data-testid=pull-reference]", "Not:A:Ref", SETTLE)
            .await?;
        app.click("[data-testid=pull-start]", SETTLE).await?;
        let error = app.wait_for_css("[data-testid=pull-error]", SETTLE).await?;
        assert!(text_of(&error).await?.contains("Not:A:Ref"));
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_with_a_preview() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-prune");
    let exited = run.run("exited", &[], BUSYBOX_IMAGE, &["true"])?;
    docker(["wait", &exited.id])?;
    let created = run.create("created", &[], BUSYBOX_IMAGE, &["true"])?;
    let running = run.run("running", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let dangling = run.dangling_image()?;
    let label = run.label();

    let app = App::launch(
        "prune_with_a_preview",
        &[("BERTH_PRUNE_LABEL", Some(label.as_str()))],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-cleanup]", SETTLE).await?;
        let preview = app
            .wait_for_css("[data-testid=prune-preview]", SETTLE)
            .await?;
        assert_eq!(
            preview.attr("data-count").await.ok().flatten().as_deref(),
            Some("3"),
            "two stopped containers and one dangling image"
        );
        for id in [&exited.id, &created.id, &dangling.id] {
            app.wait_for_css(
                &format!("[data-testid=prune-item][data-id={}]", css_str(id)),
                SETTLE,
            )
            .await?;
        }
        app.wait_for_css("[data-testid=prune-scope]", SETTLE)
            .await?;
        app.screenshot("prune-preview").await?;
        app.click("[data-testid=prune-start]", SETTLE).await?;
        app.click("[data-testid=prune-confirm]", SETTLE).await?;
        let report = app
            .wait_for_css("[data-testid=prune-report]", ACTED)
            .await?;
        let text = text_of(&report).await?;
        // The engine also removes the untagged parent of the dangling build; the report
        // says so rather than hiding the difference from the preview.
        assert!(text.contains("Removed 2 containers and "), "{text}");
        app.screenshot("prune-report").await?;
        assert_eq!(run.container_ids()?, std::slice::from_ref(&running.id));
        assert_eq!(image_id(&dangling.id)?, None);
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_follow_live_with_stderr_told_apart() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-logs");
    let talk = run.run(
        "talk",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "i=0; while true; do i=$((i+1)); echo \"hello $i\"; echo \"oops $i\" >&2; sleep 0.2; done",
        ],
    )?;

    let app = App::launch("logs_follow_live_with_stderr_told_apart", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.click(&in_row(&talk.name, "container-open"), SETTLE)
            .await?;
        app.wait_for_css("[data-testid=logs-lines] [data-stream=stderr]", SETTLE)
            .await?;
        // Lines keep arriving while following.
        let count = |text: String| -> u64 {
            text.split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_default()
        };
        let before =
            count(text_of(&app.wait_for_css("[data-testid=logs-count]", SETTLE).await?).await?);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let after =
            count(text_of(&app.wait_for_css("[data-testid=logs-count]", SETTLE).await?).await?);
        assert!(after > before, "no new lines: {before} then {after}");
        app.type_into("[data-testid=logs-search]", "oops", SETTLE)
            .await?;
        app.wait_gone("[data-testid=logs-lines] [data-stream=stdout]", SETTLE)
            .await?;
        app.screenshot("manage-logs").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
