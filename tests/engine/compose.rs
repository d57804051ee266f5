//! Compose projects (#15) on the real engine: a project brought up by Debian's
//! `docker-compose` (v1) is found from its labels with the right services and counts, then
//! stopped and removed by Berth (containers and network gone); Up and Down from a file through
//! Berth; and bad files (broken YAML, not YAML, a missing image, a taken port) refused with a
//! clear error and nothing left behind. The test files are under tests/fixtures/compose.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use berth_core::domain::compose::ComposeOutputLine;
use berth_core::domain::EngineStatus;
use berth_core::services::compose::{self, ComposeError, ComposeRequest, ProjectAction};
use berth_core::services::sink::Sink;
use berth_core::services::tray_actions::{tray_action, TrayOutcome};
use berth_core::services::tray_model::{build_tray_menu, ProjectCommand, TrayId, TrayItem};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

/// A project made from one of the test files: its folder (removed on drop) and, on drop,
/// `docker-compose down` so nothing stays whatever the test did (its containers also carry
/// the run label, which the `TestRun` removes).
struct Project {
    name: String,
    dir: tempfile::TempDir,
    file: PathBuf,
}

impl Project {
    fn new(run: &TestRun, fixture: &str, port: Option<u16>) -> TestResult<Self> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/compose")
            .join(fixture);
        let text = std::fs::read_to_string(&src)?
            .replace("@RUN@", run.id())
            .replace("@PORT@", &port.map(|p| p.to_string()).unwrap_or_default());
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("compose.yaml");
        std::fs::write(&file, text)?;
        Ok(Self {
            // Compose project names: lowercase letters, digits, - and _.
            name: format!("bt-{}", run.id()).replace('.', "-"),
            dir,
            file,
        })
    }

    fn path(&self) -> String {
        self.file.display().to_string()
    }

    /// `docker-compose` (Debian's v1 package) run directly, as a user would.
    fn compose(&self, args: &[&str]) -> TestResult<String> {
        let out = std::process::Command::new("docker-compose")
            .args(["-p", &self.name, "-f", &self.path()])
            .args(args)
            .current_dir(self.dir.path())
            .output()?;
        if !out.status.success() {
            return Err(format!(
                "docker-compose {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The project's containers (any state) and networks, from the docker CLI.
    fn leftovers(&self) -> TestResult<(Vec<String>, Vec<String>)> {
        let filter = format!("label=com.docker.compose.project={}", self.name);
        let lines = |s: String| s.lines().map(str::to_string).collect::<Vec<_>>();
        Ok((
            lines(docker(["ps", "-aq", "--filter", &filter])?),
            lines(docker(["network", "ls", "-q", "--filter", &filter])?),
        ))
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        if let Err(e) = self.compose(&["down", "--remove-orphans"]) {
            eprintln!("warning: project {} left behind: {e:?}", self.name);
        }
    }
}

/// The output lines a run streamed.
#[derive(Default)]
struct Lines(Mutex<Vec<ComposeOutputLine>>);

impl Sink<ComposeOutputLine> for Lines {
    fn send(&self, item: ComposeOutputLine) -> bool {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(item);
        true
    }
}

impl Lines {
    fn text(&self) -> String {
        let lines = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Whether the menu has a clickable item with this id (submenus included).
fn offers(items: &[TrayItem], id: &TrayId) -> bool {
    items.iter().any(|i| match i {
        TrayItem::Action { id: found, .. } => found == id,
        TrayItem::Submenu { items, .. } => offers(items, id),
        _ => false,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docker_compose_project_is_found_by_labels_then_stopped_and_removed() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("compose-found");
    let project = Project::new(&run, "shop.yaml", None)?;
    let engine = connect().await?;
    project.compose(&["up", "-d", "--scale", "web=2"])?;

    let found = compose::projects(&engine).await?;
    let shop = found
        .iter()
        .find(|p| p.name == project.name)
        .ok_or("the project is found")?;
    let services: Vec<(&str, u32, u32)> = shop
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.running, s.total))
        .collect();
    assert_eq!(services, vec![("web", 2, 2), ("worker", 1, 1)]);
    assert_eq!((shop.project.running, shop.project.total), (3, 3));
    assert_eq!(shop.config_files, vec![project.path()]);
    assert_eq!(shop.working_dir.as_deref(), project.dir.path().to_str());
    // v1 names `project_web_1`: the names are not what found them, but check they are v1's.
    let names = docker([
        "ps",
        "--format",
        "{{.Names}}",
        "--filter",
        &format!("label=com.docker.compose.project={}", project.name),
    ])?;
    assert!(
        names.contains(&format!("{}_web_1", project.name)),
        "{names}"
    );

    let failures = compose::project_action(&engine, &project.name, ProjectAction::Stop).await?;
    assert!(failures.is_empty(), "{failures:?}");
    let found = compose::projects(&engine).await?;
    let shop = found
        .iter()
        .find(|p| p.name == project.name)
        .ok_or("still there")?;
    assert_eq!(
        (shop.project.running, shop.project.total),
        (0, 3),
        "all stopped"
    );

    let failures = compose::project_action(&engine, &project.name, ProjectAction::Restart).await?;
    assert!(failures.is_empty(), "{failures:?}");
    let running = docker([
        "ps",
        "-q",
        "--filter",
        &format!("label=com.docker.compose.project={}", project.name),
    ])?;
    assert_eq!(running.lines().count(), 3, "restart brings all three up");

    // The tray's Stop and Restart of the project (the ids its menu makes), as clicked.
    let inventory = engine.inventory().await?;
    let menu = build_tray_menu(
        &EngineStatus::Connected {
            info: engine.info().clone(),
        },
        Some(&inventory),
        &[],
    );
    let stop = TrayId::ComposeProject {
        command: ProjectCommand::Stop,
        project: project.name.clone(),
    };
    assert!(
        offers(&menu.items, &stop),
        "the tray offers the running project"
    );
    let outcome = tray_action(Ok(engine.clone()), &stop.encode(), &[]).await;
    assert!(matches!(outcome, TrayOutcome::Done(_)), "{outcome:?}");
    let up = || {
        docker([
            "ps",
            "-q",
            "--filter",
            &format!("label=com.docker.compose.project={}", project.name),
        ])
    };
    assert_eq!(up()?.lines().count(), 0, "the tray stopped the project");
    let restart = TrayId::ComposeProject {
        command: ProjectCommand::Restart,
        project: project.name.clone(),
    };
    let outcome = tray_action(Ok(engine.clone()), &restart.encode(), &[]).await;
    assert!(matches!(outcome, TrayOutcome::Done(_)), "{outcome:?}");
    assert_eq!(up()?.lines().count(), 3, "and restarted it");

    let removal = compose::removal_preview(&engine, &project.name).await?;
    assert_eq!(removal.containers.len(), 3, "{removal:?}");
    assert_eq!(removal.networks, vec![format!("{}_default", project.name)]);
    assert_eq!(
        removal.command.as_ref().map(|c| c.line.clone()),
        Some(format!(
            "docker-compose -p {} -f {} down",
            project.name,
            project.path()
        )),
        "v1 is the CLI on this machine"
    );
    let removed = compose::remove_project(
        &engine,
        &project.name,
        &removal.containers,
        &removal.networks,
    )
    .await?;
    assert!(removed.failures.is_empty(), "{removed:?}");
    assert_eq!(removed.networks, removal.networks);
    let (containers, networks) = project.leftovers()?;
    assert!(
        containers.is_empty() && networks.is_empty(),
        "{containers:?} {networks:?}"
    );
    assert!(!compose::projects(&engine)
        .await?
        .iter()
        .any(|p| p.name == project.name));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn up_scale_and_down_from_a_file_through_berth() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("compose-up");
    let project = Project::new(&run, "shop.yaml", None)?;
    let engine = connect().await?;

    let check = compose::check_file(&engine, &project.path()).await?;
    assert!(check.error.is_none(), "{check:?}");
    let preview = check.preview.as_ref().ok_or("a preview")?;
    let images: Vec<(&str, Option<&str>)> = preview
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.image.as_deref()))
        .collect();
    assert_eq!(
        images,
        vec![
            ("web", Some("berth-test/app:latest")),
            ("worker", Some("berth-test/busybox:latest"))
        ]
    );
    assert!(check.missing_images.is_empty(), "{check:?}");
    assert!(
        check.cli.is_some(),
        "docker-compose is installed: {check:?}"
    );

    let lines = Arc::new(Lines::default());
    let up = ComposeRequest::UpFile {
        path: project.path(),
        project: project.name.clone(),
    };
    let outcome = compose::run(&engine, &up, lines.clone(), CancellationToken::new()).await?;
    assert!(outcome.success, "{outcome:?}\n{}", lines.text());
    assert_eq!(
        outcome.command.line,
        format!(
            "docker-compose -p {} -f {} up -d",
            project.name,
            project.path()
        )
    );
    assert!(
        lines.text().contains("Creating"),
        "the CLI's output streamed: {}",
        lines.text()
    );
    let shop = compose::projects(&engine)
        .await?
        .into_iter()
        .find(|p| p.name == project.name)
        .ok_or("up made it")?;
    assert_eq!((shop.project.running, shop.project.total), (2, 2));

    let scale = ComposeRequest::Scale {
        project: project.name.clone(),
        service: "web".into(),
        replicas: 3,
    };
    let outcome = compose::run(&engine, &scale, lines.clone(), CancellationToken::new()).await?;
    assert!(outcome.success, "{outcome:?}\n{}", lines.text());
    assert!(
        outcome.command.line.ends_with("up -d --scale web=3"),
        "{}",
        outcome.command.line
    );
    let shop = compose::projects(&engine)
        .await?
        .into_iter()
        .find(|p| p.name == project.name)
        .ok_or("scaled")?;
    let web = shop
        .services
        .iter()
        .find(|s| s.name == "web")
        .ok_or("web")?;
    assert_eq!(web.running, 3);
    let too_many = ComposeRequest::Scale {
        project: project.name.clone(),
        service: "web".into(),
        replicas: 5000,
    };
    assert!(matches!(
        compose::run(&engine, &too_many, lines.clone(), CancellationToken::new()).await,
        Err(ComposeError::InvalidInput(_))
    ));

    let down = ComposeRequest::Down {
        project: project.name.clone(),
    };
    let outcome = compose::run(&engine, &down, lines.clone(), CancellationToken::new()).await?;
    assert!(outcome.success, "{outcome:?}\n{}", lines.text());
    let (containers, networks) = project.leftovers()?;
    assert!(
        containers.is_empty() && networks.is_empty(),
        "{containers:?} {networks:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_and_non_yaml_files_are_refused_with_where() -> TestResult {
    let run = TestRun::new("compose-broken");
    let project = Project::new(&run, "broken.yaml", None)?;
    let engine = connect().await?;

    let check = compose::check_file(&engine, &project.path()).await?;
    let error = check.error.ok_or("the broken file is refused")?;
    assert!(check.preview.is_none());
    // The flow list opened on line 4 is never closed: the parser stops at line 5.
    assert_eq!((error.line, error.column), (Some(5), Some(5)), "{error:?}");
    let up = ComposeRequest::UpFile {
        path: project.path(),
        project: project.name.clone(),
    };
    let lines = Arc::new(Lines::default());
    match compose::run(&engine, &up, lines.clone(), CancellationToken::new()).await {
        Err(ComposeError::File(e)) => assert_eq!(e.line, Some(5)),
        other => panic!("Up must refuse the file before running anything: {other:?}"),
    }
    assert!(lines.text().is_empty(), "the CLI never ran");

    // Not YAML at all: a binary file, then prose.
    std::fs::write(&project.file, [0u8, 159, 146, 150, 0xff])?;
    let check = compose::check_file(&engine, &project.path()).await?;
    assert!(check
        .error
        .ok_or("binary refused")?
        .message
        .contains("not text"));
    std::fs::write(&project.file, "Dear Compose, please start my web server.\n")?;
    let check = compose::check_file(&engine, &project.path()).await?;
    let error = check.error.ok_or("prose refused")?;
    assert!(error.message.contains("not a Compose file"), "{error:?}");
    assert_eq!(project.leftovers()?, (vec![], vec![]), "nothing was made");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_image_fails_clearly_and_leaves_nothing() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("compose-missing");
    let project = Project::new(&run, "missing-image.yaml", None)?;
    let engine = connect().await?;
    let missing = format!("berth-test/missing:{}", run.id());

    let check = compose::check_file(&engine, &project.path()).await?;
    assert!(check.error.is_none(), "{check:?}");
    assert_eq!(
        check.missing_images,
        vec![missing.clone()],
        "said before Up"
    );

    let lines = Arc::new(Lines::default());
    let up = ComposeRequest::UpFile {
        path: project.path(),
        project: project.name.clone(),
    };
    let outcome = compose::run(&engine, &up, lines.clone(), CancellationToken::new()).await?;
    assert!(!outcome.success, "{outcome:?}");
    let error = outcome.error.clone().ok_or("the CLI's error")?;
    assert!(
        error.contains("berth-test/missing"),
        "names the image: {error}\n{}",
        lines.text()
    );
    let (containers, networks) = project.leftovers()?;
    assert!(
        containers.is_empty() && networks.is_empty(),
        "rolled back: {containers:?} {networks:?} {outcome:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_port_is_said_before_up_and_up_leaves_nothing() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("compose-port");
    // Held for the whole test: the port is taken on every address.
    let held = std::net::TcpListener::bind("0.0.0.0:0")?;
    let port = held.local_addr()?.port();
    let project = Project::new(&run, "port.yaml", Some(port))?;
    let engine = connect().await?;

    let check = compose::check_file(&engine, &project.path()).await?;
    assert_eq!(check.taken_ports, vec![port], "{check:?}");
    let lines = Arc::new(Lines::default());
    let up = ComposeRequest::UpFile {
        path: project.path(),
        project: project.name.clone(),
    };
    let outcome = compose::run(&engine, &up, lines.clone(), CancellationToken::new()).await?;
    assert!(!outcome.success, "{outcome:?}");
    let error = outcome.error.clone().ok_or("the CLI's error")?;
    assert!(
        error.contains("already in use") || error.contains("already allocated"),
        "says the port is taken: {error}"
    );
    let rollback = outcome
        .rollback
        .as_ref()
        .ok_or("a failed Up is rolled back")?;
    assert!(rollback.success, "{rollback:?}");
    assert!(rollback.command.line.ends_with(" down"), "{rollback:?}");
    let (containers, networks) = project.leftovers()?;
    assert!(
        containers.is_empty() && networks.is_empty(),
        "{containers:?} {networks:?}"
    );
    drop(held);
    Ok(())
}
