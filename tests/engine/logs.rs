//! Logs against the real engine: stdout and stderr told apart, last N lines, timestamps,
//! 100,000 lines read whole, and a live follow that ends when cancelled or when the
//! subscriber goes away.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::domain::logs::{LogLine, LogRequest, LogStream};
use berth_core::engine::EngineError;
use berth_core::services::logs::{read_logs, save_logs, stream_logs, LogsEnded, LOG_TICK};
use berth_core::services::sink::Sink;
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

fn all(tail: Option<u32>, timestamps: bool) -> LogRequest {
    LogRequest {
        tail,
        timestamps,
        follow: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdout_and_stderr_are_told_apart_with_tail_and_timestamps() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("logs-streams");
    let engine = connect().await?;
    let c = run.run(
        "talk",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            // The engine orders the two streams by when it read each one, so a
            // pause after the stderr line keeps it ahead of the last stdout bytes.
            "echo out1; echo err1 >&2; sleep 0.5; echo out2; printf 'no newline'",
        ],
    )?;
    let id = c.id.clone();
    blocking(move || docker(["wait", &id])).await?;
    let lines = read_logs(&engine, &c.id, &all(None, false)).await?;
    let text = |s: LogStream| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.stream == s)
            .map(|l| l.text.clone())
            .collect()
    };
    assert_eq!(text(LogStream::Stdout), ["out1", "out2", "no newline"]);
    assert_eq!(text(LogStream::Stderr), ["err1"]);
    assert!(lines.iter().all(|l| l.timestamp.is_none()));

    let last = read_logs(&engine, &c.id, &all(Some(1), true)).await?;
    assert_eq!(last.len(), 1, "{last:?}");
    assert_eq!(last[0].text, "no newline");
    let ts = last[0].timestamp.clone().unwrap();
    assert!(ts.starts_with("20") && ts.ends_with('Z'), "{ts}");
    assert_eq!(
        all(Some(1), true).cli(&c.name),
        format!("docker logs --tail 1 -t {}", c.name)
    );

    // Saved to a file: every line, stderr marked.
    let dir = tempfile::tempdir()?;
    let path = save_logs(&engine, &c.id, &c.name, &all(None, false), dir.path()).await?;
    assert!(path.starts_with(dir.path()));
    let saved = std::fs::read_to_string(&path)?;
    // The two streams are interleaved by time; their relative order is the engine's.
    let mut saved_lines: Vec<&str> = saved.lines().collect();
    saved_lines.sort_unstable();
    assert_eq!(saved_lines, ["[stderr] err1", "no newline", "out1", "out2"]);
    // As `docker logs` prints it: the container's last bytes, no newline added.
    assert!(saved.ends_with("out2\nno newline"), "{saved:?}");

    let missing = read_logs(&engine, "berth-no-such-container", &all(None, false)).await;
    match missing {
        Err(EngineError::NotFound { message }) => {
            assert!(message.contains("berth-no-such-container"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_lines_arrive_whole() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("logs-many");
    let engine = connect().await?;
    let c = run.run("seq", &[], BUSYBOX_IMAGE, &["seq", "1", "100000"])?;
    let id = c.id.clone();
    blocking(move || docker(["wait", &id])).await?;
    let started = std::time::Instant::now();
    let lines = read_logs(&engine, &c.id, &all(None, false)).await?;
    assert_eq!(lines.len(), 100_000);
    assert_eq!(lines[0].text, "1");
    assert_eq!(lines[99_999].text, "100000");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    Ok(())
}

/// Keeps batches; says "gone" once `stop_after` lines arrived (if set).
struct Recorder {
    lines: Mutex<Vec<LogLine>>,
    batches: AtomicUsize,
    stop_after: Option<usize>,
    refused: AtomicBool,
}

impl Recorder {
    fn new(stop_after: Option<usize>) -> Arc<Self> {
        Arc::new(Self {
            lines: Mutex::new(Vec::new()),
            batches: AtomicUsize::new(0),
            stop_after,
            refused: AtomicBool::new(false),
        })
    }
}

impl Sink<Vec<LogLine>> for Recorder {
    fn send(&self, batch: Vec<LogLine>) -> bool {
        let mut lines = self.lines.lock().unwrap();
        if self.stop_after.is_some_and(|n| lines.len() >= n) {
            self.refused.store(true, Ordering::SeqCst);
            return false;
        }
        lines.extend(batch);
        self.batches.fetch_add(1, Ordering::SeqCst);
        true
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_ends_on_cancel_or_when_the_subscriber_goes() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("logs-follow");
    let engine = connect().await?;
    let c = run.run(
        "ticker",
        &[],
        BUSYBOX_IMAGE,
        &[
            "sh",
            "-c",
            "i=0; while true; do i=$((i+1)); echo line$i; echo e$i >&2; sleep 0.05; done",
        ],
    )?;
    let req = LogRequest {
        tail: Some(5),
        timestamps: false,
        follow: true,
    };

    // Cancelled by its owner.
    let sink = Recorder::new(None);
    let cancel = CancellationToken::new();
    let task = {
        let (engine, id, req, sink, cancel) = (
            engine.clone(),
            c.id.clone(),
            req.clone(),
            sink.clone(),
            cancel.clone(),
        );
        tokio::spawn(async move { stream_logs(&engine, &id, &req, sink, cancel, LOG_TICK).await })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cancel.cancel();
    let ended = tokio::time::timeout(Duration::from_secs(5), task).await??;
    assert_eq!(ended?, LogsEnded::Cancelled);
    let lines = sink.lines.lock().unwrap().clone();
    let batches = sink.batches.load(Ordering::SeqCst);
    assert!(lines.len() > 20, "{} lines", lines.len());
    // Batched per tick, not one message per line.
    assert!(
        batches < lines.len() / 2,
        "{batches} batches for {} lines",
        lines.len()
    );
    assert!(lines
        .iter()
        .any(|l| l.stream == LogStream::Stderr && l.text.starts_with('e')));
    let numbers: Vec<u32> = lines
        .iter()
        .filter(|l| l.stream == LogStream::Stdout)
        .filter_map(|l| l.text.strip_prefix("line")?.parse().ok())
        .collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");

    // The subscriber goes away: the stream ends by itself.
    let sink = Recorder::new(Some(10));
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        stream_logs(
            &engine,
            &c.id,
            &req,
            sink.clone(),
            CancellationToken::new(),
            LOG_TICK,
        ),
    )
    .await??;
    assert_eq!(ended, LogsEnded::SubscriberGone);
    assert!(sink.refused.load(Ordering::SeqCst));

    // The container stops: the follow ends as finished.
    let sink = Recorder::new(None);
    let (engine2, id, req2, sink2) = (engine.clone(), c.id.clone(), req.clone(), sink.clone());
    let task = tokio::spawn(async move {
        stream_logs(
            &engine2,
            &id,
            &req2,
            sink2,
            CancellationToken::new(),
            LOG_TICK,
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let id = c.id.clone();
    blocking(move || docker(["kill", &id])).await?;
    let ended = tokio::time::timeout(Duration::from_secs(10), task).await??;
    assert_eq!(ended?, LogsEnded::Finished);
    Ok(())
}

/// What a stream could leave behind: the registry's entries, the runtime's live tasks, the
/// engine connections open through the proxy, and this process's sockets (informative only:
/// other tests run in the same process).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Leftovers {
    streams: usize,
    tasks: usize,
    connections: usize,
}

fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|fds| {
            fds.filter_map(Result::ok)
                .filter_map(|fd| std::fs::read_link(fd.path()).ok())
                .filter(|target| target.to_string_lossy().starts_with("socket:"))
                .count()
        })
        .unwrap_or_default()
}

/// Issue #12's must-show: a log follow opened and closed 100 times (as a view that comes and
/// goes does, through the same registry the shell's commands use) leaves no stream, no task
/// and no engine connection behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_follows_opened_and_closed_leave_nothing_behind() -> TestResult {
    use berth_core::domain::ids::Ticket;
    use berth_core::engine::{Endpoint, EndpointSource, Engine};
    use berth_core::services::sink::Discard;
    use berth_core::services::streams::StreamRegistry;
    use berth_tests::proxy::EngineProxy;

    blocking(ensure_test_images).await?;
    let run = TestRun::new("logs-leak");
    let c = run.run(
        "ticker",
        &[],
        BUSYBOX_IMAGE,
        &["sh", "-c", "while true; do echo tick; sleep 0.02; done"],
    )?;
    // The app's connection, through a proxy that counts it.
    let proxy = EngineProxy::new()?;
    proxy.start()?;
    let endpoint = Endpoint::new(proxy.docker_host(), EndpointSource::Settings);
    let engine = Engine::connect(&endpoint).await?;
    let app = CancellationToken::new();
    let registry = StreamRegistry::new(&app);
    let follow = LogRequest {
        tail: Some(10),
        timestamps: false,
        follow: true,
    };
    let open = |ticket: &Ticket| {
        let (engine, id, req) = (engine.clone(), c.id.clone(), follow.clone());
        registry.start(ticket.clone(), move |cancel| async move {
            stream_logs(&engine, &id, &req, Arc::new(Discard), cancel, LOG_TICK).await
        })
    };
    let measure = || Leftovers {
        streams: registry.len(),
        tasks: tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        connections: proxy.open_connections(),
    };
    // Settles: a closed connection's task ends a moment after the stream is dropped.
    let settled = |want: Leftovers| async move {
        let until = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let now = measure();
            if now == want || tokio::time::Instant::now() > until {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };

    // One follow first, so the connection pool and the runtime are warm.
    let warm = Ticket::from("warm");
    let first = open(&warm);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The measures see a live follow: its task, its entry and its connection.
    let live = measure();
    assert!(
        live.streams == 1 && live.tasks >= 1 && live.connections >= 1,
        "{live:?}"
    );
    assert!(registry.stop(&warm));
    assert_eq!(first.join().await??, LogsEnded::Cancelled);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = measure();
    let sockets_before = open_sockets();
    assert_eq!(before.streams, 0);

    for i in 0..100 {
        let ticket = Ticket::new(format!("follow-{i}"));
        let running = open(&ticket);
        // Some open long enough to get lines, some closed at once (a view that flashes by).
        tokio::time::sleep(Duration::from_millis(if i % 2 == 0 { 100 } else { 0 })).await;
        assert!(registry.stop(&ticket), "follow {i} ended by itself");
        let ended = tokio::time::timeout(Duration::from_secs(5), running.join()).await??;
        assert_eq!(ended?, LogsEnded::Cancelled, "follow {i}");
    }

    let after = settled(before).await;
    let sockets_after = open_sockets();
    eprintln!(
        "before {before:?} ({sockets_before} sockets), after {after:?} ({sockets_after} sockets)"
    );
    assert_eq!(after.streams, 0, "no stream left in the registry");
    assert!(
        after.tasks <= before.tasks,
        "tasks left: {} before, {} after",
        before.tasks,
        after.tasks
    );
    assert!(
        after.connections <= before.connections,
        "engine connections left: {} before, {} after",
        before.connections,
        after.connections
    );

    // Quitting ends whatever is still open.
    let last = open(&Ticket::from("at-exit"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.cancel();
    assert_eq!(last.join().await??, LogsEnded::Cancelled);
    assert_eq!(settled(before).await.streams, 0);
    Ok(())
}
