//! Generates Tauri's context and the permission set of Berth's own commands. Every command
//! the UI may call must be listed here and granted in `src-tauri/capabilities/`.

const COMMANDS: &[&str] = &[
    "engine_status",
    "inventory",
    "ui_ready",
    "launch_preview",
    "launch",
    "cancel_launch",
    "scale_group",
    "group_action",
    "remove_launched",
    "container_action",
    "rename_container",
    "inspect_container",
    "container_logs",
    "stop_stream",
    "save_logs",
    "pull_image",
    "tag_image",
    "remove_image",
    "image_history",
    "prune_preview",
    "prune",
    "get_settings",
    "update_settings",
    "dismiss_settings_notices",
    "save_launch_preset",
    "delete_launch_preset",
    "watch_stats",
    "export_stats",
    "engines_overview",
    "engines_setup",
    "save_engines",
    "switch_engine",
    "import_docker_contexts",
    "swarm_info",
    "service_preview",
    "launch_service",
    "list_services",
    "service_tasks",
    "scale_service",
    "remove_service",
    "docker_commands",
    "writable_layer",
    "container_life",
    "demo_write_file",
    "build_demo_image",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // Build scripts report failure by panicking; say why first.
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
