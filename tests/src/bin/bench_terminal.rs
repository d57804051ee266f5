//! Terminal benchmark (scripts/bench-terminal.sh): Berth's exec path (the core service
//! `run_terminal`, as the app runs it, with each batch acknowledged as soon as it arrives)
//! against `docker exec -it` under a pseudo-terminal, in one run on the same container:
//!
//! - round-trip latency of 1,000 keystrokes: one key sent, its echo awaited, the next key. The
//!   program is `cat` on the TTY, so the echo is the kernel's line discipline in the container
//!   and the figure is the transport alone (a shell's line editing would add the same to both);
//! - throughput of `cat` of a 20 MiB text file to the end of its output (the TTY turns each
//!   `\n` into `\r\n`, so a few more bytes arrive than the file holds; the same on both).
//!
//! Rounds alternate the two paths (default 3) and the median of each is reported, with the
//! ratio Berth / CLI against the 1.5x target. A benchmark, not a test: it fails only when it
//! cannot measure. Everything it creates is labelled berth.test=<run id> and removed.
//! Usage: bench_terminal [--keys N (1000)] [--mib N (20)] [--rounds N (3)]

use std::fs::File;
use std::io::{Read, Write};
use std::process::{Child, Command};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use berth_core::domain::terminal::{TerminalEnded, TerminalSpec};
use berth_core::engine::{resolve_endpoint, Engine};
use berth_core::services::sink::Sink;
use berth_core::services::terminal::{run_terminal, TerminalError, TerminalInput};
use berth_tests::docker_cli::{docker, docker_program};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const COLS: u16 = 80;
const ROWS: u16 = 24;
/// Longest wait for one echo or for the end of a `cat`: past it the run is broken.
const STUCK: Duration = Duration::from_secs(120);
const TARGET: f64 = 1.5;
const FILE: &str = "/big.txt";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

/// The key sent for keystroke `i` (a letter, so its echo is itself).
fn key(i: usize) -> char {
    (b'a' + (i % 26) as u8) as char
}

// ---------------------------------------------------------------- Berth's path

struct ChannelSink(mpsc::UnboundedSender<String>);

impl Sink<String> for ChannelSink {
    fn send(&self, item: String) -> bool {
        self.0.send(item).is_ok()
    }
}

/// A terminal run by the core service, as the app's IPC command runs it.
struct BerthTerminal {
    input: mpsc::Sender<TerminalInput>,
    output: mpsc::UnboundedReceiver<String>,
    cancel: CancellationToken,
    task: JoinHandle<Result<TerminalEnded, TerminalError>>,
}

impl BerthTerminal {
    fn open(engine: &Engine, id: &str, cmd: &[&str]) -> Self {
        let (input, inputs) = mpsc::channel(256);
        let (tx, output) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        let spec = TerminalSpec {
            cmd: cmd.iter().map(|s| s.to_string()).collect(),
            user: None,
            workdir: None,
            cols: COLS,
            rows: ROWS,
        };
        let (engine, id, stop) = (engine.clone(), id.to_string(), cancel.clone());
        let task = tokio::spawn(async move {
            let sink = std::sync::Arc::new(ChannelSink(tx));
            run_terminal(&engine, &id, spec, sink, inputs, stop).await
        });
        Self {
            input,
            output,
            cancel,
            task,
        }
    }

    /// The next batch, acknowledged at once (a window that draws instantly); `None` at the end.
    async fn next(&mut self) -> Res<Option<String>> {
        let batch = tokio::time::timeout(STUCK, self.output.recv())
            .await
            .map_err(|_| "no output from Berth's terminal for 2 minutes")?;
        if batch.is_some() {
            let _ = self.input.send(TerminalInput::Ack(1)).await;
        }
        Ok(batch)
    }

    async fn close(self) -> Res {
        self.cancel.cancel();
        self.task.await??;
        Ok(())
    }
}

async fn berth_latency(engine: &Engine, id: &str, keys: usize) -> Res<Vec<Duration>> {
    let mut t = BerthTerminal::open(engine, id, &["cat"]);
    let mut times = Vec::with_capacity(keys);
    for i in 0..keys + 1 {
        let k = key(i);
        let start = Instant::now();
        t.input.send(TerminalInput::Data(k.to_string())).await?;
        loop {
            let batch = t.next().await?.ok_or("Berth's terminal ended early")?;
            if batch.contains(k) {
                break;
            }
        }
        // The first key also waits for the session to open: not counted.
        if i > 0 {
            times.push(start.elapsed());
        }
    }
    t.close().await?;
    Ok(times)
}

