//! `docker update`: a container's limits and restart policy changed while it runs, and the
//! current values they replace (from `docker inspect` and the engine's CPU count).

use bollard::models::{ContainerUpdateBody, RestartPolicy, RestartPolicyNameEnum};
use bollard::query_parameters::InspectContainerOptions;

use super::{Engine, EngineError};
use crate::domain::inspect::restart_policy_text;
use crate::domain::limits::{nano_cpus, CurrentLimits, LimitsUpdate, RestartName, NANO_PER_CPU};

impl Engine {
    /// The container's limits now, and how many CPUs the engine's host has.
    pub async fn current_limits(&self, id: &str) -> Result<CurrentLimits, EngineError> {
        let id = super::path::object("container", id)?;
        let (raw, info) = tokio::join!(
            self.docker
                .inspect_container(id, None::<InspectContainerOptions>),
            self.docker.info(),
        );
        let raw = raw.map_err(|e| self.map_err(e))?;
        let info = info.map_err(|e| self.map_err(e))?;
        let host = raw.host_config.unwrap_or_default();
        let restart = host.restart_policy.unwrap_or_default();
        let restart_name = restart.name.map(|n| n.to_string()).unwrap_or_default();
        Ok(CurrentLimits {
            memory: host.memory.unwrap_or(0).max(0) as u64,
            memory_swap: host.memory_swap.unwrap_or(0),
            cpus: host.nano_cpus.unwrap_or(0) as f64 / NANO_PER_CPU,
            restart: restart_policy_text(&restart_name, restart.maximum_retry_count),
            host_cpus: info.ncpu.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        })
    }

    /// Applies what `update` names and nothing else, as `docker update` does. The caller
    /// validates first ([`crate::domain::limits::validate`]).
    pub async fn update_limits(&self, id: &str, update: &LimitsUpdate) -> Result<(), EngineError> {
        let id = super::path::object("container", id)?;
        let body = ContainerUpdateBody {
            memory: update.memory.map(|m| m as i64),
            memory_swap: update.memory_swap,
            nano_cpus: update.cpus.map(nano_cpus),
            restart_policy: update.restart.map(|r| RestartPolicy {
                name: Some(match r.name {
                    RestartName::No => RestartPolicyNameEnum::NO,
                    RestartName::Always => RestartPolicyNameEnum::ALWAYS,
                    RestartName::UnlessStopped => RestartPolicyNameEnum::UNLESS_STOPPED,
                    RestartName::OnFailure => RestartPolicyNameEnum::ON_FAILURE,
                }),
                maximum_retry_count: match r.name {
                    RestartName::OnFailure => r.max_retries.map(i64::from),
                    _ => None,
                },
            }),
            ..Default::default()
        };
        self.docker
            .update_container(id, body)
            .await
            .map_err(|e| self.map_err(e))
    }
}
