//! Compose projects (issue #15): the Compose CLI found on this machine, run as argv (never a
//! shell) against the engine Berth is connected to, its output streamed line by line; and a
//! project's start / stop / restart / remove through the engine, which needs no CLI and no
//! file (Compose finds a project by its labels, and so does Berth).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::launch::{group_action, GroupAction};
use super::sink::Sink;
use crate::domain::compose::{
    check_project_name, default_project_name, display_command, error_summary, find_projects,
    parse_compose_file, ComposeCli, ComposeFileError, ComposeOutputLine, ComposePreview,
    ComposeProject, ComposeRunOutcome, ComposeVerb, ProjectRemoval, ProjectRemoved,
    MAX_COMPOSE_FILE_BYTES, MAX_OUTPUT_LINE, NO_COMPOSE_CLI,
};
use crate::domain::echo::echo;
use crate::domain::groups::GroupRef;
use crate::domain::launch::Protocol;
use crate::domain::reference::ImageRef;
use crate::engine::{Endpoint, Engine, EngineError, Transport};

/// How many members are started, stopped or removed at once.
const CONCURRENCY: usize = 4;
/// How long `version` may take while looking for a CLI.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);
/// The output lines kept for the error summary (the window gets them all as they come).
const KEPT_LINES: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("{}", .0.located())]
    File(ComposeFileError),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{NO_COMPOSE_CLI}")]
    NoCli,
    /// The engine is reached in a way the Compose CLI cannot be pointed at from here.
    #[error("{0}")]
    Unsupported(String),
    #[error("Could not run the Compose CLI: {0}")]
    Spawn(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Looks for `docker compose` (v2) first, then `docker-compose` (v1), as the docs tell people
/// to. `BERTH_COMPOSE=v1` skips v2 (tests of the v1 path on a machine that has both).
pub async fn find_cli() -> Result<ComposeCli, ComposeError> {
    let skip_v2 = std::env::var("BERTH_COMPOSE").is_ok_and(|v| v == "v1");
    if !skip_v2 {
        if let Some(version) = probe("docker", &["compose", "version", "--short"]).await {
            return Ok(ComposeCli::V2 {
                docker: PathBuf::from("docker"),
                version,
            });
        }
    }
    if let Some(version) = probe("docker-compose", &["version", "--short"]).await {
        return Ok(ComposeCli::V1 {
            program: PathBuf::from("docker-compose"),
            version,
        });
    }
    Err(ComposeError::NoCli)
}

/// The program's `version` output when it runs and succeeds.
async fn probe(program: &str, args: &[&str]) -> Option<String> {
    let run = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(PROBE_TIMEOUT, run).await.ok()?.ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The environment that points the CLI at Berth's engine. Unix sockets and plain TCP are
/// passed as `DOCKER_HOST`; TLS as `DOCKER_HOST` + `DOCKER_TLS_VERIFY` + `DOCKER_CERT_PATH`
/// when the CA, certificate and key are the docker CLI's `ca.pem`/`cert.pem`/`key.pem` of
/// one folder (the only layout the CLI reads). SSH engines are refused: Compose v1 needs
/// paramiko's SSH and v2 the engine's `docker` over SSH, neither of which Berth sets up.
pub fn cli_env(endpoint: &Endpoint) -> Result<Vec<(String, String)>, ComposeError> {
    let mut env = vec![("DOCKER_CONTEXT".to_string(), "default".to_string())];
    match endpoint.transport()? {
        Transport::Unix(path) => {
            env.push(("DOCKER_HOST".into(), format!("unix://{}", path.display())));
        }
        Transport::Tcp(addr) => env.push(("DOCKER_HOST".into(), format!("tcp://{addr}"))),
        Transport::Tls { addr, files } => {
            let dir = files.ca.parent().map(Path::to_path_buf);
            let layout = |p: &Option<PathBuf>, name: &str| {
                p.as_ref().is_some_and(|p| {
                    p.parent() == dir.as_deref() && p.file_name() == Some(name.as_ref())
                })
            };
            let usable = files.ca.file_name() == Some("ca.pem".as_ref())
                && layout(&files.cert, "cert.pem")
                && layout(&files.key, "key.pem");
            let Some(dir) = dir.filter(|_| usable) else {
                return Err(ComposeError::Unsupported(
                    "This TLS engine's certificates are not ca.pem, cert.pem and key.pem in one \
                     folder, the only layout the Compose CLI reads: run Compose on the engine's \
                     host, or keep the files that way."
                        .into(),
                ));
            };
            env.push(("DOCKER_HOST".into(), format!("tcp://{addr}")));
            env.push(("DOCKER_TLS_VERIFY".into(), "1".into()));
            env.push(("DOCKER_CERT_PATH".into(), dir.display().to_string()));
        }
        Transport::Ssh(_) => {
            return Err(ComposeError::Unsupported(
                "Berth does not run the Compose CLI against SSH engines: run Compose on the \
                 engine's host (the project then shows here as usual)."
                    .into(),
            ))
        }
    }
    if let Some(dir) = &endpoint.docker_config {
        env.push(("DOCKER_CONFIG".into(), dir.display().to_string()));
    }
    Ok(env)
}

/// A Compose file checked before anything runs: what it would make, what is missing, and
/// which CLI would run it (or why none can).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComposeFileCheck {
    pub path: String,
    /// `None` when the file was refused: then `error` says why and where.
    pub preview: Option<ComposePreview>,
    pub error: Option<ComposeFileError>,
    /// The name Up would use unless the user changes it.
    pub project: String,
    pub cli: Option<ComposeCli>,
    /// Why no CLI can run it (none installed, an SSH engine...).
    pub cli_problem: Option<String>,
    /// Images no service builds and the engine does not have: Compose will try to pull them.
    pub missing_images: Vec<String>,
    /// Host ports the file publishes that something on this machine already listens on
    /// (checked for a local engine only).
    pub taken_ports: Vec<u16>,
    /// What Up will run.
    pub command: Option<crate::domain::cli_equiv::CliCommand>,
}

/// Reads at most [`MAX_COMPOSE_FILE_BYTES`] of a regular file.
async fn read_file(path: &Path) -> Result<String, ComposeFileError> {
    let plain = |m: String| ComposeFileError {
        message: m,
        line: None,
        column: None,
    };
    let meta = tokio::fs::metadata(path).await.map_err(|e| {
        plain(format!(
            "Cannot read {}: {e}",
            echo(&path.display().to_string())
        ))
    })?;
    if !meta.is_file() {
        return Err(plain(format!(
            "{} is not a file.",
            echo(&path.display().to_string())
        )));
    }
    if meta.len() > MAX_COMPOSE_FILE_BYTES {
        return Err(plain(format!(
            "{} is {} KiB: a Compose file is at most {} KiB here.",
            path.display(),
            meta.len() / 1024,
            MAX_COMPOSE_FILE_BYTES / 1024
        )));
    }
    let bytes = tokio::fs::read(path).await.map_err(|e| {
        plain(format!(
            "Cannot read {}: {e}",
            echo(&path.display().to_string())
        ))
    })?;
    String::from_utf8(bytes)
        .map_err(|_| plain("The file is not text (UTF-8): not a Compose file.".into()))
}

fn check_path(path: &str) -> Result<PathBuf, ComposeError> {
    let p = PathBuf::from(path.trim());
    if !p.is_absolute() {
        return Err(ComposeError::InvalidInput(format!(
            "“{}” is not a full path to a Compose file.",
            echo(path)
        )));
    }
    Ok(p)
}

/// Checks a Compose file: parsed and validated, images looked up on the engine, host ports
/// tried, the CLI found. Nothing runs.
pub async fn check_file(engine: &Engine, path: &str) -> Result<ComposeFileCheck, ComposeError> {
    let file = check_path(path)?;
    let parsed = match read_file(&file).await {
        Ok(text) => parse_compose_file(&text),
        Err(e) => Err(e),
    };
    let (cli, cli_problem) = match (find_cli().await, cli_env(engine.endpoint())) {
        (Ok(cli), Ok(_)) => (Some(cli), None),
        (Err(e), _) | (_, Err(e)) => (None, Some(e.to_string())),
    };
    let mut check = ComposeFileCheck {
        path: file.display().to_string(),
        preview: None,
        error: None,
        project: default_project_name(&file, None),
        cli,
        cli_problem,
        missing_images: vec![],
        taken_ports: vec![],
        command: None,
    };
    let preview = match parsed {
        Ok(p) => p,
        Err(e) => {
            check.error = Some(e);
            return Ok(check);
        }
    };
    check.project = default_project_name(&file, preview.name.as_deref());
    let images = engine.list_images().await?;
    let have = |r: &str| {
        let canonical = ImageRef::parse(r)
            .map(|r| r.canonical())
            .unwrap_or(r.to_string());
        images
            .iter()
            .any(|i| i.tags.iter().any(|t| *t == canonical || t == r))
    };
    check.missing_images = preview
        .services
        .iter()
        .filter(|s| !s.build)
        .filter_map(|s| s.image.clone())
        .filter(|i| !have(i))
        .collect();
    if matches!(engine.endpoint().transport(), Ok(Transport::Unix(_))) {
        check.taken_ports = preview
            .services
            .iter()
            .flat_map(|s| s.host_ports.iter().copied())
            .filter(|p| !super::host_ports::host_port_free(None, *p, Protocol::Tcp))
            .collect();
    }
    let files = vec![check.path.clone()];
    let up = ComposeVerb::Up { scale: None };
    check.command = Some(match &check.cli {
        Some(cli) => cli.command(&check.project, &files, &up),
        None => display_command(false, &check.project, &files, &up),
    });
    check.preview = Some(preview);
    Ok(check)
}

/// What the window asks to run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ComposeRequest {
    /// `up -d` from a file the user picked (checked again here), as `project`.
    UpFile { path: String, project: String },
    /// `down` of a project found on the engine, with the files it was brought up from.
    Down { project: String },
    /// `up -d --scale service=replicas` of a project found on the engine.
    Scale {
        project: String,
        service: String,
        replicas: u32,
    },
}

