//! Shared helpers for Berth's engine integration tests, end-to-end tests and benchmarks.
//! Everything a test creates on the engine carries the label `berth.test=<run id>` and is
//! removed afterwards, so a developer's own containers and images are never touched.

/// The built app under WebDriver (tauri-driver), for the end-to-end tests.
pub mod app;
/// axe-core injected into the real window, and its violations read back (issue #18).
pub mod axe;
/// What the benchmark binaries share (parallel jobs, sleeping containers, verdicts, the
/// load average, the wait for Ctrl-C).
pub mod bench;
/// The desktop around the app (issue #6): closing a window like a window manager, the
/// tray's exported D-Bus menu, a notification server on the test's session bus.
pub mod desktop;
/// The docker CLI, run without a shell, and the rows it prints: the tests' reference.
pub mod docker_cli;
/// A second Docker daemon beside the main one (TLS endpoint tests, an empty engine).
pub mod extra_dockerd;
/// Test images, the per-run id, and the `TestRun` guard that cleans up.
pub mod fixtures;
/// A loopback HTTP server with one fixed answer that counts connections ("not a registry").
pub mod http_stub;
/// `docker save | <other engine> load` without a shell.
pub mod image_copy;
/// The keyboard through WebDriver key actions: chords, typing, Tab until a control, the focus.
pub mod keys;
/// A process's threads and open file descriptors by kind, from /proc (leak checks).
pub mod open_files;
/// CA, server and client certificates from the `openssl` CLI, for TLS engines.
pub mod pki;
/// Podman's Docker-compatible service as a second engine.
pub mod podman;
/// Process trees from /proc: stopping an app with its WebKit processes, and their memory.
pub mod procs;
/// A unix-socket proxy to the engine that tests can stop and start ("engine down, then back").
pub mod proxy;
/// A throwaway image registry on loopback, for pull tests.
pub mod registry;
/// A sink that keeps what a stream sent (pull progress, launch batches).
pub mod sinks;
/// A single-node swarm for the Swarm tests, joined and left again around each test.
pub mod swarm;
/// A throwaway OpenSSH server on loopback, for SSH engine tests.
pub mod test_sshd;
