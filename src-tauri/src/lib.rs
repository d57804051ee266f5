//! The Tauri shell: wires Berth's headless core (`berth_core`) to the window. Everything here
//! is glue; the logic it calls lives in `berth_core` and is tested without a webview.

mod app_services;
mod autostart;
mod desktop;
mod diagnostics;
mod engines;
mod floor;
mod ipc;
mod logging;
mod notify;
mod opener;
mod quit;
mod settings;
mod startup;
mod tray;
mod webkit;
mod window_state;
mod xdg;

use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use berth_core::engine::resolve_endpoint;
use berth_core::services::stats::{StatsConfig, StatsHub};
use berth_core::services::EngineHub;
use tauri::{Manager, RunEvent, Runtime};
use tokio_util::sync::CancellationToken;

use app_services::{AppServices, Parts};
pub use startup::StartupClock;

/// Set by `run(true)`: `--minimized`, as the autostart entry starts Berth (issue #18).
static START_MINIMIZED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Entry point of the desktop app; `minimized`: start in the tray, the window hidden.
pub fn run(minimized: bool) {
    START_MINIMIZED.store(minimized, Ordering::SeqCst);
    let clock = StartupClock::start();
    clock.mark(startup::Phase::Main);
    webkit::prefer_light_webkit();
    let context = tauri::generate_context!();
    // Issue #17: the memory benchmark's floor, an empty window from this same binary.
    if floor::requested() {
        floor::run(context);
        return;
    }
    logging::init();
    let mut builder = tauri::Builder::default();
    // Issue #6: one running instance; it needs a session bus (see `desktop`).
    if desktop::session_bus_reachable() {
        builder = builder.plugin(desktop::single_instance());
    } else {
        tracing::warn!("no D-Bus session bus: running without the single-instance check");
    }
    // Issue #18: the window's size and position across restarts, from a file checked first.
    let state_file = window_state::file_path(&context.config().identifier);
    if let Some(file) = &state_file {
        window_state::check_file(file);
    }
    builder = builder.plugin(window_state::plugin(state_file.as_deref()));
    let (builder, services) = app_builder(builder, clock, Desktop::WithTray);
    let app = match builder.build(context) {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "Berth could not start its window");
            std::process::exit(1);
        }
    };
    app.run(move |app, event| {
        let Some(services) = services.get() else {
            return;
        };
        match event {
            // Issue #13: a quit while launches run waits for the user's answer (or, with
            // no window left to ask in, for the launches to finish).
            RunEvent::ExitRequested { api, .. } if quit::must_ask(&services.launches.0) => {
                api.prevent_exit();
                quit::request(app, &services.launches.0);
            }
            RunEvent::Exit => {
                quit::before_exit(&services.launches.0);
                services.shutdown();
            }
            _ => {}
        }
    });
}

/// Whether the app gets a tray icon: the mock runtime of the tests has no GTK.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Desktop {
    WithTray,
    Headless,
}

/// Everything but the context, generic over the runtime so tests can use the mock runtime.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, clock: StartupClock) -> tauri::Builder<R> {
    app_builder(builder, clock, Desktop::Headless).0
}

