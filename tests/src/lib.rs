//! Shared helpers for Berth's engine integration tests, end-to-end tests and benchmarks.
//! Everything a test creates on the engine carries the label `berth.test=<run id>` and is
//! removed afterwards, so a developer's own containers and images are never touched.
