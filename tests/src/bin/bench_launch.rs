//! Launch benchmark (scripts/bench-launch.sh): 30 replicas of the app test image, three ways,
//! in one run, on the same engine:
//!
//! 1. the engine's limit: raw API create+start (bollard, nothing else) at several levels of
//!    concurrency; the best one counts;
//! 2. Berth's launcher (plan + parallel create/start with progress), as the dialog runs it;
//! 3. a `docker run -d` loop, one after the other, as a shell script would.
//!
//! Prints each time and the ratios against the targets (Berth <= 1.1x the engine's limit,
//! <= 0.6x the CLI loop). A benchmark, not a test: it fails only when it cannot measure.
//! Usage: bench_launch [--replicas N] [--concurrency N]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use berth_core::domain::launch::LaunchRequest;
use berth_core::engine::{resolve_endpoint, Engine};
use berth_core::services::launch::{
    new_group_id, plan_launch, run_launch, LaunchOptions, PlanError,
};
use berth_core::services::sink::Discard;
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::CreateContainerOptions;
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Removes the run's containers and lets the engine settle before the next measurement.
fn reset(run: &TestRun) -> Res {
    run.cleanup()?;
    std::thread::sleep(Duration::from_secs(2));
    Ok(())
}

async fn raw_api(
    docker_api: &bollard::Docker,
    run: &TestRun,
    n: usize,
    concurrency: usize,
) -> Res<Duration> {
    let label = run.id().to_string();
    let started = Instant::now();
    let results: Vec<Result<(), bollard::errors::Error>> = futures_util::stream::iter(0..n)
        .map(|i| {
            let docker_api = docker_api.clone();
            let name = run.name(&format!("raw-{i}"));
            let label = label.clone();
            async move {
                let body = ContainerCreateBody {
                    image: Some(APP_IMAGE.to_string()),
                    labels: Some(HashMap::from([("berth.test".to_string(), label)])),
                    ..Default::default()
                };
                let options = CreateContainerOptions {
                    name: Some(name),
                    platform: String::new(),
                };
                let id = docker_api.create_container(Some(options), body).await?.id;
                docker_api.start_container(&id, None).await
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    for r in results {
        r?;
    }
    Ok(elapsed)
}

async fn berth(engine: &Engine, run: &TestRun, n: usize, concurrency: usize) -> Res<Duration> {
    let request = LaunchRequest {
        image: APP_IMAGE.into(),
        replicas: n.to_string(),
        name_pattern: format!("{}-{{n}}", run.name("berth")),
        labels: run.label(),
        ..Default::default()
    };
    let started = Instant::now();
    let plan = match plan_launch(engine, &request, &new_group_id()).await {
        Ok(p) => p,
        Err(PlanError::Invalid(e)) => return Err(format!("invalid: {e:?}").into()),
        Err(e) => return Err(e.to_string().into()),
    };
    let options = LaunchOptions {
        concurrency,
        ..Default::default()
    };
    let outcome = run_launch(
        engine,
        &plan,
        Arc::new(Discard),
        CancellationToken::new(),
        &options,
    )
    .await;
    let elapsed = started.elapsed();
    if outcome.running_ids().len() != n {
        return Err(format!("Berth launched {} of {n}", outcome.running_ids().len()).into());
    }
    Ok(elapsed)
}

fn cli_loop(run: &TestRun, n: usize) -> Res<Duration> {
    let started = Instant::now();
    for i in 0..n {
        run.run(&format!("cli-{i}"), &[], APP_IMAGE, &[])?;
    }
    Ok(started.elapsed())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res {
    let n = arg("--replicas", 30);
    let berth_concurrency = arg("--concurrency", LaunchOptions::default().concurrency);
    ensure_test_images()?;
    let engine = Engine::connect(&resolve_endpoint()?).await?;
    let docker_api = bollard::Docker::connect_with_local_defaults()?
        .negotiate_version()
        .await?;
    let run = TestRun::new("bench-launch");
    println!(
        "launching {n} replicas of {APP_IMAGE} (engine {})",
        engine.info().version
    );

    let mut best = (Duration::MAX, 0);
    for concurrency in [2, 4, 6, 8, 12] {
        reset(&run)?;
        let t = raw_api(&docker_api, &run, n, concurrency).await?;
        println!(
            "  engine limit, raw API create+start, {concurrency:>2} in flight: {:>6.2} s",
            t.as_secs_f64()
        );
        if t < best.0 {
            best = (t, concurrency);
        }
    }
    reset(&run)?;
    let berth_time = berth(&engine, &run, n, berth_concurrency).await?;
    println!(
        "  Berth launcher ({berth_concurrency} in flight, planning included): {:>6.2} s",
        berth_time.as_secs_f64()
    );
    reset(&run)?;
    let cli_time = cli_loop(&run, n)?;
    println!(
        "  docker run -d loop:                                  {:>6.2} s",
        cli_time.as_secs_f64()
    );
    reset(&run)?;
    let _ = docker(["ps", "-q"]);

    let vs_limit = berth_time.as_secs_f64() / best.0.as_secs_f64();
    let vs_cli = berth_time.as_secs_f64() / cli_time.as_secs_f64();
    println!();
    println!(
        "engine limit (best, {} in flight): {:.2} s = {:.3} s/container",
        best.1,
        best.0.as_secs_f64(),
        best.0.as_secs_f64() / n as f64
    );
    println!(
        "Berth / engine limit: {vs_limit:.2}x (target <= 1.10x) {}",
        if vs_limit <= 1.1 { "ok" } else { "MISSED" }
    );
    println!(
        "Berth / CLI loop:     {vs_cli:.2}x (target <= 0.60x) {}",
        if vs_cli <= 0.6 { "ok" } else { "MISSED" }
    );
    Ok(())
}
