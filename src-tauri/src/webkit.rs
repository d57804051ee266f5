//! WebKitGTK settings that keep Berth's memory down (issue #17). Each one was measured alone by
//! `scripts/bench.sh --knobs` (median of 3 launches, PSS of all of Berth's processes with 50
//! containers listed; launches of one build differ by about 15 MiB, hence the medians) and is
//! kept only because it saved memory and the e2e suite still renders. Each can be turned back
//! to WebKit's default: `BERTH_WEBKIT_COMPOSITING` (set) or `BERTH_WEBKIT_DEFAULTS` (a comma
//! list of `dmabuf`, `cache-model`), which is also how the benchmark measures them.

use tauri::{Manager, Runtime};

use crate::startup::MAIN_WINDOW;

/// Names a knob to leave at WebKit's default: `BERTH_WEBKIT_DEFAULTS=dmabuf,cache-model`.
const DEFAULTS_VAR: &str = "BERTH_WEBKIT_DEFAULTS";

fn keeps_default(knob: &str) -> bool {
    std::env::var(DEFAULTS_VAR)
        .map(|list| list.split(',').any(|k| k.trim() == knob))
        .unwrap_or(false)
}

/// Sets `var` for this process and the WebKit processes it starts, unless the user set it.
fn set_unless_user_did(var: &str) {
    if std::env::var_os(var).is_none() {
        std::env::set_var(var, "1");
    }
}

/// The environment part. Must run before the first thread or webview starts.
pub fn prefer_light_webkit() {
    if !cfg!(target_os = "linux") {
        return;
    }
    // Accelerated compositing costs about 80 MB more in the web process (309 MB for all of
    // Berth's processes with it, 231 MB without) and buys nothing for lists and small charts.
    if std::env::var_os("BERTH_WEBKIT_COMPOSITING").is_none() {
        set_unless_user_did("WEBKIT_DISABLE_COMPOSITING_MODE");
    }
    // WebKit 2.42+'s DMABUF renderer: its EGL/GBM buffers and the Mesa stack behind them,
    // in the web process and in Berth's own. (Figure: README, Benchmarks.)
    if !keeps_default("dmabuf") {
        set_unless_user_did("WEBKIT_DISABLE_DMABUF_RENDERER");
    }
}

/// The main webview's part: WebKit's cache model. Called once the window exists (setup); does
/// nothing under Tauri's mock runtime.
pub fn lighten_main_webview<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    lighten_webview(&window);
}

/// The webview part for any window (the benchmark's empty window, `floor`, uses it too).
pub(crate) fn lighten_webview<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    if !keeps_default("cache-model") {
        // One local page that never navigates: WebKit's browser cache model (page cache, a
        // large memory cache of resources) has nothing to cache for it. (Figure: README.)
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = applied {
            tracing::warn!(error = %e, "could not set WebKit's cache model");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only this test sets the variable in this process.
    #[test]
    fn the_defaults_list_names_knobs_one_by_one() {
        std::env::set_var(DEFAULTS_VAR, "dmabuf, cache-model");
        assert!(keeps_default("dmabuf") && keeps_default("cache-model"));
        std::env::set_var(DEFAULTS_VAR, "dmabuf-x");
        assert!(!keeps_default("dmabuf"));
        std::env::remove_var(DEFAULTS_VAR);
        assert!(!keeps_default("cache-model"));
    }
}
