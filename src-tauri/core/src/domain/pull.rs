//! Pull progress: the engine's message stream folded into one state per layer. Pure, so it
//! is tested on recorded engine messages.

use serde::Serialize;
use ts_rs::TS;

/// One message of `/images/create`, as the engine sends it (bollard's `CreateImageInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullMessage {
    pub id: Option<String>,
    pub status: String,
    pub current: Option<u64>,
    pub total: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LayerPhase {
    Waiting,
    Downloading,
    Verifying,
    Downloaded,
    Extracting,
    Complete,
    AlreadyExists,
}

impl LayerPhase {
    fn parse(status: &str) -> Option<Self> {
        Some(match status {
            "Pulling fs layer" | "Waiting" => Self::Waiting,
            "Downloading" => Self::Downloading,
            "Verifying Checksum" => Self::Verifying,
            "Download complete" => Self::Downloaded,
            "Extracting" => Self::Extracting,
            "Pull complete" => Self::Complete,
            "Already exists" => Self::AlreadyExists,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LayerProgress {
    /// The layer's short digest, as the engine names it.
    pub id: String,
    pub phase: LayerPhase,
    /// Bytes downloaded (or extracted, while extracting) so far.
    #[ts(type = "number")]
    pub current: u64,
    /// The layer's compressed size, once known.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// The state of a pull, sent to the UI once per tick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Default)]
#[ts(export)]
pub struct PullProgress {
    /// In the order the engine first mentioned them.
    pub layers: Vec<LayerProgress>,
    /// The latest message that is not about one layer ("Digest: ...", "Status: ...").
    pub status: String,
}

impl PullProgress {
    /// Folds one message in; returns whether anything changed.
    pub fn apply(&mut self, m: &PullMessage) -> bool {
        let phase = LayerPhase::parse(&m.status);
        let (Some(id), Some(phase)) = (m.id.as_ref(), phase) else {
            let status = match &m.id {
                // "Pulling from library/busybox" arrives with the tag as its id.
                Some(id) if !id.is_empty() => format!("{}: {id}", m.status),
                _ => m.status.clone(),
            };
            let changed = status != self.status;
            self.status = status;
            return changed;
        };
        let mut added = false;
        let index = match self.layers.iter().position(|l| &l.id == id) {
            Some(i) => i,
            None => {
                added = true;
                self.layers.push(LayerProgress {
                    id: id.clone(),
                    phase,
                    current: 0,
                    total: None,
                });
                self.layers.len() - 1
            }
        };
        let layer = &mut self.layers[index];
        let before = layer.clone();
        layer.phase = phase;
        match phase {
            LayerPhase::Downloading | LayerPhase::Extracting => {
                if let Some(c) = m.current {
                    layer.current = c;
                }
                if let Some(t) = m.total.filter(|&t| t > 0) {
                    // Extraction totals are the same compressed size; keep the first known.
                    layer.total.get_or_insert(t);
                }
            }
            LayerPhase::Downloaded | LayerPhase::Verifying => {
                if let Some(t) = layer.total {
                    layer.current = t;
                }
            }
            LayerPhase::Complete => {
                if let Some(t) = layer.total {
                    layer.current = t;
                }
            }
            LayerPhase::Waiting | LayerPhase::AlreadyExists => {}
        }
        added || *layer != before
    }

    /// Bytes downloaded over the bytes known so far (layers whose size is not known yet do
    /// not count).
    pub fn bytes(&self) -> (u64, u64) {
        self.layers
            .iter()
            .filter_map(|l| {
                let total = l.total?;
                let done = match l.phase {
                    LayerPhase::Downloading => l.current.min(total),
                    LayerPhase::Waiting => 0,
                    _ => total,
                };
                Some((done, total))
            })
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    }
}

/// How a pull ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "outcome")]
#[ts(export)]
pub enum PullOutcome {
    /// The image is local now, with this ID.
    Pulled {
        reference: String,
        image_id: String,
        command: String,
    },
    /// Cancelled; nothing of the image was tagged.
    Cancelled { reference: String, command: String },
}

/// `docker pull REF`.
pub fn pull_cli(reference: &str) -> String {
    super::cli_equiv::DockerCommand::Pull {
        reference: reference.into(),
    }
    .line()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: Option<&str>, status: &str, cur: Option<u64>, total: Option<u64>) -> PullMessage {
        PullMessage {
            id: id.map(String::from),
            status: status.into(),
            current: cur,
            total,
        }
    }

    /// A hand-written sequence in the engine's shape, with a download in flight.
    fn recorded() -> Vec<PullMessage> {
        vec![
            msg(Some("v1"), "Pulling from berth/multi", None, None),
            msg(Some("aaa"), "Already exists", None, None),
            msg(Some("bbb"), "Pulling fs layer", None, None),
            msg(Some("ccc"), "Pulling fs layer", None, None),
            msg(Some("ccc"), "Waiting", None, None),
            msg(Some("bbb"), "Downloading", Some(32768), Some(1049000)),
            msg(Some("bbb"), "Downloading", Some(1049000), Some(1049000)),
            msg(Some("bbb"), "Verifying Checksum", None, None),
            msg(Some("bbb"), "Download complete", None, None),
            msg(Some("ccc"), "Downloading", Some(100), Some(3000)),
            msg(Some("bbb"), "Extracting", Some(32768), Some(1049000)),
            msg(Some("bbb"), "Pull complete", None, None),
        ]
    }

    #[test]
    fn folds_messages_per_layer() {
        let mut p = PullProgress::default();
        for m in recorded() {
            p.apply(&m);
        }
        assert_eq!(p.status, "Pulling from berth/multi: v1");
        let ids: Vec<&str> = p.layers.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["aaa", "bbb", "ccc"]);
        assert_eq!(p.layers[0].phase, LayerPhase::AlreadyExists);
        assert_eq!(p.layers[1].phase, LayerPhase::Complete);
        assert_eq!(p.layers[1].total, Some(1049000));
        assert_eq!(p.layers[1].current, 1049000);
        assert_eq!(p.layers[2].phase, LayerPhase::Downloading);
        assert_eq!(p.bytes(), (1049000 + 100, 1049000 + 3000));
    }

    #[test]
    fn final_status_lines_are_kept_and_repeats_change_nothing() {
        let mut p = PullProgress::default();
        assert!(p.apply(&msg(None, "Digest: sha256:abc", None, None)));
        assert!(!p.apply(&msg(None, "Digest: sha256:abc", None, None)));
        assert!(p.apply(&msg(Some("l"), "Waiting", None, None)));
        assert!(!p.apply(&msg(Some("l"), "Waiting", None, None)));
        assert!(p.apply(&msg(
            None,
            "Status: Downloaded newer image for x:1",
            None,
            None
        )));
        assert_eq!(p.status, "Status: Downloaded newer image for x:1");
    }

    /// The raw `/images/create` answer of Docker 20.10 (API 1.41) pulling a 4-layer image
    /// (2 layers already local) from Debian's docker-registry on loopback.
    #[test]
    fn folds_a_recorded_engine_pull() {
        let raw = include_str!("testdata/pull-docker-20.10.jsonl");
        let mut p = PullProgress::default();
        for line in raw.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let detail = &v["progressDetail"];
            p.apply(&PullMessage {
                id: v["id"].as_str().map(String::from),
                status: v["status"].as_str().unwrap_or_default().to_string(),
                current: detail["current"].as_u64(),
                total: detail["total"].as_u64(),
            });
        }
        let phases: Vec<LayerPhase> = p.layers.iter().map(|l| l.phase).collect();
        assert_eq!(
            phases,
            [
                LayerPhase::AlreadyExists,
                LayerPhase::AlreadyExists,
                LayerPhase::Complete,
                LayerPhase::Complete
            ]
        );
        // Small layers download before their size is announced; extraction supplies it.
        assert_eq!(p.layers[2].total, Some(1049049));
        assert_eq!(p.layers[3].total, Some(2097945));
        assert_eq!(p.bytes(), (1049049 + 2097945, 1049049 + 2097945));
        assert!(p
            .status
            .starts_with("Status: Downloaded newer image for 127.0.0.1:5799/berth/rec:v1"));
    }

    #[test]
    fn renders_docker_pull() {
        assert_eq!(
            pull_cli("127.0.0.1:5000/a:b"),
            "docker pull 127.0.0.1:5000/a:b"
        );
    }
}
