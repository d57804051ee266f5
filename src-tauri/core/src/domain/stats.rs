//! Container resource figures computed exactly as the docker CLI computes them
//! (`cli/command/container/stats_helpers.go`), from the engine's stats JSON in either cgroup
//! v1 or v2 shape. Pure: the engine layer hands in [`RawStats`], the stats hub keeps the
//! previous [`Counters`] (one-shot polls carry no `precpu_stats`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The parts of `GET /containers/{id}/stats` the figures need. Every field defaults, so a
/// v1 or v2 body (or a stopped container's zeros) parses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawStats {
    pub cpu_stats: RawCpu,
    pub precpu_stats: RawCpu,
    pub memory_stats: RawMemory,
    pub networks: Option<HashMap<String, RawNetwork>>,
    pub blkio_stats: RawBlkio,
    pub pids_stats: RawPids,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawCpu {
    pub cpu_usage: RawCpuUsage,
    pub system_cpu_usage: Option<u64>,
    pub online_cpus: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawCpuUsage {
    pub total_usage: u64,
    pub percpu_usage: Option<Vec<u64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawMemory {
    pub usage: Option<u64>,
    pub limit: Option<u64>,
    pub stats: Option<HashMap<String, u64>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawNetwork {
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawBlkio {
    pub io_service_bytes_recursive: Option<Vec<RawBlkioEntry>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawBlkioEntry {
    pub op: String,
    pub value: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawPids {
    pub current: Option<u64>,
}

/// Cumulative counters of one sample, kept to compute the next sample's deltas.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counters {
    /// Milliseconds since the Unix epoch when the sample was taken.
    pub at_ms: f64,
    pub cpu_total: u64,
    pub system: u64,
    pub online_cpus: u32,
    pub mem_used: u64,
    pub mem_limit: u64,
    pub net_rx: u64,
    pub net_tx: u64,
    pub blk_read: u64,
    pub blk_write: u64,
    pub pids: u64,
}

/// One point of a container's history, as charted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatsPoint {
    /// Milliseconds since the Unix epoch.
    pub t: f64,
    /// Percent of one CPU (a container using two full cores reads 200), as `docker stats`.
    pub cpu: f32,
    /// Bytes, without the inactive file cache (as `docker stats`).
    #[ts(type = "number")]
    pub mem: u64,
    #[ts(type = "number")]
    pub mem_limit: u64,
    /// Bytes per second, summed over interfaces / devices.
    pub net_rx: f32,
    pub net_tx: f32,
    pub blk_read: f32,
    pub blk_write: f32,
    pub pids: u32,
}

/// One point of the host panel: the machine Berth runs on ("This computer"), not necessarily
/// the engine's host.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct HostPoint {
    /// Milliseconds since the Unix epoch.
    pub t: f64,
    /// Percent of the whole machine (0-100, all cores together), unlike a container's CPU %.
    pub cpu: f32,
    #[ts(type = "number")]
    pub mem_used: u64,
    #[ts(type = "number")]
    pub mem_total: u64,
    pub load1: f32,
    pub load5: f32,
    pub load15: f32,
    /// Logical CPUs: a container can read up to `cores` x 100 %.
    pub cores: u32,
}

impl RawStats {
    /// The counters of this body, taken at `at_ms`.
    pub fn counters(&self, at_ms: f64) -> Counters {
        let (net_rx, net_tx) = self
            .networks
            .iter()
            .flat_map(|m| m.values())
            .fold((0, 0), |(r, t), n| (r + n.rx_bytes, t + n.tx_bytes));
        let (blk_read, blk_write) = self
            .blkio_stats
            .io_service_bytes_recursive
            .iter()
            .flatten()
            .fold((0, 0), |(r, w), e| match e.op.as_bytes().first() {
                Some(b'r' | b'R') => (r + e.value, w),
                Some(b'w' | b'W') => (r, w + e.value),
                _ => (r, w),
            });
        Counters {
            at_ms,
            cpu_total: self.cpu_stats.cpu_usage.total_usage,
            system: self.cpu_stats.system_cpu_usage.unwrap_or(0),
            online_cpus: online_cpus(&self.cpu_stats),
            mem_used: memory_used(&self.memory_stats),
            mem_limit: self.memory_stats.limit.unwrap_or(0),
            net_rx,
            net_tx,
            blk_read,
            blk_write,
            pids: self.pids_stats.current.unwrap_or(0),
        }
    }

    /// The engine's own previous sample, when it sent one (a streamed or non-one-shot body).
    pub fn engine_previous(&self) -> Option<(u64, u64)> {
        let system = self.precpu_stats.system_cpu_usage.filter(|s| *s > 0)?;
        Some((self.precpu_stats.cpu_usage.total_usage, system))
    }
}

/// `online_cpus`, else the length of `percpu_usage` (old v1 engines), as the CLI does.
fn online_cpus(cpu: &RawCpu) -> u32 {
    match cpu.online_cpus {
        Some(n) if n > 0 => n,
        _ => cpu
            .cpu_usage
            .percpu_usage
            .as_ref()
            .map_or(0, |p| u32::try_from(p.len()).unwrap_or(u32::MAX)),
    }
}

/// Usage minus the inactive file cache: `total_inactive_file` on cgroup v1, `inactive_file`
/// on v2 (the CLI's `calculateMemUsageUnixNoCache`).
pub fn memory_used(mem: &RawMemory) -> u64 {
    let usage = mem.usage.unwrap_or(0);
    let stats = mem.stats.as_ref();
    let cache = stats
        .and_then(|s| s.get("total_inactive_file"))
        .or_else(|| stats.and_then(|s| s.get("inactive_file")))
        .copied()
        .unwrap_or(0);
    if cache < usage {
        usage - cache
    } else {
        usage
    }
}

/// CPU % between two (container total, system total) readings: the CLI's
/// `calculateCPUPercentUnix`.
pub fn cpu_percent(prev: (u64, u64), now: (u64, u64), online_cpus: u32) -> f64 {
    let cpu_delta = now.0 as f64 - prev.0 as f64;
    let system_delta = now.1 as f64 - prev.1 as f64;
    if cpu_delta > 0.0 && system_delta > 0.0 {
        cpu_delta / system_delta * f64::from(online_cpus) * 100.0
    } else {
        0.0
    }
}

fn rate(now: u64, prev: u64, seconds: f64) -> f32 {
    if seconds <= 0.0 || now < prev {
        return 0.0;
    }
    ((now - prev) as f64 / seconds) as f32
}

/// The point for `now`, given the previous counters of the same container. CPU uses the
/// engine's `precpu_stats` when `engine_prev` has them, else `prev`. Rates need `prev`;
/// without it they read zero.
pub fn point(
    prev: Option<&Counters>,
    engine_prev: Option<(u64, u64)>,
    now: &Counters,
) -> StatsPoint {
    let cpu_prev = engine_prev.or_else(|| prev.map(|p| (p.cpu_total, p.system)));
    let cpu = cpu_prev.map_or(0.0, |p| {
        cpu_percent(p, (now.cpu_total, now.system), now.online_cpus)
    });
    let seconds = prev.map_or(0.0, |p| (now.at_ms - p.at_ms) / 1000.0);
    let r = |f: fn(&Counters) -> u64| prev.map_or(0.0, |p| rate(f(now), f(p), seconds));
    StatsPoint {
        t: now.at_ms,
        cpu: cpu as f32,
        mem: now.mem_used,
        mem_limit: now.mem_limit,
        net_rx: r(|c| c.net_rx),
        net_tx: r(|c| c.net_tx),
        blk_read: r(|c| c.blk_read),
        blk_write: r(|c| c.blk_write),
        pids: u32::try_from(now.pids).unwrap_or(u32::MAX),
    }
}

/// `web-1-stats-1714557600.csv`: the container's name (made safe for a file name) and the
/// Unix time of saving.
pub fn stats_file_name(container: &str, unix_secs: u64) -> String {
    let safe: String = container
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-stats-{unix_secs}.csv")
}

/// A chart's history as CSV, one row per point, with a header naming units.
pub fn to_csv(points: &[StatsPoint]) -> String {
    let mut out = String::from(
        "time_ms,cpu_percent,mem_bytes,mem_limit_bytes,net_rx_bytes_per_s,net_tx_bytes_per_s,blk_read_bytes_per_s,blk_write_bytes_per_s,pids\n",
    );
    for p in points {
        out.push_str(&format!(
            "{},{:.2},{},{},{:.0},{:.0},{:.0},{:.0},{}\n",
            p.t, p.cpu, p.mem, p.mem_limit, p.net_rx, p.net_tx, p.blk_read, p.blk_write, p.pids
        ));
    }
    out
}

#[cfg(test)]
mod tests {

    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample(name: &str) -> RawStats {
        let text = match name {
            "v1" => include_str!("testdata/stats-v1-docker-20.10.json"),
            _ => include_str!("testdata/stats-v2-documented.json"),
        };
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn cgroup_v1_sample_recorded_from_docker_20_10() {
        let raw = sample("v1");
        let now = raw.counters(1000.0);
        // total_usage 31299982 - 30539215 over system 10215320000000 - 10213320000000, 2 CPUs.
        let p = point(None, raw.engine_previous(), &now);
        let expected = (31_299_982.0 - 30_539_215.0) / 2_000_000_000.0 * 2.0 * 100.0;
        assert!((f64::from(p.cpu) - expected).abs() < 1e-4, "{}", p.cpu);
        // usage 757760, total_inactive_file 0.
        assert_eq!(p.mem, 757_760);
        assert_eq!(p.mem_limit, 25_276_510_208);
        assert_eq!((now.net_rx, now.net_tx), (736, 0));
        assert_eq!((now.blk_read, now.blk_write), (0, 0));
        assert_eq!(p.pids, 2);
    }

    #[test]
    fn cgroup_v2_sample_by_the_documented_shape() {
        let raw = sample("v2");
        let now = raw.counters(1000.0);
        let p = point(None, raw.engine_previous(), &now);
        // 0.5e9 of 4e9 system ns, 4 CPUs -> 50 %.
        assert!((p.cpu - 50.0).abs() < 1e-4, "{}", p.cpu);
        // v2 has no total_inactive_file: usage - inactive_file.
        assert_eq!(p.mem, 73_400_320 - 4_194_304);
        assert_eq!((now.net_rx, now.net_tx), (1024, 512));
        assert_eq!((now.blk_read, now.blk_write), (5_000_000, 1_048_576));
        assert_eq!(p.pids, 3);
    }

    #[test]
    fn one_shot_polls_use_the_previous_sample_for_cpu_and_rates() {
        let raw = sample("v2");
        let first = raw.counters(0.0);
        let mut second = first;
        second.at_ms = 2000.0;
        second.cpu_total += 1_000_000_000; // one core for one second
        second.system += 2_000_000_000; // system time of all 4 CPUs
        second.online_cpus = 4;
        second.net_rx += 4000;
        second.blk_write += 2048;
        let p = point(Some(&first), None, &second);
        assert!((p.cpu - 200.0).abs() < 1e-3, "{}", p.cpu);
        assert_eq!(p.net_rx, 2000.0);
        assert_eq!(p.blk_write, 1024.0);
        assert_eq!(p.net_tx, 0.0);
        // No previous sample at all: zeros, never NaN.
        let lone = point(None, None, &second);
        assert_eq!((lone.cpu, lone.net_rx), (0.0, 0.0));
    }

    #[test]
    fn memory_cache_larger_than_usage_is_ignored_and_online_cpus_falls_back() {
        let mut mem = RawMemory {
            usage: Some(100),
            ..Default::default()
        };
        mem.stats = Some(HashMap::from([("total_inactive_file".into(), 500)]));
        assert_eq!(memory_used(&mem), 100);
        let cpu = RawCpu {
            cpu_usage: RawCpuUsage {
                total_usage: 0,
                percpu_usage: Some(vec![1, 2, 3]),
            },
            ..Default::default()
        };
        assert_eq!(online_cpus(&cpu), 3);
        assert_eq!(cpu_percent((5, 5), (5, 10), 2), 0.0);
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_point() {
        let raw = sample("v1");
        let p = point(None, raw.engine_previous(), &raw.counters(1.0));
        let csv = to_csv(&[p, p]);
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.starts_with("time_ms,cpu_percent"));
    }

    #[test]
    fn a_stats_file_is_named_after_the_container_made_safe() {
        assert_eq!(
            stats_file_name("web-1", 1_700_000_000),
            "web-1-stats-1700000000.csv"
        );
        assert_eq!(stats_file_name("a/b c.d", 5), "a_b_c_d-stats-5.csv");
    }
}
