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

/// What the docker CLI's contexts give.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DockerContexts {
    /// Ready to import as they are.
    pub found: Vec<EngineConfig>,
    /// TLS contexts that skip verification (`SkipTLSVerify`), as Berth would import them:
    /// with verification on against the context's CA. Imported only if the user says so
    /// (they may fail to connect: the engine's certificate may not match the CA).
    pub skip_verification: Vec<EngineConfig>,
    pub skipped: Vec<SkippedContext>,
}

/// Every context under `config_dir` (the docker CLI's `~/.docker`) with a docker endpoint.
/// A missing contexts directory is simply "no contexts". Berth always verifies TLS: a
/// context that skips verification is never imported as plain TCP; with its CA it is set
/// apart for the user to choose, without one it cannot be verified and is skipped, saying so.
pub fn docker_contexts(config_dir: &Path) -> Result<DockerContexts, EngineError> {
    let meta_root = config_dir.join("contexts/meta");
    let entries = match std::fs::read_dir(&meta_root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DockerContexts::default()),
        Err(e) => {
            return Err(EngineError::BadEndpoint {
                endpoint: meta_root.display().to_string(),
                reason: format!("cannot read the docker contexts: {e}"),
            })
        }
    };
    let mut found = Vec::new();
    let mut skip_verification = Vec::new();
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
        // SkipTLSVerify only means something for TLS (tcp://); the CLI ignores it otherwise.
        let skips = docker.skip_tls_verify && is_tcp;
        if skips && tls_ca.is_none() {
            skipped.push(skip(format!(
                "context {:?} skips TLS verification and has no CA certificate (ca.pem); \
                 Berth always verifies certificates, so it cannot import it: add the engine \
                 by hand with its CA",
                meta.name
            )));
            continue;
        }
        let mut origin = format!("docker context \"{}\"", meta.name);
        if skips {
            origin.push_str(" (the context skips TLS verification; Berth verifies it)");
        }
        let config = EngineConfig {
            name: meta.name,
            endpoint: docker.host,
            tls_ca,
            tls_cert,
            tls_key,
            ssh_config: None,
            origin,
        };
        if skips {
            skip_verification.push(config);
        } else {
            found.push(config);
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    skip_verification.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(DockerContexts {
        found,
        skip_verification,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_context(dir: &Path, name: &str, host: &str, tls: &[&str]) {
        write_context_skipping(dir, name, host, tls, false)
    }

    fn write_context_skipping(dir: &Path, name: &str, host: &str, tls: &[&str], skip: bool) {
        let hex = context_dir_name(name);
        let meta = dir.join("contexts/meta").join(&hex);
        std::fs::create_dir_all(&meta).unwrap();
        let body = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": "test"},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip}}
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

        let DockerContexts {
            found: engines,
            skip_verification,
            skipped,
        } = docker_contexts(dir.path()).unwrap();
        assert!(skip_verification.is_empty());
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
        assert_eq!(
            docker_contexts(dir.path()).unwrap(),
            DockerContexts::default()
        );
    }

    #[test]
    fn a_context_that_skips_verification_is_never_plain_tcp() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write_context_skipping(d, "lab", "tcp://10.1.1.3:2376", &["ca.pem"], true);
        write_context_skipping(d, "nocert", "tcp://10.1.1.4:2376", &[], true);
        // Meaningless on a socket: imported as it is.
        write_context_skipping(d, "sock", "unix:///run/x.sock", &[], true);
        let contexts = docker_contexts(d).unwrap();
        let names = |v: &[EngineConfig]| v.iter().map(|e| e.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&contexts.found), ["sock"]);
        // Set apart for the user, with verification on against its CA.
        assert_eq!(names(&contexts.skip_verification), ["lab"]);
        let lab = &contexts.skip_verification[0];
        assert!(lab.tls_ca.as_ref().unwrap().ends_with("docker/ca.pem"));
        assert!(
            lab.origin.contains("skips TLS verification"),
            "{}",
            lab.origin
        );
        assert!(lab.validate().is_ok());
        // No CA: it cannot be verified, so it is not imported at all, and says why.
        assert_eq!(contexts.skipped.len(), 1);
        assert!(contexts.skipped[0].reason.contains("no CA certificate"));
        assert!(contexts.skipped[0].reason.contains("always verifies"));
    }
}
