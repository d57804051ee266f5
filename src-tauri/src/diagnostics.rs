//! Help → Copy diagnostics (issue #18): what a bug report needs, as plain text: the versions
//! (Berth, the engine, the OS, WebKitGTK), which kind of engine endpoint is used, the settings
//! and the last lines of Berth's log.
//!
//! Secrets stay out. The settings are written from an allow-list of fields (a field added
//! later is left out until it is added here); launch presets and recent images are counted,
//! never shown, since their forms hold environment values (passwords, tokens) and commands.
//! The engine endpoint is given by kind only (an address can carry a user name, and TLS
//! engines name key files). Log lines are scrubbed of every environment value those forms
//! hold and of user info in URLs, in case something logged one.

use std::path::Path;

use berth_core::domain::engine_info::EngineStatus;
use berth_core::domain::settings::Settings;

/// Log lines included.
pub const LOG_LINES: usize = 200;
/// What a hidden value is replaced with.
const HIDDEN: &str = "<hidden>";
/// Shorter environment values are not scrubbed from the log: "1" or "on" would blank out
/// half of it, and values that short are no secrets.
const MIN_SECRET_LEN: usize = 4;

/// Everything the report is made of, gathered by the caller (`ipc::diagnostics`).
pub struct Inputs<'a> {
    pub os: String,
    pub webkit: String,
    pub engine: &'a EngineStatus,
    pub engines_configured: usize,
    pub settings: &'a Settings,
    pub log_path: Option<&'a Path>,
    pub log_lines: Vec<String>,
}

/// `unix:///…` → "unix socket", and so on: the kind, never the address.
pub fn endpoint_kind(endpoint: &str) -> &'static str {
    match endpoint.split_once("://").map(|(scheme, _)| scheme) {
        Some("unix") => "unix socket",
        Some("tcp") | Some("http") => "tcp",
        Some("https") => "tcp with TLS",
        Some("ssh") => "ssh",
        Some("npipe") => "named pipe",
        _ => "other",
    }
}

/// The report's text.
pub fn report(inputs: &Inputs) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("Berth {}", env!("CARGO_PKG_VERSION")));
    line(format!("OS: {}", inputs.os));
    line(format!("WebKitGTK: {}", inputs.webkit));
    for (var, label) in [
        ("XDG_CURRENT_DESKTOP", "Desktop"),
        ("XDG_SESSION_TYPE", "Session"),
    ] {
        if let Some(value) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
            line(format!("{label}: {value}"));
        }
    }
    line(String::new());
    match inputs.engine {
        EngineStatus::Connected { info } => {
            line(format!(
                "Engine: {} {} (API {}), {}/{}, kernel {}",
                info.product, info.version, info.api_version, info.os, info.arch, info.kernel
            ));
            line(format!(
                "Engine endpoint: {} ({:?} transport, {:?}), from {}",
                endpoint_kind(&info.endpoint),
                info.transport,
                info.flavor,
                plain_source(&info.endpoint_source)
            ));
        }
        EngineStatus::Connecting { endpoint } => {
            line(format!("Engine: connecting ({})", endpoint_kind(endpoint)));
        }
        EngineStatus::Unavailable { problem } => {
            line(format!(
                "Engine: unavailable, {:?} ({}): {}",
                problem.kind,
                endpoint_kind(&problem.endpoint),
                scrub(&problem.message, &[])
            ));
        }
    }
    line(format!("Engines configured: {}", inputs.engines_configured));
    line(String::new());

    let s = inputs.settings;
    line("Settings:".into());
    line(format!(
        "  engine endpoint: {}",
        s.engine_endpoint
            .as_deref()
            .map_or("not set (DOCKER_HOST / docker context)", endpoint_kind)
    ));
    line(format!("  stats interval: {} ms", s.stats_interval_ms));
    line(format!("  stats history: {} s", s.stats_history_secs));
    line(format!("  close to tray: {}", s.close_to_tray));
    line(format!("  notifications: {}", s.notifications));
    line(format!("  notify unhealthy: {}", s.notify_unhealthy));
    line(format!("  start at login: {}", s.start_at_login));
    line(format!("  theme: {:?}", s.theme));
    line(format!("  first run done: {}", s.first_run_done));
    line(format!(
        "  launch presets: {} (not shown: they may hold secrets)",
        s.presets.len()
    ));
    line(format!(
        "  recent images: {} (not shown: they may hold secrets)",
        s.recent_images.len()
    ));
    line(String::new());

    let secrets = secrets_in(s);
    match inputs.log_path {
        Some(path) => line(format!(
            "Last {} log lines ({}):",
            inputs.log_lines.len(),
            path.display()
        )),
        None => line("No log file (no XDG state folder).".into()),
    }
    for l in &inputs.log_lines {
        line(scrub(l, &secrets));
    }
    out
}

/// The endpoint's source without the address some sources quote (a DOCKER_HOST value).
fn plain_source(source: &str) -> String {
    let first = source.split_whitespace().next().unwrap_or_default();
    if first.contains("://") {
        HIDDEN.to_string()
    } else {
        scrub(source, &[])
    }
}

