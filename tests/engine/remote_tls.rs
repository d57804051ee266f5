//! A TLS engine for real: a second dockerd with `--tlsverify` on 127.0.0.1, its CA, server and
//! client certificates made here with the `openssl` CLI. Berth must list what runs there, and
//! refuse clearly when the CA is wrong or the client certificate is missing or foreign.

use std::time::Duration;

use berth_core::engine::{Endpoint, EndpointSource, Engine, EngineError, RemoteFailure, TlsFiles};
use berth_tests::docker_cli::docker;
use berth_tests::extra_dockerd::ExtraDockerd;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::image_copy::copy_image;
use berth_tests::pki::Pki;
use berth_tests::registry::free_port;

use crate::{blocking, TestResult};

async fn connect_tls(uri: &str, files: TlsFiles) -> Result<Engine, EngineError> {
    let endpoint = Endpoint::new(uri, EndpointSource::Settings).with_tls(Some(files));
    match tokio::time::timeout(Duration::from_secs(30), Engine::connect(&endpoint)).await {
        Ok(result) => result,
        Err(_) => panic!("connecting to {uri} over TLS hung"),
    }
}

fn expect_failure(result: Result<Engine, EngineError>) -> TestResult<(RemoteFailure, String)> {
    match result {
        Ok(engine) => Err(format!("connected although it must not: {:?}", engine.info()).into()),
        Err(e @ EngineError::Remote { .. }) => {
            let problem = e
                .problem()
                .ok_or("a TLS failure must be an engine problem")?;
            let EngineError::Remote { failure, .. } = e else {
                unreachable!()
            };
            Ok((failure, problem.message))
        }
        Err(other) => Err(format!("expected a TLS failure, got: {other}").into()),
    }
}

#[tokio::test]
async fn tls_engine_is_listed_and_bad_certificates_fail_clearly() -> TestResult {
    blocking(ensure_test_images).await?;
    let pki = blocking(Pki::make).await?;
    let port = free_port()?;
    let args: Vec<String> = vec![
        "-H".into(),
        format!("tcp://127.0.0.1:{port}"),
        "--tlsverify".into(),
        "--tlscacert".into(),
        pki.path("ca.pem").display().to_string(),
        "--tlscert".into(),
        pki.path("server-cert.pem").display().to_string(),
        "--tlskey".into(),
        pki.path("server-key.pem").display().to_string(),
    ];
    let daemon = blocking(move || ExtraDockerd::start("tls", &args)).await?;

    // Something to list: the busybox image and one labelled container, made with the CLI
    // over the daemon's unix socket (the reference), then read by Berth over TLS.
    let host = daemon.host();
    // By name: `images.busybox` is the ID, and saving by ID would load it untagged.
    let busybox = BUSYBOX_IMAGE;
    let run = TestRun::new("tls");
    let (label, name) = (run.label(), run.name("over-tls"));
    let container_id = blocking(move || -> TestResult<String> {
        copy_image(
            busybox,
            &[
                "docker".into(),
                "-H".into(),
                host.clone().into(),
                "load".into(),
            ],
            &[],
        )?;
        let id = docker([
            "-H", &host, "create", "--label", &label, "--name", &name, busybox, "true",
        ])?;
        Ok(id.trim().to_string())
    })
    .await?;

    let uri = format!("tcp://127.0.0.1:{port}");
    let engine = connect_tls(&uri, pki.files("ca", Some("client"))).await?;
    assert_eq!(engine.info().endpoint, uri);
    let inventory = engine.inventory().await?;
    assert!(
        inventory.containers.iter().any(|c| c.id == container_id),
        "the container made on the TLS engine is not listed: {:?}",
        inventory.containers
    );
    assert!(
        inventory
            .images
            .iter()
            .any(|i| i.tags.iter().any(|t| t == BUSYBOX_IMAGE)),
        "the image loaded into the TLS engine is not listed: {:?}",
        inventory.images
    );
    // The default engine does not have that container: Berth really talked to the other one.
    let main = crate::connect().await?;
    assert!(!main
        .inventory()
        .await?
        .containers
        .iter()
        .any(|c| c.id == container_id));

    // A CA that did not sign the engine's certificate.
    let (failure, message) =
        expect_failure(connect_tls(&uri, pki.files("wrong-ca", Some("client"))).await)?;
    assert!(
        matches!(failure, RemoteFailure::TlsUntrusted { .. }),
        "{failure:?}"
    );
    assert!(message.contains("not trusted"), "{message}");
    assert!(message.contains("wrong-ca.pem"), "{message}");
    eprintln!("shown: {message}");

    // No client certificate at all: the engine demands one.
    let (failure, message) = expect_failure(connect_tls(&uri, pki.files("ca", None)).await)?;
    assert_eq!(failure, RemoteFailure::TlsClientCertMissing, "{message}");
    assert!(
        message.contains("requires a client certificate"),
        "{message}"
    );

    // A client certificate file that is not there: said before any connection is tried.
    let mut missing = pki.files("ca", Some("client"));
    missing.cert = Some(pki.path("nowhere/cert.pem"));
    let (failure, message) = expect_failure(connect_tls(&uri, missing).await)?;
    assert!(
        matches!(failure, RemoteFailure::TlsFile { .. }),
        "{failure:?}"
    );
    assert!(message.contains("nowhere/cert.pem"), "{message}");
    eprintln!("shown: {message}");

    // A client certificate from a CA the engine does not trust.
    let (failure, message) =
        expect_failure(connect_tls(&uri, pki.files("ca", Some("stranger"))).await)?;
    assert!(
        matches!(failure, RemoteFailure::TlsClientCertRejected { .. }),
        "{failure:?}: {message}"
    );

    drop(daemon);
    Ok(())
}
