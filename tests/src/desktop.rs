//! The desktop around the app, for the issue #6 end-to-end tests: what a window manager, a
//! tray host and a notification daemon would do, on the test's own X display and D-Bus
//! session bus (`xvfb-run` + `dbus-run-session`).
//!
//! - [`close_window`] asks a window to close with `WM_DELETE_WINDOW`, as a window manager does
//!   when the user clicks ×: the app sees a real close request.
//! - [`TrayMenu`] reads and clicks the tray menu libayatana-appindicator exports over
//!   `com.canonical.dbusmenu`, which is what a tray host (a StatusNotifierWatcher) shows. No
//!   watcher is needed: the indicator exports its menu as soon as it is on the bus.
//! - [`NotificationServer`] owns `org.freedesktop.Notifications` and records every `Notify`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, MapState, Window,
};
use x11rb::rust_connection::RustConnection;
use zbus::zvariant::{OwnedValue, Value};

/// Where libayatana-appindicator exports the menu of tray-icon's indicator for the app
/// `berth` (the id is "tray-icon tray app berth", spaces made underscores).
pub const TRAY_MENU_PATH: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_berth/Menu";

#[derive(Debug, thiserror::Error)]
pub enum DesktopError {
    #[error("X11: {0}")]
    X11(String),
    #[error("D-Bus: {0}")]
    Bus(String),
    #[error("{0}")]
    Missing(String),
}

fn x11<E: std::fmt::Display>(e: E) -> DesktopError {
    DesktopError::X11(e.to_string())
}

fn bus<E: std::fmt::Display>(e: E) -> DesktopError {
    DesktopError::Bus(e.to_string())
}

// ---------------------------------------------------------------------------------------
// X11: find the app's window, see whether it is shown, close it like a window manager.

/// One top-level window: its id and the pid the toolkit put in `_NET_WM_PID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppWindow {
    pub id: Window,
    pub pid: Option<u32>,
}

fn connect_x() -> Result<(RustConnection, usize), DesktopError> {
    x11rb::connect(None).map_err(x11)
}

fn atom(conn: &RustConnection, name: &str) -> Result<u32, DesktopError> {
    Ok(conn
        .intern_atom(false, name.as_bytes())
        .map_err(x11)?
        .reply()
        .map_err(x11)?
        .atom)
}

fn property(
    conn: &RustConnection,
    window: Window,
    name: u32,
    kind: impl Into<u32>,
) -> Result<Vec<u8>, DesktopError> {
    Ok(conn
        .get_property(false, window, name, kind, 0, 1024)
        .map_err(x11)?
        .reply()
        .map_err(x11)?
        .value)
}

/// The top-level windows titled exactly `title` (GTK sets `_NET_WM_NAME`; WM_NAME too).
/// Under Xvfb there is no window manager: top-level windows are the root's children.
pub fn find_windows(title: &str) -> Result<Vec<AppWindow>, DesktopError> {
    let (conn, screen) = connect_x()?;
    let root = conn.setup().roots[screen].root;
    let net_name = atom(&conn, "_NET_WM_NAME")?;
    let utf8 = atom(&conn, "UTF8_STRING")?;
    let net_pid = atom(&conn, "_NET_WM_PID")?;
    let tree = conn.query_tree(root).map_err(x11)?.reply().map_err(x11)?;
    let mut found = Vec::new();
    for window in tree.children {
        let mut name = property(&conn, window, net_name, utf8)?;
        if name.is_empty() {
            name = property(&conn, window, AtomEnum::WM_NAME.into(), AtomEnum::STRING)?;
        }
        if name != title.as_bytes() {
            continue;
        }
        let pid = property(&conn, window, net_pid, AtomEnum::CARDINAL)?;
        let pid = (pid.len() >= 4).then(|| u32::from_ne_bytes([pid[0], pid[1], pid[2], pid[3]]));
        found.push(AppWindow { id: window, pid });
    }
    Ok(found)
}

/// Whether the window is mapped and shown.
pub fn is_viewable(window: Window) -> Result<bool, DesktopError> {
    let (conn, _) = connect_x()?;
    let attrs = conn
        .get_window_attributes(window)
        .map_err(x11)?
        .reply()
        .map_err(x11)?;
    Ok(attrs.map_state == MapState::VIEWABLE)
}

