//! Stats benchmark (scripts/bench-stats.sh): 20 running containers watched for 20 s, several
//! ways, in one run on the same engine:
//!
//! (a) Berth's stats hub (in this process) as the app uses it with the container list open:
//!     the list's columns for the running rows on screen (all 20 fit) at the list rate
//!     (10 s), plus one open container detail (its charts and the host panel) at 1 s;
//! (b) Berth's hub with all 20 charted at 1 s (the dearest case: every container on screen,
//!     e.g. a launch group of 20 with its charts open);
//!     each of (a) and (b) twice: "before", everything one-shot polls, and as the hub runs
//!     now, what is charted streamed (on Docker; issue #17);
//! (c) `docker stats` streaming the same 20;
//! (0) nobody watching, first: the engine's baseline over the same time (idle shims, other
//!     clients of a shared engine), which every row includes.
//!
//! Prints the CPU seconds of the engine (dockerd + containerd + shims, utime+stime deltas
//! from /proc/<pid>/stat) and of the watcher, and each Berth case's ratio to `docker stats`
//! (target: Berth <= 0.5x), each with the host's load average. Then the RSS of this process
//! holding 15 minutes of 1 s history for 50 containers (synthesised into the hub's rings). A
//! benchmark, not a test: it fails only when it cannot measure.
//! Usage: bench_stats [--containers N] [--seconds N] [--rounds N (3)]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use berth_core::domain::stats::StatsPoint;
use berth_core::engine::{resolve_endpoint, Engine};
use berth_core::services::sink::Sink;
use berth_core::services::stats::{StatsBatch, StatsConfig, StatsHub, Watch};
use berth_tests::docker_cli::{docker, docker_program};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

/// utime + stime of `pid`, in clock ticks.
fn ticks(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    let Some(end) = stat.rfind(')') else { return 0 };
    let f: Vec<&str> = stat[end + 2..].split_whitespace().collect();
    // Fields after `comm`: state is index 0, utime 11, stime 12.
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
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let comm = comm.trim();
            comm == "dockerd" || comm == "containerd" || comm.starts_with("containerd-shim")
        })
        .collect()
}

fn engine_ticks(pids: &[u32]) -> u64 {
    pids.iter().map(|p| ticks(*p)).sum()
}

fn secs(ticks: u64) -> f64 {
    // USER_HZ is 100 on Linux.
    ticks as f64 / 100.0
}

struct Discard;
impl Sink<StatsBatch> for Discard {
    fn send(&self, _: StatsBatch) -> bool {
        true
    }
}

/// One case's figures.
#[derive(Clone, Copy, Default)]
struct Case {
    /// CPU seconds of the engine (dockerd, containerd, shims).
    engine: f64,
    /// CPU seconds of the watcher (this process for Berth's hub, the CLI for docker stats).
    watcher: f64,
    /// Points the hub recorded.
    points: usize,
    /// One-shot polls the hub asked.
    polls: u64,
    /// The host's 1-min load average at the end.
    load: f64,
}

impl Case {
    fn total(&self) -> f64 {
        self.engine + self.watcher
    }
}

const CASES: usize = 6;
const IDLE: usize = 0;
const LIST_POLLED: usize = 1;
const LIST: usize = 2;
const ALL_POLLED: usize = 3;
const ALL: usize = 4;
const CLI: usize = 5;
const NAMES: [&str; CASES] = [
    "(0) nobody watching",
    "(a) before: list + detail, polls",
    "(a) list + detail, chart streamed",
    "(b) before: 20 charted, polls",
    "(b) 20 charted, streamed",
    "(c) docker stats",
];
const LONG_NAMES: [&str; CASES] = [
    "(0) nobody watching (the engine's baseline)",
    "(a) before: list of 20 + detail, all polled",
    "(a) list of 20 + one detail, chart streamed",
    "(b) before: all 20 charted, polled each s",
    "(b) all 20 charted, streamed",
    "(c) docker stats, streaming the 20",
];

