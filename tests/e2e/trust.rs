//! Issue #13 on the real window: a launch group made outside Berth (the labels a launch writes,
//! but no seal) shows as "Not launched by this Berth" with its spec and no scale control;
//! adopting it (after ticking its host path) brings the scale control, and scaling it down
//! asks first, naming the replica that goes.

use std::time::Duration;

use berth_core::domain::launch::{validate, LaunchRequest};
use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use super::{text_of, wait_connected, SETTLE};

/// Scaling goes through the engine and its events; generous on a loaded machine.
const SCALED: Duration = Duration::from_secs(30);

fn setup<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> AppError {
    move |e| AppError::Setup(format!("{what}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_made_elsewhere_is_reviewed_and_adopted_before_it_scales() -> Result<(), AppError> {
    ensure_test_images().map_err(setup("test images"))?;
    let run = TestRun::new("e2e-trust");
    // A group id as Berth makes them (lowercase letters and digits), unique to this run.
    let id: String = run
        .id()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let id = id[id.len().saturating_sub(32)..].to_string();
    // The spec a launch of this form would write, host path included: what an image author
    // could put in a `berth.launch` label.
    let form = LaunchRequest {
        image: BUSYBOX_IMAGE.into(),
        replicas: "1".into(),
        name_pattern: format!("{}-{{n}}", run.name("foreign")),
        command: "sleep 600".into(),
        volumes: "/tmp:/hosttmp:ro".into(),
        labels: run.label(),
        ..Default::default()
    };
    let (_, spec) = validate(&form)
        .map_err(|e| AppError::Setup(format!("the form does not validate: {e:?}")))?;
    let spec = serde_json::to_string(&spec).map_err(setup("spec JSON"))?;
    let first = run
        .run(
            "foreign-1",
            &[
                "--label",
                &format!("berth.group={id}"),
                "--label",
                "berth.replica=1",
                "--label",
                &format!("berth.launch={spec}"),
                "-v",
                "/tmp:/hosttmp:ro",
            ],
            BUSYBOX_IMAGE,
            &["sleep", "600"],
        )
        .map_err(setup("the foreign replica"))?;

    // Its own config folder: the adoption is recorded in the launch key file there.
    let dir = berth_tests::app::artifacts_dir().join("trust.settings");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(setup("config dir"))?;
    let dir_env = dir.to_string_lossy().to_string();
    let app = App::launch(
        "a_group_made_elsewhere_is_reviewed_and_adopted_before_it_scales",
        &[("BERTH_CONFIG_DIR", Some(dir_env.as_str()))],
    )
    .await?;
    let card = format!("[data-testid=group][data-group={}]", css_str(&id));
    let result = app
        .check(async {
            wait_connected(&app).await?;
            app.click("[data-testid=tab-groups]", SETTLE).await?;
            let foreign = app
                .wait_for_css(&format!("{card}[data-trust=foreign]"), SETTLE)
                .await?;
            let text = text_of(&foreign).await?;
            assert!(text.contains("Not launched by this Berth"), "{text}");
            assert!(text.contains("no seal from this Berth"), "{text}");
            assert!(text.contains(BUSYBOX_IMAGE), "the spec's image: {text}");
            let bind = app
                .wait_for_css(
                    &format!("{card} [data-testid=group-foreign-volume][data-kind=bind]"),
                    SETTLE,
                )
                .await?;
            assert!(text_of(&bind).await?.contains("/tmp:/hosttmp:ro"));
            assert!(
                app.find_all(&format!("{card} [data-testid=group-scale]"))
                    .await?
                    .is_empty(),
                "no scale control before adopting"
            );
            app.screenshot("groups-foreign").await?;

            app.click(&format!("{card} [data-testid=group-adopt]"), SETTLE)
                .await?;
            let listed = app
                .wait_for_css("[data-testid=adopt-confirm-bind]", SETTLE)
                .await?;
            assert_eq!(text_of(&listed).await?, "/tmp:/hosttmp:ro");
            app.wait_for_css("[data-testid=adopt-confirm-go][disabled]", SETTLE)
                .await?;
            app.click("[data-testid=adopt-confirm-reviewed]", SETTLE)
                .await?;
            app.screenshot("groups-adopt-confirm").await?;
            app.click("[data-testid=adopt-confirm-go]:not([disabled])", SETTLE)
                .await?;
            app.wait_gone("[data-testid=adopt-confirm]", SETTLE).await?;
            app.wait_for_css(&format!("{card}[data-trust=verified]"), SETTLE)
                .await?;
            app.wait_for_css(&format!("{card} [data-testid=group-scale]"), SETTLE)
                .await?;
            assert!(app
                .find_all(&format!("{card} [data-testid=group-foreign]"))
                .await?
                .is_empty());
            app.screenshot("groups-adopted").await?;

            // Adopted, it scales like Berth's own: up without asking...
            app.type_into(
                &format!("{card} [data-testid=group-scale-input]"),
                "2",
                SETTLE,
            )
            .await?;
            app.click(&format!("{card} [data-testid=group-scale]"), SETTLE)
                .await?;
            app.wait_for_css(&format!("{card}[data-total='2'][data-running='2']"), SCALED)
                .await?;
            // ...and down only after naming what goes.
            app.type_into(
                &format!("{card} [data-testid=group-scale-input]"),
                "1",
                SETTLE,
            )
            .await?;
            app.click(&format!("{card} [data-testid=group-scale]"), SETTLE)
                .await?;
            let named = app
                .wait_for_css("[data-testid=scale-down-confirm-name]", SETTLE)
                .await?;
            assert_eq!(text_of(&named).await?, run.name("foreign-2"));
            app.screenshot("groups-scale-down-confirm").await?;
            app.click("[data-testid=scale-down-confirm-go]", SETTLE)
                .await?;
            app.wait_for_css(&format!("{card}[data-total='1']"), SCALED)
                .await?;
            let left = docker(["ps", "-aq", "--filter", &run.filter()])?;
            assert_eq!(left.lines().count(), 1, "one replica left: {left}");
            assert!(first.id.starts_with(left.trim()), "the adopted one stays");
            Ok(())
        })
        .await;
    app.close().await;
    result
}
