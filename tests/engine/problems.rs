//! Engines that cannot be used, for real: missing sockets, sockets nobody listens on, closed
//! ports, unusable addresses, and something that answers HTTP but is not an engine. Each must
//! map to the problem kind the UI branches on, with a message naming the endpoint.

use std::sync::Arc;
use std::time::Duration;

use berth_core::domain::{EngineProblem, EngineProblemKind, EngineStatus};
use berth_core::engine::{Endpoint, EndpointSource, Engine};
use berth_core::services::{run_watcher, EngineHub, WatcherConfig};
use berth_tests::fixtures::run_id;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

use crate::watcher::{Recorder, Seen};
use crate::TestResult;

/// Connects to `uri` and returns the problem Berth reports; fails if it connects.
async fn problem_at(uri: &str) -> TestResult<EngineProblem> {
    let endpoint = Endpoint::new(uri, EndpointSource::DockerHost);
    let outcome = timeout(Duration::from_secs(10), Engine::connect(&endpoint))
        .await
        .map_err(|_| format!("connecting to {uri} hung instead of failing"))?;
    match outcome {
        Ok(engine) => Err(format!("connected to {uri}: {:?}", engine.info()).into()),
        Err(e) => match e.problem() {
            Some(problem) => Ok(problem),
            None => Err(format!("{uri}: `{e}` is not an engine problem").into()),
        },
    }
}

fn assert_problem(problem: &EngineProblem, kind: EngineProblemKind, uri: &str) {
    assert_eq!(problem.kind, kind, "{problem:?}");
    assert_eq!(problem.endpoint, uri, "{problem:?}");
    assert!(
        problem.message.contains(uri),
        "the message does not name {uri}: {problem:?}"
    );
    assert!(!problem.hint.is_empty(), "{problem:?}");
}

#[tokio::test]
async fn a_missing_socket_is_unreachable() -> TestResult {
    let uri = format!("unix:///tmp/berth-{}-nonexistent.sock", run_id());
    let problem = problem_at(&uri).await?;
    assert_problem(&problem, EngineProblemKind::Unreachable, &uri);
    Ok(())
}

#[tokio::test]
async fn a_socket_file_nobody_listens_on_is_unreachable() -> TestResult {
    let dir = tempfile::Builder::new().prefix("berth-stale-").tempdir()?;
    let path = dir.path().join("docker.sock");
    // Binding creates the file; dropping the listener leaves it behind, like a crashed daemon.
    drop(std::os::unix::net::UnixListener::bind(&path)?);
    assert!(path.exists());
    let uri = format!("unix://{}", path.display());
    let problem = problem_at(&uri).await?;
    assert_problem(&problem, EngineProblemKind::Unreachable, &uri);
    Ok(())
}

#[tokio::test]
async fn a_closed_tcp_port_is_unreachable() -> TestResult {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.local_addr()?.port()
    };
    let uri = format!("tcp://127.0.0.1:{port}");
    let problem = problem_at(&uri).await?;
    assert_problem(&problem, EngineProblemKind::Unreachable, &uri);
    Ok(())
}

#[tokio::test]
async fn an_unsupported_transport_is_a_bad_endpoint() -> TestResult {
    // ssh:// and tcp:// with TLS are supported now (tests/engine/remote_*.rs); named pipes are not.
    let uri = "npipe:////./pipe/docker_engine";
    let problem = problem_at(uri).await?;
    assert_problem(&problem, EngineProblemKind::BadEndpoint, uri);
    Ok(())
}

/// A web server that is not an engine: every request gets a 200 with a page of text.
async fn serve_not_an_engine(listener: tokio::net::TcpListener) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            let body = "<html>hello, I am not Docker</html>";
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_reports_what_is_wrong_at_the_endpoint() -> TestResult {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let web = format!("tcp://{}", listener.local_addr()?);
    let server = tokio::spawn(serve_not_an_engine(listener));
    let missing = format!("unix:///tmp/berth-{}-watcher-missing.sock", run_id());

    for (uri, kind) in [
        (missing, EngineProblemKind::Unreachable),
        (web, EngineProblemKind::Protocol),
    ] {
        let hub = Arc::new(EngineHub::new(&uri));
        let (sink, mut rx) = Recorder::new();
        let cancel = CancellationToken::new();
        let endpoint = Endpoint::new(uri.clone(), EndpointSource::DockerHost);
        let config = WatcherConfig::new(Arc::new(move || Ok(endpoint.clone())));
        let task = tokio::spawn(run_watcher(hub.clone(), sink, config, cancel.clone()));
        let _stop = cancel.clone().drop_guard();

        let first = timeout(Duration::from_secs(15), rx.recv()).await;
        match first {
            Ok(Some((_, Seen::Status(EngineStatus::Unavailable { problem })))) => {
                assert_problem(&problem, kind, &uri);
                assert_eq!(hub.status(), EngineStatus::Unavailable { problem });
            }
            other => {
                return Err(format!("{uri}: expected `unavailable` first, got {other:?}").into())
            }
        }
        assert!(hub.engine().is_err());
        cancel.cancel();
        timeout(Duration::from_secs(5), task).await??;
    }
    server.abort();
    Ok(())
}