/// The builder with every part wired, and the app's services once setup has made them (for
/// the exit). The parts are built here once; the settings need the app, so [`AppServices`]
/// is completed in setup and reaches the window's handlers through the returned cell.
fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    clock: StartupClock,
    desktop: Desktop,
) -> (tauri::Builder<R>, Arc<OnceLock<AppServices>>) {
    // The first endpoint is only used for the "connecting to ..." line; the watcher resolves
    // again on every (re)connect.
    let initial = resolve_endpoint().map(|e| e.uri).unwrap_or_default();
    let cancel = CancellationToken::new();
    let parts = Parts {
        hub: Arc::new(EngineHub::new(&initial)),
        stats: Arc::new(StatsHub::new(StatsConfig::default())),
        streams: ipc::streams::Streams::new(&cancel),
        launches: ipc::streams::Launches::new(&cancel),
        cancel: cancel.clone(),
        prune_scope: Arc::new(ipc::images::PruneScope::from_env()),
        clock: Arc::new(clock),
    };
    let reloaded = parts.streams.clone();
    let page_clock = parts.clock.clone();
    let services: Arc<OnceLock<AppServices>> = Arc::new(OnceLock::new());
    let (closing, exiting) = (services.clone(), services.clone());
    let builder = parts
        .manage(builder)
        .plugin(tauri_plugin_notification::init())
        .on_window_event(move |window, event| {
            if let Some(services) = closing.get() {
                window_event(services, window, event);
            }
        })
        // A (re)loading page has no listener for the streams the old page started: end them
        // (a launch goes on: it has its own registry).
        .on_page_load(move |webview, payload| {
            let started = payload.event() == tauri::webview::PageLoadEvent::Started;
            if webview.label() == startup::MAIN_WINDOW {
                page_clock.mark(if started {
                    startup::Phase::PageStarted
                } else {
                    startup::Phase::PageLoaded
                });
            }
            if started {
                reloaded.0.stop_all();
            }
        })
        // The one list of commands: `ipc/names.rs`.
        .invoke_handler(ipc::names::invoke_handler())
        .setup(move |app| {
            parts.clock.mark(startup::Phase::Setup);
            startup::mark_engine_connected(parts.hub.subscribe_status(), parts.clock.clone());
            let wired = parts.with_settings(settings::init(app.handle()));
            berth_core::services::launch::key::load_at_startup();
            app.manage(wired.settings.clone());
            wired.stats_follow_settings();
            let hub = wired.hub.clone();
            tauri::async_runtime::spawn(
                wired
                    .stats
                    .clone()
                    .run(move || hub.engine(), wired.cancel.clone()),
            );
            // The tray first: it subscribes to the signals the watcher is about to send.
            if desktop == Desktop::WithTray {
                tray::setup(app.handle(), &wired);
            }
            // Without a tray, a minimized start would leave no way to Berth: it shows.
            if START_MINIMIZED.load(Ordering::SeqCst) && wired.tray_active.load(Ordering::SeqCst) {
                wired.clock.stay_hidden();
            }
            // The main watcher follows the active engine (issue #8: several engines).
            app.manage(engines::start(app.handle(), &wired));
            startup::show_window_if_ui_stalls(app.handle().clone(), wired.clock.clone());
            // Set once, here; a second setup does not happen.
            let _ = services.set(wired);
            Ok(())
        });
    (builder, exiting)
}

