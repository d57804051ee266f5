//! SSH the way the docker CLI does it: each connection is an `ssh` process running
//! `docker system dial-stdio` on the remote host, and HTTP flows over its stdin/stdout.
//!
//! Chosen over forwarding a local socket with `ssh -L`: dial-stdio lets the remote docker CLI
//! find its own engine (its DOCKER_HOST or context, rootless or not) instead of Berth guessing
//! the remote socket path, it leaves no socket file on the local disk for other users to
//! reach, and each connection's failure comes with its own exit status and stderr. The cost
//! (one ssh handshake per connection) is paid rarely: hyper keeps idle connections for reuse.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Stdio;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::process::{ChildStdin, ChildStdout, Command};
use tokio::sync::oneshot;

use super::RemoteFailure;
use crate::engine::SshTarget;

/// How much of ssh's stderr is kept to explain a failure.
const STDERR_LIMIT: u64 = 4096;

pub(crate) struct SshDial {
    target: SshTarget,
    config: Option<PathBuf>,
}

impl SshDial {
    pub(crate) fn new(target: &SshTarget, config: Option<&Path>) -> Self {
        Self {
            target: target.clone(),
            config: config.map(Path::to_path_buf),
        }
    }

    /// The argv, without a shell. BatchMode makes ssh fail instead of prompting for a
    /// password or a host key (nobody could answer); `--` ends ssh's options before the
    /// destination, which `SshTarget` has already refused to start with '-'.
    pub(crate) fn argv(&self) -> Vec<String> {
        let mut argv: Vec<String> = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-T"]
            .map(String::from)
            .to_vec();
        if let Some(config) = &self.config {
            argv.push("-F".into());
            argv.push(config.display().to_string());
        }
        if let Some(port) = self.target.port {
            argv.push("-p".into());
            argv.push(port.to_string());
        }
        argv.push("--".into());
        argv.push(self.target.destination());
        argv.extend(["docker", "system", "dial-stdio"].map(String::from));
        argv
    }

    pub(crate) async fn connect(&self) -> io::Result<SshStream> {
        let mut child = Command::new("ssh")
            .args(self.argv())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                RemoteFailure::SshSpawn {
                    detail: e.to_string(),
                }
                .into_io()
            })?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(RemoteFailure::SshSpawn {
                detail: "no pipes to the ssh process".into(),
            }
            .into_io());
        };
        let (failure_tx, failure_rx) = oneshot::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let destination = self.target.destination();
        // Owns the process: ends it when the stream is dropped, or reports how it ended.
        tokio::spawn(async move {
            let mut text = String::new();
            let mut stderr = stderr.take(STDERR_LIMIT);
            let waited = async {
                let _ = stderr.read_to_string(&mut text).await;
                child.wait().await
            };
            tokio::select! {
                status = waited => {
                    let failure = match status {
                        Ok(status) => classify(status.code(), &text, &destination),
                        Err(e) => Some(RemoteFailure::SshSpawn { detail: e.to_string() }),
                    };
                    let _ = failure_tx.send(failure);
                }
                _ = stop_rx => {
                    let _ = child.kill().await;
                }
            }
        });
        Ok(SshStream {
            stdin,
            stdout,
            got_data: false,
            failure: Some(failure_rx),
            _stop: stop_tx,
        })
    }
}

/// ssh's own failures exit with 255 and a message from a small fixed set (OpenSSH's
/// sshconnect.c / sshconnect2.c); a missing remote command is the shell's 127. There is no
/// structured channel for these, so the stable phrases are matched, with the full text kept.
fn classify(code: Option<i32>, stderr: &str, destination: &str) -> Option<RemoteFailure> {
    let destination = destination.to_string();
    let detail = stderr.trim().to_string();
    match code {
        Some(0) => None,
        Some(255)
            if stderr.contains("Host key verification failed")
                || stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") =>
        {
            Some(RemoteFailure::SshHostKey { destination })
        }
        Some(255) if stderr.contains("Permission denied") => {
            Some(RemoteFailure::SshAuth { destination })
        }
        Some(255) => Some(RemoteFailure::SshUnreachable {
            destination,
            detail: if detail.is_empty() {
                "ssh exited with status 255".into()
            } else {
                detail
            },
        }),
        Some(127) => Some(RemoteFailure::SshNoDocker { destination }),
        other => Some(RemoteFailure::SshRemote {
            destination,
            detail: if detail.is_empty() {
                format!("exit status {other:?}")
            } else {
                detail
            },
        }),
    }
}

pub(crate) struct SshStream {
    stdin: ChildStdin,
    stdout: ChildStdout,
    /// Once the engine has answered, an end of stream is just the end of the connection.
    got_data: bool,
    failure: Option<oneshot::Receiver<Option<RemoteFailure>>>,
    /// Dropped with the stream: tells the owner task to end the ssh process.
    _stop: oneshot::Sender<()>,
}

impl SshStream {
    /// Before any answer, a closed pipe means ssh (or the remote command) failed: wait for
    /// the process to end and turn its status and stderr into the reason.
    fn poll_failure(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Error>> {
        if self.got_data {
            return Poll::Ready(None);
        }
        let Some(rx) = self.failure.as_mut() else {
            return Poll::Ready(None);
        };
        let outcome = match Pin::new(rx).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(outcome) => outcome,
        };
        self.failure = None;
        Poll::Ready(outcome.ok().flatten().map(RemoteFailure::into_io))
    }
}

impl AsyncRead for SshStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.stdout).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                this.got_data = true;
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Ok(())) => match this.poll_failure(cx) {
                Poll::Ready(Some(e)) => Poll::Ready(Err(e)),
                Poll::Ready(None) => Poll::Ready(Ok(())),
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stdin).poll_write(cx, buf) {
            Poll::Ready(Err(e)) => match this.poll_failure(cx) {
                Poll::Ready(Some(failure)) => Poll::Ready(Err(failure)),
                Poll::Ready(None) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdin).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdin).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_has_batch_mode_and_ends_options_before_the_destination() {
        let dial = SshDial::new(
            &SshTarget {
                user: Some("me".into()),
                host: "example.org".into(),
                port: Some(2222),
            },
            Some(Path::new("/tmp/cfg")),
        );
        let argv = dial.argv();
        let dd = argv.iter().position(|a| a == "--").unwrap();
        assert_eq!(
            &argv[dd..],
            ["--", "me@example.org", "docker", "system", "dial-stdio"]
        );
        assert!(argv.windows(2).any(|w| w == ["-o", "BatchMode=yes"]));
        assert!(argv.windows(2).any(|w| w == ["-p", "2222"]));
        assert!(argv.windows(2).any(|w| w == ["-F", "/tmp/cfg"]));
    }

    #[test]
    fn exit_statuses_and_ssh_messages_are_classified() {
        let c = |code, text: &str| classify(Some(code), text, "me@h");
        assert_eq!(c(0, ""), None);
        assert!(matches!(
            c(255, "me@h: Permission denied (publickey).\r\n"),
            Some(RemoteFailure::SshAuth { .. })
        ));
        assert!(matches!(
            c(255, "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n"),
            Some(RemoteFailure::SshHostKey { .. })
        ));
        assert!(matches!(
            c(255, "ssh: connect to host h port 22: Connection refused"),
            Some(RemoteFailure::SshUnreachable { .. })
        ));
        assert!(matches!(
            c(127, "bash: line 1: docker: command not found"),
            Some(RemoteFailure::SshNoDocker { .. })
        ));
        assert!(matches!(
            c(1, "Cannot connect to the Docker daemon"),
            Some(RemoteFailure::SshRemote { .. })
        ));
    }
}
