//! The Bearer-token flow against a fake registry on loopback (Debian's `docker-registry`
//! needs a separate token server for it, so the engine tests cover Basic only): the registry
//! answers 401 with a `Bearer realm=...` challenge naming the scope; the token server takes
//! the docker CLI's login as Basic and gives a token; the registry takes the token.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::engine::CredentialStore;

const TOKEN: &str = "tok-123";

/// What one request looked like: first line and the Authorization header.
fn parse(request: &str) -> (String, Option<String>) {
    let mut lines = request.lines();
    let first = lines.next().unwrap_or_default().to_string();
    let auth = lines.find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("authorization")
            .then(|| v.trim().to_string())
    });
    (first, auth)
}

fn response(status: &str, headers: &[String], body: &str) -> String {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

/// A registry and its token server on one port; `basic` is the only login it takes.
async fn fake_registry(basic: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let tokens = Arc::new(AtomicUsize::new(0));
    let issued = tokens.clone();
    let realm = format!("http://{host}/token");
    tokio::spawn(async move {
        loop {
            let Ok((mut conn, _)) = listener.accept().await else {
                return;
            };
            let mut buf = vec![0u8; 8192];
            let n = conn.read(&mut buf).await.unwrap_or(0);
            let (first, auth) = parse(&String::from_utf8_lossy(&buf[..n]));
            let v2 = "Docker-Distribution-API-Version: registry/2.0".to_string();
            let challenge = |scope: &str| {
                format!("WWW-Authenticate: Bearer realm=\"{realm}\",service=\"fake\"{scope}")
            };
            let expected_basic = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(basic)
            );
            let bearer = format!("Bearer {TOKEN}");
            let reply = if first.starts_with("GET /token") {
                if auth.as_deref() == Some(expected_basic.as_str())
                    && first.contains("scope=registry%3Acatalog%3A")
                {
                    issued.fetch_add(1, Ordering::SeqCst);
                    response("200 OK", &[], &format!("{{\"token\":\"{TOKEN}\"}}"))
                } else if auth.is_some() {
                    response("401 Unauthorized", &[], "{}")
                } else {
                    // Anonymous tokens carry no rights here.
                    response("200 OK", &[], "{\"token\":\"anonymous\"}")
                }
            } else if auth.as_deref() == Some(bearer.as_str()) {
                response("200 OK", &[v2], "{\"repositories\":[\"team/app\"]}")
            } else if first.starts_with("GET /v2/ ") {
                response("401 Unauthorized", &[v2, challenge("")], "{}")
            } else {
                response(
                    "401 Unauthorized",
                    &[v2, challenge(",scope=\"registry:catalog:*\"")],
                    "{}",
                )
            };
            let _ = conn.write_all(reply.as_bytes()).await;
        }
    });
    (host, tokens)
}

fn client_with(host: &str, user: &str, password: &str) -> (tempfile::TempDir, RegistryClient) {
    let dir = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    std::fs::write(
        dir.path().join("config.json"),
        format!(r#"{{"auths":{{"{host}":{{"auth":"{auth}"}}}}}}"#),
    )
    .unwrap();
    let client = RegistryClient::new(CredentialStore::at(dir.path())).unwrap();
    (dir, client)
}

#[tokio::test]
async fn a_bearer_registry_gets_a_token_with_the_login_and_the_scope_it_asked_for() {
    let (host, tokens) = fake_registry("alice:pw").await;
    let (_dir, client) = client_with(&host, "alice", "pw");
    let page = list_repositories(&client, &host, false, None, None)
        .await
        .unwrap();
    assert_eq!(page.repositories, ["team/app"]);
    assert!(page.plain_http);
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_token_login_is_a_wrong_password_and_none_needs_a_login() {
    let (host, _) = fake_registry("alice:pw").await;
    let (_dir, client) = client_with(&host, "alice", "nope");
    let e = list_repositories(&client, &host, false, None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, RegistryError::WrongLogin { username, .. } if username == "alice"),
        "{e}"
    );
    let empty = tempfile::tempdir().unwrap();
    let anonymous = RegistryClient::new(CredentialStore::at(empty.path())).unwrap();
    let e = list_repositories(&anonymous, &host, false, None, None)
        .await
        .unwrap_err();
    assert!(matches!(e, RegistryError::NeedsLogin { .. }), "{e}");
}
