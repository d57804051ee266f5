//! The launch dialog's form (`LaunchRequest`, raw text as typed) and its validated form
//! (`LaunchSpec`, what a replica is made of). Validation reports every problem, per field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::env::{parse_env, parse_pairs};
use super::names::normalize_pattern;
use super::ports::{parse_ports, PortSpec};
use super::replicas::Replicas;
use super::shell;
use super::BerthLabel;
use crate::domain::echo::echo;
use crate::domain::reference::{looks_like_image_id, ImageRef};

/// The engine refuses memory limits under 6 MiB.
pub const MIN_MEMORY: u64 = 6 * 1024 * 1024;
/// The engine refuses CPU limits under 0.01 CPUs.
pub const MIN_NANO_CPUS: u64 = 10_000_000;

/// The launch form as typed. Every field is text so that what the user typed, however
/// wrong, reaches the validator and gets a message under the right field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LaunchRequest {
    pub image: String,
    pub replicas: String,
    /// Empty: `<image-name>-{n}`.
    pub name_pattern: String,
    /// Empty: the image's own command. Split like a shell would, without expansions.
    pub command: String,
    /// `KEY=VALUE` lines (an env file's content).
    pub env: String,
    /// `[IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]`, one per line or comma-separated.
    pub ports: String,
    /// `SOURCE:TARGET[:ro]` per line: SOURCE an absolute host path (bind mount), a volume
    /// name (shared by all replicas) or a name with `{n}` (one volume per replica).
    pub volumes: String,
    /// `key=value` lines.
    pub labels: String,
    /// `no` (or empty), `on-failure`, `on-failure:N`, `always`, `unless-stopped`.
    pub restart: String,
    /// e.g. `512m`, `1g`, or bytes; empty for no limit.
    pub memory: String,
    /// e.g. `0.5`; empty for no limit.
    pub cpus: String,
    /// Empty: the engine's default bridge.
    pub network: String,
    pub auto_remove: bool,
}

/// The form field a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LaunchField {
    Image,
    Replicas,
    NamePattern,
    Command,
    Env,
    Ports,
    Volumes,
    Labels,
    Restart,
    Memory,
    Cpus,
    Network,
    AutoRemove,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldError {
    pub field: LaunchField,
    pub message: String,
}

impl FieldError {
    pub fn new(field: LaunchField, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "name", rename_all = "kebab-case")]
#[ts(export)]
pub enum RestartPolicy {
    No,
    OnFailure { max_retries: Option<u32> },
    Always,
    UnlessStopped,
}

impl RestartPolicy {
    /// As `docker run --restart` takes it.
    pub fn to_cli(self) -> String {
        match self {
            Self::No => "no".into(),
            Self::OnFailure { max_retries: None } => "on-failure".into(),
            Self::OnFailure {
                max_retries: Some(n),
            } => format!("on-failure:{n}"),
            Self::Always => "always".into(),
            Self::UnlessStopped => "unless-stopped".into(),
        }
    }
}

/// Where a mount's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "source", rename_all = "snake_case")]
#[ts(export)]
pub enum VolumeSource {
    /// A host path.
    Bind(String),
    /// One named volume all replicas share.
    Shared(String),
    /// A volume name with `{n}`: each replica gets its own.
    PerReplica(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VolumeSpec {
    pub source: VolumeSource,
    pub target: String,
    pub read_only: bool,
}

impl VolumeSource {
    /// The source as typed (a per-replica name still has its `{n}`).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Bind(s) | Self::Shared(s) | Self::PerReplica(s) => s,
        }
    }
}

impl VolumeSpec {
    /// `SOURCE:TARGET[:ro]`, as `docker run -v` and the engine's `Binds` take it, with
    /// `source` standing for this mount's own (a replica's rendered name, or as typed).
    pub fn to_cli_from(&self, source: &str) -> String {
        let mode = if self.read_only { ":ro" } else { "" };
        format!("{source}:{}{mode}", self.target)
    }
}

