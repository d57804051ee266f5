//! A stream sink that keeps everything it is sent, for tests that check what a pull, a
//! launch or any other ticketed stream reported.

use std::sync::{Mutex, PoisonError};

use berth_core::services::sink::Sink;

pub struct Collected<T>(Mutex<Vec<T>>);

impl<T> Default for Collected<T> {
    fn default() -> Self {
        Self(Mutex::new(Vec::new()))
    }
}

impl<T: Clone> Collected<T> {
    /// Everything sent so far, in order.
    pub fn items(&self) -> Vec<T> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl<T: Send> Sink<T> for Collected<T> {
    fn send(&self, item: T) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(item);
        true
    }
}
