//! Stats benchmark (scripts/bench-stats.sh): 20 running containers watched for 20 s, two
//! ways, in one run on the same engine:
//!
//! 1. Berth's stats hub (in this process) sampling all 20 each second (the dearest case:
//!    every container on screen) with one-shot polls;
//! 2. `docker stats` streaming the same 20.
//!
//! Prints the CPU seconds of the engine (dockerd + containerd + shims, utime+stime deltas
//! from /proc/<pid>/stat) and of the watcher, and the ratio (target: Berth <= 0.5x). Then the
//! RSS of this process holding 15 minutes of 1 s history for 50 containers (synthesised into
//! the hub's rings). A benchmark, not a test: it fails only when it cannot measure.
//! Usage: bench_stats [--containers N] [--seconds N]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use berth_core::domain::stats::StatsPoint;
use berth_core::engine::{resolve_endpoint, Engine};
use berth_core::services::stats::{StatsConfig, StatsHub, StatsSink, StatsUpdate};
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
impl StatsSink for Discard {
    fn send(&self, _: Vec<StatsUpdate>) -> bool {
        true
    }
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

    // 1. Berth's hub, every container named (sampled each second).
    let hub = Arc::new(StatsHub::new(StatsConfig::default()));
    let key = hub.subscribe(ids.clone(), false, Arc::new(Discard));
    let cancel = CancellationToken::new();
    let me = std::process::id();
    let (e0, m0) = (engine_ticks(&pids), ticks(me));
    let task = {
        let engine = engine.clone();
        tokio::spawn(hub.clone().run(move || Ok(engine.clone()), cancel.clone()))
    };
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    cancel.cancel();
    task.await?;
    let (berth_engine, berth_self) = (
        secs(engine_ticks(&pids) - e0),
        secs(ticks(me).saturating_sub(m0)),
    );
    hub.unsubscribe(key);
    let points: usize = ids.iter().map(|id| hub.history(id).len()).sum();
    tokio::time::sleep(Duration::from_secs(2)).await;

    // 2. `docker stats`, streaming.
    let e0 = engine_ticks(&pids);
    let mut child = Command::new(docker_program())
        .arg("stats")
        .args(&ids)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let (cli_engine, cli_self) = (secs(engine_ticks(&pids) - e0), secs(ticks(child.id())));
    let _ = child.kill();
    let _ = child.wait();

    let berth_total = berth_engine + berth_self;
    let cli_total = cli_engine + cli_self;
    println!("                      engine CPU-s   watcher CPU-s   total");
    println!(
        "  Berth stats hub     {berth_engine:>10.2}   {berth_self:>13.2}   {berth_total:>5.2}   ({points} points)"
    );
    println!("  docker stats        {cli_engine:>10.2}   {cli_self:>13.2}   {cli_total:>5.2}");
    println!(
        "  ratio Berth / docker stats: {:.2}x (target <= 0.5x)",
        berth_total / cli_total.max(0.01)
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
