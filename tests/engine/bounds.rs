//! Issue #13, "bound what grows", against the real engine: a 5 MiB line arrives cut and
//! marked, a long log comes in bounded batches, an exec that prints without end is cut, and
//! saving tens of MB of logs streams to disk (byte-identical to `docker logs`) with memory
//! that does not follow the log's size.

#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::domain::logs::{LogLine, LogRequest, LOG_LINE_MAX};
use berth_core::engine::EXEC_OUTPUT_MAX;
use berth_core::services::logs::{
    save_logs, stream_logs, LogsEnded, LOG_BATCH_MAX_BYTES, LOG_BATCH_MAX_LINES, LOG_TICK,
};
use berth_core::services::sink::Sink;
use berth_tests::docker_cli::{docker, docker_program};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

const WHOLE: LogRequest = LogRequest {
    tail: None,
    timestamps: false,
    follow: false,
};

struct Batches(Mutex<Vec<Vec<LogLine>>>);

impl Sink<Vec<LogLine>> for Batches {
    fn send(&self, batch: Vec<LogLine>) -> bool {
        self.0.lock().unwrap().push(batch);
        true
    }
}

/// Streams the whole log of `id` as the logs pane does; returns its batches.
async fn streamed(id: &str) -> TestResult<Vec<Vec<LogLine>>> {
    let engine = connect().await?;
    let sink = Arc::new(Batches(Mutex::new(Vec::new())));
    let ended = tokio::time::timeout(
        Duration::from_secs(60),
        stream_logs(
            &engine,
            id,
            &WHOLE,
            sink.clone(),
            CancellationToken::new(),
            LOG_TICK,
        ),
    )
    .await??;
    assert_eq!(ended, LogsEnded::Finished);
    let batches = sink.0.lock().unwrap().clone();
    Ok(batches)
}

fn assert_bounded(batches: &[Vec<LogLine>]) {
    for b in batches {
        let bytes: usize = b.iter().map(|l| l.text.len()).sum();
        assert!(
            b.len() <= LOG_BATCH_MAX_LINES,
            "{} lines in a batch",
            b.len()
        );
        assert!(bytes <= LOG_BATCH_MAX_BYTES, "{bytes} bytes in a batch");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_mib_line_arrives_cut_and_marked() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("bounds-line");
    let c = run.run(
        "long-line",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "echo before; head -c 5242880 /dev/zero | tr '\\0' x; echo; echo after",
        ],
    )?;
    let id = c.id.clone();
    blocking(move || docker(["wait", &id])).await?;
    let batches = streamed(&c.id).await?;
    assert_bounded(&batches);
    let lines: Vec<LogLine> = batches.concat();
    let texts: Vec<(usize, u64)> = lines.iter().map(|l| (l.text.len(), l.cut)).collect();
    assert_eq!(lines.len(), 3, "{texts:?}");
    assert_eq!((lines[0].text.as_str(), lines[0].cut), ("before", 0));
    assert_eq!(lines[1].text.len(), LOG_LINE_MAX);
    assert!(lines[1].text.bytes().all(|b| b == b'x'));
    assert_eq!(lines[1].cut, (5 * 1024 * 1024 - LOG_LINE_MAX) as u64);
    assert_eq!((lines[2].text.as_str(), lines[2].cut), ("after", 0));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_log_arrives_in_bounded_batches_whole_and_in_order() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("bounds-batches");
    let c = run.run("seq", &[], BUSYBOX_IMAGE, &["seq", "1", "200000"])?;
    let id = c.id.clone();
    blocking(move || docker(["wait", &id])).await?;
    let batches = streamed(&c.id).await?;
    assert_bounded(&batches);
    let biggest = batches.iter().map(Vec::len).max().unwrap_or_default();
    eprintln!("{} batches, the biggest {biggest} lines", batches.len());
    let numbers: Vec<u32> = batches
        .concat()
        .iter()
        .map(|l| l.text.parse().unwrap())
        .collect();
    assert_eq!(numbers.len(), 200_000);
    assert!(numbers
        .iter()
        .enumerate()
        .all(|(i, n)| *n as usize == i + 1));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exec_that_prints_without_end_is_cut() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("bounds-exec");
    let engine = connect().await?;
    let c = run.run("idle", &[], BUSYBOX_IMAGE, &["sleep", "300"])?;
    let small = engine
        .exec(&c.id, vec!["echo".into(), "hello".into()])
        .await?;
    assert_eq!((small.output.as_str(), small.cut), ("hello\n", false));
    assert_eq!(small.exit_code, Some(0));
    // `yes` never ends by itself: the call must still come back, with a bounded output.
    let endless = tokio::time::timeout(
        Duration::from_secs(30),
        engine.exec(&c.id, vec!["yes".into(), "berth".into()]),
    )
    .await??;
    assert!(endless.cut);
    let (kept, mark) = endless.output.split_at(EXEC_OUTPUT_MAX);
    assert!(kept.lines().all(|l| l == "berth" || "berth".starts_with(l)));
    assert_eq!(mark, "\n[output cut: only the first 64 KiB are kept]");
    Ok(())
}