/// Every environment value the saved launch forms hold.
fn secrets_in(settings: &Settings) -> Vec<String> {
    let forms = settings
        .presets
        .iter()
        .map(|p| &p.request)
        .chain(settings.recent_images.iter().map(|r| &r.request));
    let mut secrets: Vec<String> = forms
        .flat_map(|form| form.env.lines())
        .filter_map(|l| l.split_once('=').map(|(_, v)| v.trim().to_string()))
        .filter(|v| v.chars().count() >= MIN_SECRET_LEN)
        .collect();
    // Longest first: a value that contains another is hidden whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

/// `text` with each secret and any `user[:password]@` of a URL replaced by [`HIDDEN`].
fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        out = out.replace(secret.as_str(), HIDDEN);
    }
    hide_url_user_info(&out)
}

fn hide_url_user_info(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        match tail[..authority_end].rfind('@') {
            Some(user_end) => {
                out.push_str(HIDDEN);
                rest = &tail[user_end..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// The OS as /etc/os-release names it, the kernel and the architecture.
pub fn os_description() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| k.trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    format!("{pretty}, kernel {kernel}, {}", std::env::consts::ARCH)
}

#[cfg(test)]
mod tests {
    use berth_core::domain::engine_info::{EngineProblem, EngineProblemKind};
    use berth_core::domain::launch::LaunchRequest;
    use berth_core::domain::settings::{LaunchPreset, RecentImage};

    use super::*;

    fn form(image: &str, env: &str, command: &str) -> LaunchRequest {
        LaunchRequest {
            image: image.into(),
            env: env.into(),
            command: command.into(),
            replicas: "1".into(),
            ..LaunchRequest::default()
        }
    }

    fn report_for(settings: &Settings, engine: &EngineStatus, log: &[&str]) -> String {
        report(&Inputs {
            os: "Debian GNU/Linux 12 (bookworm), kernel 6.1.0, x86_64".into(),
            webkit: "2.48.1".into(),
            engine,
            engines_configured: 2,
            settings,
            log_path: Some(Path::new("/home/a/.local/state/berth/berth.log")),
            log_lines: log.iter().map(|l| l.to_string()).collect(),
        })
    }

    /// Secrets a user keeps in Berth's settings never reach the report: environment values of
    /// presets and recent images (also when a log line quotes one), their commands, a
    /// password in an endpoint URL.
    #[test]
    fn secrets_never_appear() {
        let mut settings = Settings {
            engine_endpoint: Some("tcp://admin:hunter2@10.0.0.5:2376".into()),
            ..Settings::default()
        };
        settings.presets.push(LaunchPreset {
            name: "db".into(),
            request: form(
                "postgres:16",
                "POSTGRES_PASSWORD=s3cret-preset\nPGDATA=/data",
                "postgres --auth-token=tok-in-command",
            ),
        });
        settings.recent_images.push(RecentImage {
            image: "redis:7".into(),
            request: form("redis:7", "REDIS_PASSWORD=s3cret-recent", ""),
            keep_env: true,
        });
        let engine = EngineStatus::Unavailable {
            problem: EngineProblem {
                kind: EngineProblemKind::Unreachable,
                endpoint: "tcp://admin:hunter2@10.0.0.5:2376".into(),
                message: "cannot connect to tcp://admin:hunter2@10.0.0.5:2376".into(),
                hint: String::new(),
            },
        };
        let text = report_for(
            &settings,
            &engine,
            &[
                "INFO launch: env POSTGRES_PASSWORD=s3cret-preset",
                "WARN redis said s3cret-recent; retrying ssh://bob:pw@host:22/x",
            ],
        );
        for secret in [
            "s3cret-preset",
            "s3cret-recent",
            "tok-in-command",
            "hunter2",
            "admin",
            "bob:pw",
        ] {
            assert!(!text.contains(secret), "{secret} in:\n{text}");
        }
        // What is left is still useful: the kinds, the counts, the log lines' shape.
        assert!(text.contains("engine endpoint: tcp"), "{text}");
        assert!(text.contains("launch presets: 1"), "{text}");
        assert!(text.contains("recent images: 1"), "{text}");
        assert!(
            text.contains("INFO launch: env POSTGRES_PASSWORD=<hidden>"),
            "{text}"
        );
        assert!(text.contains("ssh://<hidden>@host:22/x"), "{text}");
    }

    #[test]
    fn the_report_names_the_versions_and_the_engine() {
        let engine = EngineStatus::Connecting {
            endpoint: "unix:///var/run/docker.sock".into(),
        };
        let text = report_for(&Settings::default(), &engine, &["one", "two"]);
        assert!(text.starts_with(&format!("Berth {}\n", env!("CARGO_PKG_VERSION"))));
        assert!(text.contains("OS: Debian GNU/Linux 12"));
        assert!(text.contains("WebKitGTK: 2.48.1"));
        assert!(text.contains("Engine: connecting (unix socket)"));
        assert!(text.contains("Engines configured: 2"));
        assert!(
            text.ends_with("Last 2 log lines (/home/a/.local/state/berth/berth.log):\none\ntwo\n")
        );
    }

    #[test]
    fn endpoints_are_told_by_kind() {
        assert_eq!(endpoint_kind("unix:///run/docker.sock"), "unix socket");
        assert_eq!(endpoint_kind("tcp://h:2375"), "tcp");
        assert_eq!(endpoint_kind("ssh://u@h"), "ssh");
        assert_eq!(endpoint_kind("nonsense"), "other");
        assert_eq!(
            hide_url_user_info("a tcp://u:p@h:1/x and http://h/y@z"),
            "a tcp://<hidden>@h:1/x and http://h/y@z"
        );
    }
}
