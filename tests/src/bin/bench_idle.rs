//! Idle cost benchmark (scripts/bench-idle.sh; a benchmark, not a test: it prints figures
//! against the targets and fails only when it cannot measure).
//!
//! Issue #17: idle cost counts the engine. With N running containers (default 50) that do
//! nothing, it measures over the same window (default 60 s), from /proc CPU ticks:
//!
//! (0) the engine (dockerd, containerd and every shim) with no Berth running: the reference;
//! (open) Berth started on the Containers view, its window shown and focused: Berth's own
//!     processes (backend, WebKit web and network processes) and the engine's extra over (0);
//! (hidden) the same Berth after its window was closed to the tray (WM_DELETE_WINDOW, what a
//!     window manager sends): both again.
//!
//! Targets (% of one core): open, Berth <= 0.5 and the engine's extra <= 2; hidden, both <=
//! 0.2. The engine's reference is measured before Berth starts and again after it quit; the
//! lower of the two is used (contention from other work only adds), and both are printed.
//! Everything it creates is labelled berth.test=<run id> and removed at the end, on error and
//! on Ctrl-C. Usage: bench_idle [--app PATH] [--containers N] [--seconds N]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, PoisonError};
use std::time::{Duration, Instant};

use berth_tests::bench;
use berth_tests::desktop::{close_window, is_viewable, wait_for_shown_window};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun};
use berth_tests::procs;

const TITLE: &str = "Berth";
/// Targets in % of one core.
const OPEN_BERTH: f64 = 0.5;
const OPEN_ENGINE_EXTRA: f64 = 2.0;
const HIDDEN: f64 = 0.2;
/// After a change of state, the figures settle this long before the window is measured
/// (the first samples, the list's first paint, WebKit's own start-up work).
const SETTLE: Duration = Duration::from_secs(8);

struct Options {
    app: PathBuf,
    containers: usize,
    seconds: u64,
}

fn usage() -> ! {
    eprintln!(
        "usage: bench_idle [--app PATH] [--containers N] [--seconds N]\n\
         --app defaults to $BERTH_BENCH_APP, else target/release/berth"
    );
    std::process::exit(2)
}

fn parse_options() -> Options {
    let mut options = Options {
        app: std::env::var_os("BERTH_BENCH_APP")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| berth_tests::app::target_dir().join("release/berth")),
        containers: 50,
        seconds: 60,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--app" => options.app = PathBuf::from(value()),
            "--containers" => options.containers = value().parse().unwrap_or_else(|_| usage()),
            "--seconds" => options.seconds = value().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    if options.seconds == 0 {
        usage();
    }
    options
}

/// utime + stime of `pid`, in clock ticks (USER_HZ, 100 a second).
fn ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    let Some(end) = stat.rfind(')') else { return 0 };
    let f: Vec<&str> = stat[end + 2..].split_whitespace().collect();
    let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    n(11) + n(12)
}

/// dockerd, containerd and every containerd shim.
fn engine_pids() -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let comm = procs::name(*pid);
            comm == "dockerd" || comm == "containerd" || comm.starts_with("containerd-shim")
        })
        .collect()
}

/// CPU of some processes over one window, as % of one core.
struct Usage {
    /// `(name, %)` per process.
    each: Vec<(String, f64)>,
}

impl Usage {
    fn total(&self) -> f64 {
        self.each.iter().map(|(_, p)| p).sum()
    }
}

/// Counts the engine's events while it lives (`docker events`): other clients of a shared
/// engine (test runs, builds) cost it CPU that is not Berth's, and make Berth refresh.
struct EventCounter {
    child: Option<Child>,
    count: std::sync::Arc<AtomicUsize>,
}

