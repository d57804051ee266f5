//! A registry v2 API session: finds how to reach the registry (HTTPS, verified; plain HTTP
//! only on this computer or when asked), answers its login challenge (Basic, or a Bearer
//! token from its token server) with the docker CLI's login, and reads bounded JSON pages.

use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LINK, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::RegistryError;
use crate::domain::reference::RegistryName;
use crate::domain::registry::Challenge;
use crate::engine::{CredentialStore, RegistryLogin, Secret};

/// The most bytes read from one answer; a catalog page of 1,000 long names is ~100 KiB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Time to set up a connection (a host that drops packets says nothing).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time for a whole request, answer included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The header a v2 registry sends on every answer.
const API_VERSION_HEADER: &str = "docker-distribution-api-version";
/// What a manifest check accepts: single images and multi-platform indexes, Docker and OCI.
const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// Builds sessions; one HTTP client (connection pool) for all of them.
#[derive(Clone)]
pub struct RegistryClient {
    http: reqwest::Client,
    credentials: CredentialStore,
}

impl RegistryClient {
    /// A client whose logins come from `credentials`. TLS is always verified against the
    /// system's trusted certificates (nothing here turns that off).
    pub fn new(credentials: CredentialStore) -> Result<Self, RegistryError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("Berth/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| RegistryError::Unreachable {
                registry: "the registry".into(),
                why: format!("cannot set up HTTPS: {e}"),
            })?;
        Ok(Self { http, credentials })
    }

    /// Reaches `name`'s v2 API and answers its login challenge if it has one.
    pub async fn open(&self, name: &RegistryName) -> Result<Session<'_>, RegistryError> {
        let schemes: &[&str] = if name.plain_http {
            &["http"]
        } else if name.is_loopback() {
            // The engine allows plain HTTP on loopback too; HTTPS is still tried first.
            &["https", "http"]
        } else {
            &["https"]
        };
        let api_host = match name.is_docker_hub() {
            // Docker Hub's v2 API lives on its own host.
            true => "registry-1.docker.io",
            false => name.host.as_str(),
        };
        let mut first_failure: Option<RegistryError> = None;
        for (i, scheme) in schemes.iter().enumerate() {
            let base = format!("{scheme}://{api_host}");
            let mut session = Session {
                client: self,
                name: name.clone(),
                base,
                auth: None,
                login: None,
            };
            match session.ping().await {
                Ok(()) => return Ok(session),
                Err(e @ (RegistryError::Unreachable { .. } | RegistryError::Tls { .. }))
                    if i + 1 < schemes.len() =>
                {
                    first_failure = Some(e);
                }
                // A TLS server refuses plain HTTP too: then its TLS problem (an untrusted
                // certificate) is the one to tell, not "not a registry".
                Err(e) => {
                    return Err(match (first_failure, e) {
                        (
                            Some(tls @ RegistryError::Tls { .. }),
                            RegistryError::NotARegistry { .. },
                        ) => tls,
                        (_, e) => e,
                    })
                }
            }
        }
        Err(first_failure.unwrap_or_else(|| RegistryError::Unreachable {
            registry: name.host.clone(),
            why: "no way to reach it".into(),
        }))
    }
}

/// One registry, reached and (if it asked) logged in to.
pub struct Session<'a> {
    client: &'a RegistryClient,
    name: RegistryName,
    /// `https://host[:port]` (or `http://`).
    base: String,
    /// The Authorization header that worked last.
    auth: Option<HeaderValue>,
    /// The docker CLI's login, read once when first needed (`Some(None)`: there is none).
    login: Option<Option<RegistryLogin>>,
}

/// A JSON answer and its `Link` header (the next page).
pub struct Page<T> {
    pub body: T,
    pub link: Option<String>,
}

