//! Issue #16 on the real window: a launch group's memory limit changed from the Groups view
//! (`docker update` of every member), seen in `docker inspect` and the group's update lines.

use std::time::Duration;

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::docker_cli::{docker, image_id};
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};

use super::{text_of, wait_connected, SETTLE};

/// Two replicas of a small image start in well under this on the test machine.
const LAUNCHED: Duration = Duration::from_secs(30);
const MIB: u64 = 1 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_groups_memory_limit_changes_from_the_groups_view() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-limits");
    let image =
        image_id(APP_IMAGE)?.ok_or_else(|| AppError::Setup(format!("{APP_IMAGE} is missing")))?;
    let names = [run.name("ui-1"), run.name("ui-2")];

    let app = App::launch("a_groups_memory_limit_changes_from_the_groups_view", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        crate::first_day_launch::open_launch_on(&app, &image).await?;
        app.type_into("[data-testid=launch-replicas]", "2", SETTLE)
            .await?;
        app.type_into(
            "[data-testid=launch-name]",
            &format!("{}-{{n}}", run.name("ui")),
            SETTLE,
        )
        .await?;
        app.type_into("[data-testid=launch-labels]", &run.label(), SETTLE)
            .await?;
        app.click("[data-testid=launch-submit]:not([disabled])", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=launch-progress][data-phase=done]", LAUNCHED)
            .await?;
        app.click("[data-testid=launch-dialog] .primary", SETTLE)
            .await?;
        let group = docker([
            "inspect",
            "-f",
            "{{index .Config.Labels \"berth.group\"}}",
            &names[0],
        ])?
        .trim()
        .to_string();
        for n in &names {
            let before = docker(["inspect", "-f", "{{.HostConfig.Memory}}", n])?;
            assert_eq!(before.trim(), "0", "{n} starts without a memory limit");
        }

        app.click("[data-testid=tab-groups]", SETTLE).await?;
        let card = format!("[data-testid=group][data-group={}]", css_str(&group));
        app.click(&format!("{card} [data-testid=group-limits-toggle]"), SETTLE)
            .await?;
        // A bad value is refused in words, and nothing changes.
        app.type_into(
            &format!("{card} [data-testid=group-limits-memory]"),
            "2m",
            SETTLE,
        )
        .await?;
        app.click(&format!("{card} [data-testid=group-limits-apply]"), SETTLE)
            .await?;
        let error = app
            .wait_for_css(&format!("{card} [data-testid=group-limits-error]"), SETTLE)
            .await?;
        let said = text_of(&error).await?;
        assert!(said.contains("minimum of 6 MiB"), "{said}");
        assert_eq!(
            docker(["inspect", "-f", "{{.HostConfig.Memory}}", &names[0]])?.trim(),
            "0"
        );

        app.type_into(
            &format!("{card} [data-testid=group-limits-memory]"),
            "72m",
            SETTLE,
        )
        .await?;
        app.type_into(
            &format!("{card} [data-testid=group-limits-swap]"),
            "-1",
            SETTLE,
        )
        .await?;
        app.click(&format!("{card} [data-testid=group-limits-apply]"), SETTLE)
            .await?;
        app.wait_for_css(&format!("{card} [data-testid=group-limits-done]"), SETTLE)
            .await?;
        let mut lines = Vec::new();
        for el in app
            .find_all(&format!("{card} [data-testid=group-limits-line]"))
            .await?
        {
            lines.push(text_of(&el).await?);
        }
        for n in &names {
            let memory = docker(["inspect", "-f", "{{.HostConfig.Memory}}", n])?;
            assert_eq!(memory.trim(), (72 * MIB).to_string(), "{n}");
            assert!(
                lines.iter().any(
                    |l| l.contains(&format!("docker update --memory 72m --memory-swap -1 {n}"))
                ),
                "{n} not in {lines:?}"
            );
        }
        app.screenshot("group-limits").await?;
        Ok(())
    })
    .await
}

/// A running container's CPUs and restart policy changed from its Stats tab: the form shows
/// its current limits, the engine has the new ones, and the `docker update` line is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_containers_limits_change_from_its_stats_tab() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-limits-one");
    let c = run.run("c", &["--memory", "64m"], APP_IMAGE, &[])?;

    let app = App::launch("a_containers_limits_change_from_its_stats_tab", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        super::show_run(&app, &run).await?;
        app.click(
            &format!(
                "{} [data-testid=container-open]",
                super::container_row(&c.name)
            ),
            SETTLE,
        )
        .await?;
        app.click("[data-testid=detail-tab-stats]", SETTLE).await?;
        app.click("[data-testid=limits-toggle]", SETTLE).await?;
        // The current limit is the memory field's hint.
        app.wait_for_css("[data-testid=limits-memory][placeholder='64m']", SETTLE)
            .await?;
        app.type_into("[data-testid=limits-cpus]", "0.5", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=limits-restart]", SETTLE)
            .await?
            .select_by_value("unless-stopped")
            .await
            .during("choosing the restart policy")?;
        app.click("[data-testid=limits-apply]", SETTLE).await?;
        app.wait_for_css("[data-testid=limits-done]", SETTLE)
            .await?;
        let line = text_of(
            &app.wait_for_css("[data-testid=limits-line]", SETTLE)
                .await?,
        )
        .await?;
        assert!(
            line.contains(&format!(
                "docker update --cpus 0.5 --restart unless-stopped {}",
                c.name
            )),
            "{line}"
        );
        let on_engine = docker([
            "inspect",
            "-f",
            "{{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}}",
            &c.name,
        ])?;
        assert_eq!(
            on_engine.trim(),
            format!("500000000 unless-stopped {}", 64 * MIB)
        );
        app.screenshot("container-limits").await?;
        Ok(())
    })
    .await
}
