//! First run on an engine with no images: build the bundled demo image offline.

use std::sync::Arc;

use berth_core::domain::first_run::{DemoImage, HOST_BUSYBOX};
use berth_core::services::{first_run, EngineHub};
use tauri::State;

use super::error::IpcError;

/// Builds `berth-demo/hello:latest` from the bundled Dockerfile and the host's static busybox.
/// Without a usable busybox it fails with `invalid_input` saying why and what to install.
#[tauri::command]
pub async fn build_demo_image(hub: State<'_, Arc<EngineHub>>) -> Result<DemoImage, IpcError> {
    Ok(first_run::build_demo_image(&hub.engine()?, HOST_BUSYBOX).await?)
}
