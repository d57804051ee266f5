//! Opens a URL in the desktop's default browser, for the backend only (issue #16): the
//! webview has no opener permission, and the only URLs given here are the ones
//! `berth_core::domain::port_link` made from the engine's own listing.
//!
//! The program gets the URL as its one argument (never a shell). It is `xdg-open`; a debug
//! build takes `BERTH_OPENER` instead when set, so the end-to-end tests can record what would
//! have been opened without a browser (see SECURITY.md). A release build ignores it.

use std::ffi::OsString;
use std::process::{Command, Stdio};

fn program() -> OsString {
    if cfg!(debug_assertions) {
        if let Some(p) = std::env::var_os("BERTH_OPENER").filter(|p| !p.is_empty()) {
            return p;
        }
    }
    OsString::from("xdg-open")
}

/// Starts the opener on `url`; an error says, in words, that it could not be started.
/// The opener's own exit is waited for off this thread (no zombie) and only logged.
pub fn open_url(url: &str) -> Result<(), String> {
    let program = program();
    let mut child = Command::new(&program)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "Berth could not start {} to open {url}: {e}",
                program.to_string_lossy()
            )
        })?;
    let url = url.to_string();
    std::thread::spawn(move || match child.wait() {
        Ok(status) if status.success() => tracing::info!(url, "opened in the browser"),
        Ok(status) => tracing::warn!(url, %status, "the browser opener failed"),
        Err(e) => tracing::warn!(url, error = %e, "the browser opener was lost"),
    });
    Ok(())
}