impl EventCounter {
    fn start() -> Self {
        let count = std::sync::Arc::new(AtomicUsize::new(0));
        let child = Command::new(berth_tests::docker_cli::docker_program())
            .args(["events", "--format", "{{.Type}} {{.Action}}"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()
            .map(|mut child| {
                if let Some(out) = child.stdout.take() {
                    let count = count.clone();
                    std::thread::spawn(move || {
                        for _ in BufReader::new(out).lines().map_while(Result::ok) {
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                    });
                }
                child
            });
        Self { child, count }
    }

    /// Events seen so far; `None` if `docker events` could not run.
    fn stop(mut self) -> Option<usize> {
        let mut child = self.child.take()?;
        let _ = child.kill();
        let _ = child.wait();
        Some(self.count.load(Ordering::Relaxed))
    }
}

/// Measures the engine's processes and `app`'s tree (if any) over `seconds`.
fn measure(app: Option<u32>, seconds: u64) -> (Usage, Usage) {
    let engine = engine_pids();
    let berth: Vec<u32> = app
        .map(|root| {
            std::iter::once(root)
                .chain(procs::descendants(root))
                .collect()
        })
        .unwrap_or_default();
    let before = |pids: &[u32]| pids.iter().map(|p| ticks(*p)).collect::<Vec<_>>();
    let events = EventCounter::start();
    let (e0, b0) = (before(&engine), before(&berth));
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    let wall = t.elapsed().as_secs_f64();
    match events.stop() {
        Some(0) => println!("    (no engine events meanwhile: nobody else used the engine)"),
        Some(n) => println!(
            "    ({n} engine events meanwhile from other clients: their work is in these figures)"
        ),
        None => {}
    }
    let usage = |pids: &[u32], start: Vec<u64>, group: bool| {
        let mut each: Vec<(String, f64)> = Vec::new();
        for (pid, t0) in pids.iter().zip(start) {
            let pct = ticks(*pid).saturating_sub(t0) as f64 / 100.0 / wall * 100.0;
            let mut name = procs::name(*pid);
            if group && name.starts_with("containerd-shim") {
                name = "containerd-shims".into();
            }
            match each.iter_mut().find(|(n, _)| *n == name && group) {
                Some((_, p)) => *p += pct,
                None => each.push((name, pct)),
            }
        }
        Usage { each }
    };
    (usage(&engine, e0, true), usage(&berth, b0, false))
}

fn main() {
    let options = parse_options();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => fail(&format!("cannot start a runtime: {e}")),
    };
    let signals = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => fail(&format!("cannot start the signal handler: {e}")),
    };
    std::thread::spawn(move || signals.block_on(bench::clean_up_on_signal()));
    if let Err(e) = runtime.block_on(run(&options)) {
        fail(&e);
    }
}

fn fail(message: &str) -> ! {
    eprintln!("bench_idle: {message}");
    std::process::exit(1)
}

fn print_usage(label: &str, usage: &Usage) {
    let parts: Vec<String> = usage
        .each
        .iter()
        .map(|(n, p)| format!("{n} {p:.2}"))
        .collect();
    println!(
        "    {label:<8} {:>6.2} %   ({})",
        usage.total(),
        parts.join(", ")
    );
}

async fn run(options: &Options) -> Result<(), String> {
    if std::env::var("DISPLAY").map_or(true, |d| d.is_empty()) {
        return Err("DISPLAY is not set: run it through scripts/bench-idle.sh".into());
    }
    let app = std::fs::canonicalize(&options.app).map_err(|e| {
        format!(
            "the app {} is missing ({e}); build it with \
             `npm --prefix ui run build && cargo build --release -p berth --features custom-protocol`",
            options.app.display()
        )
    })?;
    ensure_test_images().map_err(|e| e.to_string())?;
    let bench = TestRun::new("bench-idle");
    *bench::RUN_FILTER
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Some(bench.filter());
    let result = measure_all(options, &app, &bench).await;
    print!("cleaning up... ");
    let cleaned = bench.cleanup().map_err(|e| e.to_string());
    println!("done");
    result.and(cleaned)
}

async fn measure_all(
    options: &Options,
    app: &std::path::Path,
    bench: &TestRun,
) -> Result<(), String> {
    let s = options.seconds;
    println!("app:        {}", app.display());
    bench::run_sleepers(bench, "i", options.containers)?;
    println!(
        "containers: {} running (`sleep`), {} on the engine in all",
        options.containers,
        docker(["ps", "-aq"])
            .map_err(|e| e.to_string())?
            .lines()
            .count()
    );
    std::thread::sleep(Duration::from_secs(3));
    println!("CPU over {s} s, % of one core, from /proc/<pid>/stat ticks:");

    println!("  (0) no Berth running [load {}]", bench::load_average());
    let (engine_before, _) = measure(None, s);
    print_usage("engine", &engine_before);

    let config = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut launch = Launch::start(app, config.path())?;
    launch.wait_for_startup_line()?;
    let window = wait_for_shown_window(TITLE, Duration::from_secs(30))
        .await
        .map_err(|e| format!("the window did not show: {e}"))?;
    focus(window.id)?;
    std::thread::sleep(SETTLE);
    println!(
        "  (open) Berth on the Containers view, window shown and focused [load {}]",
        bench::load_average()
    );
    let (engine_open, berth_open) = measure(Some(launch.pid()), s);
    print_usage("Berth", &berth_open);
    print_usage("engine", &engine_open);

    close_window(window.id).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while is_viewable(window.id).map_err(|e| e.to_string())? {
        if Instant::now() > deadline || !procs::is_alive(launch.pid()) {
            return Err("closing the window did not hide it in the tray (is there a tray?)".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if !procs::is_alive(launch.pid()) {
        return Err("closing the window quit Berth instead of hiding it in the tray".into());
    }
    std::thread::sleep(SETTLE);
    println!(
        "  (hidden) the window closed to the tray [load {}]",
        bench::load_average()
    );
    let (engine_hidden, berth_hidden) = measure(Some(launch.pid()), s);
    print_usage("Berth", &berth_hidden);
    print_usage("engine", &engine_hidden);
    launch.stop();

    std::thread::sleep(Duration::from_secs(3));
    println!(
        "  (0') no Berth running, again [load {}]",
        bench::load_average()
    );
    let (engine_after, _) = measure(None, s);
    print_usage("engine", &engine_after);

    let reference = engine_before.total().min(engine_after.total());
    let extra = |u: &Usage| (u.total() - reference).max(0.0);
    println!();
    println!(
        "idle cost, {} running containers, % of one core (engine reference: the lower of (0) {:.2} and (0') {:.2}):",
        options.containers,
        engine_before.total(),
        engine_after.total()
    );
    let row = |what: &str, value: f64, target: f64| {
        println!(
            "  {what:<34} {value:>6.2} %   target <= {target} %: {}",
            bench::verdict(value <= target)
        );
    };
    row("open:   Berth's processes", berth_open.total(), OPEN_BERTH);
    row(
        "open:   the engine's extra",
        extra(&engine_open),
        OPEN_ENGINE_EXTRA,
    );
    row("hidden: Berth's processes", berth_hidden.total(), HIDDEN);
    row("hidden: the engine's extra", extra(&engine_hidden), HIDDEN);
    Ok(())
}

/// Gives the window the input focus, as clicking it would (there is no window manager under
/// Xvfb to do it).
fn focus(window: u32) -> Result<(), String> {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{ConnectionExt as _, InputFocus};
    let (conn, _) = x11rb::connect(None).map_err(|e| e.to_string())?;
    conn.set_input_focus(InputFocus::POINTER_ROOT, window, x11rb::CURRENT_TIME)
        .map_err(|e| e.to_string())?;
    conn.flush().map_err(|e| e.to_string())?;
    conn.get_input_focus()
        .map_err(|e| e.to_string())?
        .reply()
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The app, with its own settings folder; stopped (with its WebKit processes) on drop.
struct Launch {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Launch {
    fn start(app: &std::path::Path, config: &std::path::Path) -> Result<Self, String> {
        let mut cmd = Command::new(app);
        cmd.env("BERTH_CONFIG_DIR", config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if std::env::var("LANG").map_or(true, |l| l.is_empty() || l == "C" || l == "POSIX") {
            cmd.env("LANG", "en_US.UTF-8");
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", app.display()))?;
        *bench::APP_PID
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(child.id());
        let (tx, lines) = mpsc::channel();
        if let Some(stderr) = child.stderr.take() {
            // Drains the pipe for the app's whole life, so it never blocks on stderr.
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Ok(Self { child, lines })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn wait_for_startup_line(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut tail = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with("berth-startup:") => {
                    if !line.contains("painted=Inventory") {
                        return Err(format!("the app did not paint the lists: {line}"));
                    }
                    return Ok(());
                }
                Ok(line) => tail.push(line),
                Err(_) => {
                    let n = tail.len();
                    return Err(format!(
                        "no `berth-startup:` line within 60 s:\n{}",
                        tail[n.saturating_sub(20)..].join("\n")
                    ));
                }
            }
        }
    }

    fn stop(&mut self) {
        procs::kill_tree(self.child.id(), Duration::from_secs(2));
        let _ = self.child.wait();
        *bench::APP_PID
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

impl Drop for Launch {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.stop();
        }
    }
}
