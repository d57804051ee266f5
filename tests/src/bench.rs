//! What the benchmark binaries (tests/src/bin/bench_*.rs) share: running jobs 8 at a time
//! against the engine, a benchmark's sleeping containers, the verdict and median they print,
//! the load average every figure carries, and the wait for Ctrl-C before cleaning up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::docker_cli::docker;
use crate::fixtures::{TestRun, BUSYBOX_IMAGE};
use crate::procs;

/// What the Ctrl-C handler of a benchmark that launches the app must undo: the app being
/// measured (its process tree) and the run's containers (`docker ps` filter).
pub static APP_PID: Mutex<Option<u32>> = Mutex::new(None);
pub static RUN_FILTER: Mutex<Option<String>> = Mutex::new(None);

/// Runs `job(i)` for every `i` in `0..count`, 8 at a time (the engine, not the CLI, is the
/// limit); the first failure stops the jobs not started yet and is returned.
pub fn parallel(
    count: usize,
    job: impl Fn(usize) -> Result<(), String> + Sync,
) -> Result<(), String> {
    let next = AtomicUsize::new(0);
    let failure = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                if let Err(e) = job(i) {
                    *failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
                    next.store(count, Ordering::Relaxed);
                }
            });
        }
    });
    match failure.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `count` running containers of the test image that sleep for an hour and do nothing else,
/// named `<prefix>000`, `<prefix>001`, … (with the run's labels, so its clean-up takes them).
pub fn run_sleepers(run: &TestRun, prefix: &str, count: usize) -> Result<(), String> {
    parallel(count, |i| {
        run.run(
            &format!("{prefix}{i:03}"),
            &[],
            BUSYBOX_IMAGE,
            &["sleep", "3600"],
        )
        .map(drop)
        .map_err(|e| e.to_string())
    })
    .map_err(|e| format!("creating the benchmark's containers: {e}"))
}

/// Removes every container that `docker ps -a --filter FILTER` lists, volumes too, 100 per
/// call. For clean-up after an interruption: failures are ignored.
pub fn remove_containers(filter: &str) {
    if let Ok(ids) = docker(["ps", "-aq", "--filter", filter]) {
        let ids: Vec<&str> = ids.lines().collect();
        for chunk in ids.chunks(100) {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(chunk);
            let _ = docker(&args);
        }
    }
}

/// Returns when the benchmark is interrupted (Ctrl-C or SIGTERM); never, when the signals
/// cannot be watched (said once on stderr).
pub async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        eprintln!(
            "cannot watch for Ctrl-C: if interrupted, remove the benchmark's containers by hand"
        );
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
}

/// On Ctrl-C or SIGTERM: stops the app in [`APP_PID`], removes the containers [`RUN_FILTER`]
/// names, and exits with 130.
pub async fn clean_up_on_signal() {
    interrupted().await;
    eprintln!("\ninterrupted: stopping the app and removing the benchmark's containers...");
    if let Some(pid) = *APP_PID.lock().unwrap_or_else(PoisonError::into_inner) {
        procs::kill_tree(pid, Duration::from_secs(1));
    }
    let filter = RUN_FILTER
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some(filter) = filter {
        remove_containers(&filter);
    }
    std::process::exit(130);
}

/// What a figure's line ends with.
pub fn verdict(ok: bool) -> &'static str {
    if ok {
        "within target"
    } else {
        "OVER TARGET"
    }
}

/// The median (the mean of the two middle values for an even count; zero for none).
pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// The 1, 5 and 15 minute load averages, printed with every figure (the machine's other work
/// is in every figure); "?" when unknown.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| {
            let f: Vec<&str> = l.split_whitespace().take(3).collect();
            (f.len() == 3).then(|| f.join(" "))
        })
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_none() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(
            median(&[ms(4), ms(1), ms(2), ms(3)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(&[]), Duration::ZERO);
    }

    #[test]
    fn parallel_runs_every_job_and_stops_at_a_failure() {
        let done = AtomicUsize::new(0);
        parallel(50, |_| {
            done.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
        assert_eq!(done.load(Ordering::Relaxed), 50);
        let err = parallel(1000, |i| {
            if i == 3 {
                Err(format!("job {i}"))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert_eq!(err, "job 3");
    }
}
