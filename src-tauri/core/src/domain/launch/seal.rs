//! Seals on what this Berth launched (issue #13). Labels are not proof of anything: an image
//! on a public registry can carry `berth.group` and a `berth.launch` spec with a bind of `/`,
//! and `docker commit` copies labels. So the launcher also writes `berth.seal`, a keyed digest
//! (HMAC-SHA256 under a per-install secret) of the group id and the exact `berth.launch` text,
//! and only groups whose every member carries a seal this install made (or that the user
//! adopted) are trusted: scaled, replayed by the tray, scaled down.
//!
//! The seal holds two MACs: one over the group id alone and one over the group id and the
//! spec. A container whose group MAC is right but whose spec MAC is not carries this
//! install's labels with another spec: "spec changed", not just "wrong seal".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::labels::BerthLabel;
use super::{LABEL_GROUP, LABEL_LAUNCH};

type HmacSha256 = Hmac<Sha256>;

/// Bytes of secret in a launch key.
pub const KEY_LEN: usize = 32;
/// What every seal starts with; a later format gets another prefix.
const SEAL_PREFIX: &str = "v1:";
/// Domain separation: the two MACs can never be mistaken for each other.
const GROUP_CONTEXT: &[u8] = b"berth.seal.v1.group\0";
const SPEC_CONTEXT: &[u8] = b"berth.seal.v1.spec\0";

/// The `berth.seal` label key.
pub const LABEL_SEAL: &str = BerthLabel::Seal.key();

/// Why a group is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ForeignReason {
    /// A member has no `berth.seal`: made by another program (or a Berth before seals).
    NoSeal,
    /// A member's seal was not made by this Berth for this group (forged, or another
    /// install's).
    WrongSeal,
    /// A member carries this Berth's seal for the group but a different launch spec than the
    /// one sealed, or the members disagree on the spec.
    SpecChanged,
    /// This Berth's launch key could not be loaded, so nothing can be verified.
    NoKey,
}

impl fmt::Display for ForeignReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoSeal => "a member has no seal from this Berth",
            Self::WrongSeal => "a member's seal was not made by this Berth for this group",
            Self::SpecChanged => "a member's launch settings are not the ones this Berth sealed",
            Self::NoKey => "this Berth's launch key could not be loaded",
        })
    }
}

/// Whether Berth trusts a group: made by this install (or adopted by the user), or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum GroupTrust {
    /// Every member's seal is this Berth's (`adopted`: at least one member counts because
    /// the user adopted the group's spec, not because it was sealed).
    Verified { adopted: bool },
    /// Not launched by this Berth: shown with its spec for review, never scaled or replayed.
    Foreign { reason: ForeignReason },
}

impl GroupTrust {
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified { .. })
    }
}

/// One member's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberTrust {
    Sealed,
    Adopted,
    Foreign(ForeignReasonTag),
}

/// Why one member is foreign ([`ForeignReason`] less the group-wide reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignReasonTag {
    NoSeal,
    WrongSeal,
    SpecChanged,
}

impl From<ForeignReasonTag> for ForeignReason {
    fn from(t: ForeignReasonTag) -> Self {
        match t {
            ForeignReasonTag::NoSeal => Self::NoSeal,
            ForeignReasonTag::WrongSeal => Self::WrongSeal,
            ForeignReasonTag::SpecChanged => Self::SpecChanged,
        }
    }
}

impl MemberTrust {
    pub fn is_verified(self) -> bool {
        matches!(self, Self::Sealed | Self::Adopted)
    }
}

