//! The host panel's figures (issue #5): CPU, memory, load average and cores of the machine
//! Berth runs on, read with `sysinfo` at the stats hub's tick so a container's use can be read
//! against the machine's capacity.
//!
//! Cheap on purpose: only CPU usage and RAM are refreshed (no processes, disks or networks),
//! which on Linux is a read of `/proc/stat`, `/proc/meminfo` and `/proc/loadavg`. For a remote
//! engine this is still *this* computer, never the engine's host: the UI says so.

use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

use crate::domain::stats::HostPoint;

pub struct HostSampler {
    system: System,
}

impl HostSampler {
    /// `None` when the platform gives no figures (sysinfo cannot read them).
    pub fn new() -> Option<Self> {
        let kind = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_usage())
            .with_memory(MemoryRefreshKind::nothing().with_ram());
        match System::new_with_specifics(kind) {
            Ok(system) => Some(Self { system }),
            Err(e) => {
                tracing::warn!(error = %e, "host figures unavailable");
                None
            }
        }
    }

    /// One point taken now (`t` in ms since the epoch). The CPU figure is the machine's
    /// average since the previous call; the first call after [`Self::new`] has a delta since
    /// construction, so callers sample at the hub's tick, not back to back.
    pub fn sample(&mut self, t: f64) -> HostPoint {
        self.system.refresh_cpu_usage();
        self.system
            .refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
        let load = System::load_average().unwrap_or_default();
        let cores = u32::try_from(self.system.cpus().len()).unwrap_or(u32::MAX);
        HostPoint {
            t,
            cpu: self.system.global_cpu_usage(),
            mem_used: self.system.used_memory(),
            mem_total: self.system.total_memory(),
            load1: load.one as f32,
            load5: load.five as f32,
            load15: load.fifteen as f32,
            cores,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Real figures of the machine the tests run on: plausible, not exact.
    #[test]
    fn samples_this_machine() {
        let mut host = HostSampler::new().unwrap();
        std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
        let p = host.sample(1.0);
        assert!(p.cores >= 1);
        assert!(p.mem_total > 0 && p.mem_used > 0 && p.mem_used <= p.mem_total);
        assert!((0.0..=100.0).contains(&p.cpu), "{}", p.cpu);
        assert!(p.load1 >= 0.0);
        let cpus = std::fs::read_to_string("/proc/cpuinfo")
            .map(|s| s.lines().filter(|l| l.starts_with("processor")).count())
            .unwrap_or(0);
        if cpus > 0 {
            assert_eq!(p.cores as usize, cpus);
        }
    }
}
