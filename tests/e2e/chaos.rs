//! Issue #13's chaos test: with the real window open, the engine is SIGKILLed and started
//! again ten times. Each time the window shows the engine-down screen, then the full lists
//! within 3 s of the engine answering again; the backend keeps one watcher and does not grow
//! in threads or open file descriptors.
//!
//! The engine is a private dockerd (never the main one, which other tests use). Debian's
//! dockerd often fails to start right after a SIGKILL (design.md §7): `ExtraDockerd::restart`
//! tries again a few seconds apart, and an engine that never came back fails as a setup
//! error, not as "the app did not recover" (which is timed from the engine's first answer).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use berth_tests::app::{css_str, App, AppError};
use berth_tests::docker_cli::docker;
use berth_tests::extra_dockerd::ExtraDockerd;
use berth_tests::fixtures::{ensure_test_images, run_id, BUSYBOX_IMAGE};
use berth_tests::image_copy::copy_image;
use berth_tests::open_files::{fd_kinds, growth, threads, total, FdKinds};
use berth_tests::procs;

use super::{container_row, container_row_in, SETTLE};

const RESTARTS: usize = 10;
/// The stated target: the lists are back this soon after the engine answers.
const BACK_TARGET: Duration = Duration::from_secs(3);
/// How long the engine-down screen may take after the kill.
const DOWN_TARGET: Duration = Duration::from_secs(5);
/// WebKit's memory-pressure monitor in the backend opens seven files for good (/proc/meminfo,
/// /proc/zoneinfo, /proc/<pid>/cgroup and four cgroup memory files) about 5 s after launch,
/// engine or not (measured: 36 → 43 descriptors at 6 s with no engine reachable). The
/// baseline is taken after that, or the one-time step reads as a leak: it is the "37 → 44
/// over 6 restarts" the issue saw.
const WEBKIT_SETTLED: Duration = Duration::from_secs(8);
/// Descriptors and threads may differ by this much from the count after the first restart
/// (a pooled connection not yet closed, a blocking-pool thread not yet retired) but not by
/// one per restart: ten restarts would pass it.
const FD_SLACK: usize = 3;
const THREAD_SLACK: usize = 3;

const PROBLEM: &str = "[data-testid=engine-problem]";
const CONNECTED: &str = "[data-testid=engine-status][data-state=connected]";

fn setup(e: impl std::fmt::Display) -> AppError {
    AppError::Setup(e.to_string())
}

fn image_row(id: &str) -> String {
    format!("[data-testid=image-row][data-id={}]", css_str(id))
}

/// The app's backend process: the `berth` process this test started (through tauri-driver).
fn backend_pid() -> Result<u32, AppError> {
    procs::descendants(std::process::id())
        .into_iter()
        .find(|&pid| procs::name(pid) == "berth")
        .ok_or_else(|| setup("no `berth` process among this test's children"))
}

fn lock(daemon: &Mutex<ExtraDockerd>) -> MutexGuard<'_, ExtraDockerd> {
    daemon.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One measure of the backend, taken once the lists are back.
