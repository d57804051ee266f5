//! WebKitGTK settings that keep Berth's memory down. Issue #17 measured more with
//! `scripts/bench.sh --knobs` (median of 3 launches each, PSS of all of Berth's processes with
//! 50 containers listed) and kept none yet: WebKit's DMABUF renderer off (-2.9 MiB alone on the
//! machine, +3.1 beside the e2e suite), the DocumentViewer cache model (+0.1), and
//! `JSC_useJIT=false` (-14 MiB, to be weighed against startup and scrolling first); README,
//! Benchmarks.

/// Must run before the first thread or webview starts.
pub fn prefer_light_webkit() {
    const WEBKIT_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    // Accelerated compositing costs about 80 MB more in the web process (309 MB for all of
    // Berth's processes with it, 231 MB without) and buys nothing for lists and small charts.
    // Turned off unless the user chose otherwise; `BERTH_WEBKIT_COMPOSITING=1` keeps WebKit's
    // default.
    if cfg!(target_os = "linux")
        && std::env::var_os(WEBKIT_VAR).is_none()
        && std::env::var_os("BERTH_WEBKIT_COMPOSITING").is_none()
    {
        std::env::set_var(WEBKIT_VAR, "1");
    }
}
