//! An SSH engine for real: a test sshd on loopback, `ssh` run by Berth with BatchMode, and
//! `docker system dial-stdio` on the "remote" side reaching this machine's engine. Berth must
//! list what the docker CLI lists, stream events over it, and explain each way SSH can fail.

use std::path::Path;
use std::time::Duration;

use berth_core::engine::{Endpoint, EndpointSource, Engine, EngineError, RemoteFailure};
use berth_tests::fixtures::{ensure_test_images, TestRun};
use berth_tests::test_sshd::TestSshd;

use crate::{blocking, TestResult};

async fn connect_ssh(uri: &str, config: &Path) -> Result<Engine, EngineError> {
    let endpoint =
        Endpoint::new(uri, EndpointSource::Settings).with_ssh_config(Some(config.to_path_buf()));
    match tokio::time::timeout(Duration::from_secs(40), Engine::connect(&endpoint)).await {
        Ok(result) => result,
        Err(_) => panic!("connecting to {uri} over SSH hung (BatchMode must prevent prompts)"),
    }
}

async fn failure_of(uri: &str, config: &Path) -> TestResult<(RemoteFailure, String)> {
    match connect_ssh(uri, config).await {
        Ok(engine) => Err(format!("connected although it must not: {:?}", engine.info()).into()),
        Err(e) => {
            let message = e
                .problem()
                .map(|p| p.message)
                .ok_or_else(|| format!("not an engine problem: {e}"))?;
            match e {
                EngineError::Remote { failure, .. } => Ok((failure, message)),
                other => Err(format!("expected an SSH failure, got: {other}").into()),
            }
        }
    }
}

#[tokio::test]
async fn ssh_engine_lists_like_the_cli_and_failures_are_explained() -> TestResult {
    let images = blocking(ensure_test_images).await?;
    let sshd = blocking(TestSshd::start).await?;
    let uri = sshd.uri();

    let run = TestRun::new("ssh");
    let busybox = images.busybox.clone();
    let made = blocking({
        let run_label = run.label();
        let name = run.name("over-ssh");
        move || {
            berth_tests::docker_cli::docker([
                "create", "--label", &run_label, "--name", &name, &busybox, "true",
            ])
        }
    })
    .await?;
    let id = made.trim().to_string();

    let engine = connect_ssh(&uri, &sshd.ssh_config("client")).await?;
    assert_eq!(engine.info().endpoint, uri);
    assert!(!engine.info().version.is_empty());
    let inventory = engine.inventory().await?;
    assert!(
        inventory.containers.iter().any(|c| c.id == id),
        "the container is not listed over SSH"
    );
    // The same record as over the socket (the same engine at the far end of the SSH hop);
    // not the whole list, which other tests running in parallel change meanwhile.
    let local = crate::connect().await?.inventory().await?;
    let find = |list: &[berth_core::domain::ContainerSummary]| {
        list.iter()
            .find(|c| c.id == id)
            .map(|c| (c.name.clone(), c.image.clone()))
    };
    assert_eq!(find(&inventory.containers), find(&local.containers));
    // Several requests in a row reuse the connections instead of failing.
    for _ in 0..5 {
        engine.ping().await?;
    }
    drop(engine);

    let (failure, message) = failure_of(&uri, &sshd.ssh_config("unknown-host")).await?;
    assert!(
        matches!(failure, RemoteFailure::SshHostKey { .. }),
        "{message}"
    );
    eprintln!("shown: {message}");

    let (failure, message) = failure_of(&uri, &sshd.ssh_config("stranger")).await?;
    assert!(
        matches!(failure, RemoteFailure::SshAuth { .. }),
        "{message}"
    );
    assert!(message.contains("never asks for a password"), "{message}");
    eprintln!("shown: {message}");

    let (failure, message) = failure_of(&uri, &sshd.ssh_config("nodocker")).await?;
    assert!(
        matches!(failure, RemoteFailure::SshNoDocker { .. }),
        "{message}"
    );
    eprintln!("shown: {message}");

    // Nothing listens on the port any more.
    let dead = uri.clone();
    drop(sshd);
    let config = std::env::temp_dir().join("berth-no-such-ssh-config");
    std::fs::write(&config, "Host *\n  StrictHostKeyChecking yes\n")?;
    let (failure, message) = failure_of(&dead, &config).await?;
    let _ = std::fs::remove_file(&config);
    assert!(
        matches!(failure, RemoteFailure::SshUnreachable { .. }),
        "{message}"
    );
    eprintln!("shown: {message}");
    Ok(())
}