struct Sample {
    back: Duration,
    tries: u32,
    fds: FdKinds,
    threads: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_killed_and_restarted_ten_times_the_app_recovers_without_leaking(
) -> Result<(), AppError> {
    ensure_test_images()?;
    let name: String = format!("chaos{}", run_id().replace('-', ""))
        .chars()
        .take(12)
        .collect();
    let daemon = ExtraDockerd::start(&name, &[]).map_err(setup)?;
    let host = daemon.host();
    // Shared with the blocking restarts; dropped (stopped, its files removed) at the end.
    let daemon = Arc::new(Mutex::new(daemon));
    // Something in both lists: an image and two containers made from it, one of them running
    // (so the stats streams are opened and broken on every restart too). A killed dockerd's
    // running container is killed by its next start (no live-restore), and started again by
    // the test; the shared containerd's shim for it goes with it.
    copy_image(
        BUSYBOX_IMAGE,
        &[
            "docker".into(),
            "-H".into(),
            host.clone().into(),
            "load".into(),
        ],
        &[],
    )
    .map_err(setup)?;
    let container = format!("{name}-kept");
    docker([
        "-H",
        &host,
        "create",
        "--name",
        &container,
        BUSYBOX_IMAGE,
        "true",
    ])?;
    let running = format!("{name}-running");
    docker([
        "-H",
        &host,
        "run",
        "-d",
        // The restarted dockerd stops it with its stop signal and waits up to 10 s for
        // `sleep` (PID 1, which ignores SIGTERM): 11.6 s a round, measured. KILL ends it
        // at once.
        "--stop-signal",
        "KILL",
        "--name",
        &running,
        BUSYBOX_IMAGE,
        "sleep",
        "600",
    ])?;
    let image_id = docker([
        "-H",
        &host,
        "image",
        "inspect",
        "--format",
        "{{.Id}}",
        BUSYBOX_IMAGE,
    ])?;

    let app = App::launch(
        "engine_killed_and_restarted_ten_times_the_app_recovers_without_leaking",
        &[
            ("DOCKER_HOST", Some(host.as_str())),
            ("DOCKER_CONTEXT", None),
        ],
    )
    .await?;
    let result = app
        .check(async {
            let mut samples: Vec<Sample> = Vec::new();
            app.wait_for_css(CONNECTED, SETTLE).await?;
            app.wait_for_css(&container_row(&container), SETTLE).await?;
            app.wait_for_css(&container_row_in(&running, "running"), SETTLE)
                .await?;
            tokio::time::sleep(WEBKIT_SETTLED.saturating_sub(app.since_launch())).await;
            let pid = backend_pid()?;
            let start_fds = fd_kinds(pid);
            let start_threads = threads(pid);
            for round in 1..=RESTARTS {
                // Odd rounds come back to the Containers view, even ones to the Images view.
                let (tab, row) = if round % 2 == 1 {
                    ("containers", container_row(&container))
                } else {
                    ("images", image_row(&image_id))
                };
                app.click(&format!("[data-testid=tab-{tab}]"), SETTLE)
                    .await?;
                app.wait_for_css(&row, SETTLE).await?;

                lock(&daemon).kill_hard();
                let killed = Instant::now();
                app.wait_for_css(PROBLEM, DOWN_TARGET).await.map_err(|e| {
                    setup(format!(
                        "round {round}: no engine-down screen after the kill: {e}"
                    ))
                })?;
                let down = killed.elapsed();

                let restarting = daemon.clone();
                let restarted = tokio::task::spawn_blocking(move || {
                    lock(&restarting).restart(Duration::from_secs(15))
                })
                .await
                .map_err(setup)?;
                // An engine that did not come back is the machine's problem, not the app's.
                let restarted = restarted.map_err(|e| {
                    setup(format!(
                        "round {round}: the engine itself did not come back: {e}"
                    ))
                })?;

                // Timed from the engine's first answer: the app's part of the recovery.
                let waited = app
                    .wait_for_css(&row, BACK_TARGET + SETTLE)
                    .await
                    .map(|_| restarted.answered.elapsed());
                let back = waited.map_err(|e| {
                    AppError::Setup(format!(
                        "round {round}: the engine answers but the app did not show its {tab} \
                         again: {e}"
                    ))
                })?;
                app.wait_gone(PROBLEM, SETTLE).await?;
                app.wait_for_css(CONNECTED, SETTLE).await?;
                // The running container was killed by the restart: start it again, so the
                // next round breaks its stats stream too.
                docker(["-H", &host, "start", &running])?;
                if tab == "containers" {
                    app.wait_for_css(&container_row_in(&running, "running"), SETTLE)
                        .await?;
                }
                // Let what the reconnect left to close (the old connection) close.
                tokio::time::sleep(Duration::from_millis(300)).await;
                let sample = Sample {
                    back,
                    tries: restarted.tries,
                    fds: fd_kinds(pid),
                    threads: threads(pid),
                };
                eprintln!(
                    "round {round}: down screen {} ms after the kill; engine answered after {} \
                     start(s); {tab} back {} ms later; fds {}, threads {}",
                    down.as_millis(),
                    sample.tries,
                    sample.back.as_millis(),
                    total(&sample.fds),
                    sample.threads
                );
                samples.push(sample);
            }
            app.screenshot("chaos-after-ten-restarts").await?;

            let first = &samples[0];
            let last = &samples[samples.len() - 1];
            eprintln!(
                "backend before: fds {} threads {}; after the first restart: fds {} threads {}; \
                 after the last: fds {} threads {}; grown since the first: {}",
                total(&start_fds),
                start_threads,
                total(&first.fds),
                first.threads,
                total(&last.fds),
                last.threads,
                growth(&first.fds, &last.fds)
            );
            for (i, s) in samples.iter().enumerate() {
                assert!(
                    s.back <= BACK_TARGET,
                    "round {}: the lists took {:?} after the engine answered",
                    i + 1,
                    s.back
                );
                assert!(
                    total(&s.fds) <= total(&first.fds) + FD_SLACK,
                    "round {}: {} descriptors, {} after the first restart (grown: {})",
                    i + 1,
                    total(&s.fds),
                    total(&first.fds),
                    growth(&first.fds, &s.fds)
                );
                assert!(
                    s.threads <= first.threads + THREAD_SLACK,
                    "round {}: {} threads, {} after the first restart",
                    i + 1,
                    s.threads,
                    first.threads
                );
            }
            // No trend either: the second half is not above the first half.
            let half = samples.len() / 2;
            let mean = |s: &[Sample], f: fn(&Sample) -> usize| {
                s.iter().map(f).sum::<usize>() as f64 / s.len() as f64
            };
            let fd_total = |s: &Sample| total(&s.fds);
            let thread_count = |s: &Sample| s.threads;
            assert!(
                mean(&samples[half..], fd_total) <= mean(&samples[..half], fd_total) + 1.0,
                "descriptors trend upwards: {:?}",
                samples.iter().map(fd_total).collect::<Vec<_>>()
            );
            assert!(
                mean(&samples[half..], thread_count) <= mean(&samples[..half], thread_count) + 1.0,
                "threads trend upwards: {:?}",
                samples.iter().map(thread_count).collect::<Vec<_>>()
            );
            // One watcher: one "engine connected" per start of the engine, not more.
            let connects = app
                .log()
                .lines()
                .filter(|l| l.contains("engine connected") && l.contains(&host))
                .count();
            assert_eq!(
                connects,
                RESTARTS + 1,
                "the backend connected {connects} times for {} engine starts (a second watcher?)",
                RESTARTS + 1
            );
            Ok(())
        })
        .await;
    app.close().await;
    tokio::task::spawn_blocking(move || drop(daemon))
        .await
        .map_err(setup)?;
    result
}
