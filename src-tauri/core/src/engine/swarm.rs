//! Swarm: the engine's membership, and services with their tasks. Services exist only on a
//! manager; callers check [`SwarmInfo::can_manage_services`] first so the user reads a clear
//! reason rather than the engine's 503.

use std::collections::HashMap;

use bollard::models::{Service, ServiceSpec, Task};
use bollard::query_parameters::{
    InspectServiceOptions, ListServicesOptions, ListTasksOptions, UpdateServiceOptions,
};

use super::{Engine, EngineError};
use crate::domain::launch::ports::Protocol;
use crate::domain::launch::service::ServicePlan;
use crate::domain::launch::LABEL_GROUP;
use crate::domain::swarm::{PublishedPort, ServiceSummary, SwarmInfo, SwarmState, TaskSummary};

/// What the docker CLI puts in every spec it creates (`docker service create` with no
/// flags: see the engine test comparing the two). Sending the same makes a Berth-made
/// service inspect exactly like its CLI twin; the values are also Swarm's own defaults.
const STOP_GRACE_NS: i64 = 10_000_000_000;
const RESTART_DELAY_NS: i64 = 5_000_000_000;
const UPDATE_MONITOR_NS: i64 = 5_000_000_000;

impl Engine {
    /// The engine's swarm membership, read fresh (`docker info`).
    pub async fn swarm_info(&self) -> Result<SwarmInfo, EngineError> {
        let info = self.docker.info().await.map_err(|e| self.map_err(e))?;
        Ok(swarm_from_info(info.swarm))
    }

    /// Creates the service; returns its ID. No registry auth is sent: Berth launches
    /// services from images the engine already has.
    pub async fn create_service(&self, plan: &ServicePlan) -> Result<String, EngineError> {
        let spec = service_spec(plan).map_err(|e| EngineError::BadRequest {
            message: format!("cannot encode the service configuration: {e}"),
        })?;
        let created = self
            .docker
            .create_service(spec, None)
            .await
            .map_err(|e| self.map_err(e))?;
        Ok(created.id.unwrap_or_default())
    }

    /// Every service, with its running/desired task counts (API 1.41's `status=true`).
    pub async fn list_services(&self) -> Result<Vec<ServiceSummary>, EngineError> {
        let options = ListServicesOptions {
            filters: None,
            status: Some(true),
        };
        let services = self
            .docker
            .list_services(Some(options))
            .await
            .map_err(|e| self.map_err(e))?;
        let mut out: Vec<ServiceSummary> = services.into_iter().map(summarize_service).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// One service by name or ID.
    pub async fn inspect_service(&self, service: &str) -> Result<Service, EngineError> {
        let service = super::path::object("service", service)?;
        self.docker
            .inspect_service(service, None::<InspectServiceOptions>)
            .await
            .map_err(|e| self.map_err(e))
    }

    /// The service's tasks (all of them, old failed ones too), with node host names.
    pub async fn service_tasks(&self, service_id: &str) -> Result<Vec<TaskSummary>, EngineError> {
        let filters = HashMap::from([("service".to_string(), vec![service_id.to_string()])]);
        let options = ListTasksOptions {
            filters: Some(filters),
        };
        let (tasks, nodes) = tokio::try_join!(
            async {
                self.docker
                    .list_tasks(Some(options))
                    .await
                    .map_err(|e| self.map_err(e))
            },
            async {
                self.docker
                    .list_nodes(None)
                    .await
                    .map_err(|e| self.map_err(e))
            }
        )?;
        let hostnames: HashMap<String, String> = nodes
            .into_iter()
            .filter_map(|n| {
                let host = n.description.and_then(|d| d.hostname)?;
                Some((n.id?, host))
            })
            .collect();
        Ok(tasks
            .into_iter()
            .map(|t| summarize_task(t, &hostnames))
            .collect())
    }

    /// Sets a replicated service's replica count. The update carries the version the spec
    /// was read at; a concurrent change makes the engine refuse it, and it is retried once
    /// on the fresh spec.
    pub async fn scale_service(&self, service: &str, replicas: u32) -> Result<(), EngineError> {
        let service = super::path::object("service", service)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let current = self.inspect_service(service).await?;
            let version = current.version.and_then(|v| v.index).unwrap_or_default();
            let mut spec = current.spec.unwrap_or_default();
            match spec.mode.as_mut().and_then(|m| m.replicated.as_mut()) {
                Some(replicated) => replicated.replicas = Some(i64::from(replicas)),
                None => {
                    return Err(EngineError::BadRequest {
                        message: format!(
                            "{service} is not a replicated service (global services run one \
                             task per node and cannot be scaled)"
                        ),
                    })
                }
            }
            let options = UpdateServiceOptions {
                version: i32::try_from(version).unwrap_or(i32::MAX),
                ..Default::default()
            };
            match self
                .docker
                .update_service(service, spec, options, None)
                .await
            {
                Ok(_) => return Ok(()),
                // "update out of sequence": someone updated it in between.
                Err(e) => match self.map_err(e) {
                    EngineError::Server { .. } | EngineError::BadRequest { .. } if attempt < 2 => {
                        continue
                    }
                    other => return Err(other),
                },
            }
        }
    }