/// The hub's default timing; `streams: false` polls what is charted too (the "before").
fn config(streams: bool) -> StatsConfig {
    StatsConfig {
        stream_charted: streams,
        ..StatsConfig::default()
    }
}

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// Runs `hub` for `seconds`; returns the engine's and this process's CPU seconds meanwhile,
/// and the points and polls the hub made.
async fn measure(
    hub: &Arc<StatsHub>,
    engine: &Engine,
    pids: &[u32],
    seconds: u64,
    ids: &[String],
) -> Res<Case> {
    let cancel = CancellationToken::new();
    let me = std::process::id();
    let (e0, m0) = (engine_ticks(pids), ticks(me));
    let task = {
        let engine = engine.clone();
        tokio::spawn(hub.clone().run(move || Ok(engine.clone()), cancel.clone()))
    };
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    cancel.cancel();
    task.await?;
    // The stream tasks end once cancelled; their CPU is counted up to here.
    Ok(Case {
        engine: secs(engine_ticks(pids) - e0),
        watcher: secs(ticks(me).saturating_sub(m0)),
        points: ids.iter().map(|id| hub.history(id).len()).sum(),
        polls: hub.polls(),
        load: load_average(),
    })
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res {
    let n = arg("--containers", 20);
    let seconds = arg("--seconds", 20);
    let rounds = arg("--rounds", 3).max(1);
    ensure_test_images()?;
    let engine = Engine::connect(&resolve_endpoint()?).await?;
    let run = TestRun::new("bench-stats");
    let mut ids = Vec::new();
    for i in 0..n {
        // A little work each second, like an idle service.
        let c = run.run(
            &format!("s{i}"),
            &[],
            BUSYBOX_IMAGE,
            &[
                "sh",
                "-c",
                "while true; do echo tick > /dev/null; sleep 1; done",
            ],
        )?;
        ids.push(c.id);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pids = engine_pids();
    println!(
        "{n} running containers, {seconds} s each way, engine {} ({} engine processes)",
        engine.info().version,
        pids.len()
    );

    // Each round runs every case in turn; the engine is shared with other clients, so with
    // several rounds the least CPU of each case is reported (contention only adds), and every
    // round's figures are printed too, each with the host's load average at its end.
    let mut best = [Case::default(); CASES];
    for round in 1..=rounds {
        let mut this = [Case::default(); CASES];

        // (0) Nobody watching: what the engine spends anyway (idle shims, other clients).
        let e0 = engine_ticks(&pids);
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        this[IDLE] = Case {
            engine: secs(engine_ticks(&pids) - e0),
            load: load_average(),
            ..Case::default()
        };

        for (slot, streams) in [(LIST_POLLED, false), (LIST, true)] {
            // (a) The list open: the rows on screen at the list rate, one detail at 1 s.
            let hub = Arc::new(StatsHub::new(config(streams)));
            // The list names the running rows it shows (20 rows fit on screen), polled at
            // the list rate; the open detail charts one at the focus rate.
            let list = hub.subscribe_to(
                Watch {
                    listed: ids.clone(),
                    ..Default::default()
                },
                Arc::new(Discard),
            );
            let detail = hub.subscribe_to(
                Watch {
                    ids: ids.iter().take(1).cloned().collect(),
                    host: true,
                    ..Default::default()
                },
                Arc::new(Discard),
            );
            this[slot] = measure(&hub, &engine, &pids, seconds, &ids).await?;
            hub.unsubscribe(list);
            hub.unsubscribe(detail);
            tokio::time::sleep(Duration::from_secs(2)).await;
        }

        for (slot, streams) in [(ALL_POLLED, false), (ALL, true)] {
            // (b) All 20 charted at 1 s.
            let hub = Arc::new(StatsHub::new(config(streams)));
            let key = hub.subscribe(ids.clone(), false, Arc::new(Discard));
            this[slot] = measure(&hub, &engine, &pids, seconds, &ids).await?;
            hub.unsubscribe(key);
            tokio::time::sleep(Duration::from_secs(2)).await;
        }

        // (c) `docker stats`, streaming.
        let e0 = engine_ticks(&pids);
        let mut child = Command::new(docker_program())
            .arg("stats")
            .args(&ids)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        this[CLI] = Case {
            engine: secs(engine_ticks(&pids) - e0),
            watcher: secs(ticks(child.id())),
            load: load_average(),
            ..Case::default()
        };
        let _ = child.kill();
        let _ = child.wait();
        tokio::time::sleep(Duration::from_secs(2)).await;

        let cli = this[CLI].total().max(0.01);
        println!("  round {round}: total CPU-s, ratio to docker stats [load average]");
        for (i, case) in this.iter().enumerate() {
            println!(
                "    {:<34} {:>6.2} {:>6.2}x  [{:.2}]",
                NAMES[i],
                case.total(),
                case.total() / cli,
                case.load
            );
        }
        for (b, t) in best.iter_mut().zip(this) {
            if round == 1 || t.total() < b.total() {
                *b = t;
            }
        }
    }
    if rounds > 1 {
        println!("  least of {rounds} rounds per case:");
    }

    let cli_total = best[CLI].total();
    println!(
        "  {:<44} {:>9} {:>10} {:>7} {:>9}  {:>5}",
        "", "engine", "watcher", "total", "ratio", "load"
    );
    for (i, case) in best.iter().enumerate() {
        let ratio = match i {
            CLI => String::from("    1.00x"),
            IDLE => String::new(),
            _ => format!("{:>8.2}x", case.total() / cli_total.max(0.01)),
        };
        let note = match i {
            IDLE => String::from("included in every row above"),
            CLI => String::new(),
            _ => format!("{} points, {} one-shot polls", case.points, case.polls),
        };
        println!(
            "  {:<44} {:>9.2} {:>10.2} {:>7.2} {ratio:>9}  {:>5.2}  {note}",
            LONG_NAMES[i],
            case.engine,
            case.watcher,
            case.total(),
            case.load
        );
    }
    println!(
        "  CPU seconds; ratio = total / docker stats' total (target <= 0.5x); load = the host's \
         1-min load average at the end of that measurement (other work inflates every row)"
    );
    drop(run);
    let _ = docker(["version", "--format", "{{.Server.Version}}"]);

    // 3. Memory of 15 minutes of 1 s history for 50 containers.
    let before = rss_kib();
    let big = StatsHub::new(StatsConfig::default());
    let per = big.capacity();
    for c in 0..50 {
        let id = format!("{c:064x}");
        big.record(
            &id,
            (0..per).map(|i| StatsPoint {
                t: i as f64 * 1000.0,
                cpu: 1.0,
                mem: 1 << 20,
                mem_limit: 1 << 30,
                net_rx: 1.0,
                net_tx: 1.0,
                blk_read: 0.0,
                blk_write: 0.0,
                pids: 1,
            }),
        );
    }
    let after = rss_kib();
    println!(
        "  history: 50 containers x {per} points (15 min at 1 s): this process's RSS {:.1} MiB ({:.1} MiB for the rings)",
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / 1024.0
    );
    Ok(())
}
