//! The Compose view on the real window (#15): a project brought up by Debian's
//! `docker-compose` shows as project → services → containers with the right counts, its merged
//! logs carry the services' prefixes, its charts open, Stop stops it (its Compose line shown),
//! Remove names its containers and network and takes them; Up from a file refuses a broken file
//! with its line and column, then brings a good one up.

use std::path::{Path, PathBuf};

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun};

use crate::{text_of, wait_connected, SETTLE};

/// A test file copied (with the run id in place) into a folder of its own; on drop,
/// `docker-compose down` for each project name it was brought up as.
pub(crate) struct ComposeFile {
    dir: tempfile::TempDir,
    file: PathBuf,
    pub(crate) projects: Vec<String>,
}

impl ComposeFile {
    pub(crate) fn new(run: &TestRun, fixture: &str) -> Result<Self, AppError> {
        let io = |what: &str| {
            let what = what.to_string();
            move |source| AppError::Io { what, source }
        };
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/compose")
            .join(fixture);
        let text = std::fs::read_to_string(&src)
            .map_err(io("reading the test file"))?
            .replace("@RUN@", run.id());
        let dir = tempfile::tempdir().map_err(io("a temporary folder"))?;
        let file = dir.path().join("compose.yaml");
        std::fs::write(&file, text).map_err(io("writing the test file"))?;
        Ok(Self {
            dir,
            file,
            projects: Vec::new(),
        })
    }

    fn path(&self) -> String {
        self.file.display().to_string()
    }

