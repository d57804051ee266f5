//! The launch key on disk: this install's secret for sealing launch groups and the list of
//! groups the user adopted, in one file (`launch-key.json`, mode 0600) in Berth's config
//! folder. The shell says which folder ([`GroupSigner::load_or_create`] then [`install`]);
//! without that, the first use loads it from the folder the shell uses by default.
//!
//! A file that cannot be read is an error, never replaced: a new secret would turn every
//! group this Berth launched into a foreign one.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::domain::launch::seal::{self, AdoptedSpec, LaunchKey, KEY_LEN};
use crate::services::safe_file::{self, ReadProblem};

/// The file's name in the config folder.
pub const KEY_FILE: &str = "launch-key.json";
/// A key file is a few hundred bytes, plus ~100 per adopted group: more is not ours.
pub const MAX_KEY_FILE: u64 = 1 << 20;
/// Adopted groups kept at most (the file stays under [`MAX_KEY_FILE`]).
pub const MAX_ADOPTED: usize = 4096;
/// The folder the shell keeps its settings in when it says nothing (its identifier).
const APP_IDENTIFIER: &str = "app.berth.desktop";
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum LaunchKeyError {
    #[error("cannot read the launch key {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the launch key {path} is not a regular file; move it away and restart Berth")]
    NotAFile { path: PathBuf },
    #[error("the launch key {path} is too large ({size} bytes, at most {MAX_KEY_FILE})")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("the launch key {path} is damaged ({reason}); groups cannot be verified until it is restored or moved away")]
    Damaged { path: PathBuf, reason: String },
    #[error("cannot write the launch key {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the operating system gave no random bytes for a launch key: {0}")]
    Random(String),
    #[error("no config folder to keep the launch key in (set BERTH_CONFIG_DIR)")]
    NoFolder,
    #[error("at most {MAX_ADOPTED} groups can be adopted")]
    TooManyAdopted,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    version: u32,
    /// Hex of the 32-byte secret.
    key: String,
    #[serde(default)]
    adopted: Vec<AdoptedSpec>,
}

/// The launch key with the file it lives in. One per process (see [`install`]).
#[derive(Debug)]
pub struct GroupSigner {
    path: PathBuf,
    key: Arc<LaunchKey>,
    /// Adoptions write the file one at a time.
    writing: Mutex<()>,
}

impl GroupSigner {
    /// Reads `dir/launch-key.json`, or makes a new secret (from the OS random source) and
    /// writes it there when there is no such file.
    pub fn load_or_create(dir: &Path) -> Result<Self, LaunchKeyError> {
        let path = dir.join(KEY_FILE);
        let key = match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(dir).map_err(|source| LaunchKeyError::Write {
                    path: path.clone(),
                    source,
                })?;
                let mut secret = [0u8; KEY_LEN];
                getrandom::fill(&mut secret).map_err(|e| LaunchKeyError::Random(e.to_string()))?;
                let key = LaunchKey::new(secret, []);
                write_atomically(&path, key.secret_hex(), Vec::new())?;
                key
            }
            Err(source) => return Err(LaunchKeyError::Read { path, source }),
            Ok(meta) if !meta.file_type().is_file() => {
                return Err(LaunchKeyError::NotAFile { path })
            }
            Ok(meta) if meta.len() > MAX_KEY_FILE => {
                return Err(LaunchKeyError::TooLarge {
                    path,
                    size: meta.len(),
                })
            }
            Ok(meta) => {
                let key = read(&path)?;
                // The secret is as good as the file's mode: tighten a loosened one.
                if meta.permissions().mode() & 0o077 != 0 {
                    tracing::warn!(path = %path.display(), "the launch key was readable by others; set to 0600");
                    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).map_err(
                        |source| LaunchKeyError::Write {
                            path: path.clone(),
                            source,
                        },
                    )?;
                }
                key
            }
        };
        Ok(Self {
            path,
            key: Arc::new(key),
            writing: Mutex::new(()),
        })
    }

    pub fn key(&self) -> &Arc<LaunchKey> {
        &self.key
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records that the user adopted `group` with exactly this `berth.launch` text: on disk
    /// first, then in memory, so a failed write trusts nothing new.
    pub fn adopt(&self, group: &str, launch_json: &str) -> Result<(), LaunchKeyError> {
        let _one_writer = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        if self.key.is_adopted(group, launch_json) {
            return Ok(());
        }
        if self.key.adopted().len() >= MAX_ADOPTED {
            return Err(LaunchKeyError::TooManyAdopted);
        }
        let adopted = AdoptedSpec {
            group: group.to_string(),
            spec: seal::spec_digest(launch_json),
        };
        let mut list = self.key.adopted();
        list.push(adopted.clone());
        write_atomically(&self.path, self.key.secret_hex(), list)?;
        self.key.add_adopted(adopted);
        Ok(())
    }
}