impl Session<'_> {
    pub fn plain_http(&self) -> bool {
        self.base.starts_with("http://")
    }

    fn registry(&self) -> String {
        self.name.host.clone()
    }

    async fn ping(&mut self) -> Result<(), RegistryError> {
        let url = self.url("/v2/", &[])?;
        let response = self.send(Method::GET, url, None).await?;
        let status = response.status();
        let is_v2 = response.headers().contains_key(API_VERSION_HEADER);
        if status.is_success() && is_v2 {
            return Ok(());
        }
        if status == StatusCode::UNAUTHORIZED && response.headers().contains_key(WWW_AUTHENTICATE) {
            // Logging in can wait for the first real request: its challenge names the scope
            // a token must carry. A Basic registry gets its header at once.
            if let Some(Challenge::Basic) = challenge_of(response.headers()) {
                self.auth = Some(self.authorize(&Challenge::Basic).await?);
            }
            return Ok(());
        }
        Err(RegistryError::NotARegistry {
            registry: self.registry(),
            why: format!("{}/v2/ answered HTTP {}", self.base, status.as_u16()),
        })
    }

    /// `GET path?query` as JSON, logging in when challenged. `Ok(None)`: HTTP 404.
    pub async fn get_json<T: DeserializeOwned>(
        &mut self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Option<Page<T>>, RegistryError> {
        let url = self.url(path, query)?;
        let Some(response) = self.request(Method::GET, url, None).await? else {
            return Ok(None);
        };
        let link = response
            .headers()
            .get(LINK)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = self.read_bounded(response).await?;
        let body = serde_json::from_slice(&bytes).map_err(|e| RegistryError::NotARegistry {
            registry: self.registry(),
            why: format!("its answer to {path} is not the v2 API's JSON: {e}"),
        })?;
        Ok(Some(Page { body, link }))
    }

    /// Whether a manifest exists (`HEAD`), for "is there such a tag".
    pub async fn manifest_exists(
        &mut self,
        repository: &str,
        reference: &str,
    ) -> Result<bool, RegistryError> {
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"), &[])?;
        let accept = HeaderValue::from_static(MANIFEST_TYPES);
        Ok(self
            .request(Method::HEAD, url, Some(accept))
            .await?
            .is_some())
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, RegistryError> {
        let mut url = Url::parse(&format!("{}{path}", self.base)).map_err(|e| {
            RegistryError::NotARegistry {
                registry: self.registry(),
                why: format!("cannot make a URL of it: {e}"),
            }
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends, answers one login challenge, and maps what the status means. `Ok(None)`: 404.
    async fn request(
        &mut self,
        method: Method,
        url: Url,
        accept: Option<HeaderValue>,
    ) -> Result<Option<reqwest::Response>, RegistryError> {
        let mut response = self
            .send(method.clone(), url.clone(), accept.clone())
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            let challenge =
                challenge_of(response.headers()).ok_or_else(|| RegistryError::NotARegistry {
                    registry: self.registry(),
                    why: "it refused the request without saying how to log in".into(),
                })?;
            self.auth = Some(self.authorize(&challenge).await?);
            response = self.send(method, url, accept).await?;
            if response.status() == StatusCode::UNAUTHORIZED {
                return Err(self.refused(&challenge));
            }
        }
        let status = response.status();
        match status {
            s if s.is_success() => Ok(Some(response)),
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::FORBIDDEN => Err(match self.username() {
                Some(username) => RegistryError::Denied {
                    registry: self.registry(),
                    username,
                },
                None => RegistryError::NeedsLogin {
                    registry: self.registry(),
                },
            }),
            s => Err(RegistryError::Server {
                registry: self.registry(),
                status: s.as_u16(),
            }),
        }
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        accept: Option<HeaderValue>,
    ) -> Result<reqwest::Response, RegistryError> {
        let mut request = self.client.http.request(method, url);
        if let Some(auth) = &self.auth {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        request
            .send()
            .await
            .map_err(|e| transport_error(&self.registry(), &e))
    }

    async fn read_bounded(
        &self,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, RegistryError> {
        let too_large = || RegistryError::TooLarge {
            registry: self.registry(),
            max_bytes: MAX_BODY_BYTES,
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(&self.registry(), &e))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn login(&mut self) -> Result<Option<RegistryLogin>, RegistryError> {
        if let Some(login) = &self.login {
            return Ok(login.clone());
        }
        let login = self.client.credentials.login_for(&self.name.host).await?;
        self.login = Some(login.clone());
        Ok(login)
    }

    fn username(&self) -> Option<String> {
        self.login
            .as_ref()
            .and_then(Option::as_ref)
            .map(|l| l.username.clone())
    }

    /// The error for a login that did not get in.
    fn refused(&self, challenge: &Challenge) -> RegistryError {
        let registry = self.registry();
        match (self.username(), challenge) {
            (None, _) => RegistryError::NeedsLogin { registry },
            (Some(username), Challenge::Basic) => RegistryError::WrongLogin { registry, username },
            // The token server gave a token, but not for this.
            (Some(username), Challenge::Bearer { .. }) => {
                RegistryError::Denied { registry, username }
            }
        }
    }

    /// The Authorization header that answers `challenge`.
    async fn authorize(&mut self, challenge: &Challenge) -> Result<HeaderValue, RegistryError> {
        let login = self.login().await?;
        match challenge {
            Challenge::Basic => {
                let Some(RegistryLogin {
                    username,
                    secret: Secret::Password(password),
                }) = login
                else {
                    return Err(RegistryError::NeedsLogin {
                        registry: self.registry(),
                    });
                };
                if self.plain_http() && !self.name.is_loopback() {
                    return Err(RegistryError::PlainHttpLogin {
                        registry: self.registry(),
                    });
                }
                header(&basic(&username, &password))
            }
            Challenge::Bearer {
                realm,
                service,
                scope,
            } => {
                let token = self
                    .token(realm, service.as_deref(), scope.as_deref(), login)
                    .await?;
                header(&format!("Bearer {token}"))
            }
        }
    }

    /// A token from the registry's token server, with the login if there is one (else
    /// anonymous, which public repositories allow).
    async fn token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: Option<&str>,
        login: Option<RegistryLogin>,
    ) -> Result<String, RegistryError> {
        let registry = self.registry();
        let mut url = Url::parse(realm).map_err(|_| RegistryError::NotARegistry {
            registry: registry.clone(),
            why: format!("its token server “{realm}” is not a URL"),
        })?;
        let realm_loopback =
            RegistryName::parse(url.host_str().unwrap_or_default()).is_ok_and(|n| n.is_loopback());
        if url.scheme() != "https" && !(url.scheme() == "http" && realm_loopback) {
            return Err(RegistryError::PlainHttpLogin { registry });
        }
        let mut params: Vec<(&str, &str)> = Vec::new();
        if let Some(service) = service {
            params.push(("service", service));
        }
        if let Some(scope) = scope {
            params.push(("scope", scope));
        }
        let request = match &login {
            Some(RegistryLogin {
                secret: Secret::IdentityToken(token),
                ..
            }) => {
                // OAuth refresh with the identity token `docker login` got.
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.extend_pairs(&params);
                form.append_pair("grant_type", "refresh_token");
                form.append_pair("refresh_token", token);
                form.append_pair("client_id", "berth");
                self.client
                    .http
                    .post(url)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.finish())
            }
            Some(RegistryLogin {
                username,
                secret: Secret::Password(password),
            }) => {
                url.query_pairs_mut().extend_pairs(&params);
                self.client
                    .http
                    .get(url)
                    .header(AUTHORIZATION, header(&basic(username, password))?)
            }
            None => {
                url.query_pairs_mut().extend_pairs(&params);
                self.client.http.get(url)
            }
        };
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&registry, &e))?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(match login {
                Some(login) => RegistryError::WrongLogin {
                    registry,
                    username: login.username,
                },
                None => RegistryError::NeedsLogin { registry },
            });
        }
        if !status.is_success() {
            return Err(RegistryError::Server {
                registry,
                status: status.as_u16(),
            });
        }
        #[derive(Deserialize)]
        struct TokenAnswer {
            token: Option<String>,
            access_token: Option<String>,
        }
        let bytes = self.read_bounded(response).await?;
        let answer: TokenAnswer =
            serde_json::from_slice(&bytes).map_err(|_| RegistryError::NotARegistry {
                registry: registry.clone(),
                why: "its token server's answer is not a token".into(),
            })?;
        answer
            .token
            .or(answer.access_token)
            .filter(|t| !t.is_empty())
            .ok_or(RegistryError::NotARegistry {
                registry,
                why: "its token server's answer has no token".into(),
            })
    }
}

fn basic(username: &str, password: &str) -> String {
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {pair}")
}

fn header(value: &str) -> Result<HeaderValue, RegistryError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        RegistryError::Credentials(crate::engine::CredentialError::Config {
            path: "the docker CLI's configuration".into(),
            why: "a login contains characters that cannot be sent".into(),
        })
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn challenge_of(headers: &HeaderMap) -> Option<Challenge> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Challenge::parse)
}

/// A request that got no HTTP answer: unreachable (refused, no such host, timed out) or a
/// TLS failure, told apart by the error's type; the detail is the innermost cause.
fn transport_error(registry: &str, e: &reqwest::Error) -> RegistryError {
    let registry = registry.to_string();
    let mut tls = None;
    let mut io_kind = None;
    let mut innermost = e.to_string();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if tls.is_none() && c.is::<native_tls::Error>() {
            tls = Some(c.to_string());
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        innermost = c.to_string();
        cause = c.source();
    }
    if e.is_timeout() {
        return RegistryError::Unreachable {
            registry,
            why: "it did not answer in time".into(),
        };
    }
    if let Some(why) = tls {
        return RegistryError::Tls { registry, why };
    }
    let why = match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => {
            "nothing is listening there (connection refused)".to_string()
        }
        Some(std::io::ErrorKind::TimedOut) => "it did not answer in time".to_string(),
        _ => innermost,
    };
    RegistryError::Unreachable { registry, why }
}
