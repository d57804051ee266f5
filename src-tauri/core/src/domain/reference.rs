//! Image references (`[registry[:port]/]path[:tag][@digest]`), checked before the engine is
//! asked, with the grammar of the distribution project's `reference` package; how a short
//! name expands (`nginx` is `docker.io/library/nginx:latest`) and which registry it comes
//! from; and registry names as the user types them to browse one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::echo::echo;

/// Docker Hub's registry, as full references name it.
pub const DOCKER_HUB: &str = "docker.io";
/// Docker Hub, as people call it.
pub const DOCKER_HUB_LABEL: &str = "Docker Hub";

/// Why a reference or a registry name is not usable, in people's words (quoting the input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("an image reference cannot be empty")]
    Empty,
    #[error("“{}” is not a valid image reference: {why}", echo(.input))]
    Invalid { input: String, why: String },
    #[error("“{}” cannot be used as a tag: it has a digest", echo(.input))]
    TagWithDigest { input: String },
    #[error("a registry name cannot be empty")]
    EmptyRegistry,
    #[error("“{}” is not a registry name: {why}", echo(.input))]
    InvalidRegistry { input: String, why: String },
}

/// A reference that passed validation, split into what the pull API wants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImageRef {
    /// Everything before the tag or digest, e.g. `127.0.0.1:5000/team/app`.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses and checks `input` (surrounding spaces ignored).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        parse(input.trim())
    }

    /// `name:tag`, `name@digest` or `name:latest` when neither was given (the CLI's default).
    pub fn canonical(&self) -> String {
        self.with_suffix(&self.name)
    }

    fn with_suffix(&self, name: &str) -> String {
        match (&self.tag, &self.digest) {
            (_, Some(d)) => match &self.tag {
                Some(t) => format!("{name}:{t}@{d}"),
                None => format!("{name}@{d}"),
            },
            (Some(t), None) => format!("{name}:{t}"),
            (None, None) => format!("{name}:latest"),
        }
    }

    /// What `/images/create` takes as `tag`: the digest if any, else the tag, else `latest`.
    pub fn tag_or_digest(&self) -> String {
        self.digest
            .clone()
            .or_else(|| self.tag.clone())
            .unwrap_or_else(|| "latest".into())
    }

    /// The registry host part, if the reference names one.
    pub fn registry(&self) -> Option<&str> {
        let (first, _) = self.name.split_once('/')?;
        is_domain_like(first).then_some(first)
    }

    /// The registry the image comes from: the one named, else Docker Hub (`docker.io`; the
    /// CLI's older `index.docker.io` is the same registry).
    pub fn registry_host(&self) -> &str {
        match self.registry() {
            Some("index.docker.io" | "registry-1.docker.io") | None => DOCKER_HUB,
            Some(host) => host,
        }
    }

    /// `Docker Hub`, or the registry's host.
    pub fn registry_label(&self) -> &str {
        match self.registry_host() {
            DOCKER_HUB => DOCKER_HUB_LABEL,
            host => host,
        }
    }

    /// The repository inside its registry: `library/nginx` for Docker Hub's official `nginx`
    /// (the Hub keeps official images under `library/`), `team/app` for `host/team/app`.
    pub fn repository(&self) -> String {
        let path = match self.registry() {
            Some(host) => &self.name[host.len() + 1..],
            None => self.name.as_str(),
        };
        if self.registry_host() == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_string()
        }
    }

    /// The reference as the engine stores it in full: `nginx` is
    /// `docker.io/library/nginx:latest`.
    pub fn expanded(&self) -> String {
        self.with_suffix(&format!("{}/{}", self.registry_host(), self.repository()))
    }

    /// Whether [`Self::expanded`] says more than what was typed (a short name, or no tag).
    pub fn is_short(&self) -> bool {
        self.expanded() != self.canonical() || (self.tag.is_none() && self.digest.is_none())
    }
}

