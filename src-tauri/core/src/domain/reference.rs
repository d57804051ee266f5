//! Image references (`[registry[:port]/]path[:tag][@digest]`), checked before the engine is
//! asked, with the grammar of the distribution project's `reference` package.

use serde::Serialize;
use ts_rs::TS;

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
    /// `name:tag`, `name@digest` or `name:latest` when neither was given (the CLI's default).
    pub fn canonical(&self) -> String {
        match (&self.tag, &self.digest) {
            (_, Some(d)) => match &self.tag {
                Some(t) => format!("{}:{t}@{d}", self.name),
                None => format!("{}@{d}", self.name),
            },
            (Some(t), None) => format!("{}:{t}", self.name),
            (None, None) => format!("{}:latest", self.name),
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
}

fn is_domain_like(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

/// Parses and checks `input`. The error says what is wrong, quoting the reference.
pub fn parse_reference(input: &str) -> Result<ImageRef, String> {
    let s = input.trim();
    let bad = |why: &str| Err(format!("“{s}” is not a valid image reference: {why}"));
    if s.is_empty() {
        return Err("an image reference cannot be empty".into());
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
    let r = parse_reference(input)?;
    if r.digest.is_some() {
        return Err(format!(
            "“{}” cannot be used as a tag: it has a digest",
            input.trim()
        ));
    }
    Ok(r)
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
        if p.is_empty() || p.len() > 5 || !p.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
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

    #[test]
    fn tag_targets_take_no_digest() {
        assert!(parse_tag_target("a/b:c").is_ok());
        let d = format!("a@sha256:{}", "b".repeat(64));
        assert!(parse_tag_target(&d).is_err());
    }
}