/// Bytes of output and the time from opening to the end of the output.
async fn berth_cat(engine: &Engine, id: &str) -> Res<(usize, Duration)> {
    let start = Instant::now();
    let mut t = BerthTerminal::open(engine, id, &["cat", FILE]);
    let mut bytes = 0;
    while let Some(batch) = t.next().await? {
        bytes += batch.len();
    }
    let took = start.elapsed();
    match t.task.await?? {
        TerminalEnded::Exited { code: Some(0) } => Ok((bytes, took)),
        other => Err(format!("Berth's cat ended as {other:?}").into()),
    }
}

// ---------------------------------------------------------------- the CLI under a pty

/// `docker ARGS` with a new pseudo-terminal as its controlling terminal and stdio, as a
/// person's terminal emulator runs it; returns the child and the pty's master side.
fn spawn_on_pty(args: &[&str]) -> Res<(Child, File)> {
    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let name = ptsname(&master, Vec::new())?;
    rustix::termios::tcsetwinsize(
        &master,
        rustix::termios::Winsize {
            ws_row: ROWS,
            ws_col: COLS,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
    )?;
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str()?)?;
    // util-linux's `setsid --ctty` makes the slave (its stdin) the CLI's controlling
    // terminal, as a terminal emulator does; `--wait` keeps it the parent of the CLI.
    let mut cmd = Command::new("setsid");
    cmd.args(["--ctty", "--wait"])
        .arg(docker_program())
        .args(args)
        .stdin(slave.try_clone()?)
        .stdout(slave.try_clone()?)
        .stderr(slave);
    let child = cmd.spawn()?;
    // The parent's copies of the slave go with `cmd`: the master then reads EIO once the
    // docker CLI exits.
    drop(cmd);
    Ok((child, File::from(master)))
}

/// The master's output, chunk by chunk, from a reading thread; the channel ends with it.
fn reader(mut master: File) -> std_mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = std_mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    rx
}

fn cli_latency(id: &str, keys: usize) -> Res<Vec<Duration>> {
    let (mut child, master) = spawn_on_pty(&["exec", "-it", id, "cat"])?;
    wait_raw(&master)?;
    let mut writer = master.try_clone()?;
    let output = reader(master);
    let mut times = Vec::with_capacity(keys);
    for i in 0..keys + 1 {
        let k = key(i);
        let start = Instant::now();
        writer.write_all(&[k as u8])?;
        loop {
            let chunk = output
                .recv_timeout(STUCK)
                .map_err(|_| "no echo from docker exec -it")?;
            if chunk.contains(&(k as u8)) {
                break;
            }
        }
        if i > 0 {
            times.push(start.elapsed());
        }
    }
    // Ctrl-C ends cat (the CLI's terminal is raw: it reaches the container's TTY).
    writer.write_all(b"\x03")?;
    wait_child(&mut child)?;
    Ok(times)
}

fn cli_cat(id: &str) -> Res<(usize, Duration)> {
    let start = Instant::now();
    let (mut child, master) = spawn_on_pty(&["exec", "-it", id, "cat", FILE])?;
    let output = reader(master);
    let mut bytes = 0;
    loop {
        match output.recv_timeout(STUCK) {
            Ok(chunk) => bytes += chunk.len(),
            Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std_mpsc::RecvTimeoutError::Timeout) => {
                return Err("docker exec -it cat stuck".into())
            }
        }
    }
    let took = start.elapsed();
    let status = wait_child(&mut child)?;
    if !status.success() {
        return Err(format!("docker exec -it cat exited with {status}").into());
    }
    Ok((bytes, took))
}