    pub(crate) fn compose(&self, project: &str, args: &[&str]) -> Result<(), AppError> {
        let out = std::process::Command::new("docker-compose")
            .args(["-p", project, "-f", &self.path()])
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .map_err(|source| AppError::Io {
                what: "running docker-compose".into(),
                source,
            })?;
        if !out.status.success() {
            return Err(AppError::Setup(format!(
                "docker-compose {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(())
    }
}

impl Drop for ComposeFile {
    fn drop(&mut self) {
        for p in &self.projects {
            let _ = self.compose(p, &["down", "--remove-orphans"]);
        }
    }
}

fn project_card(name: &str) -> String {
    format!(
        "[data-testid=compose-project][data-project={}]",
        css_str(name)
    )
}

/// Waits until the first element matching `css` has text that `ok` accepts.
async fn wait_text(
    app: &App,
    css: &str,
    timeout: std::time::Duration,
    ok: impl Fn(&str) -> bool,
) -> Result<String, AppError> {
    let deadline = std::time::Instant::now() + timeout;
    let mut last = String::new();
    loop {
        if let Some(el) = app.find_all(css).await?.into_iter().next() {
            last = text_of(&el).await?;
            if ok(&last) {
                return Ok(last);
            }
        }
        if std::time::Instant::now() >= deadline {
            return Err(AppError::Timeout {
                what: format!("the text of {css}"),
                after: timeout,
                last: Some(last),
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

pub(crate) fn leftovers(project: &str) -> Result<(String, String), AppError> {
    let filter = format!("label=com.docker.compose.project={project}");
    Ok((
        docker(["ps", "-aq", "--filter", &filter])?,
        docker(["network", "ls", "-q", "--filter", &filter])?,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_view_shows_acts_on_and_brings_up_a_real_project() -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("compose-view");
    let mut shop = ComposeFile::new(&run, "shop.yaml")?;
    let mut broken = ComposeFile::new(&run, "broken.yaml")?;
    let found = format!("bt-{}-found", run.id());
    let made = format!("bt-{}-made", run.id());
    shop.projects.extend([found.clone(), made.clone()]);
    broken.projects.push(format!("bt-{}-broken", run.id()));
    shop.compose(&found, &["up", "-d", "--scale", "web=2"])?;

    let app = App::launch(
        "compose_view_shows_acts_on_and_brings_up_a_real_project",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-compose]", SETTLE).await?;
        let card = project_card(&found);
        app.wait_for_css(&card, SETTLE).await?;
        let count = |service: &str| {
            format!(
                "{card} [data-testid=compose-service][data-service={}] [data-testid=compose-service-count]",
                css_str(service)
            )
        };
        assert_eq!(text_of(&app.wait_for_css(&count("web"), SETTLE).await?).await?, "2/2");
        assert_eq!(text_of(&app.wait_for_css(&count("worker"), SETTLE).await?).await?, "1/1");
        let total = app
            .wait_for_css(&format!("{card} [data-testid=compose-project-count]"), SETTLE)
            .await?;
        assert_eq!(text_of(&total).await?, "3/3 running");

        // Merged logs: the worker's line with its service prefix.
        app.click(&format!("{card} [data-testid=compose-logs-toggle]"), SETTLE).await?;
        wait_text(&app, &format!("{card} [data-testid=compose-logs]"), SETTLE, |t| {
            t.contains("worker-1") && t.contains("ready from worker")
        })
        .await?;
        app.screenshot("compose-view").await?;
        app.click(&format!("{card} [data-testid=compose-charts-toggle]"), SETTLE).await?;
        app.wait_for_css(&format!("{card} [data-testid=compose-project-charts]"), SETTLE).await?;
        // A few samples on the charts before the picture.
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        app.screenshot("compose-charts").await?;
        app.click(&format!("{card} [data-testid=compose-charts-toggle]"), SETTLE).await?;
        app.click(&format!("{card} [data-testid=compose-logs-toggle]"), SETTLE).await?;

        app.click(&format!("{card} [data-testid=compose-stop]"), SETTLE).await?;
        wait_text(&app, &format!("{card} [data-testid=compose-project-count]"), SETTLE * 3, |t| {
            t == "0/3 running"
        })
        .await?;
        let cli = app.wait_for_css(&format!("{card} [data-testid=compose-cli]"), SETTLE).await?;
        let line = cli.attr("data-line").await.ok().flatten().unwrap_or_default();
        assert!(line.starts_with(&format!("docker-compose -p {found}")) && line.ends_with(" stop"), "{line}");

        // Remove names what goes, then takes it.
        app.click(&format!("{card} [data-testid=compose-remove]"), SETTLE).await?;
        let confirm = app.wait_for_css("[data-testid=compose-remove-confirm]", SETTLE).await?;
        let text = text_of(&confirm).await?;
        assert!(text.contains(&format!("{found}_web_1")) && text.contains(&format!("{found}_web_2")), "{text}");
        assert!(text.contains(&format!("{found}_worker_1")), "{text}");
        assert!(text.contains(&format!("{found}_default")), "the network is named: {text}");
        app.screenshot("compose-remove-confirm").await?;
        app.click("[data-testid=compose-remove-confirm-go]", SETTLE).await?;
        app.wait_gone(&card, SETTLE * 3).await?;
        // The card goes as soon as the containers have; the confirm closes when the whole
        // removal (its network last) has returned.
        app.wait_gone("[data-testid=compose-remove-confirm]", SETTLE * 3).await?;
        // What went stays said, with its command, after the card has gone.
        let gone = app.wait_for_css("[data-testid=compose-gone]", SETTLE).await?;
        let said = text_of(&gone).await?;
        assert!(
            said.contains(&format!("{found}: Removed 3 containers and {found}_default")),
            "{said}"
        );
        app.wait_for_css("[data-testid=compose-gone] [data-testid=compose-gone-cli]", SETTLE)
            .await?;
        app.screenshot("compose-removed-message").await?;
        let (containers, networks) = leftovers(&found)?;
        assert!(containers.is_empty() && networks.is_empty(), "{containers} {networks}");

        // Up from a file: a broken one is refused with where, a good one comes up.
        app.click("[data-testid=compose-up-open]", SETTLE).await?;
        app.type_into("[data-testid=compose-path]", &broken.path(), SETTLE).await?;
        app.click("[data-testid=compose-check]", SETTLE).await?;
        let error = app.wait_for_css("[data-testid=compose-file-error]", SETTLE).await?;
        let error = text_of(&error).await?;
        assert!(error.starts_with("Line 5, column 5:"), "{error}");
        app.screenshot("compose-up-broken").await?;

        app.type_into("[data-testid=compose-path]", &shop.path(), SETTLE).await?;
        app.click("[data-testid=compose-check]", SETTLE).await?;
        let preview = app.wait_for_css("[data-testid=compose-preview]", SETTLE).await?;
        let text = text_of(&preview).await?;
        assert!(text.contains("berth-test/app:latest") && text.contains("worker"), "{text}");
        app.type_into("[data-testid=compose-project-name]", &made, SETTLE).await?;
        app.click("[data-testid=compose-up-go]", SETTLE).await?;
        app.wait_for_css("[data-testid=compose-up-done]", SETTLE * 6).await?;
        let output = app.wait_for_css("[data-testid=compose-up-output]", SETTLE).await?;
        assert!(text_of(&output).await?.contains("Creating"), "the CLI's output streamed");
        app.screenshot("compose-up-done").await?;
        app.click("[data-testid=compose-up-close]", SETTLE).await?;
        app.wait_for_css(&project_card(&made), SETTLE).await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
