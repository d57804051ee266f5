//! Swarm from the real window (issue #8): on a single-node swarm, the launch dialog offers
//! "a Swarm service with N replicas"; launching 3 that way makes a service whose 3 tasks
//! run; the Services view shows it with its tasks on the node, scales it to 5 and removes it.

use std::time::Duration;

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::{docker, image_id};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::swarm::SwarmGuard;

use super::{text_of, wait_connected, SETTLE};

/// Swarm schedules and starts a few busybox tasks in seconds here; generous for a loaded box.
const CONVERGED: Duration = Duration::from_secs(60);

fn replicas_on_engine(name: &str) -> Result<String, AppError> {
    Ok(docker([
        "service",
        "ls",
        "--filter",
        &format!("name={name}"),
        "--format",
        "{{.Replicas}}",
    ])?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_as_a_service_scale_to_five_and_go() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-swarm");
    let image = image_id(BUSYBOX_IMAGE)?
        .ok_or_else(|| AppError::Setup(format!("{BUSYBOX_IMAGE} is missing")))?;
    // Before the app starts, so its engine info already says "manager".
    let _swarm = SwarmGuard::enter(run.label())?;
    let name = run.name("ui");

    let app = App::launch("three_replicas_as_a_service_scale_to_five_and_go", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        crate::first_day_launch::open_launch_on(&app, &image).await?;
        app.click("[data-testid=launch-target-service]", SETTLE)
            .await?;
        app.type_into("[data-testid=launch-replicas]", "3", SETTLE)
            .await?;
        app.type_into(
            "[data-testid=launch-name]",
            &format!("{name}-{{n}}"),
            SETTLE,
        )
        .await?;
        app.type_into("[data-testid=launch-command]", "sleep 3600", SETTLE)
            .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        // A published port (ingress): the tasks join the ingress network and
        // docker_gwbridge rather than the default bridge.
        let port = std::net::TcpListener::bind("0.0.0.0:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| AppError::Setup(format!("no free port: {e}")))?
            .port();
        app.type_into("[data-testid=launch-ports]", &format!("{port}:80"), SETTLE)
            .await?;
        // The preview shows the `docker service create` line, and why volumes are off.
        // The preview shows the `docker service create` line (once it caught up with the
        // last keystroke), and why volumes are off.
        let expected = [
            format!("--name {name} --replicas 3 "),
            format!("--publish published={port},target=80,protocol=tcp,mode=ingress"),
            run.label(),
        ];
        let cli = app
            .wait_until("the docker service create line", SETTLE, |client| {
                let expected = expected.clone();
                async move {
                    let el = client
                        .find(fantoccini::Locator::Css("[data-testid=launch-cli]"))
                        .await?;
                    let text = el.prop("textContent").await?.unwrap_or_default();
                    Ok((text.starts_with("docker service create")
                        && expected.iter().all(|e| text.contains(e.as_str())))
                    .then_some(text))
                }
            })
            .await?;
        assert!(cli.ends_with(" sleep 3600"), "{cli}");
        let volumes = app
            .wait_for_css("[data-testid=launch-note-volumes]", SETTLE)
            .await?;
        assert!(text_of(&volumes).await?.contains("not for services"));
        let disabled = app
            .wait_for_css("[data-testid=launch-volumes]", SETTLE)
            .await?
            .prop("disabled")
            .await
            .map_err(|e| AppError::Setup(e.to_string()))?;
        assert_eq!(disabled.as_deref(), Some("true"), "volumes are disabled");
        app.screenshot("swarm-launch-dialog").await?;

        app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        app.wait_for_css(
            "[data-testid=service-launch-summary][data-running=\"3\"]",
            CONVERGED,
        )
        .await?;
        assert_eq!(replicas_on_engine(&name)?.trim(), "3/3");
        app.screenshot("swarm-launched").await?;
        app.click("[data-testid=launch-done]", SETTLE).await?;

        // The Services view: the service, its 3 running tasks on this node.
        app.click("[data-testid=tab-services]", SETTLE).await?;
        let row = format!("[data-testid=service][data-name={}]", css_str(&name));
        app.wait_for_css(&format!("{row}[data-running=\"3\"]"), SETTLE)
            .await?;
        app.click(&format!("{row} [data-testid=service-toggle]"), SETTLE)
            .await?;
        let running_tasks = format!("{row} [data-testid=task][data-state=running]");
        app.wait_until("3 running tasks listed", SETTLE, |client| {
            let css = running_tasks.clone();
            async move {
                let n = client.find_all(fantoccini::Locator::Css(&css)).await?.len();
                Ok((n == 3).then_some(()))
            }
        })
        .await?;
        let host = docker(["info", "--format", "{{.Name}}"])?;
        let node = app
            .wait_for_css(&format!("{row} [data-testid=task-node]"), SETTLE)
            .await?;
        assert!(text_of(&node).await?.contains(host.trim()));

        // Scale to 5, with the command shown first.
        app.type_into(
            &format!("{row} [data-testid=service-scale-input]"),
            "5",
            SETTLE,
        )
        .await?;
        let shown = app
            .wait_for_css(&format!("{row} [data-testid=service-scale-cli]"), SETTLE)
            .await?;
        assert_eq!(
            text_of(&shown).await?,
            format!("docker service scale --detach {name}=5")
        );
        app.click(&format!("{row} [data-testid=service-scale]"), SETTLE)
            .await?;
        app.wait_for_css(&format!("{row}[data-running=\"5\"]"), CONVERGED)
            .await?;
        assert_eq!(replicas_on_engine(&name)?.trim(), "5/5");
        app.screenshot("swarm-services").await?;

        // Remove, after confirming.
        app.click(&format!("{row} [data-testid=service-remove]"), SETTLE)
            .await?;
        app.click(
            &format!("{row} [data-testid=service-remove-confirm]"),
            SETTLE,
        )
        .await?;
        app.wait_gone(&row, SETTLE).await?;
        assert_eq!(
            replicas_on_engine(&name)?.trim(),
            "",
            "gone from the engine"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