/// The digest that names one exact `berth.launch` text in the adopted list.
pub fn spec_digest(launch_json: &str) -> String {
    hex(&Sha256::digest(launch_json.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A group id and spec adopted by the user: trusted although this Berth did not seal it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AdoptedSpec {
    pub group: String,
    /// [`spec_digest`] of the exact `berth.launch` text adopted.
    pub spec: String,
}

/// This install's secret and the groups the user adopted: everything needed to seal a
/// launch and to judge a group. Loaded from disk by the launcher's key store; pure here.
pub struct LaunchKey {
    secret: [u8; KEY_LEN],
    adopted: RwLock<BTreeSet<AdoptedSpec>>,
}

impl fmt::Debug for LaunchKey {
    // Never print the secret, even in a debug log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LaunchKey").finish_non_exhaustive()
    }
}

impl LaunchKey {
    pub fn new(secret: [u8; KEY_LEN], adopted: impl IntoIterator<Item = AdoptedSpec>) -> Self {
        Self {
            secret,
            adopted: RwLock::new(adopted.into_iter().collect()),
        }
    }

    pub fn secret_hex(&self) -> String {
        hex(&self.secret)
    }

    pub fn secret_from_hex(text: &str) -> Option<[u8; KEY_LEN]> {
        unhex(text)?.try_into().ok()
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC pads a key shorter than its block with zeros, so the padded array is the same
        // key; `new` on the block-sized array cannot fail, unlike `new_from_slice`.
        let mut block = [0u8; 64];
        block[..KEY_LEN].copy_from_slice(&self.secret);
        <HmacSha256 as KeyInit>::new(&block.into())
    }

    fn group_mac(&self, group: &str) -> HmacSha256 {
        let mut mac = self.mac();
        mac.update(GROUP_CONTEXT);
        mac.update(group.as_bytes());
        mac
    }

    fn spec_mac(&self, group: &str, launch_json: &str) -> HmacSha256 {
        let mut mac = self.mac();
        mac.update(SPEC_CONTEXT);
        // The length makes (group, spec) unambiguous whatever bytes either holds.
        mac.update(&(group.len() as u64).to_be_bytes());
        mac.update(group.as_bytes());
        mac.update(launch_json.as_bytes());
        mac
    }

    /// The `berth.seal` value for a replica of `group` launched with exactly `launch_json`.
    pub fn seal(&self, group: &str, launch_json: &str) -> String {
        format!(
            "{SEAL_PREFIX}{}:{}",
            hex(&self.group_mac(group).finalize().into_bytes()),
            hex(&self.spec_mac(group, launch_json).finalize().into_bytes())
        )
    }

    /// Whether the user adopted this group with exactly this spec.
    pub fn is_adopted(&self, group: &str, launch_json: &str) -> bool {
        let wanted = AdoptedSpec {
            group: group.to_string(),
            spec: spec_digest(launch_json),
        };
        self.adopted
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&wanted)
    }

    /// Records an adoption in memory (the key store writes it to disk first).
    pub fn add_adopted(&self, adopted: AdoptedSpec) {
        self.adopted
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(adopted);
    }

    pub fn adopted(&self) -> Vec<AdoptedSpec> {
        self.adopted
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// One container's standing, from its own labels. The MACs are compared in constant
    /// time (`verify_slice`).
    pub fn member_trust(&self, labels: &BTreeMap<String, String>) -> MemberTrust {
        let group = labels.get(LABEL_GROUP).map(String::as_str).unwrap_or("");
        let launch = labels.get(LABEL_LAUNCH).map(String::as_str).unwrap_or("");
        let sealed = labels.get(LABEL_SEAL).map(|seal| {
            let parts = seal
                .strip_prefix(SEAL_PREFIX)
                .and_then(|rest| rest.split_once(':'))
                .and_then(|(g, s)| Some((unhex(g)?, unhex(s)?)));
            match parts {
                None => Err(ForeignReasonTag::WrongSeal),
                Some((g, s)) => {
                    if self.group_mac(group).verify_slice(&g).is_err() {
                        Err(ForeignReasonTag::WrongSeal)
                    } else if self.spec_mac(group, launch).verify_slice(&s).is_err() {
                        Err(ForeignReasonTag::SpecChanged)
                    } else {
                        Ok(())
                    }
                }
            }
        });
        match sealed {
            Some(Ok(())) => MemberTrust::Sealed,
            _ if self.is_adopted(group, launch) => MemberTrust::Adopted,
            Some(Err(reason)) => MemberTrust::Foreign(reason),
            None => MemberTrust::Foreign(ForeignReasonTag::NoSeal),
        }
    }

    /// A group's standing from its members' labels: verified only when every member is and
    /// all of them carry the same spec (the one that scale-up would replay).
    pub fn group_trust<'a>(
        &self,
        members: impl IntoIterator<Item = &'a BTreeMap<String, String>>,
    ) -> GroupTrust {
        let mut adopted = false;
        let mut specs = BTreeSet::new();
        let mut any = false;
        for labels in members {
            any = true;
            match self.member_trust(labels) {
                MemberTrust::Sealed => {}
                MemberTrust::Adopted => adopted = true,
                MemberTrust::Foreign(reason) => {
                    return GroupTrust::Foreign {
                        reason: reason.into(),
                    }
                }
            }
            specs.insert(labels.get(LABEL_LAUNCH));
        }
        if !any {
            return GroupTrust::Foreign {
                reason: ForeignReason::NoSeal,
            };
        }
        if specs.len() > 1 {
            return GroupTrust::Foreign {
                reason: ForeignReason::SpecChanged,
            };
        }
        GroupTrust::Verified { adopted }
    }
}

/// The key the inventory judges groups with. The inventory is listed from several places
/// (window, tray, tests) and all of them must judge with the one key the launcher seals
/// with, so the key store installs it here once it is loaded.
static INSTALLED: RwLock<Option<Arc<LaunchKey>>> = RwLock::new(None);

/// Makes `key` the one groups are judged with (the launcher's key store calls this).
pub fn install(key: Arc<LaunchKey>) {
    *INSTALLED.write().unwrap_or_else(PoisonError::into_inner) = Some(key);
}

/// The installed key, if the key store has loaded one.
pub fn installed() -> Option<Arc<LaunchKey>> {
    INSTALLED
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn sealed(key: &LaunchKey, group: &str, spec: &str) -> BTreeMap<String, String> {
        labels(&[
            (LABEL_GROUP, group),
            (LABEL_LAUNCH, spec),
            (LABEL_SEAL, &key.seal(group, spec)),
        ])
    }

    #[test]
    fn a_seal_verifies_only_under_its_key_group_and_spec() {
        let key = LaunchKey::new([7; KEY_LEN], []);
        let other = LaunchKey::new([8; KEY_LEN], []);
        let mine = sealed(&key, "g1", "{\"a\":1}");
        assert_eq!(key.member_trust(&mine), MemberTrust::Sealed);
        // Another install's key: wrong seal.
        assert_eq!(
            other.member_trust(&mine),
            MemberTrust::Foreign(ForeignReasonTag::WrongSeal)
        );
        // The seal copied onto another group: wrong seal.
        let mut moved = mine.clone();
        moved.insert(LABEL_GROUP.into(), "g2".into());
        assert_eq!(
            key.member_trust(&moved),
            MemberTrust::Foreign(ForeignReasonTag::WrongSeal)
        );
        // Same group, another spec: spec changed.
        let mut changed = mine.clone();
        changed.insert(LABEL_LAUNCH.into(), "{\"a\":2}".into());
        assert_eq!(
            key.member_trust(&changed),
            MemberTrust::Foreign(ForeignReasonTag::SpecChanged)
        );
        // No seal, or garbage.
        let mut none = mine.clone();
        none.remove(LABEL_SEAL);
        assert_eq!(
            key.member_trust(&none),
            MemberTrust::Foreign(ForeignReasonTag::NoSeal)
        );
        for junk in [
            "",
            "v1:",
            "v1:zz:yy",
            "v2:00:00",
            &format!("v1:{}", "0".repeat(64)),
        ] {
            let mut bad = mine.clone();
            bad.insert(LABEL_SEAL.into(), junk.into());
            assert_eq!(
                key.member_trust(&bad),
                MemberTrust::Foreign(ForeignReasonTag::WrongSeal),
                "{junk:?}"
            );
        }
    }

    #[test]
    fn a_group_is_verified_only_when_every_member_is_and_specs_agree() {
        let key = LaunchKey::new([1; KEY_LEN], []);
        let a = sealed(&key, "g", "{\"a\":1}");
        let b = sealed(&key, "g", "{\"a\":2}");
        let loose = labels(&[(LABEL_GROUP, "g"), (LABEL_LAUNCH, "{\"a\":1}")]);
        assert_eq!(
            key.group_trust([&a, &a]),
            GroupTrust::Verified { adopted: false }
        );
        assert_eq!(
            key.group_trust([&a, &loose]),
            GroupTrust::Foreign {
                reason: ForeignReason::NoSeal
            }
        );
        assert_eq!(
            key.group_trust([&a, &b]),
            GroupTrust::Foreign {
                reason: ForeignReason::SpecChanged
            }
        );
        assert!(!key.group_trust([]).is_verified());
    }

    #[test]
    fn adoption_trusts_one_group_and_exact_spec() {
        let key = LaunchKey::new([1; KEY_LEN], []);
        let foreign = labels(&[(LABEL_GROUP, "g"), (LABEL_LAUNCH, "{\"a\":1}")]);
        key.add_adopted(AdoptedSpec {
            group: "g".into(),
            spec: spec_digest("{\"a\":1}"),
        });
        assert_eq!(key.member_trust(&foreign), MemberTrust::Adopted);
        assert_eq!(
            key.group_trust([&foreign]),
            GroupTrust::Verified { adopted: true }
        );
        let mut other_spec = foreign.clone();
        other_spec.insert(LABEL_LAUNCH.into(), "{\"a\":2}".into());
        assert!(!key.member_trust(&other_spec).is_verified());
        let mut other_group = foreign.clone();
        other_group.insert(LABEL_GROUP.into(), "h".into());
        assert!(!key.member_trust(&other_group).is_verified());
    }

    #[test]
    fn the_secret_round_trips_through_hex_and_is_never_printed() {
        let key = LaunchKey::new([0xab; KEY_LEN], []);
        assert_eq!(
            LaunchKey::secret_from_hex(&key.secret_hex()),
            Some([0xab; KEY_LEN])
        );
        assert_eq!(LaunchKey::secret_from_hex("abc"), None);
        assert_eq!(LaunchKey::secret_from_hex(&"ab".repeat(31)), None);
        assert!(!format!("{key:?}").contains("ab"));
    }
}