/// The most replicas a scale asks for (a typo of 1000 must not start 1000 containers).
pub const MAX_SCALE: u32 = 50;

/// Runs one Compose CLI request, its output lines to `sink`. A failed Up of a project that had
/// no containers before runs `down` after it, so a bad file leaves nothing behind.
pub async fn run(
    engine: &Engine,
    request: &ComposeRequest,
    sink: Arc<dyn Sink<ComposeOutputLine>>,
    cancel: CancellationToken,
) -> Result<ComposeRunOutcome, ComposeError> {
    let env = cli_env(engine.endpoint())?;
    let (project, files, verb) = match request {
        ComposeRequest::UpFile { path, project } => {
            let file = check_path(path)?;
            let text = read_file(&file).await.map_err(ComposeError::File)?;
            parse_compose_file(&text).map_err(ComposeError::File)?;
            (
                project.clone(),
                vec![file.display().to_string()],
                ComposeVerb::Up { scale: None },
            )
        }
        ComposeRequest::Down { project } => (
            project.clone(),
            project_files(engine, project).await?,
            ComposeVerb::Down,
        ),
        ComposeRequest::Scale {
            project,
            service,
            replicas,
        } => {
            if *replicas > MAX_SCALE {
                return Err(ComposeError::InvalidInput(format!(
                    "At most {MAX_SCALE} replicas per service from here."
                )));
            }
            let files = project_files(engine, project).await?;
            (
                project.clone(),
                files,
                ComposeVerb::Up {
                    scale: Some((service.clone(), *replicas)),
                },
            )
        }
    };
    check_project_name(&project).map_err(ComposeError::InvalidInput)?;
    let cli = find_cli().await?;
    let had_containers = !members(engine, &project).await?.is_empty();
    let mut outcome = run_cli(&cli, &env, &project, &files, &verb, sink.clone(), cancel).await?;
    let failed_up = matches!(request, ComposeRequest::UpFile { .. }) && !outcome.success;
    let left_something = failed_up
        && !had_containers
        && (!members(engine, &project).await?.is_empty()
            || !engine.compose_networks(&project).await?.is_empty());
    if left_something {
        // Not cancellable: a half-made project must go whatever the window does.
        let rollback = run_cli(
            &cli,
            &env,
            &project,
            &files,
            &ComposeVerb::Down,
            sink,
            CancellationToken::new(),
        )
        .await?;
        outcome.rollback = Some(Box::new(rollback));
    }
    Ok(outcome)
}

