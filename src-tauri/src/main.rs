// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

/// `berth --help`: the flags and every environment variable Berth reads.
const HELP: &str = concat!(
    "Berth ",
    env!("CARGO_PKG_VERSION"),
    " - ",
    env!("CARGO_PKG_DESCRIPTION"),
    "

Usage: berth [--help | --version | --minimized]

Without an option, opens Berth's window (or shows the one already open).

Options:
  -h, --help       Print this help and exit
  -V, --version    Print the version and exit
      --minimized  Start in the tray, the window hidden (how Start at login starts Berth)

Environment:
  DOCKER_HOST               The engine's address (unix://, tcp://, ssh://), as for the docker CLI
  DOCKER_CONTEXT            The docker context to use instead of the current one
  DOCKER_CONFIG             The docker CLI's config folder (default ~/.docker)
  DOCKER_TLS_VERIFY         Speak TLS to DOCKER_HOST (Berth always verifies the certificate)
  DOCKER_CERT_PATH          Folder of ca.pem, cert.pem and key.pem for TLS
  BERTH_CONFIG_DIR          Folder for Berth's settings (default: the XDG config folder)
  BERTH_LOG                 Log filter, e.g. debug or berth=trace (default warn,berth=info)
  BERTH_COMPOSE             v1: use docker-compose, not the docker compose plugin
  BERTH_WEBKIT_COMPOSITING  Set: keep WebKit's accelerated compositing (off by default)
  BERTH_EMPTY_WINDOW        1: open an empty window instead of Berth (the memory benchmark's floor)
  BERTH_PRUNE_LABEL         key=value: cleanup removes only objects with this label
  XDG_STATE_HOME            Berth's log: $XDG_STATE_HOME/berth/berth.log (default ~/.local/state)
  XDG_CONFIG_HOME           Start at login's entry: $XDG_CONFIG_HOME/autostart (default ~/.config)
  BERTH_OPENER              Debug builds only: program that opens port links (default xdg-open)
"
);

/// What the command line asks for. Decided before Tauri starts, so `--version` and `--help`
/// answer on a machine without a display.
enum Request {
    /// Start the app; `true`: minimized to the tray.
    Run(bool),
    Print(&'static str),
    Unknown(String),
}

fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Request {
    // Only the first argument matters: Berth takes no other. (A second launch passes its
    // arguments to the running instance, which ignores them.)
    match args.into_iter().nth(1) {
        None => Request::Run(false),
        Some(arg) => match arg.to_str() {
            Some("--minimized") => Request::Run(true),
            Some("-V" | "--version") => {
                Request::Print(concat!("berth ", env!("CARGO_PKG_VERSION"), "\n"))
            }
            Some("-h" | "--help") => Request::Print(HELP),
            _ => Request::Unknown(arg.to_string_lossy().into_owned()),
        },
    }
}

fn main() -> ExitCode {
    match parse(std::env::args_os()) {
        Request::Run(minimized) => {
            berth::run(minimized);
            ExitCode::SUCCESS
        }
        Request::Print(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Request::Unknown(arg) => {
            eprintln!("berth: unknown option {arg:?}\nTry 'berth --help'.");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Request {
        parse(args.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn flags_print_and_anything_else_is_refused() {
        assert!(matches!(parse_strs(&["berth"]), Request::Run(false)));
        assert!(matches!(
            parse_strs(&["berth", "--minimized"]),
            Request::Run(true)
        ));
        for flag in ["-V", "--version"] {
            let Request::Print(text) = parse_strs(&["berth", flag]) else {
                panic!("{flag} prints");
            };
            assert_eq!(text, format!("berth {}\n", env!("CARGO_PKG_VERSION")));
        }
        for flag in ["-h", "--help"] {
            let Request::Print(text) = parse_strs(&["berth", flag]) else {
                panic!("{flag} prints");
            };
            assert!(text.contains("--version") && text.contains("DOCKER_HOST"));
        }
        assert!(matches!(parse_strs(&["berth", "--bogus"]), Request::Unknown(a) if a == "--bogus"));
    }

    /// Every environment variable the code reads is in the help text.
    #[test]
    fn help_names_every_variable_berth_reads() {
        for var in [
            "DOCKER_HOST",
            "DOCKER_CONTEXT",
            "DOCKER_CONFIG",
            "DOCKER_TLS_VERIFY",
            "DOCKER_CERT_PATH",
            "BERTH_CONFIG_DIR",
            "BERTH_LOG",
            "BERTH_COMPOSE",
            "BERTH_WEBKIT_COMPOSITING",
            "BERTH_EMPTY_WINDOW",
            "BERTH_PRUNE_LABEL",
            "XDG_STATE_HOME",
            "XDG_CONFIG_HOME",
            "BERTH_OPENER",
        ] {
            assert!(HELP.contains(var), "--help leaves out {var}");
        }
    }
}
