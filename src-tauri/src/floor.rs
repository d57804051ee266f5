//! The floor under Berth's memory (issue #17): with `BERTH_EMPTY_WINDOW=1` this binary opens an
//! empty window (a blank page, no engine, no tray) instead of Berth, with the same Tauri, the
//! same build and the same WebKit settings (`webkit::prefer_light_webkit` ran before). `scripts/bench.sh` measures it in the same run as
//! Berth; the difference is Berth's own share. (Not a separate example target: examples build
//! with the dev-dependencies, whose Tauri features would rebuild every crate above Tauri.)

use tauri::http::{header, HeaderValue, Response};
use tauri::webview::PageLoadEvent;
use tauri::{WebviewUrl, WebviewWindowBuilder};

const VAR: &str = "BERTH_EMPTY_WINDOW";

/// The blank page, served the way Berth's UI is (a custom scheme, no network).
const PAGE: &[u8] = b"<!doctype html><html><head><title>floor</title></head><body></body></html>";

pub fn requested() -> bool {
    std::env::var_os(VAR).is_some_and(|v| v == "1")
}

/// Runs the empty window until it is closed or killed; prints `empty-window: ready` on stderr
/// once the page has loaded.
pub fn run(mut context: tauri::Context) {
    // Only the window made below: the config's window would load Berth's UI.
    context.config_mut().app.windows.clear();
    let app = tauri::Builder::default()
        .register_uri_scheme_protocol("floor", |_, _| {
            let mut page = Response::new(PAGE.to_vec());
            page.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            page
        })
        .on_page_load(|_, payload| {
            if payload.event() == PageLoadEvent::Finished {
                eprintln!("empty-window: ready");
            }
        })
        .setup(|app| {
            let url = "floor://localhost/".parse()?;
            WebviewWindowBuilder::new(app, "floor", WebviewUrl::CustomProtocol(url))
                .title("An empty window (Berth's memory floor)")
                .inner_size(1200.0, 760.0)
                .build()?;
            Ok(())
        })
        .build(context);
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("berth: the empty window could not start: {e}");
            std::process::exit(1);
        }
    }
}