    /// Removes a service (Swarm then stops and removes its tasks' containers).
    pub async fn remove_service(&self, service: &str) -> Result<(), EngineError> {
        let service = super::path::object("service", service)?;
        self.docker
            .delete_service(service)
            .await
            .map_err(|e| self.map_err(e))
    }
}

pub(super) fn swarm_from_info(swarm: Option<bollard::models::SwarmInfo>) -> SwarmInfo {
    let Some(s) = swarm else {
        return SwarmInfo::inactive();
    };
    SwarmInfo {
        state: SwarmState::from_api(
            &s.local_node_state
                .map(|st| st.to_string())
                .unwrap_or_default(),
        ),
        manager: s.control_available.unwrap_or(false),
        node_id: s.node_id.unwrap_or_default(),
        node_addr: s.node_addr.unwrap_or_default(),
        error: s.error.unwrap_or_default(),
    }
}

/// The engine's service spec for a plan: the same fields `docker service create` sends for
/// the options [`crate::domain::launch::service::service_create_argv`] renders.
pub fn service_spec(p: &ServicePlan) -> Result<ServiceSpec, serde_json::Error> {
    use serde_json::json;
    let mut container = json!({
        "Image": p.image,
        "Labels": p.container_labels,
        "Env": p.env,
        "Init": false,
        "StopGracePeriod": STOP_GRACE_NS,
        "DNSConfig": {},
        "Isolation": "default",
    });
    if let Some(args) = &p.args {
        container["Args"] = json!(args);
    }
    let mut limits = json!({});
    if let Some(m) = p.memory {
        limits["MemoryBytes"] = json!(m);
    }
    if let Some(c) = p.nano_cpus {
        limits["NanoCPUs"] = json!(c);
    }
    let restart = json!({
        "Condition": p.restart.as_str(),
        "Delay": RESTART_DELAY_NS,
        "MaxAttempts": p.restart_max_attempts.unwrap_or(0),
    });
    let mut task = json!({
        "ContainerSpec": container,
        "Resources": {"Limits": limits, "Reservations": {}},
        "RestartPolicy": restart,
        "Placement": {},
        "ForceUpdate": 0,
        "Runtime": "container",
    });
    if let Some(net) = &p.network {
        task["Networks"] = json!([{ "Target": net }]);
    }
    let rollout = json!({
        "Parallelism": 1,
        "FailureAction": "pause",
        "Monitor": UPDATE_MONITOR_NS,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
    });
    let ports: Vec<_> = p
        .ports
        .iter()
        .map(|port| {
            let mut c = json!({
                "Protocol": port.protocol.as_str(),
                "TargetPort": port.target,
                "PublishMode": port.mode,
            });
            if let Some(published) = port.published {
                c["PublishedPort"] = json!(published);
            }
            c
        })
        .collect();
    let mut endpoint = json!({"Mode": "vip"});
    if !ports.is_empty() {
        endpoint["Ports"] = json!(ports);
    }
    serde_json::from_value(json!({
        "Name": p.name,
        "Labels": p.labels,
        "TaskTemplate": task,
        "Mode": {"Replicated": {"Replicas": p.replicas}},
        "UpdateConfig": rollout,
        "RollbackConfig": rollout,
        "EndpointSpec": endpoint,
    }))
}

