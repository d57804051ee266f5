//! The stats hub against the real engine, with `docker stats` as the reference: a container
//! burning one core, and one holding 64 MiB in /dev/shm.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::services::stats::{StatsConfig, StatsHub, StatsSink, StatsUpdate};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

#[derive(Default)]
struct Keep(Mutex<Vec<StatsUpdate>>);

impl StatsSink for Keep {
    fn send(&self, batch: Vec<StatsUpdate>) -> bool {
        self.0.lock().unwrap().extend(batch);
        true
    }
}

/// `docker stats --no-stream` of one container: (CPU %, memory bytes).
fn cli_stats(id: &str) -> (f64, f64) {
    let out = docker([
        "stats",
        "--no-stream",
        "--format",
        "{{.CPUPerc}}|{{.MemUsage}}",
        id,
    ])
    .unwrap();
    let (cpu, mem) = out.trim().split_once('|').unwrap();
    let cpu: f64 = cpu.trim_end_matches('%').parse().unwrap();
    let used = mem.split('/').next().unwrap().trim();
    let (num, unit) = used.split_at(used.find(|c: char| c.is_ascii_alphabetic()).unwrap());
    let scale = match unit {
        "B" => 1.0,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        other => panic!("unit {other}"),
    };
    (cpu, num.parse::<f64>().unwrap() * scale)
}

/// Runs the hub on `id` for `secs` seconds, with `docker stats --no-stream` sampled in the
/// same window; returns the hub's points and the CLI's readings.
async fn watch(id: &str, secs: u64) -> TestResult<(Vec<StatsUpdate>, Vec<(f64, f64)>)> {
    let engine = connect().await?;
    let hub = Arc::new(StatsHub::new(StatsConfig::default()));
    let sink = Arc::new(Keep::default());
    let key = hub.subscribe(vec![id.to_string()], false, sink.clone());
    let cancel = CancellationToken::new();
    let task = tokio::spawn(hub.clone().run(move || Ok(engine.clone()), cancel.clone()));
    let cli = {
        let id = id.to_string();
        blocking(move || (0..2).map(|_| cli_stats(&id)).collect::<Vec<_>>())
    };
    let (cli, ()) = tokio::join!(cli, tokio::time::sleep(Duration::from_secs(secs)));
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), task).await??;
    hub.unsubscribe(key);
    let got = sink.0.lock().unwrap().clone();
    Ok((got, cli))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a quiet host: with builds on the 2 shared cores the loop gets ~50-65 % and one `docker stats --no-stream` reading swings; run with --ignored"]
async fn a_busy_loop_reads_one_core_like_docker_stats() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("stats-cpu");
    let c = run.run(
        "burn",
        &[],
        BUSYBOX_IMAGE,
        &["sh", "-c", "while :; do :; done"],
    )?;
    let (got, cli) = watch(&c.id, 7).await?;
    let cpus: Vec<f64> = got
        .iter()
        .flat_map(|u| u.points.iter().map(|p| f64::from(p.cpu)))
        .collect();
    assert!(cpus.len() >= 4, "{cpus:?}");
    assert!(got.iter().all(|u| u.id == c.id));
    // The machine's two cores are shared with builds: compare means over the window.
    let mean = cpus.iter().sum::<f64>() / cpus.len() as f64;
    let cli_mean = cli.iter().map(|c| c.0).sum::<f64>() / cli.len() as f64;
    assert!(
        (90.0..=110.0).contains(&mean),
        "mean {mean:.1} % of {cpus:?}"
    );
    assert!(
        (mean - cli_mean).abs() <= 10.0,
        "berth {mean:.1} % vs docker stats {cli_mean:.1} %"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_mib_in_shm_reads_like_docker_stats() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("stats-mem");
    let c = run.run(
        "fill",
        &["--shm-size", "128m"],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "head -c 67108864 /dev/zero > /dev/shm/fill; while true; do sleep 1; done",
        ],
    )?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (got, cli) = watch(&c.id, 4).await?;
    let last = got.iter().flat_map(|u| u.points.iter()).last().unwrap();
    let mem = last.mem as f64;
    let cli_mem = cli.last().unwrap().1;
    assert!(
        (mem - cli_mem).abs() <= cli_mem * 0.1,
        "berth {mem} B vs docker stats {cli_mem} B"
    );
    assert!(mem > 60.0 * 1024.0 * 1024.0, "{mem}");
    assert!(last.mem_limit > 0 && last.pids >= 1);

    // It dies: the hub forgets it at its next listing.
    let engine = connect().await?;
    let hub = StatsHub::new(StatsConfig::default());
    let sink = Arc::new(Keep::default());
    hub.subscribe(vec![c.id.clone()], true, sink);
    hub.round(&engine, true).await;
    assert!(hub.series_count() > 0);
    let id = c.id.clone();
    blocking(move || docker(["rm", "-f", &id])).await?;
    hub.round(&engine, true).await;
    assert!(hub.history(&c.id).is_empty());
    Ok(())
}