/// What every replica of a launch is made of; stored as JSON in each replica's
/// `berth.launch` label, so a group can be scaled after an app restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LaunchSpec {
    pub image: String,
    /// Contains `{n}` exactly once, or none: then it is the exact name of a launch's one
    /// container (more members of its group are numbered `<name>-{n}`, see
    /// [`super::names::plan_names`]).
    pub name_pattern: String,
    /// `None`: the image's default command.
    pub command: Option<Vec<String>>,
    /// `KEY=VALUE`.
    pub env: Vec<String>,
    pub ports: Vec<PortSpec>,
    pub volumes: Vec<VolumeSpec>,
    pub labels: BTreeMap<String, String>,
    pub restart: RestartPolicy,
    /// Bytes.
    #[ts(type = "number | null")]
    pub memory: Option<u64>,
    /// Billionths of a CPU.
    #[ts(type = "number | null")]
    pub nano_cpus: Option<u64>,
    pub network: Option<String>,
    pub auto_remove: bool,
}

/// The longest one-line field (image, replicas, name, restart, memory, CPUs, network):
/// image names stop at 255, and so does everything else worth typing there.
pub const MAX_LINE_FIELD_CHARS: usize = 255;
/// The longest multi-line field (command, env, ports, volumes, labels), in bytes: the form
/// travels in a label of every replica and in the settings file.
pub const MAX_TEXT_FIELD_BYTES: usize = 32 * 1024;
/// The longest line of a multi-line field (a host path can be 4096 bytes).
pub const MAX_TEXT_LINE_CHARS: usize = 4096;

/// Fields too long, or with control characters, get one error each that does not repeat
/// them (issue #13: a pasted 100 KB value came back whole in every message), and are not
/// parsed further. Returns the form with those fields emptied, and the errors.
fn screen(req: &LaunchRequest) -> (LaunchRequest, Vec<FieldError>) {
    let mut screened = req.clone();
    let mut errors = Vec::new();
    let mut check = |field: LaunchField, value: &mut String, multi_line: bool| {
        let problem = if multi_line {
            if value.len() > MAX_TEXT_FIELD_BYTES {
                Some(format!("is longer than {} KB", MAX_TEXT_FIELD_BYTES / 1024))
            } else if value
                .lines()
                .any(|l| l.chars().count() > MAX_TEXT_LINE_CHARS)
            {
                Some(format!(
                    "has a line longer than {MAX_TEXT_LINE_CHARS} characters"
                ))
            } else if value
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                Some("has control characters (such as NUL or escape)".to_string())
            } else {
                None
            }
        } else if value.chars().count() > MAX_LINE_FIELD_CHARS {
            Some(format!("is longer than {MAX_LINE_FIELD_CHARS} characters"))
        } else if value.chars().any(char::is_control) {
            Some("has control characters (such as a line break, NUL or escape)".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.push(FieldError::new(field, format!("this field {problem}")));
            value.clear();
        }
    };
    let r = &mut screened;
    check(LaunchField::Image, &mut r.image, false);
    check(LaunchField::Replicas, &mut r.replicas, false);
    check(LaunchField::NamePattern, &mut r.name_pattern, false);
    check(LaunchField::Command, &mut r.command, true);
    check(LaunchField::Env, &mut r.env, true);
    check(LaunchField::Ports, &mut r.ports, true);
    check(LaunchField::Volumes, &mut r.volumes, true);
    check(LaunchField::Labels, &mut r.labels, true);
    check(LaunchField::Restart, &mut r.restart, false);
    check(LaunchField::Memory, &mut r.memory, false);
    check(LaunchField::Cpus, &mut r.cpus, false);
    check(LaunchField::Network, &mut r.network, false);
    (screened, errors)
}

/// Validates the whole form: the replica count and the spec, or every problem found.
pub fn validate(req: &LaunchRequest) -> Result<(u32, LaunchSpec), Vec<FieldError>> {
    let (screened, mut errors) = screen(req);
    if errors.is_empty() {
        return validate_screened(req);
    }
    // A field emptied by the screen is not also "missing": its own error says why.
    if let Err(more) = validate_screened(&screened) {
        let refused: Vec<LaunchField> = errors.iter().map(|e| e.field).collect();
        errors.extend(more.into_iter().filter(|e| !refused.contains(&e.field)));
    }
    Err(errors)
}