fn is_domain_like(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

/// Parses and checks `input`. The error says what is wrong, quoting the reference.
///
/// Kept for callers that carry the message as text (field errors, engine errors); new code
/// takes [`ImageRef::parse`] and its typed [`ReferenceError`].
pub fn parse_reference(input: &str) -> Result<ImageRef, String> {
    ImageRef::parse(input).map_err(|e| e.to_string())
}

fn parse(s: &str) -> Result<ImageRef, ReferenceError> {
    let bad = |why: &str| {
        Err(ReferenceError::Invalid {
            input: s.to_string(),
            why: why.to_string(),
        })
    };
    if s.is_empty() {
        return Err(ReferenceError::Empty);
    }
    if s.chars().any(char::is_whitespace) {
        return bad("it contains spaces");
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => {
            if !valid_digest(d) {
                return bad("the digest must look like sha256:<64 hex digits>");
            }
            (r, Some(d.to_string()))
        }
        None => (s, None),
    };
    // A tag follows the last ':' that comes after the last '/' (a ':' before it is a port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => {
            let at = last_slash + i;
            (&rest[..at], Some(rest[at + 1..].to_string()))
        }
        None => (rest, None),
    };
    if let Some(t) = &tag {
        if !valid_tag(t) {
            return bad(
                "a tag is 1-128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`",
            );
        }
    }
    if name.is_empty() {
        return bad("the name is missing");
    }
    if name.len() > 255 {
        return bad("the name is longer than 255 characters");
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && is_domain_like(parts[0]) {
        if !valid_domain(parts[0]) {
            return bad("the registry part must be a host name or IP, with an optional :port");
        }
        parts.remove(0);
    }
    for part in &parts {
        if !valid_path_component(part) {
            // The commonest slip: names are lower-case. Say what would work.
            if valid_path_component(&part.to_ascii_lowercase()) {
                let lower = match name.split_once('/') {
                    Some((first, path)) if is_domain_like(first) => {
                        format!("{first}/{}", path.to_ascii_lowercase())
                    }
                    _ => name.to_ascii_lowercase(),
                };
                let suffix = &s[name.len()..];
                return bad(&format!(
                    "image names are lower-case (did you mean “{lower}{suffix}”?)"
                ));
            }
            return bad(
                "each part of the name must be lower-case letters and digits, separated by \
                 `.`, `_`, `__` or dashes",
            );
        }
    }
    Ok(ImageRef {
        name: name.to_string(),
        tag,
        digest,
    })
}

/// For `docker tag`: the target must carry no digest.
pub fn parse_tag_target(input: &str) -> Result<ImageRef, String> {
    let r = ImageRef::parse(input).map_err(|e| e.to_string())?;
    if r.digest.is_some() {
        return Err(ReferenceError::TagWithDigest {
            input: input.trim().to_string(),
        }
        .to_string());
    }
    Ok(r)
}

/// A registry as the user names it to browse it: `localhost:5000`, `registry.example.com`,
/// optionally written as a URL (`https://host/`). `http://` is the explicit choice of plain
/// HTTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RegistryName {
    /// `host[:port]`, lower-case.
    pub host: String,
    /// Plain HTTP was asked for (`http://...`).
    pub plain_http: bool,
}

impl RegistryName {
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ReferenceError::EmptyRegistry);
        }
        let bad = |why: &str| ReferenceError::InvalidRegistry {
            input: s.to_string(),
            why: why.to_string(),
        };
        let (rest, plain_http) = if let Some(r) = s.strip_prefix("https://") {
            (r, false)
        } else if let Some(r) = s.strip_prefix("http://") {
            (r, true)
        } else if s.contains("://") {
            return Err(bad("only https:// (or http://) addresses are registries"));
        } else {
            (s, false)
        };
        let host = rest.trim_end_matches('/');
        let host = host.strip_suffix("/v2").unwrap_or(host);
        if host.contains('/') {
            return Err(bad(
                "name the registry only (a host name or IP with an optional :port), not a path",
            ));
        }
        let host = host.to_ascii_lowercase();
        if host.starts_with('[') || !valid_domain(&host) {
            return Err(bad("it must be a host name or IP, with an optional :port"));
        }
        let host = match host.as_str() {
            "index.docker.io" | "registry-1.docker.io" | "hub.docker.com" => DOCKER_HUB.into(),
            _ => host,
        };
        Ok(Self { host, plain_http })
    }

    /// On this computer (`localhost`, `127.x.x.x`): the engine, like Berth, allows plain HTTP
    /// there without asking.
    pub fn is_loopback(&self) -> bool {
        let host = self
            .host
            .rsplit_once(':')
            .map_or(self.host.as_str(), |(h, _)| h);
        host == "localhost"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    pub fn is_docker_hub(&self) -> bool {
        self.host == DOCKER_HUB
    }
}

