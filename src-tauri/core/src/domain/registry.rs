//! What browsing a registry and searching Docker Hub show, and the pure pieces of the
//! registry v2 API: the `WWW-Authenticate` challenge and the `Link` header of a page.

use serde::Serialize;
use ts_rs::TS;

/// Repositories per catalog page when the UI does not say (the registry may send fewer).
pub const CATALOG_PAGE: u32 = 100;
/// The most repositories one page may ask for.
pub const CATALOG_PAGE_MAX: u32 = 1000;
/// The most tags listed for one repository; more are cut, and the list says so.
pub const TAGS_MAX: usize = 2000;
/// The most Docker Hub search results asked of the engine.
pub const HUB_SEARCH_LIMIT: u32 = 25;

/// One page of a registry's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RepositoryPage {
    /// The registry's host, as the references of its images name it.
    pub registry: String,
    pub repositories: Vec<String>,
    /// Pass as `after` for the next page; `None`: this was the last page.
    pub next: Option<String>,
    /// Plain HTTP was used (a registry on this computer, or asked for): said in the UI.
    pub plain_http: bool,
}

/// The tags of one repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TagList {
    pub registry: String,
    pub repository: String,
    /// Sorted, `latest` first.
    pub tags: Vec<String>,
    /// More than [`TAGS_MAX`] tags: the rest were left out.
    pub truncated: bool,
    pub plain_http: bool,
}

/// One Docker Hub search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HubImage {
    pub name: String,
    pub description: String,
    pub stars: u32,
    pub official: bool,
}

/// Docker Hub search through the engine: results, or the engine cannot reach the Hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum HubSearch {
    Results {
        term: String,
        images: Vec<HubImage>,
    },
    /// The engine answered but could not reach Docker Hub. `message` says so in people's
    /// words; `detail` is the engine's own (for the curious).
    NoNetwork {
        term: String,
        message: String,
        detail: String,
    },
}

impl HubSearch {
    /// The engine could not reach Docker Hub; `detail` is what it said.
    pub fn no_network(term: &str, detail: String) -> Self {
        Self::NoNetwork {
            term: term.to_string(),
            message: "No network: the Docker engine cannot reach Docker Hub to search it. You \
                      can still type an image's full name, or browse a registry on your \
                      network."
                .into(),
            detail,
        }
    }
}

/// How a registry asks to be authenticated (`WWW-Authenticate` on a 401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Basic,
    /// Get a token from `realm` for `service` and `scope`, then send it as `Bearer`.
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

impl Challenge {
    /// Parses the header's value. Parameters are `key="value"` (quoted or not), separated
    /// by commas; commas may appear inside quotes (scopes list actions: `pull,push`).
    pub fn parse(header: &str) -> Option<Self> {
        let header = header.trim();
        let (scheme, params) = header.split_once(' ').unwrap_or((header, ""));
        if scheme.eq_ignore_ascii_case("basic") {
            return Some(Self::Basic);
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let mut realm = None;
        let mut service = None;
        let mut scope = None;
        for (key, value) in auth_params(params) {
            match key.to_ascii_lowercase().as_str() {
                "realm" => realm = Some(value),
                "service" => service = Some(value),
                "scope" => scope = Some(value),
                _ => {}
            }
        }
        Some(Self::Bearer {
            realm: realm.filter(|r| !r.is_empty())?,
            service,
            scope,
        })
    }
}

fn auth_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
        if key.is_empty() || chars.next() != Some('=') {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect();
        }
        out.push((key.trim().to_string(), value.trim().to_string()));
    }
}

/// The `last` parameter of a `Link: </v2/_catalog?last=x&n=100>; rel="next"` header: where
/// the next page starts. `None` when there is no next page.
pub fn next_page_cursor(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        if !params.replace(' ', "").contains("rel=\"next\"") {
            return None;
        }
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        let (_, query) = target.split_once('?')?;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == "last").then(|| percent_decode(v))
        })
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Tags sorted for people: `latest` first, then newest-looking versions first (numbers
/// compared as numbers), then the rest by name.
pub fn sort_tags(tags: &mut [String]) {
    fn key(tag: &str) -> (u8, Vec<std::cmp::Reverse<u64>>, String) {
        if tag == "latest" {
            return (0, vec![], String::new());
        }
        // A shorter version sorts after its longer ones (1.27.3 before 1.27): end with 0.
        let numbers: Vec<_> = tag
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .chain([0])
            .map(std::cmp::Reverse)
            .collect();
        let starts_with_version = tag
            .trim_start_matches('v')
            .starts_with(|c: char| c.is_ascii_digit());
        if starts_with_version {
            (1, numbers, tag.to_string())
        } else {
            (2, vec![], tag.to_string())
        }
    }
    tags.sort_by_cached_key(|t| key(t));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_and_basic_challenges_parse() {
        let c = Challenge::parse(
            r#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push""#,
        )
        .unwrap();
        assert_eq!(
            c,
            Challenge::Bearer {
                realm: "https://auth.example.com/token".into(),
                service: Some("registry.example.com".into()),
                scope: Some("repository:team/app:pull,push".into()),
            }
        );
        assert_eq!(
            Challenge::parse(r#"Basic realm="Registry Realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(
            Challenge::parse("bearer realm=https://a/token"),
            Some(Challenge::Bearer {
                realm: "https://a/token".into(),
                service: None,
                scope: None
            })
        );
        assert_eq!(Challenge::parse("Bearer service=x"), None);
        assert_eq!(Challenge::parse("Negotiate"), None);
    }

    #[test]
    fn the_next_page_comes_from_the_link_header() {
        assert_eq!(
            next_page_cursor(r#"</v2/_catalog?last=team%2Fapp&n=100>; rel="next""#),
            Some("team/app".into())
        );
        assert_eq!(
            next_page_cursor(r#"</v2/_catalog?n=2&last=b>; rel="next""#),
            Some("b".into())
        );
        assert_eq!(
            next_page_cursor(r#"</v2/_catalog?last=b>; rel="prev""#),
            None
        );
        assert_eq!(next_page_cursor("garbage"), None);
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn tags_sort_latest_first_then_newest_versions() {
        let mut tags: Vec<String> = ["1.9", "alpine", "1.27.3", "latest", "1.27", "v2.0", "edge"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_tags(&mut tags);
        assert_eq!(
            tags,
            ["latest", "v2.0", "1.27.3", "1.27", "1.9", "alpine", "edge"]
        );
    }

    #[test]
    fn hub_search_serializes_with_its_state() {
        let json =
            serde_json::to_value(HubSearch::no_network("nginx", "no such host".into())).unwrap();
        assert_eq!(json["state"], "no_network");
        assert!(json["message"].as_str().unwrap().starts_with("No network"));
    }
}
