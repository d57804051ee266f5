//! Finding an image to run by name: checking a typed reference (valid? how it expands,
//! which registry, does the engine have it, does the registry?), browsing a registry's
//! repositories and tags through its v2 API, and searching Docker Hub through the engine.

mod client;
mod error;

use std::time::Duration;

pub use client::{RegistryClient, MAX_BODY_BYTES};
pub use error::{RegistryError, RegistryErrorKind};

use serde::Deserialize;

use crate::domain::reference::{
    looks_like_image_id, ImageRef, ReferenceCheck, RegistryName, RemoteCheck,
};
use crate::domain::registry::{
    next_page_cursor, sort_tags, HubSearch, RepositoryPage, TagList, CATALOG_PAGE,
    CATALOG_PAGE_MAX, HUB_SEARCH_LIMIT, TAGS_MAX,
};
use crate::engine::{Engine, EngineError};

/// The most time the registry part of a reference check may take: the dialog waits on it.
const REMOTE_CHECK_TIMEOUT: Duration = Duration::from_secs(8);
/// Tags per page when listing tags (registries that paginate them).
const TAGS_PAGE: u32 = 1000;
/// The longest Docker Hub search term (the Hub's own limit is about this).
const SEARCH_TERM_MAX: usize = 100;

#[derive(Deserialize)]
struct Catalog {
    #[serde(default)]
    repositories: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Tags {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// The registry named by the user's text, with plain HTTP when asked for either way.
fn registry_name(registry: &str, plain_http: bool) -> Result<RegistryName, RegistryError> {
    let mut name = RegistryName::parse(registry)?;
    name.plain_http |= plain_http;
    Ok(name)
}

/// A repository path inside `registry`, checked with the reference grammar (nothing is
/// asked of the registry for a malformed one).
fn repository_path(name: &RegistryName, repository: &str) -> Result<String, RegistryError> {
    let repository = repository.trim().trim_matches('/');
    let parsed = ImageRef::parse(&format!("{}/{repository}", name.host))?;
    if parsed.tag.is_some() || parsed.digest.is_some() {
        return Err(RegistryError::BadName(
            crate::domain::reference::ReferenceError::Invalid {
                input: repository.to_string(),
                why: "a repository has no tag or digest".into(),
            },
        ));
    }
    Ok(parsed.repository())
}

/// One page of `registry`'s catalog, starting after `after`.
pub async fn list_repositories(
    client: &RegistryClient,
    registry: &str,
    plain_http: bool,
    after: Option<&str>,
    page_size: Option<u32>,
) -> Result<RepositoryPage, RegistryError> {
    let name = registry_name(registry, plain_http)?;
    if name.is_docker_hub() {
        return Err(RegistryError::HubHasNoCatalog);
    }
    let n = page_size.unwrap_or(CATALOG_PAGE).clamp(1, CATALOG_PAGE_MAX);
    let mut session = client.open(&name).await?;
    let n_text = n.to_string();
    let mut query = vec![("n", n_text.as_str())];
    if let Some(after) = after.filter(|a| !a.is_empty()) {
        query.push(("last", after));
    }
    let page = session
        .get_json::<Catalog>("/v2/_catalog", &query)
        .await?
        .ok_or_else(|| RegistryError::NoCatalog {
            registry: name.host.clone(),
        })?;
    let mut repositories = page.body.repositories.unwrap_or_default();
    // A registry that ignores `n` still gets cut to the page asked for.
    repositories.truncate(n as usize);
    let next = page.link.as_deref().and_then(next_page_cursor);
    Ok(RepositoryPage {
        registry: name.host.clone(),
        repositories,
        next,
        plain_http: session.plain_http(),
    })
}

/// The tags of `repository` in `registry` (at most [`TAGS_MAX`]), sorted for people.
pub async fn list_tags(
    client: &RegistryClient,
    registry: &str,
    plain_http: bool,
    repository: &str,
) -> Result<TagList, RegistryError> {
    let name = registry_name(registry, plain_http)?;
    let repository = repository_path(&name, repository)?;
    let mut session = client.open(&name).await?;
    let path = format!("/v2/{repository}/tags/list");
    let page_size = TAGS_PAGE.to_string();
    let mut tags: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    let mut truncated = false;
    loop {
        let mut query = vec![("n", page_size.as_str())];
        if let Some(a) = &after {
            query.push(("last", a.as_str()));
        }
        let page = session
            .get_json::<Tags>(&path, &query)
            .await?
            .ok_or_else(|| RegistryError::UnknownRepository {
                registry: name.host.clone(),
                repository: repository.clone(),
            })?;
        tags.extend(page.body.tags.unwrap_or_default());
        if tags.len() >= TAGS_MAX {
            truncated = tags.len() > TAGS_MAX || page.link.is_some();
            tags.truncate(TAGS_MAX);
            break;
        }
        match page.link.as_deref().and_then(next_page_cursor) {
            // A cursor that does not move would loop for ever.
            Some(next) if Some(&next) != after.as_ref() => after = Some(next),
            _ => break,
        }
    }
    sort_tags(&mut tags);
    Ok(TagList {
        registry: name.host.clone(),
        repository,
        tags,
        truncated,
        plain_http: session.plain_http(),
    })
}

/// Everything the dialog says about typed text. A malformed reference is answered here,
/// without asking the engine or any registry; otherwise the engine is asked whether it has
/// the image, and if not, the image's registry whether it exists.
pub async fn check_reference(
    engine: &Engine,
    client: &RegistryClient,
    input: &str,
) -> Result<ReferenceCheck, EngineError> {
    // An ID names a local image: the engine has it, or there is nothing to run.
    if looks_like_image_id(input) {
        let local_id = engine.local_image_id(input.trim()).await?;
        return Ok(ReferenceCheck::image_id(input, local_id));
    }
    let image = match ImageRef::parse(input) {
        Ok(image) => image,
        Err(e) => return Ok(ReferenceCheck::invalid(input, &e)),
    };
    let local_id = engine.local_image_id(&image.canonical()).await?;
    let mut check = ReferenceCheck::valid(input, &image, local_id);
    if check.local_id.is_none() {
        check.remote = Some(
            match tokio::time::timeout(REMOTE_CHECK_TIMEOUT, remote_check(client, &image)).await {
                Ok(remote) => remote,
                Err(_) => RemoteCheck::Unchecked {
                    message: format!(
                        "{} did not answer in time; the engine will try when pulling",
                        image.registry_label()
                    ),
                },
            },
        );
    }
    Ok(check)
}

/// Asks the image's registry for its manifest; on "no", tells a missing tag from a missing
/// repository by listing the repository's tags.
pub async fn remote_check(client: &RegistryClient, image: &ImageRef) -> RemoteCheck {
    let unchecked = |e: RegistryError| RemoteCheck::Unchecked {
        message: e.to_string(),
    };
    let name = match RegistryName::parse(image.registry_host()) {
        Ok(name) => name,
        Err(e) => return unchecked(e.into()),
    };
    let repository = image.repository();
    let mut session = match client.open(&name).await {
        Ok(s) => s,
        Err(e) => return unchecked(e),
    };
    match session
        .manifest_exists(&repository, &image.tag_or_digest())
        .await
    {
        Ok(true) => return RemoteCheck::Found,
        Ok(false) => {}
        Err(e) => return unchecked(e),
    }
    let what = image.digest.as_deref().map_or_else(
        || format!("tag “{}”", image.tag.as_deref().unwrap_or("latest")),
        |d| format!("digest {d}"),
    );
    match list_tags(client, &name.host, name.plain_http, &repository).await {
        Ok(list) => {
            let shown: Vec<String> = list.tags.iter().take(10).cloned().collect();
            let known = match shown.is_empty() {
                true => "it has no tags".to_string(),
                false => format!("its tags include {}", shown.join(", ")),
            };
            RemoteCheck::UnknownTag {
                message: format!(
                    "{} has {repository} but no {what} ({known})",
                    image.registry_label()
                ),
                tags: shown,
            }
        }
        Err(RegistryError::UnknownRepository { .. }) => RemoteCheck::UnknownRepository {
            message: format!(
                "{} has no repository “{repository}” (or it is private and your login does not see it)",
                image.registry_label()
            ),
        },
        Err(e) => unchecked(e),
    }
}

/// Docker Hub images matching `term`, asked of the engine.
pub async fn search_hub(engine: &Engine, term: &str) -> Result<HubSearch, EngineError> {
    let term = term.trim();
    if term.is_empty() {
        return Err(EngineError::BadRequest {
            message: "type something to search Docker Hub for".into(),
        });
    }
    if term.chars().count() > SEARCH_TERM_MAX || term.chars().any(char::is_control) {
        return Err(EngineError::BadRequest {
            message: format!("a search is at most {SEARCH_TERM_MAX} characters, on one line"),
        });
    }
    engine.search_hub(term, HUB_SEARCH_LIMIT).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths_are_checked_before_anything_is_asked() {
        let name = RegistryName::parse("localhost:5000").unwrap();
        assert_eq!(repository_path(&name, "team/app").unwrap(), "team/app");
        assert_eq!(repository_path(&name, "/app/").unwrap(), "app");
        for bad in ["Team/App", "app:v1", "a b", ""] {
            assert!(
                matches!(repository_path(&name, bad), Err(RegistryError::BadName(_))),
                "{bad:?}"
            );
        }
        let hub = RegistryName::parse("docker.io").unwrap();
        assert_eq!(repository_path(&hub, "nginx").unwrap(), "library/nginx");
    }

    #[tokio::test]
    async fn malformed_names_reach_no_registry() {
        let client =
            RegistryClient::new(crate::engine::CredentialStore::at("/nonexistent")).unwrap();
        let e = list_repositories(&client, "not a host", false, None, None)
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::BadName(_)), "{e}");
        let e = list_repositories(&client, "docker.io", false, None, None)
            .await
            .unwrap_err();
        assert_eq!(e, RegistryError::HubHasNoCatalog);
        let e = list_tags(&client, "localhost:1", false, "Bad/Name")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), RegistryErrorKind::InvalidInput);
    }
}

#[cfg(test)]
mod token_tests;