/// Docker's rule for network names, plus `container:<name>` (share another container's).
fn valid_network(network: &str) -> bool {
    let name = network.strip_prefix("container:").unwrap_or(network);
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

fn validate_screened(req: &LaunchRequest) -> Result<(u32, LaunchSpec), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field, message: String| errors.push(FieldError::new(field, message));

    let image = req.image.trim().to_string();
    if image.is_empty() {
        err(LaunchField::Image, "choose an image".into());
    } else if image.chars().any(char::is_whitespace) {
        err(
            LaunchField::Image,
            format!("“{}” is not an image reference", echo(&image)),
        );
    } else if !looks_like_image_id(&image) {
        // The form is also saved as a preset without the engine: check the grammar here
        // (a reference with path segments or a query would otherwise be stored).
        if let Err(e) = ImageRef::parse(&image) {
            err(LaunchField::Image, e.to_string());
        }
    }
    let replicas = Replicas::parse_launch(&req.replicas)
        .map(Replicas::get)
        .map_err(|e| err(LaunchField::Replicas, e.to_string()))
        .ok();
    // An unreadable count (already an error above) checks the name as several replicas'.
    let name_pattern = normalize_pattern(&req.name_pattern, &image, replicas.unwrap_or(0))
        .map_err(|m| err(LaunchField::NamePattern, m))
        .ok();
    let command = match shell::split(&req.command) {
        Ok(words) if words.is_empty() => Some(None),
        Ok(words) => Some(Some(words)),
        Err(e) => {
            err(LaunchField::Command, e.to_string());
            None
        }
    };
    let env = parse_env(&req.env)
        .map_err(|es| {
            for e in es {
                err(LaunchField::Env, e.message)
            }
        })
        .ok();
    let ports = parse_ports(&req.ports)
        .map_err(|es| {
            for e in es {
                err(LaunchField::Ports, e)
            }
        })
        .ok();
    let volumes = parse_volumes(&req.volumes)
        .map_err(|es| {
            for e in es {
                err(LaunchField::Volumes, e)
            }
        })
        .ok();
    let labels = parse_labels(&req.labels)
        .map_err(|es| {
            for e in es {
                err(LaunchField::Labels, e)
            }
        })
        .ok();
    let restart = parse_restart(&req.restart)
        .map_err(|m| err(LaunchField::Restart, m))
        .ok();
    let memory = parse_memory(&req.memory)
        .map_err(|m| err(LaunchField::Memory, m))
        .ok();
    let nano_cpus = parse_cpus(&req.cpus)
        .map_err(|m| err(LaunchField::Cpus, m))
        .ok();
    let network = req.network.trim();
    if network.chars().any(char::is_whitespace) {
        err(LaunchField::Network, "a network name has no spaces".into());
    } else if !network.is_empty() && !valid_network(network) {
        err(
            LaunchField::Network,
            format!(
                "“{}” is not a network name: letters, digits, `_`, `.` and `-`, starting with \
                 a letter or digit",
                echo(network)
            ),
        );
    }
    if req.auto_remove && !matches!(restart, None | Some(RestartPolicy::No)) {
        err(
            LaunchField::AutoRemove,
            "auto-remove and a restart policy exclude each other (the engine refuses both)".into(),
        );
    }
    match (
        replicas,
        name_pattern,
        command,
        env,
        ports,
        volumes,
        labels,
        restart,
        memory,
        nano_cpus,
    ) {
        (
            Some(replicas),
            Some(name_pattern),
            Some(command),
            Some(env),
            Some(ports),
            Some(volumes),
            Some(labels),
            Some(restart),
            Some(memory),
            Some(nano_cpus),
        ) if errors.is_empty() => Ok((
            replicas,
            LaunchSpec {
                image,
                name_pattern,
                command,
                env,
                ports,
                volumes,
                labels,
                restart,
                memory,
                nano_cpus,
                network: (!network.is_empty()).then(|| network.to_string()),
                auto_remove: req.auto_remove,
            },
        )),
        _ => Err(errors),
    }
}

/// Checks a spec read from a label (someone else may have written it) with the launch form's
/// own validator: the spec must be exactly one the form makes. Its form is validated, and
/// what comes back must equal it, so a field the form would never produce (a label
/// `berth.group`, a pattern with two `{n}`, a zero memory limit) is refused. It is read as a
/// one-replica form: a pattern without `{n}` is then an exact name the form does make (the
/// group of one container launched with that name).
pub fn revalidate(spec: &LaunchSpec) -> Result<LaunchSpec, Vec<FieldError>> {
    let (_, again) = validate(&spec.to_request(1))?;
    if &again == spec {
        Ok(again)
    } else {
        Err(vec![FieldError::new(
            LaunchField::Image,
            "the stored launch settings are not ones the launch form makes",
        )])
    }
}