fn read(path: &Path) -> Result<LaunchKey, LaunchKeyError> {
    let text = match safe_file::read_untrusted(path, MAX_KEY_FILE) {
        Ok(Some(text)) => text,
        Ok(None) => {
            return Err(LaunchKeyError::Read {
                path: path.to_path_buf(),
                source: std::io::ErrorKind::NotFound.into(),
            })
        }
        Err(ReadProblem::NotAFile { .. }) => {
            return Err(LaunchKeyError::NotAFile {
                path: path.to_path_buf(),
            })
        }
        Err(ReadProblem::TooLarge { size, .. }) => {
            return Err(LaunchKeyError::TooLarge {
                path: path.to_path_buf(),
                size,
            })
        }
        Err(problem @ (ReadProblem::Unreadable { .. } | ReadProblem::NotText)) => {
            return Err(LaunchKeyError::Damaged {
                path: path.to_path_buf(),
                reason: problem.to_string(),
            })
        }
    };
    let damaged = |reason: String| LaunchKeyError::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    let file: KeyFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
    if file.version != FORMAT_VERSION {
        return Err(damaged(format!("unknown version {}", file.version)));
    }
    let secret = LaunchKey::secret_from_hex(&file.key)
        .ok_or_else(|| damaged("the key is not 64 hex digits".into()))?;
    if file.adopted.len() > MAX_ADOPTED {
        return Err(damaged(format!(
            "{} adopted groups, at most {MAX_ADOPTED}",
            file.adopted.len()
        )));
    }
    Ok(LaunchKey::new(secret, file.adopted))
}

