//! Volumes: the engine's list, and which containers mount each one; create, remove, prune,
//! their sizes (the slow disk-usage endpoint, asked on its own), and the never-started
//! helper container whose archive API the volume browser reads.

use std::collections::{BTreeMap, HashMap};

use bollard::models::{ContainerCreateBody, HostConfig, Volume, VolumeCreateRequest};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, DataUsageOptionsBuilder, DownloadFromContainerOptionsBuilder,
    ListContainersOptionsBuilder, ListImagesOptionsBuilder, ListVolumesOptions,
    PruneVolumesOptionsBuilder, RemoveContainerOptionsBuilder, RemoveVolumeOptionsBuilder,
};
use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};

use super::list::state_from_api;
use super::{path, Engine, EngineError, Transport};
use crate::domain::engines::EngineFlavor;
use crate::domain::ids::ContainerId;
use crate::domain::volume::{
    attach_users, VolumeCreate, VolumeMount, VolumePruneRule, VolumeSummary, VolumeUser,
    HELPER_LABEL, HELPER_MOUNT, HELPER_PREFIX, HELPER_VALUE,
};

/// The disk-usage answer is one JSON document; a bound keeps a hostile or huge one out.
const MAX_DF_BYTES: usize = 64 << 20;

/// A helper container made for the volume browser: never started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeHelper {
    pub id: String,
    pub name: String,
    pub image: String,
}

impl Engine {
    /// Every volume, like `docker volume ls`, with the containers (in any state) that mount
    /// it. Sizes are not here: the engine's disk-usage endpoint that knows them is slow on
    /// big engines, so it is asked separately and lazily.
    pub async fn list_volumes(&self) -> Result<Vec<VolumeSummary>, EngineError> {
        let containers = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&HashMap::<&str, Vec<&str>>::new())
            .build();
        let (volumes, containers) = tokio::join!(
            self.docker.list_volumes(None::<ListVolumesOptions>),
            self.docker.list_containers(Some(containers)),
        );
        let volumes = volumes.map_err(|e| self.map_err(e))?;
        let containers = containers.map_err(|e| self.map_err(e))?;
        let mounts = containers.into_iter().flat_map(|c| {
            let id = c.id.unwrap_or_default();
            let name = c
                .names
                .and_then(|n| n.into_iter().next())
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_default();
            let state = state_from_api(c.state);
            c.mounts
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m.typ.as_deref() == Some("volume"))
                .filter_map(move |m| {
                    Some(VolumeMount {
                        volume: m.name?,
                        container: VolumeUser {
                            id: ContainerId::new(id.clone()),
                            name: name.clone(),
                            state,
                            destination: m.destination.unwrap_or_default(),
                            read_only: m.rw == Some(false),
                        },
                    })
                })
        });
        let list = volumes
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(volume_from_api)
            .collect();
        Ok(attach_users(list, mounts))
    }
}

impl Engine {
    /// `docker volume create`: the request must already be validated (services/volumes.rs).
    pub async fn create_volume(&self, req: &VolumeCreate) -> Result<VolumeSummary, EngineError> {
        let body = VolumeCreateRequest {
            name: Some(req.name.clone()),
            driver: (!req.driver.is_empty()).then(|| req.driver.clone()),
            labels: Some(req.labels.clone().into_iter().collect()),
            ..Default::default()
        };
        let v = self
            .docker
            .create_volume(body)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(volume_from_api(v))
    }

    /// `docker volume rm NAME` (never forced: a volume in use stays, the engine says so).
    pub async fn remove_volume(&self, name: &str) -> Result<(), EngineError> {
        let name = path::object("volume name", name)?;
        let options = RemoveVolumeOptionsBuilder::default().force(false).build();
        self.docker
            .remove_volume(name, Some(options))
            .await
            .map_err(|e| self.map_err(e))
    }

    /// Which volumes this engine's `volume prune` takes (see [`VolumePruneRule`]).
    pub fn volume_prune_rule(&self) -> VolumePruneRule {
        let info = self.info();
        VolumePruneRule::of(info.flavor == EngineFlavor::Podman, &info.api_version)
    }