fn parse_labels(text: &str) -> Result<BTreeMap<String, String>, Vec<String>> {
    let pairs = parse_pairs(text, "label")
        .map_err(|es| es.into_iter().map(|e| e.message).collect::<Vec<_>>())?;
    let mut errors = Vec::new();
    let mut labels = BTreeMap::new();
    for (k, v) in pairs {
        if BerthLabel::ALL.iter().any(|l| l.key() == k) {
            errors.push(format!("{k} is set by Berth itself"));
        } else {
            labels.insert(k, v);
        }
    }
    if errors.is_empty() {
        Ok(labels)
    } else {
        Err(errors)
    }
}

pub fn parse_restart(text: &str) -> Result<RestartPolicy, String> {
    let t = text.trim();
    Ok(match t {
        "" | "no" => RestartPolicy::No,
        "always" => RestartPolicy::Always,
        "unless-stopped" => RestartPolicy::UnlessStopped,
        "on-failure" => RestartPolicy::OnFailure { max_retries: None },
        _ => match t.strip_prefix("on-failure:") {
            Some(n) => match n.parse::<u32>() {
                Ok(n) => RestartPolicy::OnFailure {
                    max_retries: Some(n),
                },
                Err(_) => {
                    return Err(format!(
                        "on-failure:{n}: the retry count must be a whole number"
                    ))
                }
            },
            None => {
                return Err(format!(
                    "{t:?}: use no, on-failure, on-failure:N, always or unless-stopped"
                ))
            }
        },
    })
}

