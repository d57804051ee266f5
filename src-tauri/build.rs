//! Generates Tauri's context and the permission set of Berth's own commands. The commands
//! come from the one list in `src-tauri/src/ipc/names.rs`; each must also be granted in
//! `src-tauri/capabilities/` (a unit test in the `berth` crate checks that).

/// Only the command names matter here: `COMMANDS` for the app manifest.
macro_rules! berth_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($command)),*];
    };
}

/// Events need no permission of their own.
macro_rules! berth_events {
    ($($tt:tt)*) => {};
}

include!("src/ipc/names.rs");

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/src/ipc/names.rs");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // Build scripts report failure by panicking; say why first.
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
