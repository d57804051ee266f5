//! Finding and running an image by name (issue #20) against loopback registries (Debian's
//! `docker-registry`), one open and one with a login: the catalog page by page and the tags;
//! a reference the engine lacks is checked (valid, expanded, the registry has it), then
//! pulled and launched as 3 replicas through the launcher, as the dialog does; a missing
//! login, a wrong password, a registry that does not answer and a server that is not a
//! registry each say their own thing; malformed names reach no endpoint; Docker Hub search
//! says "no network" when the engine has none.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use berth_core::domain::launch::LaunchRequest;
use berth_core::domain::pull::PullProgress;
use berth_core::domain::reference::RemoteCheck;
use berth_core::domain::registry::HubSearch;
use berth_core::engine::{resolve_endpoint, CredentialStore, Endpoint, EndpointSource, Engine};
use berth_core::services::launch::{
    launch, new_group_id, preview_launch, LaunchOptions, ReplicaProgress,
};
use berth_core::services::registry::{
    check_reference, list_repositories, list_tags, search_hub, RegistryClient, RegistryError,
};
use berth_tests::docker_cli::{docker, image_id};
use berth_tests::fixtures::{ensure_test_images, TestRun};
use berth_tests::http_stub::HttpStub;
use berth_tests::pki::Pki;
use berth_tests::proxy::EngineProxy;
use berth_tests::registry::{free_port, LocalRegistry};
use berth_tests::sinks::Collected;
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

/// A registry client with no logins at all (an empty docker CLI configuration).
fn anonymous() -> (tempfile::TempDir, RegistryClient) {
    let dir = tempfile::tempdir().unwrap();
    let client = RegistryClient::new(CredentialStore::at(dir.path())).unwrap();
    (dir, client)
}