    /// The engine's `volume prune`, limited to volumes carrying `label` (`key=value`) when
    /// given; `all` (Docker 23+ only) includes named volumes. Returns the names removed and
    /// the bytes the engine says it freed.
    pub async fn prune_volumes(
        &self,
        all: bool,
        label: Option<&str>,
    ) -> Result<(Vec<String>, u64), EngineError> {
        let mut filters: HashMap<&str, Vec<&str>> = HashMap::new();
        if let Some(l) = label {
            filters.insert("label", vec![l]);
        }
        // API 1.41 refuses a filter it does not know: `all` is sent only where it exists.
        if all && self.volume_prune_rule() == VolumePruneRule::AnonymousOnly {
            filters.insert("all", vec!["true"]);
        }
        let options = PruneVolumesOptionsBuilder::default()
            .filters(&filters)
            .build();
        let r = self
            .docker
            .prune_volumes(Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        Ok((
            r.volumes_deleted.unwrap_or_default(),
            u64::try_from(r.space_reclaimed.unwrap_or_default()).unwrap_or_default(),
        ))
    }

    /// Each volume's size in bytes, from the engine's disk-usage endpoint (slow: it walks
    /// every volume). Volumes whose size the engine does not know are absent.
    pub async fn volume_sizes(&self) -> Result<BTreeMap<String, u64>, EngineError> {
        let doc = match self.endpoint.transport()? {
            // bollard's disk-usage type has only the newest shape (`VolumeUsage`); engines
            // before API 1.52 answer `Volumes`, so the document is read as plain JSON.
            Transport::Unix(p) => self.raw_get(Conn::Unix(p), "/system/df").await?,
            Transport::Tcp(addr) => self.raw_get(Conn::Tcp(addr), "/system/df").await?,
            _ => {
                let options = DataUsageOptionsBuilder::default()
                    .verbose(true)
                    ._type(vec!["volume".into()])
                    .build();
                let r = self
                    .docker
                    .df(Some(options))
                    .await
                    .map_err(|e| self.map_err(e))?;
                serde_json::json!({"VolumeUsage": {"Items": r.volume_usage.and_then(|u| u.items)}})
            }
        };
        Ok(sizes_from_df(&doc))
    }

    /// One GET to the engine, answered as JSON, over a plain connection of its own.
    async fn raw_get(&self, conn: Conn, url: &str) -> Result<serde_json::Value, EngineError> {
        use hyper::body::Body as _;
        let io_err = |e: std::io::Error| EngineError::Unreachable {
            endpoint: self.endpoint.uri.clone(),
            reason: e.to_string(),
        };
        let proto = |reason: String| EngineError::Protocol {
            endpoint: self.endpoint.uri.clone(),
            reason,
        };
        let request = hyper::Request::get(format!("/v{}{url}", self.docker.client_version()))
            .header("Host", "docker")
            .body(String::new())
            .map_err(|e| proto(e.to_string()))?;
        let work = async {
            let mut response = match conn {
                Conn::Unix(p) => {
                    let s = tokio::net::UnixStream::connect(p).await.map_err(io_err)?;
                    send(hyper_util::rt::TokioIo::new(s), request).await
                }
                Conn::Tcp(addr) => {
                    let addr = addr
                        .trim_start_matches("tcp://")
                        .trim_start_matches("http://");
                    let s = tokio::net::TcpStream::connect(addr).await.map_err(io_err)?;
                    send(hyper_util::rt::TokioIo::new(s), request).await
                }
            }
            .map_err(|e| proto(e.to_string()))?;
            let status = response.status();
            let body = response.body_mut();
            let mut buf = Vec::new();
            while let Some(frame) =
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut *body).poll_frame(cx)).await
            {
                let frame = frame.map_err(|e| proto(e.to_string()))?;
                if let Ok(data) = frame.into_data() {
                    if buf.len() + data.len() > MAX_DF_BYTES {
                        return Err(proto("the disk-usage answer is too large".into()));
                    }
                    buf.extend_from_slice(&data);
                }
            }
            if !status.is_success() {
                return Err(EngineError::Server {
                    status: status.as_u16(),
                    message: String::from_utf8_lossy(&buf).chars().take(300).collect(),
                });
            }
            serde_json::from_slice(&buf).map_err(|e| proto(e.to_string()))
        };
        // The disk-usage walk is slow on big engines: allow it far more than a request.
        tokio::time::timeout(std::time::Duration::from_secs(300), work)
            .await
            .map_err(|_| EngineError::Unreachable {
                endpoint: self.endpoint.uri.clone(),
                reason: "the disk-usage request took over 5 minutes".into(),
            })?
    }

    /// The smallest local image, to make a browse helper from (it never runs, so any image
    /// does); `None` when the engine has no image at all.
    pub async fn helper_image(&self) -> Result<Option<String>, EngineError> {
        let options = ListImagesOptionsBuilder::default().all(false).build();
        let images = self
            .docker
            .list_images(Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(images.into_iter().min_by_key(|i| i.size).map(|i| {
            i.repo_tags
                .iter()
                .find(|t| !t.contains("<none>"))
                .cloned()
                .unwrap_or(i.id)
        }))
    }

    /// `docker create` of the browse helper: the volume mounted read-only at `/v`, no
    /// network, labelled as Berth's helper. Never started.
    pub async fn create_volume_helper(
        &self,
        name: &str,
        volume: &str,
        image: &str,
    ) -> Result<VolumeHelper, EngineError> {
        let name = path::object("helper name", name)?;
        let options = CreateContainerOptionsBuilder::default().name(name).build();
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            cmd: Some(vec!["true".into()]),
            labels: Some(HashMap::from([(HELPER_LABEL.into(), HELPER_VALUE.into())])),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                binds: Some(vec![format!("{volume}:{HELPER_MOUNT}:ro")]),
                network_mode: Some("none".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let r = self
            .docker
            .create_container(Some(options), body)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(VolumeHelper {
            id: r.id,
            name: name.to_string(),
            image: image.to_string(),
        })
    }

    /// `docker cp HELPER:PATH -`: the path as a tar stream, read as it arrives.
    pub fn helper_archive(
        &self,
        helper: &VolumeHelper,
        path: &str,
    ) -> impl Stream<Item = Result<Bytes, EngineError>> + Send + 'static {
        let options = DownloadFromContainerOptionsBuilder::default()
            .path(path)
            .build();
        let engine = self.clone();
        self.docker
            .download_from_container(&helper.id, Some(options))
            .map_err(move |e| engine.map_err(e))
    }

    /// Removes one helper (forced: it never ran, but a crash may have left it odd).
    pub async fn remove_helper(&self, id: &str) -> Result<(), EngineError> {
        let id = path::object("helper id", id)?;
        let options = RemoveContainerOptionsBuilder::default()
            .force(true)
            .v(false)
            .build();
        self.docker
            .remove_container(id, Some(options))
            .await
            .map_err(|e| self.map_err(e))
    }

    /// Berth's browse helpers created before `before` (Unix seconds): leftovers of a crash.
    pub async fn stale_helpers(&self, before: i64) -> Result<Vec<String>, EngineError> {
        let label = format!("{HELPER_LABEL}={HELPER_VALUE}");
        let filters = HashMap::from([("label", vec![label.as_str()])]);
        let options = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&filters)
            .build();
        let list = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        // Only what Berth itself makes: never started, named `berth-browse-...`. Anyone can
        // put the label on a container; these checks keep a stranger's running one safe.
        Ok(list
            .into_iter()
            .filter(|c| c.created.unwrap_or(0) < before)
            .filter(|c| c.state == Some(bollard::models::ContainerSummaryStateEnum::CREATED))
            .filter(|c| {
                c.names
                    .iter()
                    .flatten()
                    .any(|n| n.trim_start_matches('/').starts_with(HELPER_PREFIX))
            })
            .filter_map(|c| c.id)
            .collect())
    }
}

