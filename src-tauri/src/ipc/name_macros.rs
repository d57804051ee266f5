//! What the one list in `names.rs` becomes in the app (`build.rs` reads the same list with
//! its own, smaller macros).

/// `COMMANDS`, the `CommandName` type the UI's calls are typed with, and the invoke handler:
/// a command is registered exactly when it is listed.
macro_rules! berth_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        /// Every command the UI may call, as registered and as granted (the tests compare it
        /// with the capability file; `build.rs` makes the permissions from the same list).
        #[cfg_attr(not(test), allow(dead_code))]
        pub const COMMANDS: &[&str] = &[$(stringify!($command)),*];

        /// The name of a command. It exists for its TypeScript twin (the union of the names),
        /// which types the UI's calls, so Rust never builds one.
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
        #[ts(export)]
        pub enum CommandName {
            $($command),*
        }

        /// Tauri's handler for every listed command.
        pub fn invoke_handler<R: tauri::Runtime>(
        ) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(super::$module::$command),*]
        }
    };
}

/// The `EventName` type: the events the shell emits, by the name the UI listens to.
macro_rules! berth_events {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// The name of an event (its TypeScript twin is the union of the names).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
        #[ts(export)]
        pub enum EventName {
            $(#[serde(rename = $name)] $variant),*
        }

        impl EventName {
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventName::$variant => $name),*
                }
            }
        }
    };
}
