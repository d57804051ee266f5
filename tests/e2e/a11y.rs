//! Accessibility in the real window (issue #18): axe-core, injected through WebDriver, over
//! every view of the sidebar in the light and the dark theme, plus the states a view opens
//! (a container's detail, a dialog, the command palette). Any serious or critical violation
//! fails the test; the lesser ones are printed.

use std::time::Duration;

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::axe::AxeViolation;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use fantoccini::key::Key;

use super::{container_row, show_run, wait_connected, SETTLE};

/// Time for a view's own data (volumes, networks, lessons) to arrive after switching to it.
const VIEW_SETTLE: Duration = Duration::from_millis(1200);

/// The theme as Settings › Theme sets it: `data-theme` on `<html>`.
async fn theme(app: &App, name: &str) -> Result<(), AppError> {
    app.client()
        .execute(
            "document.documentElement.dataset.theme = arguments[0];",
            vec![name.into()],
        )
        .await
        .during("setting the theme")?;
    Ok(())
}

/// Runs axe now; keeps the severe violations as `where: rule…`, prints the others.
async fn check_here(app: &App, place: &str, severe: &mut Vec<String>) -> Result<(), AppError> {
    let violations: Vec<AxeViolation> = app.axe().await?;
    for v in violations {
        if v.is_severe() {
            severe.push(format!("{place}: {}", v.describe()));
        } else {
            eprintln!("a11y {place} (not failing): {}", v.describe());
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_in_both_themes_has_no_serious_or_critical_axe_violation() -> Result<(), AppError>
{
    ensure_test_images()?;
    let run = TestRun::new("a11y");
    // Lists with something in them: a running and a stopped container.
    let up = run.run("up", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let made_name = run.create("made", &[], BUSYBOX_IMAGE, &["true"])?.name;

    let app = App::launch(
        "every_view_in_both_themes_has_no_serious_or_critical_axe_violation",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.wait_for_css(&container_row(&up.name), SETTLE).await?;

        // Every view the sidebar lists (Services only shows on a swarm manager).
        let mut views = Vec::new();
        for tab in app.find_all("nav [data-testid^=tab-]").await? {
            if let Some(id) = tab.attr("data-testid").await.during("reading a tab")? {
                views.push(id.trim_start_matches("tab-").to_string());
            }
        }
        assert!(views.len() >= 10, "the sidebar lists {views:?}");

        let mut severe = Vec::new();
        for name in ["light", "dark"] {
            theme(&app, name).await?;
            for view in &views {
                app.click(&format!("[data-testid=tab-{view}]"), SETTLE)
                    .await?;
                tokio::time::sleep(VIEW_SETTLE).await;
                check_here(&app, &format!("{name} theme, {view} view"), &mut severe).await?;
                app.screenshot(&format!("a11y-{name}-{view}")).await?;
            }

            // A container's detail pane (Logs tab).
            app.click("[data-testid=tab-containers]", SETTLE).await?;
            show_run(&app, &run).await?;
            let detail = format!(
                "[data-testid=container-detail][data-id={}] [data-testid=logs-pane]",
                css_str(&up.id)
            );
            // The name toggles the pane: open it only if the last pass left it closed.
            if app.find_all(&detail).await?.is_empty() {
                app.click(
                    &format!("{} [data-testid=container-open]", container_row(&up.name)),
                    SETTLE,
                )
                .await?;
            }
            app.wait_for_css(&detail, SETTLE).await?;
            tokio::time::sleep(VIEW_SETTLE).await;
            check_here(
                &app,
                &format!("{name} theme, container detail"),
                &mut severe,
            )
            .await?;

            // The confirm that names what a remove takes (Escape cancels: nothing goes).
            app.click(
                &format!("{} [data-testid=row-remove]", container_row(&made_name)),
                SETTLE,
            )
            .await?;
            app.wait_for_css("[data-testid=remove-confirm]", SETTLE)
                .await?;
            check_here(&app, &format!("{name} theme, remove confirm"), &mut severe).await?;
            app.screenshot(&format!("a11y-{name}-confirm")).await?;
            app.press(&[], Key::Escape).await?;
            app.wait_gone("[data-testid=remove-confirm]", SETTLE)
                .await?;

            // A dialog: Run an image by name.
            app.click("[data-testid=tab-images]", SETTLE).await?;
            app.click("[data-testid=images-run]", SETTLE).await?;
            app.wait_for_css("[role=dialog]", SETTLE).await?;
            tokio::time::sleep(VIEW_SETTLE).await;
            check_here(
                &app,
                &format!("{name} theme, Run an image dialog"),
                &mut severe,
            )
            .await?;
            app.press(&[], Key::Escape).await?;
            app.wait_gone("[role=dialog]", SETTLE).await?;

            // The command palette, with matches listed.
            app.press(&[Key::Control], 'k').await?;
            app.wait_for_css("[data-testid=palette-input]", SETTLE)
                .await?;
            app.type_keys("st").await?;
            app.wait_for_css("[data-testid=palette-item]", SETTLE)
                .await?;
            check_here(&app, &format!("{name} theme, command palette"), &mut severe).await?;
            app.screenshot(&format!("a11y-{name}-palette")).await?;
            app.press(&[], Key::Escape).await?;
            app.wait_gone("[data-testid=palette]", SETTLE).await?;
        }
        assert!(
            severe.is_empty(),
            "{} serious or critical axe violations:\n  {}",
            severe.len(),
            severe.join("\n  ")
        );
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
