//! One home for every ticketed stream (log follows, pulls, stats subscriptions, launches,
//! later terminals): the registry spawns the stream's task, keeps its cancellation token and
//! its task, and forgets both when the task ends.
//!
//! How to use it (the shell's commands do exactly this):
//! ```ignore
//! let running = registry.start(ticket, |cancel| async move {
//!     logs::stream_logs(&engine, &id, &request, sink, cancel, LOG_TICK).await
//! });
//! let result = running.join().await?;          // the command resolves when the stream ends
//! registry.stop(&ticket);                      // from another command: cancels it
//! registry.stop_all();                         // the window reloaded: nobody listens any more
//! ```
//! Every stream's token is a child of the registry's parent (the app's token), so quitting
//! ends them all. Keep one registry per kind where stopping differs (the UI's `stop_stream`
//! reaches logs, pulls and stats; `cancel_launch` reaches launches and scales).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::task::{AbortHandle, JoinHandle};
use tokio_util::sync::CancellationToken;

use crate::domain::ids::Ticket;

/// The stream's task was aborted or panicked before it produced its result.
#[derive(Debug, thiserror::Error)]
#[error("the stream ended abnormally: {0}")]
pub struct StreamAborted(String);

struct Entry {
    generation: u64,
    cancel: CancellationToken,
    task: AbortHandle,
}

struct Inner {
    parent: CancellationToken,
    entries: Mutex<HashMap<Ticket, Entry>>,
    next: AtomicU64,
}

impl Inner {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<Ticket, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The streams in flight by ticket. Cheap to clone: clones share the same streams.
#[derive(Clone)]
pub struct StreamRegistry {
    inner: Arc<Inner>,
}

/// A started stream: await [`Running::join`] for its result. Dropping it leaves the stream
/// running (the registry still owns it and can stop it).
pub struct Running<T> {
    task: JoinHandle<T>,
}

impl<T> Running<T> {
    pub async fn join(self) -> Result<T, StreamAborted> {
        self.task.await.map_err(|e| StreamAborted(e.to_string()))
    }
}

/// Removes the entry when the task ends, however it ends (finished, cancelled, aborted,
/// panicked), unless a newer stream took the ticket meanwhile.
struct Deregister {
    inner: Arc<Inner>,
    ticket: Ticket,
    generation: u64,
}

impl Drop for Deregister {
    fn drop(&mut self) {
        let mut entries = self.inner.entries();
        if entries
            .get(&self.ticket)
            .is_some_and(|e| e.generation == self.generation)
        {
            entries.remove(&self.ticket);
        }
    }
}

impl StreamRegistry {
    /// A registry whose streams all end when `parent` (the app's token) is cancelled.
    pub fn new(parent: &CancellationToken) -> Self {
        Self {
            inner: Arc::new(Inner {
                parent: parent.clone(),
                entries: Mutex::new(HashMap::new()),
                next: AtomicU64::new(0),
            }),
        }
    }

    /// Spawns the stream `make(cancel)` on the current tokio runtime under `ticket`. A
    /// stream already running under the same ticket is cancelled first. The stream must
    /// end soon after `cancel` fires.
    pub fn start<F, Fut, T>(&self, ticket: Ticket, make: F) -> Running<T>
    where
        F: FnOnce(CancellationToken) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let cancel = self.inner.parent.child_token();
        let generation = self.inner.next.fetch_add(1, Ordering::Relaxed);
        let stream = make(cancel.clone());
        let guard = Deregister {
            inner: self.inner.clone(),
            ticket: ticket.clone(),
            generation,
        };
        // The lock is held across the spawn so the task's own removal (its guard) cannot run
        // before its entry is in the map.
        let mut entries = self.inner.entries();
        let task = tokio::spawn(async move {
            let _guard = guard;
            stream.await
        });
        let entry = Entry {
            generation,
            cancel,
            task: task.abort_handle(),
        };
        if let Some(old) = entries.insert(ticket, entry) {
            old.cancel.cancel();
        }
        Running { task }
    }

    /// Cancels the stream with `ticket`; false if there is none (it already ended).
    pub fn stop(&self, ticket: &Ticket) -> bool {
        self.inner
            .entries()
            .get(ticket)
            .map(|e| e.cancel.cancel())
            .is_some()
    }

