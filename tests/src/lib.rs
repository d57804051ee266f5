//! Shared helpers for Berth's engine integration tests, end-to-end tests and benchmarks.
//! Everything a test creates on the engine carries the label `berth.test=<run id>` and is
//! removed afterwards, so a developer's own containers and images are never touched.

/// The built app under WebDriver (tauri-driver), for the end-to-end tests.
pub mod app;
/// The desktop around the app (issue #6): closing a window like a window manager, the
/// tray's exported D-Bus menu, a notification server on the test's session bus.
pub mod desktop;
/// A second, empty Docker daemon for tests that need an engine with no images.
pub mod extra_dockerd;
/// The docker CLI, run without a shell, and the rows it prints: the tests' reference.
pub mod docker_cli;
/// Test images, the per-run id, and the `TestRun` guard that cleans up.
pub mod fixtures;
/// Process trees from /proc: stopping an app with its WebKit processes, and their memory.
pub mod procs;
/// A unix-socket proxy to the engine that tests can stop and start ("engine down, then back").
pub mod proxy;
/// A throwaway image registry on loopback, for pull tests.
pub mod registry;
/// A single-node swarm for the Swarm tests, joined and left again around each test.
pub mod swarm;