/// Like the docker CLI: a number with an optional unit (b, k, m, g, t; `kb`/`kib` too).
pub fn parse_memory(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim();
    let multiplier: u64 = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => {
            return Err(format!(
                "{text:?}: use a number with b, k, m or g, e.g. 512m"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?}: use a number with b, k, m or g, e.g. 512m"))?;
    let bytes = value * multiplier as f64;
    if !bytes.is_finite() || bytes > 1e18 {
        return Err(format!("{text:?} is too large"));
    }
    let bytes = bytes as u64;
    if bytes < MIN_MEMORY {
        return Err("the engine needs at least 6m".into());
    }
    Ok(Some(bytes))
}

/// A decimal number of CPUs, in billionths, as `docker run --cpus` computes it.
pub fn parse_cpus(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || format!("{t:?}: use a number of CPUs, e.g. 0.5 or 2");
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    if frac.len() > 9 {
        return Err(format!("{t:?}: at most 9 decimals"));
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac_nanos: u64 = format!("{frac:0<9}").parse().map_err(|_| bad())?;
    let nanos = whole
        .checked_mul(1_000_000_000)
        .and_then(|w| w.checked_add(frac_nanos))
        .filter(|&n| n <= 1 << 40)
        .ok_or_else(|| format!("{t:?} is too large"))?;
    if nanos == 0 {
        return Err("more than 0 CPUs, or leave it empty for no limit".into());
    }
    // The engine's floor ("Range of CPUs is from 0.01"): refused here, before any create.
    if nanos < MIN_NANO_CPUS {
        return Err(format!("{t:?}: at least 0.01 CPUs"));
    }
    Ok(Some(nanos))
}

/// `1.5` for 1_500_000_000.
pub fn format_cpus(nanos: u64) -> String {
    let whole = nanos / 1_000_000_000;
    let frac = nanos % 1_000_000_000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{frac:09}").trim_end_matches('0'))
    }
}

impl LaunchSpec {
    /// The form that validates back to this spec, with `replicas` replicas. A launch group
    /// stores only its spec (the `berth.launch` label), so this is how a launch made from a
    /// group (the tray's "Launch another") gets a form for the recent images (issue #6).
    pub fn to_request(&self, replicas: u32) -> LaunchRequest {
        let ports: Vec<String> = self
            .ports
            .iter()
            .map(|p| {
                super::ports::PortBinding {
                    host_ip: p.host_ip.clone(),
                    host_port: p.host_port,
                    container_port: p.container_port,
                    protocol: p.protocol,
                }
                .to_cli()
            })
            .collect();
        let volumes: Vec<String> = self
            .volumes
            .iter()
            .map(|v| v.to_cli_from(v.source.as_str()))
            .collect();
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        LaunchRequest {
            image: self.image.clone(),
            replicas: replicas.to_string(),
            name_pattern: self.name_pattern.clone(),
            command: self.command.as_deref().map(shell::join).unwrap_or_default(),
            env: self.env.join("\n"),
            ports: ports.join("\n"),
            volumes: volumes.join("\n"),
            labels: labels.join("\n"),
            // Empty for "no", as a fresh form has it.
            restart: match self.restart {
                RestartPolicy::No => String::new(),
                r => r.to_cli(),
            },
            memory: self.memory.map(|b| b.to_string()).unwrap_or_default(),
            cpus: self.nano_cpus.map(format_cpus).unwrap_or_default(),
            network: self.network.clone().unwrap_or_default(),
            auto_remove: self.auto_remove,
        }
    }
}

fn is_volume_name(s: &str) -> bool {
    super::names::is_valid_name(s) || (s.len() == 1 && s.chars().all(|c| c.is_ascii_alphanumeric()))
}

pub fn parse_volumes(text: &str) -> Result<Vec<VolumeSpec>, Vec<String>> {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(':').collect();
        let (source, target, mode) = match parts.as_slice() {
            [s, t] => (*s, *t, None),
            [s, t, m] => (*s, *t, Some(*m)),
            _ => {
                errors.push(format!("{line}: use SOURCE:TARGET or SOURCE:TARGET:ro"));
                continue;
            }
        };
        let read_only = match mode {
            None | Some("rw") => false,
            Some("ro") => true,
            Some(m) => {
                errors.push(format!("{line}: the mode {m:?} is not ro or rw"));
                continue;
            }
        };
        if !target.starts_with('/') {
            errors.push(format!(
                "{line}: the target {target:?} must be an absolute path in the container"
            ));
            continue;
        }
        let source = if source.starts_with('/') {
            VolumeSource::Bind(source.to_string())
        } else if source.contains(super::names::PLACEHOLDER) {
            let sample = super::names::render(source, 1);
            if source.matches(super::names::PLACEHOLDER).count() != 1 || !is_volume_name(&sample) {
                errors.push(format!(
                    "{line}: {source:?} is not a valid volume name pattern"
                ));
                continue;
            }
            VolumeSource::PerReplica(source.to_string())
        } else if is_volume_name(source) {
            VolumeSource::Shared(source.to_string())
        } else {
            errors.push(format!(
                "{line}: {source:?} is neither an absolute host path nor a volume name"
            ));
            continue;
        };
        specs.push(VolumeSpec {
            source,
            target: target.to_string(),
            read_only,
        });
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #13's corpus: a huge or control-character value gets one error that does not
    /// repeat it, and no second error for the same field.
    #[test]
    fn huge_and_control_character_fields_are_refused_without_echo() {
        let huge = "a".repeat(100 * 1024);
        for (field, set) in [
            (
                LaunchField::Image,
                (|r: &mut LaunchRequest, v: &str| r.image = v.into())
                    as fn(&mut LaunchRequest, &str),
            ),
            (LaunchField::Ports, |r, v| r.ports = v.into()),
            (LaunchField::Memory, |r, v| r.memory = v.into()),
            (LaunchField::Env, |r, v| r.env = v.into()),
        ] {
            for value in [huge.as_str(), "x\u{0}y", "\u{1b}[31m"] {
                let mut req = request();
                set(&mut req, value);
                let errors = validate(&req).unwrap_err();
                let mine: Vec<&FieldError> = errors.iter().filter(|e| e.field == field).collect();
                assert_eq!(mine.len(), 1, "{field:?} {errors:?}");
                assert!(mine[0].message.starts_with("this field "), "{:?}", mine[0]);
                assert!(!mine[0].message.contains('\u{0}') && mine[0].message.len() < 100);
            }
        }
        // Line breaks and tabs are what multi-line fields are made of.
        let mut req = request();
        req.env = "A=1\r\nB=2\tx\n".into();
        assert!(validate(&req).is_ok(), "{:?}", validate(&req));
    }

    #[test]
    fn cpus_below_the_engines_floor_are_refused() {
        assert!(parse_cpus("0.00001").unwrap_err().contains("at least 0.01"));
        assert_eq!(parse_cpus("0.01"), Ok(Some(MIN_NANO_CPUS)));
    }

    #[test]
    fn a_network_is_a_name() {
        for bad in [
            "a/../b",
            "../../etc/passwd",
            "x?y=1",
            "ИМЯ",
            "-rm",
            "--privileged",
            "😀",
        ] {
            let mut req = request();
            req.network = bad.into();
            let errors = validate(&req).unwrap_err();
            assert!(
                errors.iter().any(|e| e.field == LaunchField::Network),
                "{bad}"
            );
        }
        for good in ["", "bridge", "host", "my_net.1-a", "container:web-1"] {
            let mut req = request();
            req.network = good.into();
            assert!(validate(&req).is_ok(), "{good}");
        }
    }

    fn request() -> LaunchRequest {
        LaunchRequest {
            image: "berth-test/app:latest".into(),
            replicas: "3".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_spec_turns_back_into_a_form_that_validates_to_it() {
        let form = LaunchRequest {
            image: "berth-test/app:latest".into(),
            replicas: "3".into(),
            name_pattern: "web-{n}".into(),
            command: "sh -c 'echo hi; sleep 1d'".into(),
            env: "A=1\nB=two words".into(),
            ports: "8080:80\n127.0.0.1::53/udp\n[::1]:9000:90\n7000".into(),
            volumes: "{n}-data:/data\nshared:/shared:ro\n/tmp:/host".into(),
            labels: "team=web\ntier=front".into(),
            restart: "on-failure:3".into(),
            memory: "512m".into(),
            cpus: "1.25".into(),
            network: "bridge".into(),
            auto_remove: false,
        };
        let (_, spec) = validate(&form).unwrap();
        let back = spec.to_request(1);
        assert_eq!(back.replicas, "1");
        assert_eq!(back.cpus, "1.25");
        let (n, again) = validate(&back).unwrap();
        assert_eq!(n, 1);
        assert_eq!(again, spec);

        // The defaults come back as a fresh form has them: empty fields.
        let (_, minimal) = validate(&request()).unwrap();
        let back = minimal.to_request(2);
        assert_eq!(back.restart, "");
        assert_eq!(back.command, "");
        assert_eq!(back.memory, "");
        assert_eq!(validate(&back).unwrap(), (2, minimal));
    }

    #[test]
    fn a_spec_from_a_label_is_checked_by_the_form_s_validator() {
        let (_, spec) = validate(&request()).unwrap();
        assert_eq!(revalidate(&spec), Ok(spec.clone()));
        // What the form never makes: Berth's own labels, a name that is no container name,
        // two {n}, a memory limit under 6m, a relative bind target.
        let mut bad = spec.clone();
        bad.labels.insert("berth.seal".into(), "x".into());
        assert!(revalidate(&bad).is_err());
        for pattern in ["-fixed", "a{n}{n}", "a{x}", "sp ace", "web-{n}-"] {
            let mut bad = spec.clone();
            bad.name_pattern = pattern.into();
            let ok = pattern == "web-{n}-";
            assert_eq!(revalidate(&bad).is_ok(), ok, "{pattern}");
        }
        // An exact name (no {n}) is what the form makes for one container, so a group
        // launched that way is replayed (scaled, launched again) rather than refused.
        let (_, exact) = validate(&LaunchRequest {
            replicas: "1".into(),
            name_pattern: "fixed".into(),
            ..request()
        })
        .unwrap();
        assert_eq!(exact.name_pattern, "fixed");
        assert_eq!(revalidate(&exact), Ok(exact.clone()));
        let mut bad = spec.clone();
        bad.memory = Some(1);
        assert!(revalidate(&bad).is_err());
        let mut bad = spec.clone();
        bad.volumes.push(VolumeSpec {
            source: VolumeSource::Bind("/".into()),
            target: "etc".into(),
            read_only: false,
        });
        assert!(revalidate(&bad).is_err());
        // A bind of the host's root is something the form allows: adoption shows it.
        let mut root = spec;
        root.volumes.push(VolumeSpec {
            source: VolumeSource::Bind("/".into()),
            target: "/host".into(),
            read_only: false,
        });
        assert!(revalidate(&root).is_ok());
    }

    #[test]
    fn a_minimal_form_is_valid_with_defaults() {
        let (n, spec) = validate(&request()).unwrap();
        assert_eq!(n, 3);
        assert_eq!(spec.name_pattern, "app-{n}");
        assert_eq!(spec.command, None);
        assert_eq!(spec.restart, RestartPolicy::No);
        assert_eq!(spec.network, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let req = LaunchRequest {
            image: String::new(),
            replicas: "0".into(),
            name_pattern: "-x".into(),
            command: "sh -c 'oops".into(),
            env: "NOPE".into(),
            ports: "99999:80".into(),
            volumes: "data".into(),
            labels: "berth.group=x".into(),
            restart: "sometimes".into(),
            memory: "lots".into(),
            cpus: "-1".into(),
            network: "a b".into(),
            auto_remove: false,
        };
        let errors = validate(&req).unwrap_err();
        let fields: std::collections::HashSet<LaunchField> =
            errors.iter().map(|e| e.field).collect();
        use LaunchField::*;
        for f in [
            Image,
            Replicas,
            NamePattern,
            Command,
            Env,
            Ports,
            Volumes,
            Labels,
            Restart,
            Memory,
            Cpus,
            Network,
        ] {
            assert!(fields.contains(&f), "{f:?} missing from {errors:?}");
        }
    }

    #[test]
    fn one_replica_keeps_an_exact_name_several_are_numbered() {
        let form = |replicas: &str, name: &str| LaunchRequest {
            replicas: replicas.into(),
            name_pattern: name.into(),
            ..request()
        };
        assert_eq!(validate(&form("1", " web ")).unwrap().1.name_pattern, "web");
        assert_eq!(
            validate(&form("3", "web")).unwrap().1.name_pattern,
            "web-{n}"
        );
        assert_eq!(
            validate(&form("1", "web-{n}")).unwrap().1.name_pattern,
            "web-{n}"
        );
        assert_eq!(validate(&form("1", "")).unwrap().1.name_pattern, "app-{n}");
        // An exact name must be one the engine takes as it is.
        let errors = validate(&form("1", "x")).unwrap_err();
        assert_eq!(errors[0].field, LaunchField::NamePattern);
        assert!(errors[0].message.contains("not a valid container name"));
    }

    #[test]
    fn auto_remove_excludes_restart() {
        let req = LaunchRequest {
            restart: "always".into(),
            auto_remove: true,
            ..request()
        };
        let errors = validate(&req).unwrap_err();
        assert_eq!(errors[0].field, LaunchField::AutoRemove);
    }

    #[test]
    fn restart_memory_and_cpus_parse_like_the_cli() {
        assert_eq!(
            parse_restart("on-failure:3"),
            Ok(RestartPolicy::OnFailure {
                max_retries: Some(3)
            })
        );
        assert_eq!(
            parse_restart("unless-stopped").unwrap().to_cli(),
            "unless-stopped"
        );
        assert!(parse_restart("on-failure:x").is_err());
        assert_eq!(parse_memory("512m"), Ok(Some(512 << 20)));
        assert_eq!(parse_memory("1g"), Ok(Some(1 << 30)));
        assert_eq!(parse_memory("1.5GB"), Ok(Some(3 << 29)));
        assert_eq!(parse_memory(""), Ok(None));
        assert!(parse_memory("1k").unwrap_err().contains("6m"));
        assert!(parse_memory("12q").is_err());
        assert_eq!(parse_cpus("1.5"), Ok(Some(1_500_000_000)));
        assert_eq!(parse_cpus(".25"), Ok(Some(250_000_000)));
        assert!(parse_cpus("0").is_err());
        assert!(parse_cpus("-1").is_err());
        assert!(parse_cpus("1.0000000001").is_err());
        assert_eq!(format_cpus(1_500_000_000), "1.5");
        assert_eq!(format_cpus(2_000_000_000), "2");
        assert_eq!(format_cpus(250_000_000), "0.25");
    }

    #[test]
    fn volumes_are_bind_shared_or_per_replica() {
        let v = parse_volumes("/srv/www:/usr/share:ro\ncache:/cache\n{n}-data:/data").unwrap();
        assert_eq!(v[0].source, VolumeSource::Bind("/srv/www".into()));
        assert!(v[0].read_only);
        assert_eq!(v[1].source, VolumeSource::Shared("cache".into()));
        assert_eq!(v[2].source, VolumeSource::PerReplica("{n}-data".into()));
        assert_eq!(
            parse_volumes("x:rel\na:/b:zz\n/a\n-x:/y")
                .unwrap_err()
                .len(),
            4
        );
    }
}