/// Waits until the CLI has put its terminal in raw mode. Before that, the pty's own line
/// discipline echoes keys locally at once (a false, tiny round trip) and turns Ctrl-C into a
/// SIGINT to the CLI instead of sending it to the container.
fn wait_raw(master: &File) -> Res {
    let deadline = Instant::now() + Duration::from_secs(10);
    while rustix::termios::tcgetattr(master)?
        .local_modes
        .contains(rustix::termios::LocalModes::ECHO)
    {
        if Instant::now() > deadline {
            return Err("docker exec -it never put its terminal in raw mode".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}

fn wait_child(child: &mut Child) -> Res<std::process::ExitStatus> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err("docker exec -it did not exit".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------------------------------------------------------------- figures

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

struct Latency {
    mean: f64,
    p50: f64,
    p99: f64,
}

fn latency_of(times: &[Duration]) -> Latency {
    let mut v: Vec<f64> = times.iter().map(|d| ms(*d)).collect();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Latency {
        mean: v.iter().sum::<f64>() / v.len() as f64,
        p50: at(0.5),
        p99: at(0.99),
    }
}

fn verdict(ratio: f64) -> &'static str {
    if ratio <= TARGET {
        "met"
    } else {
        "MISSED"
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res {
    let keys = arg("--keys", 1000);
    let mib = arg("--mib", 20);
    let rounds = arg("--rounds", 3).max(1);
    ensure_test_images()?;
    let engine = Engine::connect(&resolve_endpoint()?).await?;
    let run = TestRun::new("bench-terminal");
    let c = run.run("term", &[], BUSYBOX_IMAGE, &["sleep", "3600"])?;
    let lines = format!(
        "yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ | head -c {} > {FILE}",
        mib * 1024 * 1024
    );
    docker(["exec", &c.id, "sh", "-c", &lines])?;
    println!(
        "terminal benchmark: {keys} keystrokes, cat of {mib} MiB, {rounds} rounds, Berth's exec path vs docker exec -it under a pty"
    );

    let (mut b_lat, mut c_lat, mut b_cat, mut c_cat) = (vec![], vec![], vec![], vec![]);
    let (mut b_p50, mut c_p50) = (vec![], vec![]);
    for round in 1..=rounds {
        let b = latency_of(&berth_latency(&engine, &c.id, keys).await?);
        let id = c.id.clone();
        let k = tokio::task::spawn_blocking(move || cli_latency(&id, keys)).await??;
        let k = latency_of(&k);
        let (b_bytes, b_took) = berth_cat(&engine, &c.id).await?;
        let id = c.id.clone();
        let (c_bytes, c_took) = tokio::task::spawn_blocking(move || cli_cat(&id)).await??;
        let mbs = |bytes: usize, took: Duration| bytes as f64 / 1e6 / took.as_secs_f64();
        println!(
            "round {round}: keystroke mean/p50/p99 ms  Berth {:.2}/{:.2}/{:.2}  CLI {:.2}/{:.2}/{:.2}   \
             cat  Berth {:.2} s ({} bytes, {:.1} MB/s)  CLI {:.2} s ({} bytes, {:.1} MB/s)",
            b.mean,
            b.p50,
            b.p99,
            k.mean,
            k.p50,
            k.p99,
            b_took.as_secs_f64(),
            b_bytes,
            mbs(b_bytes, b_took),
            c_took.as_secs_f64(),
            c_bytes,
            mbs(c_bytes, c_took),
        );
        b_lat.push(b.mean);
        b_p50.push(b.p50);
        c_p50.push(k.p50);
        c_lat.push(k.mean);
        b_cat.push(b_took.as_secs_f64());
        c_cat.push(c_took.as_secs_f64());
    }
    let (bl, cl, bc, cc) = (median(b_lat), median(c_lat), median(b_cat), median(c_cat));
    println!(
        "median of {rounds}: keystroke mean  Berth {bl:.2} ms  CLI {cl:.2} ms  ratio {:.2}x (target <= {TARGET}x: {})",
        bl / cl,
        verdict(bl / cl)
    );
    let (bp, cp) = (median(b_p50), median(c_p50));
    println!(
        "median of {rounds}: keystroke p50  Berth {bp:.2} ms  CLI {cp:.2} ms  ratio {:.2}x (target <= {TARGET}x: {})",
        bp / cp,
        verdict(bp / cp)
    );
    println!(
        "median of {rounds}: cat {mib} MiB  Berth {bc:.2} s  CLI {cc:.2} s  ratio {:.2}x (target <= {TARGET}x: {})",
        bc / cc,
        verdict(bc / cc)
    );
    drop(run);
    Ok(())
}
