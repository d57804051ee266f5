//! Soak benchmark (scripts/bench-soak.sh): launch/remove cycles through Berth's launcher,
//! in this process, against the real engine, as the launch dialog and the groups view run
//! them: `launch` (plan, create, start, seal) then the group's Remove. Resident memory is
//! read from /proc/self/status at the start, after a warm-up (allocator pools, connection
//! pool, TLS-free caches filled once) and at the end; growth is measured from the warm-up
//! to the end. Target: under 5 % growth and no container left behind.
//!
//! A benchmark, not a test: it fails only when it cannot measure (or a cycle fails).
//! Everything it creates is labelled berth.test=<run id> and removed.
//! Usage: bench_soak [--cycles N] [--warmup N] [--replicas N]

use std::sync::Arc;
use std::time::Instant;

use berth_core::domain::groups::GroupRef;
use berth_core::domain::launch::LaunchRequest;
use berth_core::engine::{resolve_endpoint, Engine};
use berth_core::services::launch::{
    self as launcher, new_group_id, GroupAction, LaunchOptions, PlanError,
};
use berth_core::services::sink::Discard;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};
use tokio_util::sync::CancellationToken;

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Growth from the warm-up to the end that counts as a leak.
const TARGET_GROWTH_PCT: f64 = 5.0;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// This process's resident set size in KiB (`VmRSS`).
fn rss_kib() -> Res<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc/self/status".into())
}

/// One launch of `replicas` replicas and the group's removal; errors if any replica did not
/// run or any removal failed.
async fn cycle(engine: &Engine, run: &TestRun, i: usize, replicas: usize) -> Res {
    let request = LaunchRequest {
        image: APP_IMAGE.into(),
        replicas: replicas.to_string(),
        name_pattern: format!("{}-{{n}}", run.name(&format!("c{i}"))),
        labels: run.label(),
        ..Default::default()
    };
    let group = new_group_id();
    let outcome = launcher::launch(
        engine,
        &request,
        &group,
        Arc::new(Discard),
        Arc::new(Discard),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await
    .map_err(|e| match e {
        PlanError::Invalid(e) => format!("invalid: {e:?}"),
        e => e.to_string(),
    })?;
    let running = outcome.running_ids().len();
    let failures = launcher::group_action(
        engine,
        &GroupRef::Launch { group },
        GroupAction::Remove,
        LaunchOptions::default().concurrency,
    )
    .await?;
    if running != replicas {
        return Err(format!("cycle {i}: {running} of {replicas} replicas ran").into());
    }
    if !failures.is_empty() {
        return Err(format!("cycle {i}: removal failed: {}", failures.join("; ")).into());
    }
    Ok(())
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res {
    let cycles = arg("--cycles", 500);
    let warmup = arg("--warmup", 50).min(cycles);
    let replicas = arg("--replicas", 2);
    // The launch key (launches are sealed with it) lives in a folder of the bench's own.
    let config = tempfile::Builder::new().prefix("berth-soak-").tempdir()?;
    std::env::set_var("BERTH_CONFIG_DIR", config.path());
    ensure_test_images()?;
    let engine = Engine::connect(&resolve_endpoint()?).await?;
    let run = TestRun::new("bench-soak");
    println!(
        "soak: {cycles} launch/remove cycles of {replicas} replicas of {APP_IMAGE} (engine {}), \
         warm-up {warmup}",
        engine.info().version
    );

    let start_rss = rss_kib()?;
    let mut warm_rss = start_rss;
    let started = Instant::now();
    let mut result = Ok(());
    for i in 0..cycles {
        if let Err(e) = cycle(&engine, &run, i, replicas).await {
            result = Err(e);
            break;
        }
        if i + 1 == warmup {
            warm_rss = rss_kib()?;
        }
        if (i + 1) % 100 == 0 {
            println!(
                "  {:>4} cycles, {:>6.1} s, RSS {:.1} MiB",
                i + 1,
                started.elapsed().as_secs_f64(),
                mib(rss_kib()?)
            );
        }
    }
    let end_rss = rss_kib()?;
    // What is left is counted before the guard's own clean-up removes it.
    let left = run.container_ids()?.len();
    run.cleanup()?;
    result?;

    let growth = (end_rss as f64 - warm_rss as f64) / warm_rss as f64 * 100.0;
    println!();
    println!("RSS at start:         {:>7.1} MiB", mib(start_rss));
    println!("RSS after {warmup:>4} cycles: {:>7.1} MiB", mib(warm_rss));
    println!("RSS at the end:       {:>7.1} MiB", mib(end_rss));
    println!(
        "growth after warm-up: {growth:>+6.2} % (target < {TARGET_GROWTH_PCT} %) {}",
        if growth < TARGET_GROWTH_PCT {
            "ok"
        } else {
            "MISSED"
        }
    );
    println!(
        "containers left:      {left:>7} (target 0) {}",
        if left == 0 { "ok" } else { "MISSED" }
    );
    println!(
        "time: {:.1} s, {:.2} s/cycle",
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() / cycles as f64
    );
    Ok(())
}
