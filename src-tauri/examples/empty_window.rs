//! The floor under Berth's memory (issue #17): an empty Tauri window built the way Berth is
//! (this package, so the same tauri version and features, the release profile and the same
//! WebKit settings) showing a blank page. `scripts/bench.sh` measures its PSS in the same run
//! as Berth's; the difference is Berth's own share.
//!
//! ```sh
//! cargo build --release -p berth --features custom-protocol --example empty_window
//! ```
//! It prints `empty-window: ready` on stderr once the page has loaded, and runs until killed.

use tauri::http::{header, HeaderValue, Response};
use tauri::webview::PageLoadEvent;
use tauri::{WebviewUrl, WebviewWindowBuilder};

/// The blank page, served the way Berth's UI is (a custom scheme, no network).
const PAGE: &[u8] = b"<!doctype html><html><head><title>floor</title></head><body></body></html>";

fn main() {
    berth::prefer_light_webkit();
    let mut context = tauri::generate_context!();
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
            let window = WebviewWindowBuilder::new(app, "main", WebviewUrl::CustomProtocol(url))
                .title("Berth's floor: an empty window")
                .inner_size(1200.0, 760.0)
                .build()?;
            berth::lighten_webview(&window);
            Ok(())
        })
        .build(context);
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("empty_window: {e}");
            std::process::exit(1);
        }
    }
}
