//! Desktop integration that needs a session bus: one running instance, and the resolver that
//! honours the settings' engine endpoint.

use std::sync::Arc;

use berth_core::engine::{resolve_endpoint, Endpoint, EndpointSource, EngineError};
use tauri::Runtime;

use crate::settings::SettingsState;

/// Whether a D-Bus session bus answers. tauri-plugin-single-instance registers a name on it
/// and has been seen to panic when there is none, so Berth only adds the plugin when it does.
pub fn session_bus_reachable() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let address = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().or_else(|| {
        std::env::var("XDG_RUNTIME_DIR")
            .ok()
            .map(|dir| format!("unix:path={dir}/bus"))
    });
    let Some(address) = address else {
        return false;
    };
    // The first `unix:path=` entry; abstract sockets and other transports are assumed to work.
    for part in address.split(';') {
        if let Some(rest) = part.strip_prefix("unix:") {
            for kv in rest.split(',') {
                if let Some(path) = kv.strip_prefix("path=") {
                    return connect(path);
                }
            }
            return true;
        }
    }
    true
}

#[cfg(unix)]
fn connect(path: &str) -> bool {
    std::os::unix::net::UnixStream::connect(path).is_ok()
}

#[cfg(not(unix))]
fn connect(_path: &str) -> bool {
    true
}

pub fn single_instance<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::init(|app, _argv, _cwd| {
        crate::tray::show_main_window(app);
    })
}

/// The settings' endpoint when set, else DOCKER_HOST / the docker context / the default.
pub fn resolver(
    settings: Arc<SettingsState>,
) -> Arc<dyn Fn() -> Result<Endpoint, EngineError> + Send + Sync> {
    Arc::new(move || match settings.settings().engine_endpoint {
        Some(uri) => Ok(Endpoint::new(uri, EndpointSource::Settings)),
        None => resolve_endpoint(),
    })
}
