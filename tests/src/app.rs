//! The built Berth app under WebDriver, for the end-to-end tests.
//!
//! [`App::launch`] starts `tauri-driver` (which starts Debian's `WebKitWebDriver`, which starts
//! the app), opens a session on the real window, and waits until the UI has rendered
//! something. Dropping the [`App`] stops that whole process tree, so a failed or panicking test
//! never leaves a window, a driver or a WebKit process behind.
//!
//! tauri-driver hands its own environment to the app, so per-test settings for the app (e.g.
//! `DOCKER_HOST`) are set on the driver. Its output and the app's (stderr included) go to
//! `target/e2e-artifacts/<test>.log`; [`App::check`] adds `<test>.png` when a test fails.

use std::future::Future;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;

use crate::docker_cli::CliError;
use crate::procs;

/// How often the waits look at the DOM. This is the test polling the window, not the app
/// polling the engine (the app is event-driven).
pub const POLL: Duration = Duration::from_millis(100);
/// How long [`App::launch`] waits for the UI to render anything at all.
const FIRST_RENDER: Duration = Duration::from_secs(20);
/// How long tauri-driver gets to listen on its port.
const DRIVER_START: Duration = Duration::from_secs(10);

/// Makes the page repaint once, invisibly (see [`App::screenshot_to`]).
const REPAINT_NUDGE: &str = "const el = document.createElement('div');
el.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;opacity:0.01';
document.body.appendChild(el);
setTimeout(() => el.remove(), 200);";