fn summarize_service(s: Service) -> ServiceSummary {
    let spec = s.spec.unwrap_or_default();
    let image = spec
        .task_template
        .as_ref()
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let replicas_desired = spec
        .mode
        .as_ref()
        .and_then(|m| m.replicated.as_ref())
        .map(|r| r.replicas.unwrap_or(1).clamp(0, i64::from(u32::MAX)) as u32);
    let status = s.service_status.unwrap_or_default();
    let clamp = |n: Option<u64>| n.unwrap_or(0).min(u64::from(u32::MAX)) as u32;
    // The endpoint (not the spec) holds ports the swarm assigned itself.
    let ports = s
        .endpoint
        .and_then(|e| e.ports)
        .or_else(|| spec.endpoint_spec.and_then(|e| e.ports))
        .unwrap_or_default()
        .into_iter()
        .map(|p| PublishedPort {
            published: p
                .published_port
                .and_then(|n| u16::try_from(n).ok())
                .filter(|&n| n != 0),
            target: p
                .target_port
                .and_then(|n| u16::try_from(n).ok())
                .unwrap_or(0),
            protocol: match p.protocol.map(|x| x.to_string()).as_deref() {
                Some("udp") => Protocol::Udp,
                Some("sctp") => Protocol::Sctp,
                _ => Protocol::Tcp,
            },
            mode: p
                .publish_mode
                .map(|m| m.to_string())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "ingress".into()),
        })
        .collect();
    ServiceSummary {
        id: s.id.unwrap_or_default(),
        name: spec.name.unwrap_or_default(),
        // The CLI pins images by digest (`image:tag@sha256:...`); the list shows the name.
        image: image.split('@').next().unwrap_or_default().to_string(),
        replicas_desired,
        tasks_running: clamp(status.running_tasks),
        tasks_desired: clamp(status.desired_tasks),
        ports,
        group: spec.labels.and_then(|mut l| l.remove(LABEL_GROUP)),
        created: s.created_at.map(|d| d.to_string()).unwrap_or_default(),
    }
}

