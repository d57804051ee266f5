//! A process's threads and open file descriptors, from `/proc/<pid>/task` and
//! `/proc/<pid>/fd` (read with readlink), to catch what grows across engine restarts and to
//! say what kind of descriptor it is.

use std::collections::BTreeMap;

/// Each open descriptor's kind and how many: `socket`, `pipe`, `anon_inode:[eventpoll]`,
/// `/dev/null`, or the path of a file. Sockets and pipes lose their inode (`socket:[123]`):
/// it differs for every descriptor.
pub type FdKinds = BTreeMap<String, usize>;

pub fn fd_kinds(pid: u32) -> FdKinds {
    let mut kinds = FdKinds::new();
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return kinds;
    };
    for entry in entries.flatten() {
        // A descriptor closed since the listing (e.g. the listing's own) has no target.
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        let target = target.to_string_lossy().to_string();
        let kind = match target.split_once(":[") {
            Some((kind, _)) if !kind.starts_with("anon_inode") => kind.to_string(),
            _ => target,
        };
        *kinds.entry(kind).or_default() += 1;
    }
    kinds
}

pub fn total(kinds: &FdKinds) -> usize {
    kinds.values().sum()
}

/// What grew from `before` to `after`, kind by kind ("socket: 4 → 6"); empty if nothing did.
pub fn growth(before: &FdKinds, after: &FdKinds) -> String {
    after
        .iter()
        .filter_map(|(kind, &now)| {
            let was = before.get(kind).copied().unwrap_or(0);
            (now > was).then(|| format!("{kind}: {was} → {now}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The process's threads (entries of `/proc/<pid>/task`); 0 if it is gone.
pub fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, Iterator::count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// `sleep 30` with `stdin`, once it has exec'd (before, it is a copy of this process).
    fn sleeper(stdin: Stdio) -> Child {
        let child = Command::new("sleep")
            .arg("30")
            .stdin(stdin)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while crate::procs::name(child.id()) != "sleep" && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        child
    }

    #[test]
    fn tells_a_childs_pipe_from_its_dev_null() {
        // Children, not this process: other tests' threads open and close descriptors here.
        // Both inherit whatever descriptors the test runner was given; only stdin differs.
        let mut piped = sleeper(Stdio::piped());
        let mut null = sleeper(Stdio::null());
        let (with_pipe, with_null) = (fd_kinds(piped.id()), fd_kinds(null.id()));
        let threads = threads(piped.id());
        for child in [&mut piped, &mut null] {
            child.kill().unwrap();
            child.wait().unwrap();
        }
        let pipes = with_null.get("pipe").copied().unwrap_or(0);
        assert_eq!(
            growth(&with_null, &with_pipe),
            format!("pipe: {pipes} → {}", pipes + 1)
        );
        let nulls = with_pipe.get("/dev/null").copied().unwrap_or(0);
        assert!(nulls >= 2, "{with_pipe:?}");
        assert_eq!(
            growth(&with_pipe, &with_null),
            format!("/dev/null: {nulls} → {}", nulls + 1)
        );
        assert_eq!(total(&with_pipe), total(&with_null));
        assert_eq!(threads, 1);
    }
}
