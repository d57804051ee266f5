//! Limits changed live (`docker update`): memory, memory+swap, CPUs and the restart policy of
//! a container, what the engine allows for each, and the `docker update` line. Pure: the
//! engine's current values and host CPU count come in as arguments.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cli_equiv::{CliCommand, DockerCommand};

/// The engine refuses a memory limit under 6 MiB ("Minimum memory limit allowed is 6MB").
pub const MIN_MEMORY: u64 = 6 << 20;
/// The engine's CPU quota unit: `--cpus 1.5` is 1.5e9 nano-CPUs; under 0.01 it refuses.
pub const NANO_PER_CPU: f64 = 1e9;
pub const MIN_CPUS: f64 = 0.01;
/// `on-failure:N` beyond this is a typo, not a policy.
pub const MAX_RETRIES: u32 = 10_000;

/// The restart policies `docker update --restart` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum RestartName {
    No,
    Always,
    UnlessStopped,
    OnFailure,
}

impl RestartName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::No => "no",
            Self::Always => "always",
            Self::UnlessStopped => "unless-stopped",
            Self::OnFailure => "on-failure",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RestartChoice {
    pub name: RestartName,
    /// Only for `on-failure`: retries before giving up (none = forever).
    pub max_retries: Option<u32>,
}

impl RestartChoice {
    /// The flag's value: `no`, `always`, `on-failure:3`.
    pub fn flag(&self) -> String {
        match (self.name, self.max_retries) {
            (RestartName::OnFailure, Some(n)) if n > 0 => format!("on-failure:{n}"),
            (name, _) => name.as_str().to_string(),
        }
    }
}

/// What the user asked to change; `None` leaves a value as it is (as an absent flag does).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LimitsUpdate {
    /// Bytes.
    #[ts(type = "number | null")]
    pub memory: Option<u64>,
    /// Memory plus swap in bytes; -1 is unlimited swap.
    #[ts(type = "number | null")]
    pub memory_swap: Option<i64>,
    /// CPUs, as `--cpus` (1.5 = one and a half).
    pub cpus: Option<f64>,
    pub restart: Option<RestartChoice>,
}

/// A container's limits now, as `docker inspect` has them (0 = no limit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CurrentLimits {
    #[ts(type = "number")]
    pub memory: u64,
    /// 0 = unset (twice the memory when memory is set), -1 = unlimited.
    #[ts(type = "number")]
    pub memory_swap: i64,
    /// 0 = no limit.
    pub cpus: f64,
    /// `no`, `always`, `on-failure:3`.
    pub restart: String,
    /// CPUs the engine's host has: the most `--cpus` can be.
    pub host_cpus: u32,
}

/// Why an update is refused before the engine is asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LimitsInputError {
    #[error("nothing to change: give a memory limit, memory+swap, CPUs or a restart policy")]
    Nothing,
    #[error("a memory limit of {0} is under the engine's minimum of 6 MiB")]
    MemoryTooSmall(String),
    #[error("memory+swap ({swap}) must be at least the memory limit ({memory}), or -1 for unlimited swap")]
    SwapUnderMemory { swap: String, memory: String },
    #[error("memory+swap must be a size of at least 6 MiB, or -1 for unlimited swap")]
    SwapInvalid,
    #[error("memory+swap needs a memory limit: set memory too")]
    SwapWithoutMemory,
    #[error("a memory limit of {memory} is over the memory+swap limit already set ({swap}): change memory+swap at the same time")]
    MemoryOverSwap { memory: String, swap: String },
    #[error("{0} CPUs is not a CPU count: give a number from 0.01 up")]
    CpusInvalid(String),
    #[error("{cpus} CPUs is more than the engine's host has ({host})")]
    CpusOverHost { cpus: String, host: u32 },
    #[error("on-failure:{0} is more retries than makes sense (at most {MAX_RETRIES})")]
    TooManyRetries(u32),
    #[error("a retry count only goes with on-failure")]
    RetriesWithoutOnFailure,
}

