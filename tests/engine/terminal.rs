//! Terminals on the real engine: a TTY exec session echoes input and follows a resize
//! (`stty size`), closing it leaves no process (`docker top`), even one busy with a program
//! that ignores Ctrl-C; a shell that exits at once, a container that stops and a container
//! with no shell each end the way the UI tells.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth_core::domain::terminal::{TerminalEnded, TerminalSpec};
use berth_core::engine::Engine;
use berth_core::services::sink::Sink;
use berth_core::services::terminal::{run_terminal, TerminalError, TerminalInput};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

/// What the window would show: every batch, appended.
#[derive(Default)]
struct Screen(Mutex<String>);

impl Sink<String> for Screen {
    fn send(&self, item: String) -> bool {
        self.0.lock().unwrap().push_str(&item);
        true
    }
}

struct Session {
    screen: Arc<Screen>,
    input: mpsc::Sender<TerminalInput>,
    cancel: CancellationToken,
    task: JoinHandle<Result<TerminalEnded, TerminalError>>,
}

fn spec(cmd: &[&str]) -> TerminalSpec {
    TerminalSpec {
        cmd: cmd.iter().map(|s| s.to_string()).collect(),
        user: None,
        workdir: None,
        cols: 80,
        rows: 24,
    }
}

fn open(engine: &Engine, id: &str, spec: TerminalSpec) -> Session {
    let screen = Arc::new(Screen::default());
    let (input, inputs) = mpsc::channel(64);
    let cancel = CancellationToken::new();
    let (engine, id, sink, token) = (
        engine.clone(),
        id.to_string(),
        screen.clone() as Arc<dyn Sink<String>>,
        cancel.clone(),
    );
    let task =
        tokio::spawn(async move { run_terminal(&engine, &id, spec, sink, inputs, token).await });
    Session {
        screen,
        input,
        cancel,
        task,
    }
}

impl Session {
    async fn type_text(&self, text: &str) {
        self.input
            .send(TerminalInput::Data(text.to_string()))
            .await
            .unwrap();
    }

    /// Waits until the screen shows `what` (acknowledging what was drawn meanwhile).
    async fn wait_for(&self, what: &str) -> TestResult {
        for _ in 0..200 {
            if self.screen.0.lock().unwrap().contains(what) {
                return Ok(());
            }
            let _ = self.input.send(TerminalInput::Ack(1_000)).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "{what:?} never showed; the screen: {:?}",
            self.screen.0.lock().unwrap()
        )
        .into())
    }
}

async fn top(id: &str) -> TestResult<String> {
    let id = id.to_string();
    Ok(blocking(move || docker(["top", &id])).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tty_session_echoes_input_resizes_and_leaves_no_process_when_closed() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("terminal-echo");
    let engine = connect().await?;
    let box_ = run.run("box", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;

    // Detected, not guessed: the busybox image has /bin/sh (a link to busybox), no bash.
    assert_eq!(
        engine.detect_shell(&box_.id).await?,
        Some(vec!["/bin/sh".to_string()])
    );

    let session = open(&engine, &box_.id, spec(&["/bin/sh"]));
    // The shell's arithmetic, not the TTY's echo of what was typed, prints 42.
    session.type_text("echo answer-$((6*7))\n").await;
    session.wait_for("answer-42").await?;
    // The typed text itself comes back too (the TTY echoes).
    assert!(session
        .screen
        .0
        .lock()
        .unwrap()
        .contains("echo answer-$((6*7))"));

    session
        .input
        .send(TerminalInput::Resize {
            cols: 123,
            rows: 45,
        })
        .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    session.type_text("stty size\n").await;
    session.wait_for("45 123").await?;
    assert!(top(&box_.id).await?.contains("/bin/sh"), "the shell runs");

    session.cancel.cancel();
    let ended = session.task.await??;
    assert_eq!(ended, TerminalEnded::Closed);
    let processes = top(&box_.id).await?;
    assert!(
        !processes.contains("/bin/sh"),
        "a shell is left: {processes}"
    );
    assert!(processes.contains("sleep 600"), "{processes}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_session_busy_with_a_program_ignoring_ctrl_c_ends_it_too() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("terminal-busy");
    let engine = connect().await?;
    let box_ = run.run("box", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let session = open(&engine, &box_.id, spec(&["/bin/sh"]));
    // Ctrl-C and Ctrl-D reach this program, not the shell: the shell must be killed.
    session
        .type_text("sh -c 'trap \"\" INT; echo busy-now; sleep 301'\n")
        .await;
    session.wait_for("busy-now").await?;
    assert!(top(&box_.id).await?.contains("sleep 301"));

    session.cancel.cancel();
    assert_eq!(session.task.await??, TerminalEnded::Closed);
    let processes = top(&box_.id).await?;
    assert!(
        !processes.contains("sleep 301") && !processes.contains("/bin/sh"),
        "processes are left: {processes}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_that_exits_at_once_and_a_stopped_container_end_the_session() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("terminal-ends");
    let engine = connect().await?;
    let box_ = run.run("box", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;

    let quick = open(&engine, &box_.id, spec(&["/bin/sh", "-c", "exit 3"]));
    let ended = tokio::time::timeout(Duration::from_secs(20), quick.task).await???;
    assert_eq!(ended, TerminalEnded::Exited { code: Some(3) });

    // A program that does not exist: the engine says so on the screen, with its exit code.
    let missing = open(&engine, &box_.id, spec(&["/bin/bash"]));
    let ended = tokio::time::timeout(Duration::from_secs(20), missing.task).await???;
    assert!(
        matches!(ended, TerminalEnded::Exited { code: Some(c) } if c != 0),
        "{ended:?}"
    );

    // Bad input is refused before the engine is asked; no process appears.
    let bad = open(
        &engine,
        &box_.id,
        TerminalSpec {
            workdir: Some("relative".into()),
            ..spec(&["/bin/sh"])
        },
    );
    let err = bad.task.await?.unwrap_err();
    assert!(err.to_string().contains("absolute path"), "{err}");

    let session = open(&engine, &box_.id, spec(&["/bin/sh"]));
    session.type_text("echo ready\n").await;
    session.wait_for("ready").await?;
    let id = box_.id.clone();
    blocking(move || docker(["stop", "-t", "0", &id])).await?;
    let ended = tokio::time::timeout(Duration::from_secs(20), session.task).await???;
    assert_eq!(ended, TerminalEnded::ContainerStopped);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_without_a_shell_is_told() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("terminal-noshell");
    let engine = connect().await?;
    let tag = format!("berth-test/noshell:{}", run.id());
    // Only busybox under another name: no /bin/bash, /bin/sh or /bin/busybox.
    let dockerfile = format!(
        "FROM {BUSYBOX_IMAGE} AS tools\nFROM scratch\nCOPY --from=tools /bin/busybox /bb\nCMD [\"/bb\", \"sleep\", \"600\"]\n"
    );
    run.build_image(&tag, &dockerfile)?;
    let c = run.run("c", &[], &tag, &[])?;
    assert_eq!(engine.detect_shell(&c.id).await?, None);
    Ok(())
}
