//! Start at login (issue #18), through the app's own `update_settings` command on Tauri's
//! mock runtime: turning the setting on writes the XDG autostart entry (starting Berth
//! minimized), turning it off removes it. Its own test binary: it sets XDG_CONFIG_HOME and
//! BERTH_CONFIG_DIR for the whole process.

// A test: a step that fails is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

fn invoke(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn the_setting_writes_and_removes_the_autostart_entry() {
    let xdg = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_CONFIG_HOME", xdg.path());
    std::env::set_var("BERTH_CONFIG_DIR", config.path());
    std::env::set_var(
        "DOCKER_HOST",
        "unix:///nonexistent/berth-autostart-test.sock",
    );
    let entry = xdg.path().join("autostart/berth.desktop");

    let app = berth::run_app(mock_builder(), berth::StartupClock::start())
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    // Setup (which manages the settings) runs inside the event loop: drive it on this thread
    // and call from another, as the webview would. Every outcome is returned, not unwrapped
    // there: the loop ends only when the window closes.
    let calls = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut settings = loop {
            match invoke(&webview, "get_settings", json!({})) {
                Ok(view) => break view["settings"].clone(),
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => break json!({ "error": e }),
            }
        };
        let off_by_default = settings["start_at_login"].clone();
        let entry_at_start = entry.exists();

        settings["start_at_login"] = json!(true);
        let on = invoke(
            &webview,
            "update_settings",
            json!({ "settings": settings.clone() }),
        );
        let written = std::fs::read_to_string(&entry).ok();

        settings["start_at_login"] = json!(false);
        let off = invoke(&webview, "update_settings", json!({ "settings": settings }));
        let left = entry.exists();
        webview.close().unwrap();
        (off_by_default, entry_at_start, on, written, off, left)
    });
    app.run_return(|_, _| {});
    let (off_by_default, entry_at_start, on, written, off, left) = calls.join().unwrap();

    assert_eq!(off_by_default, json!(false), "off unless chosen");
    assert!(!entry_at_start);
    assert_eq!(on.unwrap()["start_at_login"], json!(true));
    let written = written.expect("the entry was written");
    let exe = std::env::current_exe().unwrap();
    assert!(
        written.contains(&format!("Exec={} --minimized\n", exe.display())),
        "{written}"
    );
    assert_eq!(off.unwrap()["start_at_login"], json!(false));
    assert!(!left, "the entry is removed when the setting is off");
}