/// Sizes as the user reads them: `256 MiB`, `1.5 GiB`, `7340032 bytes`.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, n) in UNITS {
        if bytes >= n {
            let v = bytes as f64 / n as f64;
            return if bytes % n == 0 {
                format!("{} {unit}", bytes / n)
            } else {
                format!("{v:.2} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// A size as `docker update` reads it: `256m`, `1g`, or plain bytes.
pub fn size_flag(bytes: u64) -> String {
    for (unit, n) in [("g", 1u64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if bytes >= n && bytes % n == 0 {
            return format!("{}{unit}", bytes / n);
        }
    }
    bytes.to_string()
}

/// Checks an update against the engine's rules and the container's current limits, so the
/// engine is only asked what it will accept and the user reads why not in plain words.
pub fn validate(update: &LimitsUpdate, current: &CurrentLimits) -> Result<(), LimitsInputError> {
    if update.memory.is_none()
        && update.memory_swap.is_none()
        && update.cpus.is_none()
        && update.restart.is_none()
    {
        return Err(LimitsInputError::Nothing);
    }
    if let Some(m) = update.memory {
        if m < MIN_MEMORY {
            return Err(LimitsInputError::MemoryTooSmall(size_text(m)));
        }
    }
    let memory = update.memory.unwrap_or(current.memory);
    match update.memory_swap {
        Some(-1) => {
            if memory == 0 {
                return Err(LimitsInputError::SwapWithoutMemory);
            }
        }
        Some(s) if s < MIN_MEMORY as i64 => return Err(LimitsInputError::SwapInvalid),
        Some(s) => {
            if memory == 0 {
                return Err(LimitsInputError::SwapWithoutMemory);
            }
            if (s as u64) < memory {
                return Err(LimitsInputError::SwapUnderMemory {
                    swap: size_text(s as u64),
                    memory: size_text(memory),
                });
            }
        }
        None => {
            // The engine keeps the old memory+swap; a new memory over it is refused there.
            if let Some(m) = update.memory {
                if current.memory_swap > 0 && m > current.memory_swap as u64 {
                    return Err(LimitsInputError::MemoryOverSwap {
                        memory: size_text(m),
                        swap: size_text(current.memory_swap as u64),
                    });
                }
            }
        }
    }
    if let Some(c) = update.cpus {
        if !c.is_finite() || c < MIN_CPUS {
            return Err(LimitsInputError::CpusInvalid(format!("{c}")));
        }
        if current.host_cpus > 0 && c > f64::from(current.host_cpus) {
            return Err(LimitsInputError::CpusOverHost {
                cpus: format!("{c}"),
                host: current.host_cpus,
            });
        }
    }
    if let Some(r) = update.restart {
        match (r.name, r.max_retries) {
            (RestartName::OnFailure, Some(n)) if n > MAX_RETRIES => {
                return Err(LimitsInputError::TooManyRetries(n))
            }
            (RestartName::OnFailure, _) | (_, None | Some(0)) => {}
            (_, Some(_)) => return Err(LimitsInputError::RetriesWithoutOnFailure),
        }
    }
    Ok(())
}

/// Nano-CPUs for the engine: `--cpus` times 1e9, rounded as the CLI does.
pub fn nano_cpus(cpus: f64) -> i64 {
    (cpus * NANO_PER_CPU).round() as i64
}

/// `docker update [--memory M] [--memory-swap S] [--cpus C] [--restart R] CONTAINER`.
pub fn update_command(container: &str, update: &LimitsUpdate) -> CliCommand {
    DockerCommand::Update {
        container: container.to_string(),
        memory: update.memory.map(size_flag),
        memory_swap: update.memory_swap.map(|s| {
            if s < 0 {
                "-1".to_string()
            } else {
                size_flag(s as u64)
            }
        }),
        cpus: update.cpus.map(|c| format!("{c}")),
        restart: update.restart.map(|r| r.flag()),
    }
    .render()
}

/// One member's result in a group-wide update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MemberLimitsResult {
    pub name: String,
    /// The `docker update` line for this member.
    pub line: String,
    /// Why it failed; none when applied.
    pub error: Option<String>,
}

/// A group-wide update: per verified member, and the members left alone (not launched by
/// this Berth) by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct GroupLimitsReport {
    pub members: Vec<MemberLimitsResult>,
    pub skipped: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> CurrentLimits {
        CurrentLimits {
            host_cpus: 2,
            restart: "no".into(),
            ..CurrentLimits::default()
        }
    }

    #[test]
    fn memory_under_the_engine_minimum_is_refused() {
        let u = LimitsUpdate {
            memory: Some(5 << 20),
            ..Default::default()
        };
        let e = validate(&u, &current()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a memory limit of 5 MiB is under the engine's minimum of 6 MiB"
        );
        let ok = LimitsUpdate {
            memory: Some(MIN_MEMORY),
            ..Default::default()
        };
        assert_eq!(validate(&ok, &current()), Ok(()));
    }

    #[test]
    fn swap_must_cover_memory_or_be_unlimited() {
        let mut u = LimitsUpdate {
            memory: Some(64 << 20),
            memory_swap: Some(32 << 20),
            ..Default::default()
        };
        assert!(matches!(
            validate(&u, &current()),
            Err(LimitsInputError::SwapUnderMemory { .. })
        ));
        u.memory_swap = Some(-1);
        assert_eq!(validate(&u, &current()), Ok(()));
        u.memory_swap = Some(-2);
        assert_eq!(validate(&u, &current()), Err(LimitsInputError::SwapInvalid));
        let alone = LimitsUpdate {
            memory_swap: Some(128 << 20),
            ..Default::default()
        };
        assert_eq!(
            validate(&alone, &current()),
            Err(LimitsInputError::SwapWithoutMemory)
        );
        // With a memory limit already set, swap alone is fine.
        let limited = CurrentLimits {
            memory: 64 << 20,
            ..current()
        };
        assert_eq!(validate(&alone, &limited), Ok(()));
    }

    #[test]
    fn memory_over_the_swap_already_set_needs_swap_too() {
        let c = CurrentLimits {
            memory: 32 << 20,
            memory_swap: 64 << 20,
            ..current()
        };
        let u = LimitsUpdate {
            memory: Some(128 << 20),
            ..Default::default()
        };
        assert!(matches!(
            validate(&u, &c),
            Err(LimitsInputError::MemoryOverSwap { .. })
        ));
    }

    #[test]
    fn cpus_are_bounded_by_the_host() {
        for bad in [0.0, 0.001, -1.0, f64::NAN, f64::INFINITY] {
            let u = LimitsUpdate {
                cpus: Some(bad),
                ..Default::default()
            };
            assert!(validate(&u, &current()).is_err(), "{bad}");
        }
        let over = LimitsUpdate {
            cpus: Some(3.0),
            ..Default::default()
        };
        assert_eq!(
            validate(&over, &current()).unwrap_err().to_string(),
            "3 CPUs is more than the engine's host has (2)"
        );
        assert_eq!(nano_cpus(1.5), 1_500_000_000);
    }

    #[test]
    fn nothing_and_stray_retries_are_refused() {
        assert_eq!(
            validate(&LimitsUpdate::default(), &current()),
            Err(LimitsInputError::Nothing)
        );
        let u = LimitsUpdate {
            restart: Some(RestartChoice {
                name: RestartName::Always,
                max_retries: Some(3),
            }),
            ..Default::default()
        };
        assert_eq!(
            validate(&u, &current()),
            Err(LimitsInputError::RetriesWithoutOnFailure)
        );
    }

    #[test]
    fn the_update_line_reads_like_the_cli() {
        let u = LimitsUpdate {
            memory: Some(256 << 20),
            memory_swap: Some(-1),
            cpus: Some(0.5),
            restart: Some(RestartChoice {
                name: RestartName::OnFailure,
                max_retries: Some(3),
            }),
        };
        assert_eq!(
            update_command("web-1", &u).line,
            "docker update --memory 256m --memory-swap -1 --cpus 0.5 --restart on-failure:3 web-1"
        );
        assert_eq!(size_flag(7_340_033), "7340033");
        assert_eq!(size_text(1 << 30), "1 GiB");
    }
}
