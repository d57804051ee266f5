//! Cancellation tokens of the streams in flight (log follows, pulls), by the ticket the UI
//! chose. Children of the app's token, so quitting ends them too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use tokio_util::sync::CancellationToken;

/// One stream's hold on its ticket; `generation` tells it from a newer stream on the same
/// ticket.
pub struct Lease {
    pub token: CancellationToken,
    generation: u64,
}

#[derive(Default)]
pub struct Streams {
    map: Mutex<HashMap<String, (u64, CancellationToken)>>,
    next: AtomicU64,
}

impl Streams {
    /// A token for `ticket`; a stream already running under the same ticket is cancelled.
    pub fn begin(&self, ticket: &str, app: &CancellationToken) -> Lease {
        let token = app.child_token();
        let generation = self.next.fetch_add(1, Ordering::Relaxed);
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, old)) = map.insert(ticket.to_string(), (generation, token.clone())) {
            old.cancel();
        }
        Lease { token, generation }
    }

    /// Forgets `ticket` unless a newer stream took it meanwhile.
    pub fn end(&self, ticket: &str, lease: &Lease) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if map.get(ticket).is_some_and(|(g, _)| *g == lease.generation) {
            map.remove(ticket);
        }
    }

    /// Cancels the stream with `ticket`; false if there is none.
    pub fn cancel(&self, ticket: &str) -> bool {
        let map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(ticket).map(|(_, t)| t.cancel()).is_some()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_begin_cancel_and_end() {
        let app = CancellationToken::new();
        let s = Streams::default();
        let first = s.begin("t", &app);
        let second = s.begin("t", &app);
        assert!(
            first.token.is_cancelled(),
            "a reused ticket cancels the old stream"
        );
        s.end("t", &first);
        assert_eq!(
            s.len(),
            1,
            "the old stream's end leaves the new one registered"
        );
        assert!(s.cancel("t"));
        assert!(second.token.is_cancelled());
        s.end("t", &second);
        assert_eq!(s.len(), 0);
        assert!(!s.cancel("t"));
        let third = s.begin("u", &app);
        app.cancel();
        assert!(third.token.is_cancelled());
    }
}
