//! Where a stream's items go. One trait for every stream (logs, pulls, launches, stats and
//! terminals): the shell implements it once over a Tauri channel, tests over a vector.

/// Receives a stream's items. `false` means the subscriber is gone: the stream should end
/// (a launch goes on regardless and only stops reporting).
pub trait Sink<T>: Send + Sync {
    fn send(&self, item: T) -> bool;
}

/// A sink that drops everything (benchmarks, callers that only want the outcome).
pub struct Discard;

impl<T> Sink<T> for Discard {
    fn send(&self, _item: T) -> bool {
        true
    }
}