/// The files a found project was brought up from. v1 cannot act on a project without them;
/// they come from a label anyone can write, so each must still be a file.
async fn project_files(engine: &Engine, project: &str) -> Result<Vec<String>, ComposeError> {
    check_project_name(project).map_err(ComposeError::InvalidInput)?;
    let containers = engine.list_containers().await?;
    let found = find_projects(&containers)
        .into_iter()
        .find(|p| p.name == project)
        .ok_or_else(|| {
            ComposeError::InvalidInput(format!(
                "No Compose project “{}” on this engine.",
                echo(project)
            ))
        })?;
    if found.config_files.is_empty() {
        return Err(ComposeError::InvalidInput(format!(
            "The project \"{project}\" does not say which files it came from; run Compose in its folder."
        )));
    }
    for f in &found.config_files {
        if !Path::new(f).is_file() {
            return Err(ComposeError::InvalidInput(format!(
                "The project \"{project}\" came from {f}, which is not on this machine any more."
            )));
        }
    }
    Ok(found.config_files)
}

async fn members(engine: &Engine, project: &str) -> Result<Vec<String>, ComposeError> {
    let group = GroupRef::ComposeProject {
        project: project.to_string(),
    };
    Ok(super::launch::groups::members_of(engine, &group)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect())
}