    /// Cancels every stream (the window reloaded: nobody listens to them any more).
    pub fn stop_all(&self) {
        for entry in self.inner.entries().values() {
            entry.cancel.cancel();
        }
    }

    /// Aborts every task outright (app exit, after the token was cancelled): nothing is left
    /// running whatever its stream does with the token.
    pub fn abort_all(&self) {
        // Outside the lock: a task dropped by its abort removes its own entry.
        let tasks: Vec<(CancellationToken, AbortHandle)> = self
            .inner
            .entries()
            .values()
            .map(|e| (e.cancel.clone(), e.task.clone()))
            .collect();
        for (cancel, task) in tasks {
            cancel.cancel();
            task.abort();
        }
    }

    /// How many streams are in flight (tests check nothing is left over).
    pub fn len(&self) -> usize {
        self.inner.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A stream that runs until cancelled and says whether it was.
    async fn until_cancelled(cancel: CancellationToken) -> &'static str {
        cancel.cancelled().await;
        "cancelled"
    }

    async fn settled(registry: &StreamRegistry, len: usize) {
        for _ in 0..100 {
            if registry.len() == len {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(registry.len(), len);
    }

    #[tokio::test]
    async fn a_finished_stream_removes_itself_and_returns_its_result() {
        let registry = StreamRegistry::new(&CancellationToken::new());
        let running = registry.start(Ticket::from("t"), |_| async { 42 });
        assert_eq!(running.join().await.ok(), Some(42));
        settled(&registry, 0).await;
        assert!(!registry.stop(&Ticket::from("t")), "nothing left to stop");
    }

    #[tokio::test]
    async fn stop_cancels_only_its_ticket() {
        let registry = StreamRegistry::new(&CancellationToken::new());
        let a = registry.start(Ticket::from("a"), until_cancelled);
        let _b = registry.start(Ticket::from("b"), until_cancelled);
        assert_eq!(registry.len(), 2);
        assert!(registry.stop(&Ticket::from("a")));
        assert_eq!(a.join().await.ok(), Some("cancelled"));
        settled(&registry, 1).await;
        assert!(!registry.stop(&Ticket::from("none")));
    }

    #[tokio::test]
    async fn reusing_a_ticket_cancels_the_old_stream_and_keeps_the_new() {
        let registry = StreamRegistry::new(&CancellationToken::new());
        let old = registry.start(Ticket::from("t"), until_cancelled);
        let new = registry.start(Ticket::from("t"), until_cancelled);
        assert_eq!(old.join().await.ok(), Some("cancelled"));
        // The old task's end must not forget the new stream.
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(registry.len(), 1);
        assert!(registry.stop(&Ticket::from("t")));
        assert_eq!(new.join().await.ok(), Some("cancelled"));
        settled(&registry, 0).await;
    }

    #[tokio::test]
    async fn stop_all_and_the_parent_token_end_everything() {
        let app = CancellationToken::new();
        let registry = StreamRegistry::new(&app);
        let all: Vec<_> = (0..5)
            .map(|i| registry.start(Ticket::new(format!("s{i}")), until_cancelled))
            .collect();
        registry.stop_all();
        for running in all {
            assert_eq!(running.join().await.ok(), Some("cancelled"));
        }
        settled(&registry, 0).await;

        let later = registry.start(Ticket::from("x"), until_cancelled);
        app.cancel();
        assert_eq!(later.join().await.ok(), Some("cancelled"));
        settled(&registry, 0).await;
    }

    #[tokio::test]
    async fn an_aborted_or_panicking_stream_is_forgotten_too() {
        let registry = StreamRegistry::new(&CancellationToken::new());
        // Ignores its token: only an abort ends it.
        let stubborn = registry.start(Ticket::from("s"), |_| std::future::pending::<()>());
        registry.abort_all();
        assert!(stubborn.join().await.is_err());
        let panics = registry.start(Ticket::from("p"), |_| async {
            let boom = true;
            if boom {
                panic!("boom");
            }
        });
        assert!(panics.join().await.is_err());
        settled(&registry, 0).await;
    }
}
