//! Quitting while a launch runs (issue #13): Berth never leaves half a group. The app asks
//! "finish the launch, then quit", "roll back and quit" or "keep Berth open"; [`settle`]
//! does the first two, and the book of launches in flight ([`in_flight`]) says what each
//! has made so far, by name, for the question.
//!
//! Rolling back is the launch's own cancel (`run_launch`): it removes exactly the
//! containers that launch created, by its own record of their ids, never by label (a
//! container carrying a forged group label is not in that record).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::run::{ReplicaPhase, ReplicaProgress};
use crate::domain::ids::GroupId;
use crate::services::streams::StreamRegistry;

/// The user's answer to "a launch is running: quit?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QuitChoice {
    /// Let every launch run to its end, then quit.
    Finish,
    /// Cancel every launch (each removes what it made so far), then quit.
    RollBack,
    /// Do not quit.
    KeepOpen,
}

/// One launch (or scale-up) in flight, as the quit question shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LaunchInFlight {
    pub group: GroupId,
    /// Every replica it plans, by name.
    pub planned: Vec<String>,
    /// The containers it has made so far, by name: what a roll back removes.
    pub created: Vec<String>,
}

struct Book {
    next: AtomicU64,
    entries: Mutex<HashMap<u64, LaunchInFlight>>,
}

/// One book per process: every launch runs through `run_launch`, and the quit question is
/// about all of them, whichever window or tray click started them.
fn book() -> &'static Book {
    static BOOK: OnceLock<Book> = OnceLock::new();
    BOOK.get_or_init(|| Book {
        next: AtomicU64::new(0),
        entries: Mutex::new(HashMap::new()),
    })
}

/// A launch's line in the book, kept up to date by the launch and gone when it ends
/// (however it ends: dropped with its task).
pub(super) struct Entry(u64);

impl Entry {
    pub(super) fn open(group: &GroupId, states: &[ReplicaProgress]) -> Self {
        let book = book();
        let key = book.next.fetch_add(1, Ordering::Relaxed);
        let entry = LaunchInFlight {
            group: group.clone(),
            planned: states.iter().map(|s| s.name.clone()).collect(),
            created: Vec::new(),
        };
        lock(book).insert(key, entry);
        Self(key)
    }

    /// Records which replicas exist now (have a container the launch made).
    pub(super) fn update(&self, states: &[ReplicaProgress]) {
        let created: Vec<String> = states
            .iter()
            .filter(|s| s.container_id.is_some() && s.phase != ReplicaPhase::Removed)
            .map(|s| s.name.clone())
            .collect();
        if let Some(e) = lock(book()).get_mut(&self.0) {
            e.created = created;
        }
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        lock(book()).remove(&self.0);
    }
}

fn lock(book: &Book) -> std::sync::MutexGuard<'_, HashMap<u64, LaunchInFlight>> {
    book.entries.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The launches running now, oldest first.
pub fn in_flight() -> Vec<LaunchInFlight> {
    let entries = lock(book());
    let mut keyed: Vec<(&u64, &LaunchInFlight)> = entries.iter().collect();
    keyed.sort_by_key(|(k, _)| **k);
    keyed.into_iter().map(|(_, e)| e.clone()).collect()
}

/// How long [`settle`] waits at most; a launch whose engine stopped answering must not keep
/// Berth from quitting for ever.
pub const SETTLE_LIMIT: Duration = Duration::from_secs(120);

/// Carries out `choice` on the launches and scale-ups of `launches` (the shell's registry
/// behind `cancel_launch`) and waits until they have all ended: run to their end
/// (`Finish`), or cancelled and rolled back (`RollBack`). Returns whether they all ended
/// within `limit`; `KeepOpen` does nothing and returns at once.
pub async fn settle(launches: &StreamRegistry, choice: QuitChoice, limit: Duration) -> bool {
    match choice {
        QuitChoice::KeepOpen => return launches.is_empty(),
        QuitChoice::RollBack => launches.stop_all(),
        QuitChoice::Finish => {}
    }
    let deadline = Instant::now() + limit;
    while !launches.is_empty() {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::{ContainerId, Ticket};
    use tokio_util::sync::CancellationToken;

    fn state(name: &str, id: Option<&str>, phase: ReplicaPhase) -> ReplicaProgress {
        ReplicaProgress {
            replica: 1,
            name: name.into(),
            phase,
            container_id: id.map(ContainerId::from),
            error: None,
        }
    }

    #[test]
    fn the_book_lists_a_launch_and_what_it_made_until_it_ends() {
        let group = GroupId::from("quitbook1");
        let states = [
            state("w-1", None, ReplicaPhase::Pending),
            state("w-2", None, ReplicaPhase::Pending),
        ];
        let entry = Entry::open(&group, &states);
        let mine = || in_flight().into_iter().find(|l| l.group == group);
        assert_eq!(mine().unwrap().planned, ["w-1", "w-2"]);
        assert!(mine().unwrap().created.is_empty());
        entry.update(&[
            state("w-1", Some("abc"), ReplicaPhase::Running),
            state("w-2", Some("def"), ReplicaPhase::Removed),
        ]);
        assert_eq!(mine().unwrap().created, ["w-1"]);
        drop(entry);
        assert!(mine().is_none());
    }

    #[tokio::test]
    async fn settle_waits_for_the_end_or_cancels_first() {
        let launches = StreamRegistry::new(&CancellationToken::new());
        // Finish: the launch runs to its end, uncancelled.
        let done = launches.start(Ticket::from("f"), |cancel| async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            cancel.is_cancelled()
        });
        assert!(settle(&launches, QuitChoice::Finish, Duration::from_secs(5)).await);
        assert_eq!(done.join().await.ok(), Some(false));
        // Roll back: cancelled, and waited for (its clean-up runs after the cancel).
        let rolled = launches.start(Ticket::from("r"), |cancel| async move {
            cancel.cancelled().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            "rolled back"
        });
        assert!(settle(&launches, QuitChoice::RollBack, Duration::from_secs(5)).await);
        assert!(launches.is_empty());
        assert_eq!(rolled.join().await.ok(), Some("rolled back"));
        // Keep open touches nothing; a launch that never ends is given up on at the limit.
        let _stuck = launches.start(Ticket::from("s"), |_| std::future::pending::<()>());
        assert!(!settle(&launches, QuitChoice::KeepOpen, Duration::from_secs(5)).await);
        assert!(!settle(&launches, QuitChoice::Finish, Duration::from_millis(100)).await);
        assert_eq!(launches.len(), 1);
        launches.abort_all();
    }
}
