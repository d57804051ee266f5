//! Process trees from `/proc`: the app and every process it started (WebKit's web and network
//! processes), to stop them all and to add up their memory.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `(pid, parent pid, state)` of every process, from `/proc/<pid>/stat`.
fn all_processes() -> Vec<(u32, u32, char)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (comm) state ppid ...`; comm may contain spaces and parentheses.
            let rest = &stat[stat.rfind(')')? + 2..];
            let mut fields = rest.split_whitespace();
            let state = fields.next()?.chars().next()?;
            let ppid = fields.next()?.parse().ok()?;
            Some((pid, ppid, state))
        })
        .collect()
}

/// Every live descendant of `root` (children, their children, ...), parents before children.
pub fn descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for (pid, ppid, state) in all_processes() {
        if state != 'Z' {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut out = Vec::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        for &child in children.get(&pid).map(Vec::as_slice).unwrap_or_default() {
            out.push(child);
            queue.push(child);
        }
    }
    out
}

/// Whether `pid` is running (exists and is not a zombie).
pub fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let rest = &stat[stat.rfind(')')? + 2..];
            rest.chars().next()
        })
        .is_some_and(|state| state != 'Z')
}

/// The process's name (`/proc/<pid>/comm`, at most 15 characters).
pub fn name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A process's memory from `/proc/<pid>/smaps_rollup`, in KiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// Proportional set size: private pages plus a fair share of shared ones. Summing it over
    /// processes counts shared libraries once.
    pub pss: u64,
    /// The part of `pss` that is heap and other anonymous memory.
    pub pss_anon: u64,
    /// The part of `pss` that is mapped files (libraries, fonts, caches).
    pub pss_file: u64,
    /// The part of `pss` that is shared memory (e.g. buffers shared with another process).
    pub pss_shmem: u64,
    pub rss: u64,
}

impl Memory {
    pub fn of(pid: u32) -> Option<Self> {
        let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
        let field = |name: &str| {
            rollup.lines().find_map(|l| {
                let v = l.strip_prefix(name)?.strip_prefix(':')?;
                v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()
            })
        };
        Some(Self {
            pss: field("Pss")?,
            pss_anon: field("Pss_Anon").unwrap_or_default(),
            pss_file: field("Pss_File").unwrap_or_default(),
            pss_shmem: field("Pss_Shmem").unwrap_or_default(),
            rss: field("Rss").unwrap_or_default(),
        })
    }
}

fn signal(sig: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    // procs' `kill`, by pid: only processes this code started.
    let _ = Command::new("kill")
        .arg(sig)
        .arg("--")
        .args(pids.iter().map(u32::to_string))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Stops `root` and all its descendants: the tree is collected first (so nothing escapes by
/// being re-parented), then SIGTERM, up to `grace` to exit, then SIGKILL for the rest.
/// The caller still reaps `root` if it is its child.
pub fn kill_tree(root: u32, grace: Duration) {
    let mut tree = vec![root];
    tree.extend(descendants(root));
    signal("-TERM", &tree);
    let deadline = Instant::now() + grace;
    loop {
        // New children may have appeared while the tree was going down.
        for pid in tree.clone() {
            for d in descendants(pid) {
                if !tree.contains(&d) {
                    tree.push(d);
                }
            }
        }
        tree.retain(|&pid| is_alive(pid));
        if tree.is_empty() || Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    signal("-KILL", &tree);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_tree_stops_a_process_and_its_children() {
        let mut child = Command::new("sh")
            .args(["-c", "sleep 30 & sleep 30 & wait"])
            .spawn()
            .unwrap();
        let root = child.id();
        let deadline = Instant::now() + Duration::from_secs(5);
        while descendants(root).len() < 2 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let tree = descendants(root);
        assert_eq!(tree.len(), 2, "{tree:?}");
        assert!(tree.iter().all(|&p| name(p) == "sleep"));

        kill_tree(root, Duration::from_secs(2));
        child.wait().unwrap();
        assert!(tree.iter().all(|&p| !is_alive(p)), "{tree:?} survived");
    }

    #[test]
    fn reads_this_process_memory() {
        let m = Memory::of(std::process::id()).unwrap();
        assert!(m.pss > 0 && m.rss >= m.pss, "{m:?}");
        assert!(m.pss_anon + m.pss_file + m.pss_shmem <= m.pss + 1, "{m:?}");
    }
}