/// Runs the CLI once: both output streams to `sink` line by line (cut at
/// [`MAX_OUTPUT_LINE`]), the child killed if `cancel` fires.
pub async fn run_cli(
    cli: &ComposeCli,
    env: &[(String, String)],
    project: &str,
    files: &[String],
    verb: &ComposeVerb,
    sink: Arc<dyn Sink<ComposeOutputLine>>,
    cancel: CancellationToken,
) -> Result<ComposeRunOutcome, ComposeError> {
    let argv = cli.argv(project, files, verb);
    let command = cli.command(project, files, verb);
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // The files' folder, as Compose would run from there (relative paths in the file).
    if let Some(dir) = files.first().and_then(|f| Path::new(f).parent()) {
        cmd.current_dir(dir);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| ComposeError::Spawn(e.to_string()))?;
    let (tx, mut rx) = mpsc::channel::<ComposeOutputLine>(64);
    if let Some(out) = child.stdout.take() {
        tokio::spawn(forward(out, false, tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(forward(err, true, tx.clone()));
    }
    drop(tx);
    let mut kept: VecDeque<ComposeOutputLine> = VecDeque::new();
    let mut cancelled = false;
    loop {
        tokio::select! {
            line = rx.recv() => match line {
                Some(line) => {
                    sink.send(line.clone());
                    if kept.len() == KEPT_LINES {
                        kept.pop_front();
                    }
                    kept.push_back(line);
                }
                None => break,
            },
            _ = cancel.cancelled(), if !cancelled => {
                cancelled = true;
                let _ = child.start_kill();
            }
        }
    }
    let status = child
        .wait()
        .await
        .map_err(|e| ComposeError::Spawn(e.to_string()))?;
    let kept: Vec<ComposeOutputLine> = kept.into();
    Ok(ComposeRunOutcome {
        command,
        success: status.success(),
        code: status.code(),
        cancelled,
        error: (!status.success()).then(|| error_summary(&kept)).flatten(),
        rollback: None,
    })
}

async fn forward(
    stream: impl AsyncRead + Unpin,
    stderr: bool,
    tx: mpsc::Sender<ComposeOutputLine>,
) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(mut text)) = lines.next_line().await {
        if text.len() > MAX_OUTPUT_LINE {
            let mut cut = MAX_OUTPUT_LINE;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        if tx.send(ComposeOutputLine { text, stderr }).await.is_err() {
            return;
        }
    }
}

/// Every Compose project on the engine.
pub async fn projects(engine: &Engine) -> Result<Vec<ComposeProject>, ComposeError> {
    Ok(find_projects(&engine.list_containers().await?))
}

/// What a project action does, through the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProjectAction {
    Start,
    Stop,
    Restart,
}

impl ProjectAction {
    pub fn verb(self) -> ComposeVerb {
        match self {
            Self::Start => ComposeVerb::Start,
            Self::Stop => ComposeVerb::Stop,
            Self::Restart => ComposeVerb::Restart,
        }
    }
}

/// The Compose line the UI shows for a project action Berth does through the engine: in the
/// spelling of the CLI on this machine (v1 needs the files, v2 finds the project by label).
pub async fn action_command(
    project: &str,
    files: &[String],
    verb: &ComposeVerb,
) -> crate::domain::cli_equiv::CliCommand {
    match find_cli().await {
        Ok(cli @ ComposeCli::V1 { .. }) => cli.command(project, files, verb),
        _ => display_command(false, project, &[], verb),
    }
}

/// Starts, stops or restarts every container of the project; `name: reason` per failure.
pub async fn project_action(
    engine: &Engine,
    project: &str,
    action: ProjectAction,
) -> Result<Vec<String>, ComposeError> {
    check_project_name(project).map_err(ComposeError::InvalidInput)?;
    let group = GroupRef::ComposeProject {
        project: project.to_string(),
    };
    let mut failures = Vec::new();
    if matches!(action, ProjectAction::Stop | ProjectAction::Restart) {
        failures.extend(group_action(engine, &group, GroupAction::Stop, CONCURRENCY).await?);
    }
    if matches!(action, ProjectAction::Start | ProjectAction::Restart) {
        failures.extend(group_action(engine, &group, GroupAction::Start, CONCURRENCY).await?);
    }
    Ok(failures)
}