/// Closing the window keeps Berth in the tray when the setting says so and a tray exists.
fn window_event<R: Runtime>(
    services: &AppServices,
    window: &tauri::Window<R>,
    event: &tauri::WindowEvent,
) {
    let tauri::WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    let has_tray = services.tray_active.load(Ordering::SeqCst);
    if has_tray && services.settings.settings().close_to_tray {
        api.prevent_close();
        if let Err(e) = window.hide() {
            tracing::warn!(error = %e, "could not hide the window");
        }
        if services.settings.closed_to_tray(app) {
            notify::show(
                app,
                "Berth is still running",
                "Berth keeps running in the tray. Quit from the tray menu, or turn this off in Settings.",
            );
        }
    } else if quit::must_ask(&services.launches.0) {
        // Closing the window quits Berth: ask first while a launch runs (issue #13).
        api.prevent_close();
        quit::request(app, &services.launches.0);
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindowBuilder;

    use super::*;

    fn invoke<R: AsRef<tauri::Webview<tauri::test::MockRuntime>>>(
        webview: &R,
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

    /// Tauri's answer to a command it has no handler for.
    fn is_unknown(result: &Result<Value, Value>) -> bool {
        matches!(result, Err(Value::String(e)) if e.ends_with("not found") && e.starts_with("Command "))
    }

    /// The capability grants the main window exactly the listed commands (plus listening to
    /// events): a command added to `ipc/names.rs` without its grant, or a grant left behind by
    /// a removed command, fails here instead of at run time.
    #[test]
    fn the_capability_grants_exactly_the_listed_commands() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src-tauri/capabilities/main.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let capability: Value = serde_json::from_str(&text).unwrap();
        let permissions: Vec<&str> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let mut granted: Vec<String> = permissions
            .iter()
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        let others: Vec<&str> = permissions
            .iter()
            .copied()
            .filter(|p| !p.starts_with("allow-"))
            .collect();
        let mut listed: Vec<String> = ipc::names::COMMANDS.iter().map(|c| c.to_string()).collect();
        granted.sort();
        listed.sort();
        assert_eq!(
            granted, listed,
            "granted in main.json vs listed in ipc/names.rs"
        );
        assert_eq!(
            others,
            ["core:event:allow-listen", "core:event:allow-unlisten"]
        );
    }

    /// The whole IPC surface through Tauri's mock runtime, with no engine behind it: the
    /// status turns "unavailable" by itself and commands fail with typed `{kind, message}`.
    #[test]
    fn commands_report_an_unreachable_engine_as_typed_errors() {
        let socket = "unix:///nonexistent/berth-ipc-test.sock";
        // Only this test reads DOCKER_HOST in this process.
        std::env::set_var("DOCKER_HOST", socket);
        // Probing every command runs those without arguments (an import of docker contexts
        // writes the engine list): keep the app's files out of the user's config.
        let config = std::env::temp_dir().join(format!("berth-ipc-test-{}", std::process::id()));
        std::env::set_var("BERTH_CONFIG_DIR", &config);
        let app = run_app(mock_builder(), StartupClock::start())
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = WebviewWindowBuilder::new(&app, startup::MAIN_WINDOW, Default::default())
            .build()
            .unwrap();

        // Setup (which starts the watcher) runs inside the event loop: drive it on this
        // thread and make the calls from another, as the webview would.
        let calls = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(5);
            let status = loop {
                let status = invoke(&webview, "engine_status", json!({})).unwrap();
                if status["state"] == "unavailable" || Instant::now() > deadline {
                    break status;
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            let inventory = invoke(&webview, "inventory", json!({}));
            // Malformed arguments are rejected by the typed deserializer.
            let bad_ready = invoke(
                &webview,
                "ui_ready",
                json!({"painted": "banner", "containers": 1}),
            );
            let ready = invoke(
                &webview,
                "ui_ready",
                json!({"painted": "problem", "containers": 0}),
            );
            // Management commands: bad input is refused before the engine is asked; the
            // rest fail as unavailable; stopping an unknown stream is a plain `false`.
            let managed = [
                invoke(&webview, "stop_stream", json!({"ticket": "none"})),
                invoke(
                    &webview,
                    "tag_image",
                    json!({"source": "a", "target": "Not A Ref"}),
                ),
                invoke(
                    &webview,
                    "container_action",
                    json!({"targets": ["x"], "action": {"kind": "stop"}}),
                ),
                invoke(
                    &webview,
                    "prune_preview",
                    json!({"request": {"containers": true, "dangling_images": false, "unused_images": false}}),
                ),
            ];
            // Every listed command is registered: called with no arguments it runs or asks
            // for its arguments, but is never unknown (as a made-up one is).
            let unknown = invoke(&webview, "no_such_command", json!({}));
            // (Not quit_app: it would end this app; the e2e test help.rs runs it.)
            let unregistered: Vec<String> = ipc::names::COMMANDS
                .iter()
                .filter(|name| **name != "quit_app")
                .filter(|name| is_unknown(&invoke(&webview, name, json!({}))))
                .map(|name| name.to_string())
                .collect();
            // The mock event loop ends when its last window closes.
            webview.close().unwrap();
            (
                status,
                inventory,
                bad_ready,
                ready,
                managed,
                unknown,
                unregistered,
            )
        });
        app.run_return(|_, _| {});
        let (status, inventory, bad_ready, ready, managed, unknown, unregistered) =
            calls.join().unwrap();
        let _ = std::fs::remove_dir_all(&config);
        assert!(is_unknown(&unknown), "{unknown:?}");
        assert_eq!(
            unregistered,
            Vec::<String>::new(),
            "listed but not registered"
        );
        let [stopped, bad_tag, action, prune] = managed;
        assert_eq!(stopped, Ok(json!(false)));
        let bad_tag = bad_tag.unwrap_err();
        assert_eq!(bad_tag["kind"], "invalid_input", "{bad_tag}");
        assert!(bad_tag["message"].as_str().unwrap().contains("Not A Ref"));
        assert_eq!(action.unwrap_err()["kind"], "unavailable");
        assert_eq!(prune.unwrap_err()["kind"], "unavailable");

        assert_eq!(status["state"], "unavailable", "{status}");
        assert_eq!(status["problem"]["kind"], "unreachable");
        assert_eq!(status["problem"]["endpoint"], socket);
        assert!(status["problem"]["hint"]
            .as_str()
            .unwrap()
            .contains("Start the Docker daemon"));

        let err = inventory.unwrap_err();
        assert_eq!(err["kind"], "unavailable", "{err}");
        assert!(err["message"].as_str().unwrap().contains(socket), "{err}");

        assert!(bad_ready.is_err());
        assert!(ready.is_ok(), "{ready:?}");
    }
}
