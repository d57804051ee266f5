//! Stats benchmark (scripts/bench-stats.sh): 20 running containers watched for 20 s, three
//! ways, in one run on the same engine:
//!
//! (a) Berth's stats hub (in this process) as the app uses it with the container list open:
//!     the list's columns for the running rows on screen (all 20 fit) at the list rate
//!     (10 s), plus one open container detail (its charts and the host panel) at 1 s;
//! (b) Berth's hub with all 20 charted at 1 s (the dearest case: every container on screen,
//!     e.g. a launch group of 20 with its charts open);
//! (c) `docker stats` streaming the same 20;
//! (0) nobody watching, first: the engine's baseline over the same time (idle shims, other
//!     clients of a shared engine), which every row includes.
//!
//! Prints the CPU seconds of the engine (dockerd + containerd + shims, utime+stime deltas
//! from /proc/<pid>/stat) and of the watcher, and each Berth case's ratio to `docker stats`
//! (target: Berth <= 0.5x). Then the RSS of this process holding 15 minutes of 1 s history for
//! 50 containers (synthesised into the hub's rings). A benchmark, not a test: it fails only
//! when it cannot measure.
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

/// Runs `hub` for `seconds`; returns the engine's and this process's CPU seconds meanwhile.
async fn measure(
    hub: &Arc<StatsHub>,
    engine: &Engine,
    pids: &[u32],
    seconds: u64,
) -> Res<(f64, f64)> {
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
    Ok((
        secs(engine_ticks(pids) - e0),
        secs(ticks(me).saturating_sub(m0)),
    ))
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

    // Each round runs (0), (a), (b), (c) in turn; the engine is shared with other clients, so
    // with several rounds the least CPU of each case is reported (contention only adds), and
    // every round's figures are printed too.
    let mut best = [(f64::MAX, 0.0, 0usize); 4];
    for round in 1..=rounds {
        let mut this = [(0.0, 0.0, 0usize); 4];

        // (0) Nobody watching: what the engine spends anyway (idle shims, other clients).
        let e0 = engine_ticks(&pids);
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        this[0] = (secs(engine_ticks(&pids) - e0), 0.0, 0);

        // (a) The list open: every running container at the list rate, one detail at 1 s.
        let hub = Arc::new(StatsHub::new(StatsConfig::default()));
        // The list names the running rows it shows (20 rows fit on screen), polled at the
        // list rate; the open detail charts one at the focus rate.
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
        let (e, w) = measure(&hub, &engine, &pids, seconds).await?;
        this[1] = (e, w, ids.iter().map(|id| hub.history(id).len()).sum());
        hub.unsubscribe(list);
        hub.unsubscribe(detail);
        tokio::time::sleep(Duration::from_secs(2)).await;

        // (b) All 20 charted at 1 s.
        let hub = Arc::new(StatsHub::new(StatsConfig::default()));
        let key = hub.subscribe(ids.clone(), false, Arc::new(Discard));
        let (e, w) = measure(&hub, &engine, &pids, seconds).await?;
        this[2] = (e, w, ids.iter().map(|id| hub.history(id).len()).sum());
        hub.unsubscribe(key);
        tokio::time::sleep(Duration::from_secs(2)).await;

        // (c) `docker stats`, streaming.
        let e0 = engine_ticks(&pids);
        let mut child = Command::new(docker_program())
            .arg("stats")
            .args(&ids)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        this[3] = (secs(engine_ticks(&pids) - e0), secs(ticks(child.id())), 0);
        let _ = child.kill();
        let _ = child.wait();
        tokio::time::sleep(Duration::from_secs(2)).await;

        println!(
            "  round {round}: total CPU-s (0) {:.2}  (a) {:.2}  (b) {:.2}  (c) {:.2}",
            this[0].0,
            this[1].0 + this[1].1,
            this[2].0 + this[2].1,
            this[3].0 + this[3].1
        );
        for (b, t) in best.iter_mut().zip(this) {
            if t.0 + t.1 < b.0 + b.1 {
                *b = t;
            }
        }
    }
    let [(idle_engine, _, _), (list_engine, list_self, list_points), (all_engine, all_self, all_points), (cli_engine, cli_self, _)] =
        best;
    if rounds > 1 {
        println!("  least of {rounds} rounds per case:");
    }

    let cli_total = cli_engine + cli_self;
    let row = |name: &str, engine: f64, watcher: f64, note: String| {
        let total = engine + watcher;
        let ratio = if name.starts_with("(c)") {
            String::from("    1.00x")
        } else {
            format!("{:>8.2}x", total / cli_total.max(0.01))
        };
        println!("  {name:<44} {engine:>9.2} {watcher:>10.2} {total:>7.2} {ratio}  {note}");
    };
    println!(
        "  {:<44} {:>9} {:>10} {:>7} {:>9}",
        "", "engine", "watcher", "total", "ratio"
    );
    row(
        "(a) Berth, list of 20 + one open detail",
        list_engine,
        list_self,
        format!("{list_points} points"),
    );
    row(
        "(b) Berth, all 20 charted each second",
        all_engine,
        all_self,
        format!("{all_points} points"),
    );
    row(
        "(c) docker stats, streaming the 20",
        cli_engine,
        cli_self,
        String::new(),
    );
    row(
        "(0) nobody watching (the engine's baseline)",
        idle_engine,
        0.0,
        String::from("included in every row above"),
    );
    println!("  CPU seconds; ratio = total / docker stats' total (target <= 0.5x)");
    println!(
        "  host load average (1 min) at the end: {} (other work on the machine inflates every row)",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .unwrap_or("?")
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