enum Conn {
    Unix(std::path::PathBuf),
    Tcp(String),
}

async fn send<T>(
    io: T,
    request: hyper::Request<String>,
) -> Result<hyper::Response<hyper::body::Incoming>, hyper::Error>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "disk-usage connection ended");
        }
    });
    sender.send_request(request).await
}

/// Volume sizes from a disk-usage document in either shape: `Volumes` (API before 1.52) or
/// `VolumeUsage.Items` (1.52+). A size of -1 means the engine does not know it.
pub fn sizes_from_df(doc: &serde_json::Value) -> BTreeMap<String, u64> {
    let old = doc.get("Volumes").and_then(|v| v.as_array());
    let new = doc
        .get("VolumeUsage")
        .and_then(|u| u.get("Items"))
        .and_then(|v| v.as_array());
    old.into_iter()
        .chain(new)
        .flatten()
        .filter_map(|v| {
            let name = v.get("Name")?.as_str()?;
            let size = v.get("UsageData")?.get("Size")?.as_i64()?;
            Some((name.to_string(), u64::try_from(size).ok()?))
        })
        .collect()
}

fn volume_from_api(v: Volume) -> VolumeSummary {
    VolumeSummary {
        name: v.name,
        driver: v.driver,
        mountpoint: v.mountpoint,
        created: v.created_at.unwrap_or_default(),
        scope: v.scope.map(|s| s.to_string()).unwrap_or_default(),
        labels: v.labels.into_iter().collect(),
        used_by: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_from_both_disk_usage_shapes() {
        let old = serde_json::json!({"Volumes": [
            {"Name": "a", "UsageData": {"Size": 42, "RefCount": 1}},
            {"Name": "unknown", "UsageData": {"Size": -1, "RefCount": -1}},
            {"Name": "nodata"}
        ]});
        assert_eq!(sizes_from_df(&old), BTreeMap::from([("a".to_string(), 42)]));
        let new = serde_json::json!({"VolumeUsage": {"Items": [
            {"Name": "b", "UsageData": {"Size": 7, "RefCount": 0}}
        ]}});
        assert_eq!(sizes_from_df(&new), BTreeMap::from([("b".to_string(), 7)]));
        assert!(sizes_from_df(&serde_json::json!({"Volumes": null})).is_empty());
    }
}