/// The single shown window titled `title`, once there is one.
pub async fn wait_for_shown_window(
    title: &str,
    timeout: Duration,
) -> Result<AppWindow, DesktopError> {
    let deadline = Instant::now() + timeout;
    loop {
        let mut shown = Vec::new();
        for w in find_windows(title)? {
            if is_viewable(w.id)? {
                shown.push(w);
            }
        }
        if shown.len() == 1 {
            return Ok(shown[0]);
        }
        if Instant::now() > deadline {
            return Err(DesktopError::Missing(format!(
                "{} shown windows titled {title:?} after {timeout:?}",
                shown.len()
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends `WM_DELETE_WINDOW`: what a window manager does when the user clicks the close button.
pub fn close_window(window: Window) -> Result<(), DesktopError> {
    let (conn, _) = connect_x()?;
    let protocols = atom(&conn, "WM_PROTOCOLS")?;
    let delete = atom(&conn, "WM_DELETE_WINDOW")?;
    let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
    conn.send_event(false, window, EventMask::NO_EVENT, event)
        .map_err(x11)?;
    conn.flush().map_err(x11)?;
    // A round trip: the request has reached the server when this returns.
    conn.get_input_focus().map_err(x11)?.reply().map_err(x11)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The tray menu over com.canonical.dbusmenu.

/// One item of the exported menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuNode {
    pub id: i32,
    pub label: String,
    pub enabled: bool,
    pub children: Vec<MenuNode>,
}

impl MenuNode {
    /// The first item (depth first) for which `matches(parent label, item)` holds.
    pub fn find(&self, matches: &dyn Fn(&str, &MenuNode) -> bool) -> Option<&MenuNode> {
        for child in &self.children {
            if matches(&self.label, child) {
                return Some(child);
            }
            if let Some(found) = child.find(matches) {
                return Some(found);
            }
        }
        None
    }

    /// Every label, indented by depth (for failure messages).
    pub fn outline(&self) -> String {
        fn walk(node: &MenuNode, depth: usize, out: &mut String) {
            for child in &node.children {
                out.push_str(&format!(
                    "{}{} [{}]{}\n",
                    "  ".repeat(depth),
                    child.label,
                    child.id,
                    if child.enabled { "" } else { " (disabled)" }
                ));
                walk(child, depth + 1, out);
            }
        }
        let mut out = String::new();
        walk(self, 0, &mut out);
        out
    }
}

/// A `v` may arrive wrapped (inside `av` / `a{sv}` read as a whole) or not.
fn unwrap_variant<'a, 'b>(v: &'b Value<'a>) -> &'b Value<'a> {
    match v {
        Value::Value(inner) => unwrap_variant(inner),
        other => other,
    }
}

fn props_of(dict: &HashMap<String, OwnedValue>) -> (String, bool) {
    let label = match dict.get("label").map(|v| unwrap_variant(v)) {
        Some(Value::Str(s)) => s.to_string(),
        _ => String::new(),
    };
    let enabled = !matches!(
        dict.get("enabled").map(|v| unwrap_variant(v)),
        Some(Value::Bool(false))
    );
    (label, enabled)
}

/// A child, `(ia{sv}av)` held in a `v`.
fn node_of(value: &Value<'_>) -> Option<MenuNode> {
    let Value::Structure(s) = unwrap_variant(value) else {
        return None;
    };
    let fields = s.fields();
    let Value::I32(id) = unwrap_variant(fields.first()?) else {
        return None;
    };
    let mut props = HashMap::new();
    if let Value::Dict(dict) = unwrap_variant(fields.get(1)?) {
        for (k, v) in dict.iter() {
            if let (Value::Str(k), Ok(v)) = (unwrap_variant(k), OwnedValue::try_from(v)) {
                props.insert(k.to_string(), v);
            }
        }
    }
    let (label, enabled) = props_of(&props);
    let children = match unwrap_variant(fields.get(2)?) {
        Value::Array(items) => items.iter().filter_map(node_of).collect(),
        _ => Vec::new(),
    };
    Some(MenuNode {
        id: *id,
        label,
        enabled,
        children,
    })
}

type Layout = (u32, (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>));

/// The app's exported tray menu, found on the session bus.
pub struct TrayMenu {
    conn: zbus::Connection,
    owner: String,
}

impl TrayMenu {
    /// Finds the connection that exports [`TRAY_MENU_PATH`], waiting up to `timeout` for it.
    pub async fn find(timeout: Duration) -> Result<Self, DesktopError> {
        let conn = zbus::Connection::session().await.map_err(bus)?;
        let dbus = zbus::fdo::DBusProxy::new(&conn).await.map_err(bus)?;
        let deadline = Instant::now() + timeout;
        loop {
            for name in dbus.list_names().await.map_err(bus)? {
                let name = name.to_string();
                if !name.starts_with(':')
                    || Some(name.as_str()) == conn.unique_name().map(|n| n.as_str())
                {
                    continue;
                }
                let menu = Self {
                    conn: conn.clone(),
                    owner: name,
                };
                if menu.layout().await.is_ok() {
                    return Ok(menu);
                }
            }
            if Instant::now() > deadline {
                return Err(DesktopError::Missing(format!(
                    "no connection on the session bus exports {TRAY_MENU_PATH} after {timeout:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The whole menu as the tray host would show it now.
    pub async fn layout(&self) -> Result<MenuNode, DesktopError> {
        let reply = tokio::time::timeout(
            Duration::from_secs(5),
            self.conn.call_method(
                Some(self.owner.as_str()),
                TRAY_MENU_PATH,
                Some("com.canonical.dbusmenu"),
                "GetLayout",
                &(0i32, -1i32, Vec::<String>::new()),
            ),
        )
        .await
        .map_err(|_| DesktopError::Bus("GetLayout took over 5 s".into()))?
        .map_err(bus)?;
        let (_revision, (id, props, children)): Layout = reply.body().deserialize().map_err(bus)?;
        let (label, enabled) = props_of(&props);
        Ok(MenuNode {
            id,
            label,
            enabled,
            children: children.iter().filter_map(|c| node_of(c)).collect(),
        })
    }

    /// Sends the `clicked` event a tray host sends when the user picks item `id`.
    pub async fn click(&self, id: i32) -> Result<(), DesktopError> {
        let timestamp = 0u32;
        self.conn
            .call_method(
                Some(self.owner.as_str()),
                TRAY_MENU_PATH,
                Some("com.canonical.dbusmenu"),
                "Event",
                &(id, "clicked", Value::from(""), timestamp),
            )
            .await
            .map_err(bus)?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// A notification server that records what it is asked to show.

/// One `Notify` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub app_name: String,
    pub summary: String,
    pub body: String,
}

struct Notifications {
    tx: UnboundedSender<Notification>,
    next: std::sync::atomic::AtomicU32,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    // The specification's signature: every argument is part of the D-Bus method.
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let _ = self.tx.send(Notification {
            app_name,
            summary,
            body,
        });
        self.next
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .saturating_add(1)
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "berth-test".into(),
            "berth".into(),
            "0".into(),
            "1.2".into(),
        )
    }

    fn close_notification(&self, _id: u32) {}
}

/// Owns `org.freedesktop.Notifications` on the session bus while alive.
pub struct NotificationServer {
    _conn: zbus::Connection,
    rx: UnboundedReceiver<Notification>,
}

impl NotificationServer {
    /// Fails if another notification server already owns the name on this bus.
    pub async fn start() -> Result<Self, DesktopError> {
        let (tx, rx) = unbounded_channel();
        let server = Notifications {
            tx,
            next: std::sync::atomic::AtomicU32::new(0),
        };
        let conn = zbus::connection::Builder::session()
            .map_err(bus)?
            .serve_at("/org/freedesktop/Notifications", server)
            .map_err(bus)?
            .name("org.freedesktop.Notifications")
            .map_err(bus)?
            .build()
            .await
            .map_err(bus)?;
        Ok(Self { _conn: conn, rx })
    }

    /// The next notification that satisfies `wanted`, skipping others (returned too, for
    /// failure messages), or an error after `timeout`.
    pub async fn wait_for(
        &mut self,
        timeout: Duration,
        wanted: impl Fn(&Notification) -> bool,
    ) -> Result<(Notification, Vec<Notification>), DesktopError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut others = Vec::new();
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(n)) if wanted(&n) => return Ok((n, others)),
                Ok(Some(n)) => others.push(n),
                Ok(None) => return Err(DesktopError::Bus("the server stopped".into())),
                Err(_) => {
                    return Err(DesktopError::Missing(format!(
                        "no such notification within {timeout:?}; got {others:?}"
                    )))
                }
            }
        }
    }

    /// Everything received so far, without waiting.
    pub fn drain(&mut self) -> Vec<Notification> {
        let mut out = Vec::new();
        while let Ok(n) = self.rx.try_recv() {
            out.push(n);
        }
        out
    }
}