/// What the dialog's "Next" does: the launch dialog with the reference, 3 replicas, pulled
/// first. Returns the pull progress seen.
async fn launch_three(
    engine: &Engine,
    run: &TestRun,
    reference: &str,
) -> TestResult<Vec<PullProgress>> {
    let req = LaunchRequest {
        image: reference.into(),
        replicas: "3".into(),
        name_pattern: format!("{}-{{n}}", run.name("reg")),
        command: "sleep 600".into(),
        labels: run.label(),
        ..Default::default()
    };
    let group = new_group_id();
    let preview = preview_launch(engine, &req, &group).await?;
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    let pull = preview.pull.clone().expect("the image is pulled first");
    assert_eq!(
        preview.commands[0],
        format!("docker pull {}", pull.reference)
    );
    let pulls = Arc::new(Collected::<PullProgress>::default());
    let outcome = launch(
        engine,
        &req,
        &group,
        Arc::new(Collected::<Vec<ReplicaProgress>>::default()),
        pulls.clone(),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await
    .map_err(|e| format!("{e}: {e:?}"))?;
    assert!(!outcome.cancelled);
    assert_eq!(outcome.running_ids().len(), 3, "{:?}", outcome.replicas);
    let running = docker(["ps", "-q", "--filter", &run.filter()])?;
    assert_eq!(running.lines().count(), 3, "3 replicas are running");
    let seen = pulls.items();
    assert!(
        seen.iter().any(|p| !p.layers.is_empty()),
        "pull progress per layer: {seen:?}"
    );
    Ok(seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_registry_is_browsed_and_its_image_runs_as_three_replicas() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("registry-open");
    let engine = connect().await?;
    let registry = LocalRegistry::start()?;
    let a1 = registry.push_fresh_image(&run, "berth/browse-a:v1", &[256, 256])?;
    registry.push_fresh_image(&run, "berth/browse-a:latest", &[16])?;
    registry.push_fresh_image(&run, "berth/browse-b:1.0", &[16])?;
    let (_dir, client) = anonymous();
    let host = registry.host();

    // The catalog, one repository per page, then all at once.
    let first = list_repositories(&client, &host, false, None, Some(1)).await?;
    assert_eq!(first.repositories, ["berth/browse-a"]);
    assert!(
        first.plain_http,
        "a loopback registry without TLS is plain HTTP"
    );
    let next = first.next.clone().expect("a second page");
    let second = list_repositories(&client, &host, false, Some(&next), Some(1)).await?;
    assert_eq!(second.repositories, ["berth/browse-b"]);
    let all = list_repositories(&client, &host, false, None, None).await?;
    assert_eq!(all.repositories, ["berth/browse-a", "berth/browse-b"]);
    assert_eq!(all.next, None);

    let tags = list_tags(&client, &host, false, "berth/browse-a").await?;
    assert_eq!(tags.tags, ["latest", "v1"]);
    assert!(!tags.truncated);
    let e = list_tags(&client, &host, false, "berth/nope")
        .await
        .unwrap_err();
    assert!(matches!(e, RegistryError::UnknownRepository { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!("{host} has no repository “berth/nope”")
    );

    // The dialog's check: valid, from this registry, not on the engine, the registry has it.
    let check = check_reference(&engine, &client, &a1).await?;
    assert_eq!(check.error, None);
    assert_eq!(check.expanded.as_deref(), Some(a1.as_str()));
    assert_eq!(check.registry.as_deref(), Some(host.as_str()));
    assert_eq!(check.local_id, None);
    assert_eq!(check.remote, Some(RemoteCheck::Found));
    // An unknown tag is said before anything is pulled, with the tags there are.
    let v9 = format!("{host}/berth/browse-a:v9");
    let check = check_reference(&engine, &client, &v9).await?;
    let Some(RemoteCheck::UnknownTag { message, tags }) = check.remote else {
        panic!("{v9} is an unknown tag: {check:?}");
    };
    assert!(message.contains("no tag “v9”"), "{message}");
    assert_eq!(tags, ["latest", "v1"]);
    let check = check_reference(&engine, &client, &format!("{host}/berth/gone:v1")).await?;
    assert!(
        matches!(check.remote, Some(RemoteCheck::UnknownRepository { .. })),
        "{check:?}"
    );

    // An image ID the engine does not have is an error; there is nothing to pull.
    let absent = format!("sha256:{}", "0".repeat(64));
    let check = check_reference(&engine, &client, &absent).await?;
    assert!(check
        .error
        .unwrap_or_default()
        .contains("no image with the ID"));

    // Next: pulled with progress, 3 replicas running, and now the engine has it.
    launch_three(&engine, &run, &a1).await?;
    let check = check_reference(&engine, &client, &a1).await?;
    let id = image_id(&a1)?;
    assert_eq!(check.local_id, id);
    assert_eq!(check.remote, None, "a local image needs no registry");
    // ...and by its ID too.
    let id = id.unwrap_or_default();
    let check = check_reference(&engine, &client, &id).await?;
    assert_eq!((check.error, check.local_id), (None, Some(id)));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_with_a_login_needs_the_right_one() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("registry-login");
    let registry = LocalRegistry::start_with_login("berth", "right-pass")?;
    let private = registry.push_fresh_image(&run, "berth/private:v1", &[128, 128])?;
    let host = registry.host();

    // No login at all.
    let (_none, client) = anonymous();
    let needs = list_repositories(&client, &host, false, None, None)
        .await
        .unwrap_err();
    assert!(matches!(needs, RegistryError::NeedsLogin { .. }), "{needs}");
    assert!(
        needs
            .to_string()
            .contains(&format!("run `docker login {host}`")),
        "{needs}"
    );

    // A login with the wrong password: its own message, naming the user.
    let wrong_dir = registry.unchecked_login("berth", "wrong-pass")?;
    let wrong_client = RegistryClient::new(CredentialStore::at(wrong_dir.path()))?;
    let wrong = list_tags(&wrong_client, &host, false, "berth/private")
        .await
        .unwrap_err();
    assert!(matches!(wrong, RegistryError::WrongLogin { .. }), "{wrong}");
    assert!(
        wrong.to_string().contains("refused the login of “berth”")
            && wrong.to_string().contains("password is wrong"),
        "{wrong}"
    );
    assert_ne!(needs.to_string(), wrong.to_string());

    // The login `docker login` saved: catalog, tags, and the check finds the image.
    let good_dir = registry.docker_login("berth", "right-pass")?;
    let client = RegistryClient::new(CredentialStore::at(good_dir.path()))?;
    let all = list_repositories(&client, &host, false, None, None).await?;
    assert_eq!(all.repositories, ["berth/private"]);
    let tags = list_tags(&client, &host, false, "berth/private").await?;
    assert_eq!(tags.tags, ["v1"]);

    // The engine pulls with the same login (as `docker pull` sends it), 3 replicas run.
    let endpoint = resolve_endpoint()?.with_docker_config(Some(good_dir.path().to_path_buf()));
    let engine = Engine::connect(&endpoint).await?;
    let check = check_reference(&engine, &client, &private).await?;
    assert_eq!(check.remote, Some(RemoteCheck::Found), "{check:?}");
    launch_three(&engine, &run, &private).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_not_a_registry_and_malformed_names_each_say_so() -> TestResult {
    let (_dir, client) = anonymous();

    let closed = format!("127.0.0.1:{}", free_port()?);
    let e = list_repositories(&client, &closed, false, None, None)
        .await
        .unwrap_err();
    assert!(matches!(e, RegistryError::Unreachable { .. }), "{e}");
    assert!(
        e.to_string()
            == format!("{closed} does not answer: nothing is listening there (connection refused)"),
        "{e}"
    );

    let web = HttpStub::start(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot here\n",
    )?;
    let e = list_repositories(&client, &web.host(), true, None, None)
        .await
        .unwrap_err();
    assert!(matches!(e, RegistryError::NotARegistry { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("answers, but it is not a container registry"),
        "{e}"
    );
    assert!(web.hits() > 0);

    // Malformed: nothing is asked of the registry...
    let quiet = HttpStub::start("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")?;
    for (registry, repository) in [
        (format!("{}/team", quiet.host()), "app"),
        (quiet.host(), "Team/App"),
        (quiet.host(), "app:v1"),
        ("not a host".to_string(), "app"),
    ] {
        let e = list_tags(&client, &registry, true, repository)
            .await
            .unwrap_err();
        assert!(
            matches!(e, RegistryError::BadName(_)),
            "{registry} {repository}: {e}"
        );
    }
    assert_eq!(quiet.hits(), 0, "a malformed name reached the registry");

    // ...nor of the engine: with the engine gone, a malformed reference is still answered.
    let proxy = EngineProxy::new()?;
    proxy.start()?;
    let engine =
        Engine::connect(&Endpoint::new(proxy.docker_host(), EndpointSource::Default)).await?;
    proxy.stop().await;
    let check = check_reference(&engine, &client, "Nginx:1.27").await?;
    let error = check.error.unwrap_or_default();
    assert!(error.contains("did you mean “nginx:1.27”"), "{error}");
    assert!(
        check_reference(&engine, &client, "nginx:1.27")
            .await
            .is_err(),
        "a valid reference does ask the engine (which is gone)"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_search_says_no_network_when_the_engine_has_none() -> TestResult {
    let engine = connect().await?;
    let outcome = search_hub(&engine, "busybox").await?;
    // The docker CLI is the witness of whether the engine reaches Docker Hub.
    // Same limit as Berth's (the CLI's default, 25), so the engine's words match.
    match (outcome, docker(["search", "--limit", "25", "busybox"])) {
        (
            HubSearch::NoNetwork {
                message, detail, ..
            },
            Err(cli),
        ) => {
            assert!(message.starts_with("No network: the Docker engine cannot reach Docker Hub"));
            let cli = cli.to_string();
            assert!(
                cli.contains(detail.trim()),
                "the engine's words: {detail} / {cli}"
            );
        }
        (HubSearch::Results { images, .. }, Ok(_)) => assert!(!images.is_empty()),
        (outcome, cli) => panic!("Berth and the CLI disagree: {outcome:?} / {cli:?}"),
    }
    assert!(
        search_hub(&engine, "  ").await.is_err(),
        "an empty search asks nothing"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_refused_not_bypassed() -> TestResult {
    // A registry with a certificate from a CA nobody trusts: Berth says so, and does not
    // fall back to plain HTTP around it, even on loopback.
    let pki = blocking(Pki::make).await?;
    let registry =
        LocalRegistry::start_with_tls(&pki.path("server-cert.pem"), &pki.path("server-key.pem"))?;
    let (_dir, client) = anonymous();
    let e = list_repositories(&client, &registry.host(), false, None, None)
        .await
        .unwrap_err();
    assert!(matches!(e, RegistryError::Tls { .. }), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("certificate verify failed") && text.contains("Berth always verifies"),
        "{text}"
    );
    Ok(())
}