/// The tray's Stop / Restart of a project: the window's action, summed up in one line.
pub async fn tray_command(
    engine: &Engine,
    project: &str,
    command: super::tray_model::ProjectCommand,
) -> super::tray_actions::TrayOutcome {
    use super::tray_actions::TrayOutcome;
    use super::tray_model::ProjectCommand;
    let (action, done) = match command {
        ProjectCommand::Stop => (ProjectAction::Stop, "stopped"),
        ProjectCommand::Restart => (ProjectAction::Restart, "restarted"),
    };
    match project_action(engine, project, action).await {
        Ok(failures) if failures.is_empty() => {
            TrayOutcome::Done(format!("{done} Compose project {project}"))
        }
        Ok(failures) => TrayOutcome::Failed(failures.join("; ")),
        Err(e) => TrayOutcome::Failed(e.to_string()),
    }
}

/// What removing the project would take, by name, for the confirmation.
pub async fn removal_preview(
    engine: &Engine,
    project: &str,
) -> Result<ProjectRemoval, ComposeError> {
    check_project_name(project).map_err(ComposeError::InvalidInput)?;
    let mut containers = members(engine, project).await?;
    containers.sort();
    // v1 needs the files to say `down`; v2's line leaves them out (`action_command`).
    let files = projects(engine)
        .await?
        .into_iter()
        .find(|p| p.name == project)
        .map(|p| p.config_files)
        .unwrap_or_default();
    let networks = engine
        .compose_networks(project)
        .await?
        .into_iter()
        .map(|n| n.name)
        .collect();
    Ok(ProjectRemoval {
        project: project.to_string(),
        containers,
        networks,
        command: Some(action_command(project, &files, &ComposeVerb::Down).await),
    })
}

/// Removes the project's containers (running ones too, with their anonymous volumes, as
/// `docker rm -fv`), then its networks. Only what the confirmation named goes: if a container
/// appeared since, nothing is removed; a network that appeared since is left.
pub async fn remove_project(
    engine: &Engine,
    project: &str,
    containers: &[String],
    networks: &[String],
) -> Result<ProjectRemoved, ComposeError> {
    let now = removal_preview(engine, project).await?;
    let mut removed = ProjectRemoved::default();
    let unconfirmed: Vec<&String> = now
        .containers
        .iter()
        .filter(|c| !containers.contains(c))
        .collect();
    if !unconfirmed.is_empty() {
        return Err(ComposeError::InvalidInput(format!(
            "The project changed since you confirmed: {} appeared. Nothing was removed; look again.",
            unconfirmed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    let group = GroupRef::ComposeProject {
        project: project.to_string(),
    };
    removed.failures = group_action(engine, &group, GroupAction::Remove, CONCURRENCY).await?;
    let left = members(engine, project).await?;
    removed.containers = now
        .containers
        .iter()
        .filter(|c| !left.contains(c))
        .cloned()
        .collect();
    if !left.is_empty() {
        removed.failures.push(format!(
            "The networks stay: containers still use them ({}).",
            left.join(", ")
        ));
        return Ok(removed);
    }
    for n in engine.compose_networks(project).await? {
        if !networks.contains(&n.name) {
            continue;
        }
        match engine.remove_compose_network(&n.id).await {
            Ok(()) => removed.networks.push(n.name),
            Err(e) => removed.failures.push(format!("{}: {e}", n.name)),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EndpointSource;

    #[test]
    fn the_cli_is_pointed_at_berths_engine() {
        let unix = Endpoint::new("unix:///run/user/1/docker.sock", EndpointSource::DockerHost);
        let env = cli_env(&unix).unwrap();
        assert!(env.contains(&(
            "DOCKER_HOST".into(),
            "unix:///run/user/1/docker.sock".into()
        )));
        assert!(
            env.contains(&("DOCKER_CONTEXT".into(), "default".into())),
            "a context must not win"
        );
        let ssh = Endpoint::new("ssh://me@box", EndpointSource::DockerHost);
        assert!(matches!(cli_env(&ssh), Err(ComposeError::Unsupported(_))));
        let tcp = Endpoint::new("tcp://10.0.0.2:2375", EndpointSource::DockerHost);
        assert!(cli_env(&tcp)
            .unwrap()
            .contains(&("DOCKER_HOST".into(), "tcp://10.0.0.2:2375".into())));
    }
}