fn summarize_task(t: Task, hostnames: &HashMap<String, String>) -> TaskSummary {
    let node_id = t.node_id.unwrap_or_default();
    let status = t.status.unwrap_or_default();
    TaskSummary {
        id: t.id.unwrap_or_default(),
        slot: t.slot.and_then(|s| u32::try_from(s).ok()),
        node: hostnames
            .get(&node_id)
            .cloned()
            .unwrap_or_else(|| node_id.clone()),
        node_id,
        state: status.state.map(|s| s.to_string()).unwrap_or_default(),
        desired_state: t.desired_state.map(|s| s.to_string()).unwrap_or_default(),
        message: status.message.unwrap_or_default(),
        error: status.err.unwrap_or_default(),
        container_id: status
            .container_status
            .and_then(|c| c.container_id)
            .filter(|id| !id.is_empty()),
        updated: status
            .timestamp
            .or(t.updated_at)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::launch::service::plan_service;
    use crate::domain::launch::{validate, LaunchRequest};

    #[test]
    fn the_spec_carries_every_planned_field() {
        let (n, spec) = validate(&LaunchRequest {
            image: "berth-test/busybox:latest".into(),
            replicas: "3".into(),
            command: "sleep 100".into(),
            env: "A=1".into(),
            ports: "8080:80".into(),
            labels: "team=web".into(),
            restart: "on-failure:2".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            network: "net1".into(),
            ..Default::default()
        })
        .unwrap();
        let plan = plan_service(&spec, n, "g1").unwrap();
        let body = serde_json::to_value(service_spec(&plan).unwrap()).unwrap();
        assert_eq!(body["Name"], "busybox");
        assert_eq!(body["Labels"]["berth.group"], "g1");
        assert_eq!(body["Mode"]["Replicated"]["Replicas"], 3);
        let task = &body["TaskTemplate"];
        let c = &task["ContainerSpec"];
        assert_eq!(c["Image"], "berth-test/busybox:latest");
        assert_eq!(c["Args"], serde_json::json!(["sleep", "100"]));
        assert!(
            c.get("Command").is_none(),
            "CMD, not ENTRYPOINT, is replaced"
        );
        assert_eq!(c["Env"], serde_json::json!(["A=1"]));
        assert_eq!(c["Labels"], serde_json::json!({"team": "web"}));
        assert_eq!(task["Resources"]["Limits"]["MemoryBytes"], 64 << 20);
        assert_eq!(task["Resources"]["Limits"]["NanoCPUs"], 500_000_000);
        assert_eq!(task["RestartPolicy"]["Condition"], "on-failure");
        assert_eq!(task["RestartPolicy"]["MaxAttempts"], 2);
        assert_eq!(task["Networks"][0]["Target"], "net1");
        let port = &body["EndpointSpec"]["Ports"][0];
        assert_eq!(port["PublishedPort"], 8080);
        assert_eq!(port["TargetPort"], 80);
        assert_eq!(port["PublishMode"], "ingress");
        assert_eq!(port["Protocol"], "tcp");
    }

    #[test]
    fn summaries_read_status_ports_and_hostnames() {
        let s: Service = serde_json::from_value(serde_json::json!({
            "ID": "svc1",
            "CreatedAt": "2026-01-01T00:00:00Z",
            "Spec": {
                "Name": "web",
                "Labels": {"berth.group": "g1"},
                "TaskTemplate": {"ContainerSpec": {"Image": "app:1@sha256:abc"}},
                "Mode": {"Replicated": {"Replicas": 5}}
            },
            "Endpoint": {"Ports": [{"Protocol": "tcp", "TargetPort": 80,
                                    "PublishedPort": 30001, "PublishMode": "ingress"}]},
            "ServiceStatus": {"RunningTasks": 3, "DesiredTasks": 5}
        }))
        .unwrap();
        let sum = summarize_service(s);
        assert_eq!(sum.name, "web");
        assert_eq!(sum.image, "app:1");
        assert_eq!(sum.replicas_desired, Some(5));
        assert_eq!((sum.tasks_running, sum.tasks_desired), (3, 5));
        assert_eq!(sum.ports[0].label(), "30001→80/tcp");
        assert_eq!(sum.group.as_deref(), Some("g1"));

        let t: Task = serde_json::from_value(serde_json::json!({
            "ID": "t1", "Slot": 2, "NodeID": "n1", "DesiredState": "shutdown",
            "Status": {"Timestamp": "2026-01-01T00:00:01Z", "State": "failed",
                       "Message": "started", "Err": "task: non-zero exit (1)",
                       "ContainerStatus": {"ContainerID": "c1"}}
        }))
        .unwrap();
        let hosts = HashMap::from([("n1".to_string(), "vm".to_string())]);
        let task = summarize_task(t, &hosts);
        assert_eq!(task.node, "vm");
        assert_eq!(task.slot, Some(2));
        assert_eq!(
            (task.state.as_str(), task.desired_state.as_str()),
            ("failed", "shutdown")
        );
        assert_eq!(task.error, "task: non-zero exit (1)");
        assert_eq!(task.container_id.as_deref(), Some("c1"));
        assert_eq!(
            swarm_from_info(None).state,
            crate::domain::swarm::SwarmState::Inactive
        );
    }
}