/// The memory probe run as a child of [`saving_tens_of_mb_streams_to_disk`]: saves the
/// container's log and prints how much the process's peak resident memory grew meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run as a child process by saving_tens_of_mb_streams_to_disk, alone in its process"]
async fn save_memory_probe() -> TestResult {
    let id = std::env::var("BERTH_SAVE_PROBE_ID")?;
    let dir = std::env::var("BERTH_SAVE_PROBE_DIR")?;
    let engine = connect().await?;
    let before = peak_kib()?;
    let path = save_logs(&engine, &id, "probe", &WHOLE, dir.as_ref()).await?;
    let after = peak_kib()?;
    println!("PROBE {} {}", after - before, path.display());
    Ok(())
}

/// This process's peak resident memory (VmHWM), in KiB.
fn peak_kib() -> TestResult<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(line
        .split_whitespace()
        .nth(1)
        .ok_or("no VmHWM value")?
        .parse()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_tens_of_mb_streams_to_disk() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("bounds-save");
    // 40,000 numbered lines of 1,000 characters: 40 MB.
    let c = run.run(
        "big-log",
        &[],
        BUSYBOX_IMAGE,
        &[
            "awk",
            r#"BEGIN { s = sprintf("%993s", ""); gsub(/ /, "a", s); for (i = 0; i < 40000; i++) printf "%06d %s\n", i, s }"#,
        ],
    )?;
    let id = c.id.clone();
    blocking(move || docker(["wait", &id])).await?;
    let id = c.id.clone();
    let reference =
        blocking(move || Command::new(docker_program()).args(["logs", &id]).output()).await?;
    assert!(reference.status.success());
    let reference = reference.stdout;
    assert_eq!(reference.len(), 40_000 * 1_001, "docker logs' own output");

    // In a process of its own, so its peak memory is the save's alone.
    let dir = tempfile::tempdir()?;
    let (id, dir_path) = (c.id.clone(), dir.path().to_path_buf());
    let child = blocking(move || {
        Command::new(std::env::current_exe()?)
            .args([
                "bounds::save_memory_probe",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("BERTH_SAVE_PROBE_ID", id)
            .env("BERTH_SAVE_PROBE_DIR", dir_path)
            .output()
    })
    .await?;
    let out = String::from_utf8_lossy(&child.stdout).into_owned();
    assert!(
        child.status.success(),
        "probe failed: {out}\n{}",
        String::from_utf8_lossy(&child.stderr)
    );
    let probe = out
        .lines()
        // The harness prints the test's name on the same line.
        .find_map(|l| Some(l.split_once("PROBE ")?.1))
        .ok_or_else(|| format!("no probe line in {out}"))?;
    let (grew_kib, path) = probe.split_once(' ').ok_or("bad probe line")?;
    let grew_kib: u64 = grew_kib.parse()?;
    eprintln!(
        "saving {} MB of logs grew the peak memory by {} KiB",
        reference.len() / 1_000_000,
        grew_kib
    );
    // The whole log held once would be 40 MB (as lines, and again as text: 80 MB before).
    assert!(
        grew_kib * 1024 < reference.len() as u64 / 4,
        "the save's memory follows the log: {grew_kib} KiB for {} bytes",
        reference.len()
    );

    let saved = std::fs::read(path)?;
    assert!(saved == reference, "the file differs from `docker logs`");
    // Written atomically: only the file itself is left in the folder.
    let names: Vec<_> = std::fs::read_dir(dir.path())?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    assert_eq!(names.len(), 1, "{names:?}");
    Ok(())
}