/// Through `safe_file::write_atomic` (temporary file created new with mode 0600, fsync,
/// rename, fsync of the folder): a crash leaves the old file or the new one, never half.
fn write_atomically(
    path: &Path,
    secret_hex: String,
    adopted: Vec<AdoptedSpec>,
) -> Result<(), LaunchKeyError> {
    let body = KeyFile {
        version: FORMAT_VERSION,
        key: secret_hex,
        adopted,
    };
    // Plain strings only: serialising cannot fail.
    let text = serde_json::to_string_pretty(&body).unwrap_or_default();
    safe_file::write_atomic(path, text.as_bytes()).map_err(|source| LaunchKeyError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The process's signer; set by [`install`] or on first use.
static SIGNER: Mutex<Option<Arc<GroupSigner>>> = Mutex::new(None);

/// Makes `signer` the one launches seal with and groups are judged by. The shell calls this
/// once its config folder is known.
pub fn install(signer: GroupSigner) -> Arc<GroupSigner> {
    let signer = Arc::new(signer);
    seal::install(signer.key.clone());
    *SIGNER.lock().unwrap_or_else(PoisonError::into_inner) = Some(signer.clone());
    signer
}

/// The installed signer, or the one in the shell's default folder (`BERTH_CONFIG_DIR`, else
/// the platform's config folder for Berth), loaded and installed now. An error is returned
/// every time the file stays unusable, so every launch says why it cannot be sealed.
pub fn current() -> Result<Arc<GroupSigner>, LaunchKeyError> {
    let mut slot = SIGNER.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(signer) = slot.as_ref() {
        return Ok(signer.clone());
    }
    let signer = Arc::new(GroupSigner::load_or_create(&default_dir()?)?);
    seal::install(signer.key.clone());
    *slot = Some(signer.clone());
    Ok(signer)
}

/// For the shell at startup: loads (or makes) the key now, so the first inventory already
/// judges launch groups with it. A failure is logged here; every launch, scale and adoption
/// says it again, and the groups show why they are not verified (`no_key`).
pub fn load_at_startup() {
    if let Err(e) = current() {
        tracing::warn!(error = %e, "launch key unavailable: launch groups cannot be verified");
    }
}

/// The folder the shell keeps its settings in by default (Tauri's app config folder).
pub fn default_dir() -> Result<PathBuf, LaunchKeyError> {
    if let Some(dir) = std::env::var_os("BERTH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or(LaunchKeyError::NoFolder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::launch::seal::MemberTrust;
    use crate::domain::launch::{LABEL_GROUP, LABEL_LAUNCH};

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_key_is_made_once_with_mode_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = GroupSigner::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE);
        assert_eq!(mode(&path), 0o600);
        let seal = first.key().seal("g", "{}");
        let again = GroupSigner::load_or_create(dir.path()).unwrap();
        assert_eq!(again.key().seal("g", "{}"), seal);
        // Another install has another secret.
        let other = tempfile::tempdir().unwrap();
        let other = GroupSigner::load_or_create(other.path()).unwrap();
        assert_ne!(other.key().seal("g", "{}"), seal);
        // Nothing but the key file is left in the folder (no temporary files).
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [KEY_FILE]);
    }

    #[test]
    fn a_loosened_mode_is_tightened() {
        let dir = tempfile::tempdir().unwrap();
        GroupSigner::load_or_create(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        GroupSigner::load_or_create(dir.path()).unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn a_bad_file_is_a_typed_error_and_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        for (content, want) in [
            ("not json", "damaged"),
            (r#"{"version":1,"key":"abcd"}"#, "damaged"),
            (r#"{"version":9,"key":"00"}"#, "damaged"),
        ] {
            fs::write(&path, content).unwrap();
            let e = GroupSigner::load_or_create(dir.path()).unwrap_err();
            assert!(matches!(e, LaunchKeyError::Damaged { .. }), "{e}");
            assert!(e.to_string().contains(want));
            // Never replaced by a new secret.
            assert_eq!(fs::read_to_string(&path).unwrap(), content);
        }
        fs::write(&path, vec![b' '; MAX_KEY_FILE as usize + 1]).unwrap();
        assert!(matches!(
            GroupSigner::load_or_create(dir.path()),
            Err(LaunchKeyError::TooLarge { .. })
        ));
        fs::remove_file(&path).unwrap();
        fs::create_dir(&path).unwrap();
        assert!(matches!(
            GroupSigner::load_or_create(dir.path()),
            Err(LaunchKeyError::NotAFile { .. })
        ));
        fs::remove_dir(&path).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", &path).unwrap();
        assert!(matches!(
            GroupSigner::load_or_create(dir.path()),
            Err(LaunchKeyError::NotAFile { .. })
        ));
        // A named pipe (no writer: a blocking read would hang) and a link to /dev/zero.
        fs::remove_file(&path).unwrap();
        assert!(std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success());
        assert!(matches!(
            GroupSigner::load_or_create(dir.path()),
            Err(LaunchKeyError::NotAFile { .. })
        ));
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
        assert!(matches!(
            GroupSigner::load_or_create(dir.path()),
            Err(LaunchKeyError::NotAFile { .. })
        ));
        // None of them was replaced by a new key.
        assert!(fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn adoption_is_kept_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let signer = GroupSigner::load_or_create(dir.path()).unwrap();
        signer.adopt("g", "{\"a\":1}").unwrap();
        signer.adopt("g", "{\"a\":1}").unwrap();
        let path = dir.path().join(KEY_FILE);
        assert_eq!(mode(&path), 0o600);
        let again = GroupSigner::load_or_create(dir.path()).unwrap();
        assert_eq!(again.key().adopted().len(), 1);
        let labels = [(LABEL_GROUP, "g"), (LABEL_LAUNCH, "{\"a\":1}")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(again.key().member_trust(&labels), MemberTrust::Adopted);
    }
}
