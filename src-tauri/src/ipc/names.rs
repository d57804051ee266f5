// The one list of Berth's commands and events. Each command is named by its module under
// `ipc/` and its function; the same list makes `COMMANDS` (the permission set, in
// `build.rs`, which includes this file), the invoke handler (`ipc::names::invoke_handler`)
// and the `CommandName` / `EventName` types the UI's calls are typed with. Adding a command
// is one line here plus its grant in `src-tauri/capabilities/main.json` (a test checks the
// grants). Plain `//` comments only: `build.rs` includes this file mid-item.

berth_commands! {
    commands::engine_status,
    commands::inventory,
    commands::ui_ready,
    launch::launch_preview,
    launch::launch,
    launch::cancel_launch,
    launch::scale_group,
    launch::group_action,
    launch::remove_launched,
    launch::adopt_group,
    compose::list_compose_projects,
    compose::check_compose_file,
    compose::run_compose,
    compose::cancel_compose,
    compose::compose_project_action,
    compose::compose_removal,
    compose::remove_compose_project,
    containers::container_action,
    containers::rename_container,
    containers::inspect_container,
    containers::container_logs,
    containers::stop_stream,
    containers::save_logs,
    terminal::detect_shell,
    terminal::open_terminal,
    terminal::terminal_input,
    terminal::terminal_resize,
    terminal::terminal_ack,
    images::pull_image,
    images::tag_image,
    images::remove_image,
    images::image_history,
    images::prune_preview,
    images::prune,
    settings::get_settings,
    settings::update_settings,
    settings::dismiss_settings_notices,
    settings::save_launch_preset,
    settings::delete_launch_preset,
    stats::watch_stats,
    stats::export_stats,
    engines::engines_overview,
    engines::engines_setup,
    engines::save_engines,
    engines::switch_engine,
    engines::import_docker_contexts,
    swarm::swarm_info,
    swarm::service_preview,
    swarm::launch_service,
    swarm::list_services,
    swarm::service_tasks,
    swarm::scale_service,
    swarm::remove_service,
    networks::list_networks,
    networks::network_preview,
    networks::create_network,
    networks::remove_network,
    networks::connect_network,
    networks::disconnect_network,
    learn::docker_commands,
    learn::writable_layer,
    learn::container_life,
    learn::demo_write_file,
    first_run::build_demo_image,
    volumes::list_volumes,
    volumes::volume_sizes,
    volumes::create_volume,
    volumes::remove_volume,
    volumes::volume_prune_preview,
    volumes::volume_prune,
    volumes::browse_volume,
    volumes::download_from_volume,
    registry::check_reference,
    registry::list_repositories,
    registry::list_tags,
    registry::search_hub,
    quit::quit_choice,
}

berth_events! {
    // The engine's connection state changed (payload: EngineStatus).
    EngineStatus = "engine-status",
    // Containers or images changed: the UI re-fetches the inventory.
    InventoryChanged = "inventory-changed",
    // The configured engines or their states changed (payload: EnginesPanel).
    EnginesChanged = "engines-changed",
    // The tray's "Open logs" was chosen (payload: a container id).
    TrayOpenLogs = "tray-open-logs",
    // The tray's "Stop all containers launched by Berth": confirm in the window first
    // (payload: StopCandidate[]).
    TrayConfirmStopAll = "tray-confirm-stop-all",
    // Quit was asked while launches run: finish, roll back or keep open? (payload:
    // LaunchInFlight[]; answered with `quit_choice`).
    QuitWhileLaunching = "quit-while-launching",
}
