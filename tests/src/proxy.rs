//! A unix-socket proxy in front of the Docker engine that a test can switch off and on, to play
//! "the engine went away, then came back" without touching the shared daemon.
//!
//! [`EngineProxy::stop`] closes the listener, every live connection (so the app's event stream
//! drops at once) and removes the socket file (so reconnects fail with "no such file", as they
//! do when dockerd is down). [`EngineProxy::start`] listens on the same path again.
//!
//! It also records the request line (`GET /v1.41/containers/json HTTP/1.1`) of every request
//! sent through it ([`EngineProxy::requests`]), so a test can show that hostile input reached
//! no endpoint.
//!
//! The proxy runs on a small runtime of its own: it keeps forwarding while the test's runtime
//! is busy or blocked in a docker CLI call, and it works from sync code too.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::runtime::Runtime;
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

/// The default engine socket the proxy forwards to.
pub const DEFAULT_ENGINE_SOCKET: &str = "/var/run/docker.sock";

pub struct EngineProxy {
    path: PathBuf,
    target: PathBuf,
    running: Mutex<Option<Running>>,
    /// Connections forwarded right now (a leak test counts the app's engine connections).
    open: Arc<AtomicUsize>,
    /// Every request line sent to the engine, in order.
    requests: Requests,
    runtime: Option<Runtime>,
    _dir: tempfile::TempDir,
}

struct Running {
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

impl EngineProxy {
    /// A stopped proxy at a fresh temporary path, forwarding to the engine the docker CLI
    /// would use when that is a unix socket (`DOCKER_HOST=unix://...`), else
    /// [`DEFAULT_ENGINE_SOCKET`].
    pub fn new() -> std::io::Result<Self> {
        let target = std::env::var("DOCKER_HOST")
            .ok()
            .and_then(|h| h.strip_prefix("unix://").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_ENGINE_SOCKET));
        Self::to(target)
    }

    /// A stopped proxy at a fresh temporary path, forwarding to the socket `target`.
    pub fn to(target: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("berth-proxy-").tempdir()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("engine-proxy")
            .enable_all()
            .build()?;
        Ok(Self {
            path: dir.path().join("docker.sock"),
            target: target.into(),
            running: Mutex::new(None),
            open: Arc::new(AtomicUsize::new(0)),
            requests: Requests::default(),
            runtime: Some(runtime),
            _dir: dir,
        })
    }

    /// The socket the proxy listens on (absent while stopped).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `unix://<path>`, for `DOCKER_HOST`.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// How many client connections are open through the proxy right now.
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// The request lines sent through the proxy so far (`METHOD PATH HTTP/1.1`), in order.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.requests.0).clone()
    }

    /// Forgets the request lines recorded so far.
    pub fn clear_requests(&self) {
        lock(&self.requests.0).clear();
    }

    pub fn is_running(&self) -> bool {
        lock(&self.running).is_some()
    }

    /// Listens on [`Self::path`] and forwards every connection. A no-op when running.
    pub fn start(&self) -> std::io::Result<()> {
        let mut running = lock(&self.running);
        if running.is_some() {
            return Ok(());
        }
        let Some(runtime) = &self.runtime else {
            return Err(std::io::Error::other("the proxy has been shut down"));
        };
        // A leftover file would make bind fail with "address in use".
        let _ = std::fs::remove_file(&self.path);
        let listener = std::os::unix::net::UnixListener::bind(&self.path)?;
        listener.set_nonblocking(true)?;
        let listener = {
            let _context = runtime.enter();
            UnixListener::from_std(listener)?
        };
        let cancel = CancellationToken::new();
        let task = runtime.spawn(serve(
            listener,
            self.path.clone(),
            self.target.clone(),
            self.open.clone(),
            self.requests.clone(),
            cancel.clone(),
        ));
        *running = Some(Running { cancel, task });
        Ok(())
    }

    /// Stops listening, closes every live connection and removes the socket file; returns
    /// once all of that is done. A no-op when stopped.
    pub async fn stop(&self) {
        let running = lock(&self.running).take();
        if let Some(Running { cancel, task }) = running {
            cancel.cancel();
            let _ = task.await;
        }
    }
}

