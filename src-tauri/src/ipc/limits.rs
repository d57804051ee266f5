//! Limits changed live (`docker update`): a container's current limits for the form, the
//! update of one container, and of every member of a launch group this Berth launched.

use std::sync::Arc;

use berth_core::domain::ids::GroupId;
use berth_core::domain::limits::{CurrentLimits, GroupLimitsReport, LimitsUpdate};
use berth_core::services::launch::LaunchOptions;
use berth_core::services::limits::{self, LimitsError};
use berth_core::services::EngineHub;
use tauri::State;

use super::error::{IpcError, IpcErrorKind};

impl From<LimitsError> for IpcError {
    fn from(e: LimitsError) -> Self {
        let kind = match &e {
            LimitsError::Engine(_) => match e {
                LimitsError::Engine(inner) => return inner.into(),
                _ => IpcErrorKind::Internal,
            },
            LimitsError::Input(_) | LimitsError::NoVerifiedMember(_) => IpcErrorKind::InvalidInput,
            LimitsError::LaunchKey(_) => IpcErrorKind::Internal,
        };
        Self {
            kind,
            message: e.to_string(),
        }
    }
}

/// The container's memory, memory+swap, CPUs and restart policy now, and the host's CPUs.
#[tauri::command]
pub async fn container_limits(
    hub: State<'_, Arc<EngineHub>>,
    container: String,
) -> Result<CurrentLimits, IpcError> {
    Ok(hub.engine()?.current_limits(&container).await?)
}

/// `docker update` of one container; returns the line that ran.
#[tauri::command]
pub async fn update_limits(
    hub: State<'_, Arc<EngineHub>>,
    container: String,
    update: LimitsUpdate,
) -> Result<String, IpcError> {
    Ok(limits::update_container(&hub.engine()?, &container, &update).await?)
}

/// `docker update` of every verified member of a launch group, reported per member.
#[tauri::command]
pub async fn update_group_limits(
    hub: State<'_, Arc<EngineHub>>,
    group: GroupId,
    update: LimitsUpdate,
) -> Result<GroupLimitsReport, IpcError> {
    let concurrency = LaunchOptions::default().concurrency;
    Ok(limits::update_group(&hub.engine()?, &group, &update, concurrency).await?)
}