/// An image given by ID (`sha256:<hex>`, or 12 to 64 hex digits, as `docker images` prints
/// them) rather than by name: it names a local image, and there is nothing to pull.
pub fn looks_like_image_id(text: &str) -> bool {
    let text = text.trim();
    let hex = text.strip_prefix("sha256:");
    let digits = hex.unwrap_or(text);
    (hex.is_some() || (12..=64).contains(&digits.len()))
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_hexdigit())
}

/// What the "Run an image" dialog shows for typed text: whether it is valid, how it
/// expands, where it comes from, and whether the engine already has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReferenceCheck {
    pub input: String,
    /// Set when the text is not a reference: why, in people's words. Nothing else is set.
    pub error: Option<String>,
    /// What Berth pulls and launches (`nginx:latest`).
    pub reference: Option<String>,
    /// The same in full (`docker.io/library/nginx:latest`).
    pub expanded: Option<String>,
    /// The text was a short name or had no tag, so `expanded` says more than was typed.
    pub short: bool,
    /// `docker.io`, or the registry host named.
    pub registry: Option<String>,
    /// `Docker Hub`, or the registry host.
    pub registry_label: Option<String>,
    /// The repository inside its registry (`library/nginx`).
    pub repository: Option<String>,
    /// The engine's image ID when the engine has the image; `None`: it is pulled first.
    pub local_id: Option<String>,
    /// What the registry says, asked only when the engine does not have the image.
    pub remote: Option<RemoteCheck>,
}

/// What the image's registry says about a reference the engine does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum RemoteCheck {
    /// The registry has it: launching pulls it.
    Found,
    /// The repository is there but not this tag (or digest): a pull would fail.
    UnknownTag { message: String, tags: Vec<String> },
    /// No such repository (or it is private and the login does not see it).
    UnknownRepository { message: String },
    /// Berth could not ask (no network, a login needed, ...); the engine may still manage,
    /// and the pull will say.
    Unchecked { message: String },
}

impl ReferenceCheck {
    /// Nothing known yet about `input`.
    fn blank(input: &str) -> Self {
        Self {
            input: input.to_string(),
            error: None,
            reference: None,
            expanded: None,
            short: false,
            registry: None,
            registry_label: None,
            repository: None,
            local_id: None,
            remote: None,
        }
    }

    /// The check of text that is not a reference.
    pub fn invalid(input: &str, error: &ReferenceError) -> Self {
        Self {
            error: Some(error.to_string()),
            ..Self::blank(input)
        }
    }

    /// The check of an image ID: the engine's image, or an error when it has none.
    pub fn image_id(input: &str, local_id: Option<String>) -> Self {
        let text = input.trim();
        match local_id {
            Some(id) => Self {
                reference: Some(text.to_string()),
                local_id: Some(id),
                ..Self::blank(input)
            },
            None => Self {
                error: Some(format!(
                    "there is no image with the ID {text} on this engine (an ID names an image \
                     the engine has; type a name to pull one)"
                )),
                ..Self::blank(input)
            },
        }
    }

    /// The check of a valid reference, given what the engine has under that name.
    pub fn valid(input: &str, image: &ImageRef, local_id: Option<String>) -> Self {
        Self {
            input: input.to_string(),
            error: None,
            reference: Some(image.canonical()),
            expanded: Some(image.expanded()),
            short: image.is_short(),
            registry: Some(image.registry_host().to_string()),
            registry_label: Some(image.registry_label().to_string()),
            repository: Some(image.repository()),
            local_id,
            remote: None,
        }
    }
}

