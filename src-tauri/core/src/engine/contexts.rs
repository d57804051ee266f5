//! Imports the docker CLI's contexts as Berth engines: `contexts/meta/<sha256>/meta.json`
//! for the name and endpoint, `contexts/tls/<sha256>/docker/{ca,cert,key}.pem` for TLS.

use std::path::Path;

use serde::Deserialize;

use super::endpoint::context_dir_name;
use super::EngineError;
use crate::domain::engines::EngineConfig;

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Endpoints", default)]
    endpoints: Endpoints,
}

#[derive(Deserialize, Default)]
struct Endpoints {
    docker: Option<DockerEndpoint>,
}

#[derive(Deserialize)]
struct DockerEndpoint {
    #[serde(rename = "Host", default)]
    host: String,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

/// One context that could not be imported, and why (shown to the user, not fatal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedContext {
    pub dir: String,
    pub reason: String,
}

/// Every context under `config_dir` (the docker CLI's `~/.docker`) with a docker endpoint.
/// A missing contexts directory is simply "no contexts".
pub fn docker_contexts(
    config_dir: &Path,
) -> Result<(Vec<EngineConfig>, Vec<SkippedContext>), EngineError> {
    let meta_root = config_dir.join("contexts/meta");
    let entries = match std::fs::read_dir(&meta_root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((vec![], vec![])),
        Err(e) => {
            return Err(EngineError::BadEndpoint {
                endpoint: meta_root.display().to_string(),
                reason: format!("cannot read the docker contexts: {e}"),
            })
        }
    };
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.file_name().to_string_lossy().into_owned();
        let skip = |reason: String| SkippedContext {
            dir: dir.clone(),
            reason,
        };
        let text = match std::fs::read_to_string(entry.path().join("meta.json")) {
            Ok(t) => t,
            Err(e) => {
                skipped.push(skip(format!("cannot read meta.json: {e}")));
                continue;
            }
        };
        let meta: Meta = match serde_json::from_str(&text) {
            Ok(m) => m,
            Err(e) => {
                skipped.push(skip(format!("meta.json is not valid: {e}")));
                continue;
            }
        };
        // The CLI names the directory after the context; anything else was not written by it.
        if context_dir_name(&meta.name) != dir {
            skipped.push(skip(format!(
                "the directory does not match the context name {:?}",
                meta.name
            )));
            continue;
        }
        let Some(docker) = meta.endpoints.docker.filter(|d| !d.host.is_empty()) else {
            skipped.push(skip(format!(
                "context {:?} has no docker endpoint",
                meta.name
            )));
            continue;
        };
        let tls_dir = config_dir.join("contexts/tls").join(&dir).join("docker");
        let file = |name: &str| {
            let p = tls_dir.join(name);
            p.exists().then(|| p.display().to_string())
        };
        let is_tcp = docker.host.starts_with("tcp://") || docker.host.starts_with("https://");
        let tls_ca = if is_tcp { file("ca.pem") } else { None };
        let (tls_cert, tls_key) = if tls_ca.is_some() {
            (file("cert.pem"), file("key.pem"))
        } else {
            (None, None)
        };
        let mut origin = format!("docker context \"{}\"", meta.name);
        if docker.skip_tls_verify {
            // Berth never skips verification; say so rather than silently differ.
            origin.push_str(" (its SkipTLSVerify is ignored: Berth always verifies)");
        }
        found.push(EngineConfig {
            name: meta.name,
            endpoint: docker.host,
            tls_ca,
            tls_cert,
            tls_key,
            ssh_config: None,
            origin,
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((found, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_context(dir: &Path, name: &str, host: &str, tls: &[&str]) {
        let hex = context_dir_name(name);
        let meta = dir.join("contexts/meta").join(&hex);
        std::fs::create_dir_all(&meta).unwrap();
        let body = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": "test"},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}
        });
        std::fs::write(meta.join("meta.json"), body.to_string()).unwrap();
        if !tls.is_empty() {
            let t = dir.join("contexts/tls").join(&hex).join("docker");
            std::fs::create_dir_all(&t).unwrap();
            for f in tls {
                std::fs::write(t.join(f), "pem").unwrap();
            }
        }
    }

    #[test]
    fn contexts_become_engines_with_their_tls_files() {
        let dir = tempfile::tempdir().unwrap();
        write_context(
            dir.path(),
            "remote",
            "tcp://10.1.1.1:2376",
            &["ca.pem", "cert.pem", "key.pem"],
        );
        write_context(dir.path(), "builder", "ssh://me@build.example", &[]);
        write_context(dir.path(), "plain", "tcp://10.1.1.2:2375", &[]);
        let junk = dir.path().join("contexts/meta/deadbeef");
        std::fs::create_dir_all(&junk).unwrap();
        std::fs::write(junk.join("meta.json"), "{not json").unwrap();

        let (engines, skipped) = docker_contexts(dir.path()).unwrap();
        let names: Vec<_> = engines.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["builder", "plain", "remote"]);
        let remote = &engines[2];
        assert!(remote.tls_ca.as_ref().unwrap().ends_with("docker/ca.pem"));
        assert!(remote.tls_key.as_ref().unwrap().ends_with("docker/key.pem"));
        assert!(engines[1].tls_ca.is_none());
        assert!(engines.iter().all(|e| e.validate().is_ok()));
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].dir, "deadbeef");
    }

    #[test]
    fn no_contexts_directory_is_no_contexts() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(docker_contexts(dir.path()).unwrap().0, vec![]);
    }
}