/// What goes wrong in an end-to-end test outside an assertion.
#[derive(thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Setup(String),
    #[error("WebDriver: {what}: {source}")]
    WebDriver {
        what: String,
        #[source]
        source: Box<CmdError>,
    },
    #[error("timed out after {:.1} s waiting for {what}{}", after.as_secs_f64(), last.as_ref().map(|l| format!(" (last seen: {l})")).unwrap_or_default())]
    Timeout {
        what: String,
        after: Duration,
        last: Option<String>,
    },
    #[error(transparent)]
    Cli(#[from] CliError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

// `Debug` is what a failing test prints for a returned error: make it the readable message.
impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// Adds context to a WebDriver call's error.
pub trait WebDriverContext<T> {
    fn during(self, what: impl Into<String>) -> Result<T, AppError>;
}

impl<T> WebDriverContext<T> for Result<T, CmdError> {
    fn during(self, what: impl Into<String>) -> Result<T, AppError> {
        self.map_err(|source| AppError::WebDriver {
            what: what.into(),
            source: Box::new(source),
        })
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> AppError {
    let what = what.into();
    move |source| AppError::Io { what, source }
}

/// The workspace's `target/` (or `$CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Where failing tests leave screenshots and logs: `target/e2e-artifacts/`.
pub fn artifacts_dir() -> PathBuf {
    target_dir().join("e2e-artifacts")
}

/// The app binary under test: `$BERTH_APP`, else `target/debug/berth`, made absolute.
pub fn app_binary() -> Result<PathBuf, AppError> {
    let path = std::env::var_os("BERTH_APP")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/berth"));
    std::fs::canonicalize(&path).map_err(|e| {
        AppError::Setup(format!(
            "the app binary {} is missing ({e}). Build it with the UI embedded: \
             `npm --prefix ui run build && cargo build -p berth --features custom-protocol`, \
             or point BERTH_APP at one",
            path.display()
        ))
    })
}

/// `tauri-driver`: `$TAURI_DRIVER`, else `~/.cargo/bin/tauri-driver`, else from `PATH`.
fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    match cargo_home.map(|h| h.join("bin/tauri-driver")) {
        Some(p) if p.is_file() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}

/// Fails with instructions when there is no display to open the window on.
pub fn require_display() -> Result<(), AppError> {
    match std::env::var("DISPLAY") {
        Ok(d) if !d.is_empty() => Ok(()),
        _ => Err(AppError::Setup(
            "DISPLAY is not set: the end-to-end tests open the real window. Run them under a \
             virtual display and a session bus, e.g. `dbus-run-session -- xvfb-run -a -s \
             \"-screen 0 1280x800x24\" cargo test -p berth-tests --test e2e -- --test-threads=1` \
             (scripts/test.sh does this)"
                .into(),
        )),
    }
}

/// A free TCP port `p` with `p + 1` free too (tauri-driver's native port).
fn free_port_pair() -> Result<u16, AppError> {
    for _ in 0..20 {
        let first = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(io("binding a port"))?;
        let port = first.local_addr().map_err(io("reading a port"))?.port();
        if port < u16::MAX && TcpListener::bind((Ipv4Addr::LOCALHOST, port + 1)).is_ok() {
            return Ok(port);
        }
    }
    Err(AppError::Setup("found no two free adjacent ports".into()))
}

/// A child process; drop stops it and everything it started (for tauri-driver: WebKitWebDriver,
/// the app and WebKit's helper processes). It stays in the test's process group, so Ctrl-C in
/// a terminal stops it along with the tests.
pub struct ProcessTree {
    child: Child,
}

impl ProcessTree {
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Self> {
        Ok(Self {
            child: cmd.spawn()?,
        })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has exited (and how).
    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM to the whole tree, a short grace period, then SIGKILL to whatever is left.
    pub fn kill(&mut self) {
        if self.try_wait().is_none() {
            procs::kill_tree(self.child.id(), Duration::from_secs(2));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ProcessTree {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One running app with a WebDriver session on its window.
pub struct App {
    name: String,
    client: Client,
    log: PathBuf,
    launched: Instant,
    // Dropped last: the session's HTTP client goes first, then the processes.
    driver: ProcessTree,
}

impl App {
    /// Starts the app for the test `name` with `env` added to (`Some`) or removed from (`None`)
    /// the inherited environment, and waits until the UI rendered its first element.
    pub async fn launch(name: &str, env: &[(&str, Option<&str>)]) -> Result<Self, AppError> {
        require_display()?;
        let app = app_binary()?;
        let artifacts = artifacts_dir();
        std::fs::create_dir_all(&artifacts)
            .map_err(io(format!("creating {}", artifacts.display())))?;
        let log = artifacts.join(format!("{name}.log"));
        let _ = std::fs::remove_file(artifacts.join(format!("{name}.png")));

        let launched = Instant::now();
        let (port, mut driver) = start_driver(&log, env)?;
        let client = match connect(port, &app).await {
            Ok(client) => client,
            Err(e) => {
                let exited = driver.try_wait();
                drop(driver);
                let log_text = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(AppError::Setup(format!(
                    "could not open a WebDriver session on {} ({e}); driver {}; its log ({}):\n{}",
                    app.display(),
                    exited.map_or("still running".into(), |s| format!("exited: {s}")),
                    log.display(),
                    tail(&log_text, 30)
                )));
            }
        };
        let app_handle = Self {
            name: name.to_string(),
            client,
            log,
            launched,
            driver,
        };
        // Every screen has the status bar: once it is there, the front end is running.
        if let Err(e) = app_handle
            .wait_for_css("[data-testid=engine-status]", FIRST_RENDER)
            .await
        {
            app_handle.save_artifacts("no first render").await;
            // A plain `cargo build/test -p berth` (e.g. another run sharing target/) leaves a
            // dev build there, which loads the Vite dev server instead of the embedded UI.
            let url = app_handle.client.current_url().await.ok();
            let why = match url.as_ref().and_then(|u| u.host_str()) {
                Some("localhost" | "127.0.0.1") => format!(
                    "it is a dev build: it loads {} (the Vite dev server), not the embedded UI",
                    url.as_ref().map(|u| u.as_str()).unwrap_or_default()
                ),
                _ => format!("{e}; page {url:?}"),
            };
            return Err(AppError::Setup(format!(
                "the window never rendered the UI ({why}). Rebuild {} with the UI embedded: \
                 `npm --prefix ui run build && cargo build -p berth --features custom-protocol`. \
                 Log: {}",
                app.display(),
                app_handle.log.display()
            )));
        }
        Ok(app_handle)
    }

    /// The WebDriver session.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Time since [`Self::launch`] started the driver.
    pub fn since_launch(&self) -> Duration {
        self.launched.elapsed()
    }

    /// What the driver and the app printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Runs a test body against this app. On an error or a panic, saves a screenshot
    /// (`target/e2e-artifacts/<test>.png`) and points at the log before passing it on.
    pub async fn check<Fut>(&self, body: Fut) -> Result<(), AppError>
    where
        Fut: Future<Output = Result<(), AppError>>,
    {
        match AssertUnwindSafe(body).catch_unwind().await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                self.save_artifacts(&e.to_string()).await;
                Err(e)
            }
            Err(panic) => {
                self.save_artifacts("panic").await;
                std::panic::resume_unwind(panic)
            }
        }
    }

    async fn save_artifacts(&self, why: &str) {
        let png = artifacts_dir().join(format!("{}.png", self.name));
        match self.screenshot_to(&png).await {
            Ok(()) => eprintln!(
                "e2e {}: failed ({why}); screenshot {}, log {}",
                self.name,
                png.display(),
                self.log.display()
            ),
            Err(e) => eprintln!(
                "e2e {}: failed ({why}); no screenshot ({e}); log {}",
                self.name,
                self.log.display()
            ),
        }
    }

    /// Saves the window as PNG at `path`.
    pub async fn screenshot_to(&self, path: &Path) -> Result<(), AppError> {
        // WebKit takes the shot at the page's next repaint, and an idle Berth does not repaint
        // by itself (no timers): without a nudge this waited from 0.1 s to minutes. A
        // 1-pixel, nearly transparent element shown for 200 ms schedules that repaint.
        let _ = self.client.execute(REPAINT_NUDGE, vec![]).await;
        let png = self.client.screenshot().await.during("screenshot")?;
        std::fs::write(path, png).map_err(io(format!("writing {}", path.display())))
    }

    /// Saves the window as `target/e2e-artifacts/<label>.png` (to look at what a user sees).
    pub async fn screenshot(&self, label: &str) -> Result<PathBuf, AppError> {
        let path = artifacts_dir().join(format!("{label}.png"));
        self.screenshot_to(&path).await?;
        Ok(path)
    }

    /// Polls `probe` every [`POLL`] until it returns `Some`, or fails after `timeout`.
    /// A probe that errors (e.g. a stale element while the UI re-renders) counts as "not yet".
    pub async fn wait_until<T, F, Fut>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: F,
    ) -> Result<T, AppError>
    where
        F: FnMut(Client) -> Fut,
        Fut: Future<Output = Result<Option<T>, CmdError>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            let last = match probe(self.client.clone()).await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => None,
                Err(e) => Some(e.to_string()),
            };
            if Instant::now() >= deadline {
                return Err(AppError::Timeout {
                    what: what.to_string(),
                    after: timeout,
                    last,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first element matching `css`, once there is one.
    pub async fn wait_for_css(&self, css: &str, timeout: Duration) -> Result<Element, AppError> {
        let css = css.to_string();
        self.wait_until(&format!("`{css}`"), timeout, |client| {
            let css = css.clone();
            async move {
                Ok(client
                    .find_all(Locator::Css(&css))
                    .await?
                    .into_iter()
                    .next())
            }
        })
        .await
    }

    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str, timeout: Duration) -> Result<(), AppError> {
        let css = css.to_string();
        self.wait_until(&format!("`{css}` to go away"), timeout, |client| {
            let css = css.clone();
            async move {
                let found = client.find_all(Locator::Css(&css)).await?;
                Ok(found.is_empty().then_some(()))
            }
        })
        .await
    }

    /// Every element matching `css` now (no waiting).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>, AppError> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .during(format!("finding `{css}`"))
    }

    /// Clicks the first element matching `css`, waiting for it first.
    pub async fn click(&self, css: &str, timeout: Duration) -> Result<(), AppError> {
        let element = self.wait_for_css(css, timeout).await?;
        element.click().await.during(format!("clicking `{css}`"))
    }

    /// Replaces the text of the input matching `css` by typing `text` into it, as a user would.
    pub async fn type_into(
        &self,
        css: &str,
        text: &str,
        timeout: Duration,
    ) -> Result<(), AppError> {
        let input = self.wait_for_css(css, timeout).await?;
        input.clear().await.during(format!("clearing `{css}`"))?;
        input
            .send_keys(text)
            .await
            .during(format!("typing into `{css}`"))
    }

    /// Waits until the app's stderr shows a line starting with `prefix`, and returns it.
    pub async fn wait_for_log_line(
        &self,
        prefix: &str,
        timeout: Duration,
    ) -> Result<String, AppError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.log().lines().find(|l| l.starts_with(prefix)) {
                return Ok(line.to_string());
            }
            if Instant::now() >= deadline {
                return Err(AppError::Timeout {
                    what: format!(
                        "a log line starting with {prefix:?} in {}",
                        self.log.display()
                    ),
                    after: timeout,
                    last: None,
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Ends the session (the driver closes the app), then stops the driver.
    pub async fn close(self) {
        let Self {
            client, mut driver, ..
        } = self;
        let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
        tokio::task::spawn_blocking(move || driver.kill())
            .await
            .ok();
    }
}

/// Starts tauri-driver on a free port pair and waits until it accepts connections.
fn start_driver(log: &Path, env: &[(&str, Option<&str>)]) -> Result<(u16, ProcessTree), AppError> {
    let program = tauri_driver();
    let mut last_error = String::new();
    // Another process may grab the port between the check and the driver's bind: retry.
    for _ in 0..3 {
        let port = free_port_pair()?;
        let out = std::fs::File::create(log).map_err(io(format!("creating {}", log.display())))?;
        let err = out
            .try_clone()
            .map_err(io(format!("opening {}", log.display())))?;
        let mut cmd = Command::new(&program);
        cmd.args(["--port", &port.to_string()])
            .args(["--native-port", &(port + 1).to_string()])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        // WebKitGTK needs a real UTF-8 locale (with LANG=C the page stays blank), and the
        // non-compositing mode is lighter and steadier under Xvfb.
        if std::env::var("LANG").map_or(true, |l| l.is_empty() || l == "C" || l == "POSIX") {
            cmd.env("LANG", "en_US.UTF-8");
        }
        if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
            cmd.env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
        // Each launch gets its own settings folder (next to its log), so tests never read or
        // write a user's settings; a test that passes BERTH_CONFIG_DIR keeps its own.
        let config = log.with_extension("config");
        let _ = std::fs::remove_dir_all(&config);
        cmd.env("BERTH_CONFIG_DIR", &config);
        for (key, value) in env {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        let mut driver = ProcessTree::spawn(&mut cmd).map_err(|e| {
            AppError::Setup(format!(
                "could not start {} ({e}); install it with `cargo install tauri-driver --locked` \
                 (scripts/setup.sh does), or set TAURI_DRIVER",
                program.display()
            ))
        })?;
        let deadline = Instant::now() + DRIVER_START;
        while Instant::now() < deadline {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                return Ok((port, driver));
            }
            if let Some(status) = driver.try_wait() {
                last_error = format!(
                    "{} exited ({status}): {}",
                    program.display(),
                    tail(&std::fs::read_to_string(log).unwrap_or_default(), 10)
                );
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if last_error.is_empty() {
            last_error = format!("{} did not listen on port {port}", program.display());
        }
    }
    Err(AppError::Setup(last_error))
}

async fn connect(port: u16, app: &Path) -> Result<Client, String> {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app.to_string_lossy() }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut builder = ClientBuilder::native();
    builder.capabilities(caps);
    match tokio::time::timeout(Duration::from_secs(60), builder.connect(&url)).await {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("no session after 60 s".into()),
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A CSS attribute selector value: `"..."` with quotes and backslashes escaped.
pub fn css_str(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}
