//! Berth's engine layer against the real Docker daemon (`cargo test -p berth-tests --test
//! engine`). The docker CLI is the reference: what Berth reads must agree with what it prints.
//!
//! Needs a running engine reachable the way the docker CLI finds it (`DOCKER_HOST`, the
//! current context, or /var/run/docker.sock) and Debian's busybox-static for the test images;
//! `scripts/setup.sh` provides both. Each test owns a `TestRun` guard that removes what it
//! made, so the tests run in parallel and leave nothing behind, even when they fail.

mod actions;
mod bounds;
mod cli_equiv;
mod compose;
mod container_files;
mod engines_overview;
mod first_run;
mod images;
mod inventory;
mod inventory_events;
mod launch;
mod launch_pull;
mod layers;
mod lessons;
mod limits;
mod logs;
mod networks;
mod permission;
mod podman;
mod port_links;
mod problems;
mod prune;
mod quit_launch;
mod reconnect_fds;
mod registry;
mod remote_ssh;
mod remote_tls;
mod stats;
mod stats_streams;
mod swarm;
mod terminal;
mod tray;
mod trust;
mod unhealthy;
mod volumes;
mod watcher;

use std::time::Duration;

use berth_core::engine::{resolve_endpoint, Engine};

/// What a failed test reports: the message as written, line breaks and all (a boxed error
/// would be printed as an escaped string by the test harness).
struct Failure(String);

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

// `Failure` is deliberately not `Display`, so this does not overlap `From<T> for T`.
impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Self(e.to_string())
    }
}

type TestResult<T = ()> = Result<T, Failure>;

/// The engine the docker CLI talks to, connected the way the app connects.
async fn connect() -> TestResult<Engine> {
    let endpoint = resolve_endpoint()?;
    let connected = tokio::time::timeout(Duration::from_secs(30), Engine::connect(&endpoint))
        .await
        .map_err(|_| format!("connecting to {} took over 30 s", endpoint.uri))?;
    connected.map_err(|e| {
        format!("these tests need a running Docker engine (scripts/setup.sh starts one): {e}")
            .into()
    })
}

/// Runs blocking work (a docker CLI call) off the async worker threads.
async fn blocking<T, F>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => value,
        // Fail the test with the closure's own panic message.
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("a blocking task did not finish: {e}"),
        },
    }
}