fn valid_digest(d: &str) -> bool {
    match d.split_once(':') {
        Some(("sha256", hex)) => hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        Some((alg, hex)) => {
            !alg.is_empty()
                && alg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-_".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        }
        None => false,
    }
}

fn valid_tag(t: &str) -> bool {
    let mut chars = t.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric() || c == '_')
        && t.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

fn valid_domain(d: &str) -> bool {
    let (host, port) = match d.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (d, None),
    };
    if let Some(p) = port {
        // A port the engine would only refuse after a request (`dial tcp: invalid port`).
        if !p.chars().all(|c| c.is_ascii_digit()) || !matches!(p.parse::<u32>(), Ok(1..=65535)) {
            return false;
        }
    }
    // DNS limits: a longer name is no host, and asking the resolver only echoes it back.
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn valid_path_component(p: &str) -> bool {
    if p.is_empty() {
        return false;
    }
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let bytes: Vec<char> = p.chars().collect();
    if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    // Separators between alphanumeric runs: one '.', one or two '_', or any number of '-'.
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep: String = bytes[start..i].iter().collect();
        let ok = sep == "." || sep == "_" || sep == "__" || sep.chars().all(|c| c == '-');
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_references_parse() {
        let r = parse_reference("busybox").unwrap();
        assert_eq!((r.name.as_str(), r.tag.as_deref()), ("busybox", None));
        assert_eq!(r.canonical(), "busybox:latest");
        assert_eq!(r.tag_or_digest(), "latest");
        let r = parse_reference("127.0.0.1:5000/team/app:v1.2").unwrap();
        assert_eq!(r.name, "127.0.0.1:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("v1.2"));
        assert_eq!(r.registry(), Some("127.0.0.1:5000"));
        let r = parse_reference("localhost/a_b__c-d---e.f").unwrap();
        assert_eq!(r.registry(), Some("localhost"));
        let d = format!("sha256:{}", "a".repeat(64));
        let r = parse_reference(&format!("x/y@{d}")).unwrap();
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        assert_eq!(r.tag_or_digest(), d);
        assert_eq!(r.registry(), None);
        let r = parse_reference("localhost:5000/app").unwrap();
        assert_eq!(r.tag, None);
    }

    #[test]
    fn bad_references_are_rejected_with_a_reason() {
        for bad in [
            "",
            "Busybox",
            "a b",
            "app:",
            "app:-x",
            "app@sha256:123",
            "/app",
            "app/",
            "a..b",
            "a_-b",
            "127.0.0.1:port/app",
            "-app",
            "app::1",
        ] {
            assert!(parse_reference(bad).is_err(), "{bad:?} accepted");
        }
        let e = parse_reference("Busybox:1").unwrap_err();
        assert!(e.contains("“Busybox:1”"), "{e}");
        let long = format!("app:{}", "x".repeat(129));
        assert!(parse_reference(&long).is_err());
    }

    /// Issue #13's corpus: `127.0.0.1:99999/x` reached the engine as a pull request.
    #[test]
    fn a_registry_port_is_1_to_65535() {
        for bad in ["127.0.0.1:99999/x", "host:0/x", "host:65536/x:1"] {
            assert!(parse_reference(bad).is_err(), "{bad}");
            assert!(
                RegistryName::parse(bad.split('/').next().unwrap()).is_err(),
                "{bad}"
            );
        }
        assert!(parse_reference("host:65535/x").is_ok());
        // Longer than DNS allows: no host (a 100 KB name went to the resolver).
        assert!(RegistryName::parse(&"a".repeat(64)).is_err());
        assert!(RegistryName::parse(&"a".repeat(63)).is_ok());
    }

    /// A huge or control-character input is echoed short and escaped, never whole.
    #[test]
    fn messages_echo_the_input_short_and_escaped() {
        let e = parse_reference(&format!("\u{0}{}", "A".repeat(100_000)))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 400, "{} bytes", e.len());
        assert!(e.contains("\\0"), "{e}");
        assert!(!e.contains('\u{0}'), "{e}");
    }

    #[test]
    fn tag_targets_take_no_digest() {
        assert!(parse_tag_target("a/b:c").is_ok());
        let d = format!("a@sha256:{}", "b".repeat(64));
        assert!(parse_tag_target(&d).is_err());
    }

    #[test]
    fn short_names_expand_the_way_the_engine_stores_them() {
        let r = ImageRef::parse("nginx").unwrap();
        assert_eq!(r.expanded(), "docker.io/library/nginx:latest");
        assert_eq!(r.registry_host(), DOCKER_HUB);
        assert_eq!(r.registry_label(), "Docker Hub");
        assert_eq!(r.repository(), "library/nginx");
        assert!(r.is_short());
        let r = ImageRef::parse("bitnami/redis:7").unwrap();
        assert_eq!(r.expanded(), "docker.io/bitnami/redis:7");
        assert!(r.is_short());
        let r = ImageRef::parse("registry.example.com:5000/team/app:v2").unwrap();
        assert_eq!(r.expanded(), "registry.example.com:5000/team/app:v2");
        assert_eq!(r.registry_label(), "registry.example.com:5000");
        assert_eq!(r.repository(), "team/app");
        assert!(!r.is_short());
        let r = ImageRef::parse("docker.io/library/nginx:1.27").unwrap();
        assert_eq!(r.expanded(), "docker.io/library/nginx:1.27");
        assert!(!r.is_short());
        let r = ImageRef::parse("index.docker.io/nginx:1").unwrap();
        assert_eq!(r.expanded(), "docker.io/library/nginx:1");
        let d = format!("sha256:{}", "c".repeat(64));
        let r = ImageRef::parse(&format!("localhost:5000/app@{d}")).unwrap();
        assert_eq!(r.expanded(), format!("localhost:5000/app@{d}"));
        assert_eq!(r.registry_host(), "localhost:5000");
    }

    #[test]
    fn upper_case_names_say_what_would_work() {
        let e = ImageRef::parse("Nginx:1.27").unwrap_err().to_string();
        assert!(e.contains("did you mean “nginx:1.27”"), "{e}");
        let e = ImageRef::parse("Host.Example:5000/Team/App")
            .unwrap_err()
            .to_string();
        assert!(e.contains("“Host.Example:5000/team/app”"), "{e}");
        assert_eq!(ImageRef::parse("  ").unwrap_err(), ReferenceError::Empty);
    }

    #[test]
    fn registry_names_take_a_host_and_an_optional_scheme() {
        let r = RegistryName::parse("localhost:5000").unwrap();
        assert_eq!((r.host.as_str(), r.plain_http), ("localhost:5000", false));
        assert!(r.is_loopback());
        let r = RegistryName::parse("https://Registry.Example.com/").unwrap();
        assert_eq!(r.host, "registry.example.com");
        assert!(!r.is_loopback());
        let r = RegistryName::parse("http://10.0.0.5:5000/v2/").unwrap();
        assert_eq!((r.host.as_str(), r.plain_http), ("10.0.0.5:5000", true));
        assert!(RegistryName::parse("127.0.0.1:5000").unwrap().is_loopback());
        assert!(RegistryName::parse("index.docker.io")
            .unwrap()
            .is_docker_hub());
        for bad in [
            "",
            "ftp://x",
            "host/path",
            "host:port",
            "a b",
            "-x.com",
            "[::1]:5000",
        ] {
            assert!(RegistryName::parse(bad).is_err(), "{bad:?} accepted");
        }
        let e = RegistryName::parse("host/team").unwrap_err().to_string();
        assert!(e.contains("“host/team” is not a registry name"), "{e}");
    }

    #[test]
    fn image_ids_name_local_images_only() {
        let id = format!("sha256:{}", "ab".repeat(32));
        assert!(looks_like_image_id(&id));
        assert!(looks_like_image_id("0123456789ab"));
        assert!(!looks_like_image_id("nginx"));
        assert!(!looks_like_image_id("abc"));
        let c = ReferenceCheck::image_id("0123456789ab", Some(id.clone()));
        assert_eq!((c.error, c.local_id), (None, Some(id)));
        assert_eq!(c.reference.as_deref(), Some("0123456789ab"));
        let c = ReferenceCheck::image_id("0123456789ab", None);
        assert!(c
            .error
            .unwrap()
            .contains("no image with the ID 0123456789ab"));
        assert!(c.reference.is_none());
    }

    #[test]
    fn a_check_says_everything_the_dialog_shows() {
        let r = ImageRef::parse("busybox").unwrap();
        let c = ReferenceCheck::valid("busybox", &r, None);
        assert_eq!(c.reference.as_deref(), Some("busybox:latest"));
        assert_eq!(
            c.expanded.as_deref(),
            Some("docker.io/library/busybox:latest")
        );
        assert_eq!(c.registry_label.as_deref(), Some("Docker Hub"));
        assert!(c.short && c.error.is_none() && c.local_id.is_none());
        let e = ImageRef::parse("a b").unwrap_err();
        let c = ReferenceCheck::invalid("a b", &e);
        assert!(c.error.unwrap().contains("spaces"));
        assert!(c.reference.is_none());
    }
}
