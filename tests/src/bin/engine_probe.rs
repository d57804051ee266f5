//! Resolves the engine endpoint the way Berth does (`DOCKER_HOST`, docker context, default
//! socket), connects, and prints the outcome as one JSON line:
//! `{"endpoint":"unix:///var/run/docker.sock","connected":false,"kind":"permission_denied","message":"..."}`
//! or `{"endpoint":"...","connected":true,"version":"20.10.24"}`.
//!
//! The engine tests run it as an unprivileged user (root may open any socket), so that
//! "permission denied" is observed for real rather than simulated.

use std::process::ExitCode;

use berth_core::engine::{resolve_endpoint, Engine, EngineError};
use serde_json::{json, Value};

fn failure(endpoint: &str, error: &EngineError) -> Value {
    match error.problem() {
        Some(problem) => json!({
            "endpoint": endpoint,
            "connected": false,
            "kind": problem.kind,
            "message": problem.message,
        }),
        None => json!({
            "endpoint": endpoint,
            "connected": false,
            "kind": "other",
            "message": error.to_string(),
        }),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let outcome = match resolve_endpoint() {
        Err(e) => failure("", &e),
        Ok(endpoint) => match Engine::connect(&endpoint).await {
            Ok(engine) => json!({
                "endpoint": endpoint.uri,
                "connected": true,
                "version": engine.info().version,
            }),
            Err(e) => failure(&endpoint.uri, &e),
        },
    };
    println!("{outcome}");
    ExitCode::SUCCESS
}
