//! Learning, end to end in the real window: the first-run walkthrough on an engine with NO
//! images (a second, empty dockerd), and on the shared engine the Layers tab's writable-layer
//! demonstration, the command log, and the cheat sheet's live examples.

use std::time::Duration;

use berth_core::engine::{Endpoint, EndpointSource, Engine};
use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::extra_dockerd::ExtraDockerd;
use berth_tests::fixtures::{ensure_test_images, run_id, TestRun, BUSYBOX_IMAGE};

use super::{show_run, text_of, wait_connected, CONNECTED, SETTLE};

/// Building the demo image and starting three containers, on a loaded 2-core machine.
const STEP: Duration = Duration::from_secs(60);

fn step(name: &str) -> String {
    format!("[data-testid=first-run][data-step={}]", css_str(name))
}

async fn all_texts(app: &App, css: &str) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for el in app.find_all(css).await? {
        out.push(text_of(&el).await?);
    }
    Ok(out)
}

async fn attrs(app: &App, css: &str, attr: &str) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for el in app.find_all(css).await? {
        out.push(
            el.attr(attr)
                .await
                .map_err(|e| AppError::Setup(format!("reading {attr} of {css}: {e}")))?
                .unwrap_or_default(),
        );
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_on_an_empty_engine_builds_launches_and_changes_one() -> Result<(), AppError> {
    let name: String = format!("bfe-{}", run_id().replace('-', ""))
        .chars()
        .take(24)
        .collect();
    let daemon = ExtraDockerd::start(&name, &[]).map_err(|e| AppError::Setup(e.to_string()))?;
    let host = daemon.host();
    let app = App::launch(
        "first_run_on_an_empty_engine_builds_launches_and_changes_one",
        &[("DOCKER_HOST", Some(host.as_str()))],
    )
    .await?;
    app.check(async {
        app.wait_for_css(CONNECTED, SETTLE).await?;
        // No images: the walkthrough, not the lists.
        app.wait_for_css(&step("start"), SETTLE).await?;
        app.screenshot("learn-first-run-1-start").await?;

        app.click("[data-testid=first-run-build]", SETTLE).await?;
        app.wait_for_css(&step("image"), STEP).await?;
        let changes = all_texts(&app, "[data-testid=first-run-changes]")
            .await?
            .join(" ");
        assert!(changes.contains("Images: 0 → 1"), "{changes}");
        assert!(changes.contains("Containers: still 0"), "{changes}");
        let cli = attrs(&app, "[data-testid=first-run-cli]", "data-line").await?;
        assert_eq!(cli, ["docker build -t berth-demo/hello:latest berth-demo"]);
        app.screenshot("learn-first-run-2-image").await?;

        app.click("[data-testid=first-run-launch]", SETTLE).await?;
        app.wait_for_css(&step("houses"), STEP).await?;
        let houses = attrs(&app, "[data-testid=first-run-house]", "data-changes").await?;
        assert_eq!(houses, ["0", "0", "0"], "three houses, untouched layers");
        let changes = all_texts(&app, "[data-testid=first-run-changes]")
            .await?
            .join(" ");
        assert!(changes.contains("Images: still 1"), "{changes}");
        assert!(changes.contains("Containers: 0 → 3"), "{changes}");
        let cli = attrs(&app, "[data-testid=first-run-cli]", "data-line").await?;
        assert_eq!(cli.len(), 3, "{cli:?}");
        assert!(
            cli.iter()
                .all(|l| l.starts_with("docker run -d --name demo-")),
            "{cli:?}"
        );
        app.screenshot("learn-first-run-3-houses").await?;

        app.click("[data-testid=first-run-change]", SETTLE).await?;
        app.wait_for_css(&step("changed"), STEP).await?;
        let has = attrs(&app, "[data-testid=first-run-house]", "data-has").await?;
        assert_eq!(has, ["true", "false", "false"]);
        app.screenshot("learn-first-run-4-changed").await?;

        // The engine agrees: one image, three containers, the file in demo-1's layer only.
        let engine = Engine::connect(&Endpoint::new(&host, EndpointSource::DockerHost))
            .await
            .map_err(|e| AppError::Setup(e.to_string()))?;
        let images = engine
            .list_images()
            .await
            .map_err(|e| AppError::Setup(e.to_string()))?;
        assert_eq!(images.len(), 1);
        let containers = engine
            .list_containers()
            .await
            .map_err(|e| AppError::Setup(e.to_string()))?;
        assert_eq!(containers.len(), 3);
        for c in &containers {
            let layer = engine
                .writable_layer(&c.id)
                .await
                .map_err(|e| AppError::Setup(e.to_string()))?;
            let has = layer.changes.iter().any(|ch| ch.path == "/hello.txt");
            assert_eq!(has, c.name == "demo-1", "{}: {:?}", c.name, layer.changes);
        }

        // Finished: the lineage view shows the blueprint with its three houses.
        app.click("[data-testid=first-run-finish]", SETTLE).await?;
        app.wait_for_css(
            "[data-testid=blueprint][data-houses='3'][data-running='3']",
            SETTLE,
        )
        .await?;
        app.wait_gone("[data-testid=first-run]", SETTLE).await?;
        app.screenshot("learn-first-run-5-lineage").await?;
        // The command log holds the session: build, three runs, the exec.
        app.click("[data-testid=learn-tab-log]", SETTLE).await?;
        let lines = attrs(&app, "[data-testid=command-log-entry]", "data-line").await?;
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("docker build -t berth-demo/hello")),
            "{lines:?}"
        );
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("docker run -d"))
                .count(),
            3,
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("docker exec demo-1 sh -c")),
            "{lines:?}"
        );
        Ok(())
    })
    .await?;
    app.close().await;
    drop(daemon);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_layers_tab_shows_a_change_in_one_container_only() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("e2e-learn");
    let cmd = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"];
    let one = run.run("one", &[], BUSYBOX_IMAGE, &cmd)?;
    let two = run.run("two", &[], BUSYBOX_IMAGE, &cmd)?;

    let app = App::launch("the_layers_tab_shows_a_change_in_one_container_only", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.click(
            &format!(
                "[data-testid=container-row][data-name={}] [data-testid=container-open]",
                css_str(&one.name)
            ),
            SETTLE,
        )
        .await?;
        // Every action shows its command: the first that applies to a running container.
        let hint = app
            .wait_for_css("[data-testid=detail-cli-line]", SETTLE)
            .await?;
        assert_eq!(
            hint.attr("data-line")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
            format!("docker stop {}", one.name)
        );

        app.click("[data-testid=detail-tab-layers]", SETTLE).await?;
        app.wait_for_css("[data-testid=writable-changes][data-count='0']", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=image-layers]", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=life-processes]", SETTLE)
            .await?;
        app.click("[data-testid=demo-write]", SETTLE).await?;
        app.wait_for_css(
            "[data-testid=writable-changes] [data-path='/hello.txt'][data-kind=added]",
            SETTLE,
        )
        .await?;
        let result = app
            .wait_for_css("[data-testid=demo-result]", SETTLE)
            .await?;
        assert_eq!(
            result
                .attr("data-image-same")
                .await
                .ok()
                .flatten()
                .as_deref(),
            Some("true")
        );
        // The other container of this run is compared, and does not have the file. (Other
        // containers of the same image on the shared engine may be listed too.)
        app.wait_for_css(
            &format!(
                "[data-testid=demo-sibling][data-name={}][data-has=false]",
                css_str(&two.name)
            ),
            SETTLE,
        )
        .await?;
        app.screenshot("learn-layers-demo").await?;
        // The CLI agrees.
        assert!(docker(["diff", &one.id])?
            .lines()
            .any(|l| l == "A /hello.txt"));
        assert!(!docker(["diff", &two.id])?.contains("/hello.txt"));

        // The command log: opening the tab and the demonstration, as commands.
        app.click("[data-testid=tab-learn]", SETTLE).await?;
        app.click("[data-testid=learn-tab-log]", SETTLE).await?;
        app.wait_for_css("[data-testid=command-log-entry]", SETTLE)
            .await?;
        let lines = attrs(&app, "[data-testid=command-log-entry]", "data-line").await?;
        assert!(
            lines.contains(&format!("docker diff {}", one.name)),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("docker exec {} sh -c ", one.name))),
            "{lines:?}"
        );
        app.screenshot("learn-command-log").await?;

        // The lineage and the cheat sheet point at live objects.
        app.click("[data-testid=learn-tab-lineage]", SETTLE).await?;
        app.wait_for_css("[data-testid=blueprint] [data-testid=house]", SETTLE)
            .await?;
        app.screenshot("learn-lineage").await?;
        app.click("[data-testid=learn-tab-cheatsheet]", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=cheat-row]", SETTLE).await?;
        assert_eq!(app.find_all("[data-testid=cheat-row]").await?.len(), 7);
        app.screenshot("learn-cheat-sheet").await?;
        app.click("[data-testid=cheat-container-example]", SETTLE)
            .await?;
        app.wait_for_css("[data-testid=container-detail]", SETTLE)
            .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