impl Drop for EngineProxy {
    fn drop(&mut self) {
        if let Some(running) = lock(&self.running).take() {
            running.cancel.cancel();
        }
        let _ = std::fs::remove_file(&self.path);
        // Allowed inside another runtime, unlike dropping it: tasks are dropped, sockets closed.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn serve(
    listener: UnixListener,
    path: PathBuf,
    target: PathBuf,
    open: Arc<AtomicUsize>,
    requests: Requests,
    cancel: CancellationToken,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((inbound, _)) => {
                    let counted = Open::new(open.clone());
                    connections.spawn(forward(
                        inbound,
                        target.clone(),
                        counted,
                        requests.clone(),
                        cancel.clone(),
                    ));
                }
                Err(e) => {
                    eprintln!("engine proxy: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Nobody can connect any more; then every open connection ends.
    let _ = std::fs::remove_file(&path);
    drop(listener);
    while connections.join_next().await.is_some() {}
}

/// Copies both ways until either side closes or the proxy stops, recording the request
/// lines the client sends; dropping the streams then closes both ends.
async fn forward(
    inbound: UnixStream,
    target: PathBuf,
    _counted: Open,
    requests: Requests,
    cancel: CancellationToken,
) {
    let outbound = match UnixStream::connect(&target).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("engine proxy: cannot reach {}: {e}", target.display());
            return;
        }
    };
    let (mut from_client, mut to_client) = inbound.into_split();
    let (mut from_engine, mut to_engine) = outbound.into_split();
    let upstream = async {
        let mut lines = LineScanner::default();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for line in lines.feed(&buf[..n]) {
                lock(&requests.0).push(line);
            }
            if to_engine.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = to_engine.shutdown().await;
    };
    let downstream = async {
        let _ = tokio::io::copy(&mut from_engine, &mut to_client).await;
        let _ = to_client.shutdown().await;
    };
    tokio::select! {
        _ = cancel.cancelled() => {}
        _ = async { tokio::join!(upstream, downstream) } => {}
    }
}

/// The request lines recorded, shared by every connection.
#[derive(Clone, Default)]
struct Requests(Arc<Mutex<Vec<String>>>);

/// Finds HTTP request lines in what a client sends: any line that reads
/// `METHOD /path HTTP/1.x`. Bodies rarely hold such a line, and a test only looks for paths
/// it chose. A line longer than [`MAX_LINE`] is skipped.
#[derive(Default)]
struct LineScanner {
    line: Vec<u8>,
    too_long: bool,
}

const MAX_LINE: usize = 16 * 1024;

impl LineScanner {
    fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut found = Vec::new();
        for &b in bytes {
            if b == b'\n' {
                if !self.too_long {
                    let text = String::from_utf8_lossy(&self.line);
                    let text = text.trim_end_matches('\r');
                    if is_request_line(text) {
                        found.push(text.to_string());
                    }
                }
                self.line.clear();
                self.too_long = false;
            } else if self.line.len() < MAX_LINE {
                self.line.push(b);
            } else {
                self.too_long = true;
            }
        }
        found
    }
}

fn is_request_line(line: &str) -> bool {
    let mut parts = line.split(' ');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(m), Some(_), Some(v), None)
            if ["GET", "POST", "PUT", "DELETE", "HEAD"].contains(&m) && v.starts_with("HTTP/1.")
    )
}

/// Counts one open connection for as long as it lives.
struct Open(Arc<AtomicUsize>);

impl Open {
    fn new(open: Arc<AtomicUsize>) -> Self {
        open.fetch_add(1, Ordering::SeqCst);
        Self(open)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// An echo server standing in for the engine.
    fn echo_server(dir: &Path) -> PathBuf {
        let path = dir.join("echo.sock");
        let listener = UnixListener::bind(&path).unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (mut r, mut w) = s.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
        });
        path
    }

    #[test]
    fn request_lines_are_found_across_reads_and_bodies_are_not() {
        let mut scanner = LineScanner::default();
        let mut found = scanner.feed(b"GET /v1.41/containers/json HTTP/1.1\r\nHost: d\r\n\r\nPO");
        found.extend(scanner.feed(b"ST /v1.41/containers/x/kill HTTP/1.1\r\n\r\n{\"a\": 1}\n"));
        assert_eq!(
            found,
            [
                "GET /v1.41/containers/json HTTP/1.1",
                "POST /v1.41/containers/x/kill HTTP/1.1"
            ]
        );
    }

    #[tokio::test]
    async fn stop_closes_live_connections_and_start_serves_again() {
        let dir = tempfile::tempdir().unwrap();
        let proxy = EngineProxy::to(echo_server(dir.path())).unwrap();
        assert!(!proxy.path().exists());
        proxy.start().unwrap();
        assert!(proxy.path().exists());

        let mut conn = UnixStream::connect(proxy.path()).await.unwrap();
        conn.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        conn.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");

        proxy.stop().await;
        assert!(!proxy.path().exists(), "the socket file is removed");
        let n = tokio::time::timeout(Duration::from_secs(2), conn.read(&mut buf))
            .await
            .expect("the live connection is closed")
            .unwrap_or(0);
        assert_eq!(n, 0);
        assert!(UnixStream::connect(proxy.path()).await.is_err());

        proxy.start().unwrap();
        let mut again = UnixStream::connect(proxy.path()).await.unwrap();
        again.write_all(b"pong").await.unwrap();
        again.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
    }
}
