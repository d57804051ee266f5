//! Berth's headless core: everything that talks to the Docker engine, the types the UI sees,
//! and the long-running services. Nothing here depends on Tauri, so all of it runs in plain
//! tests and benchmarks against a real engine.

pub mod domain;
pub mod engine;
pub mod services;
