//! Swarm services on a real single-node swarm: launching the launch form as a service with
//! 3 replicas, scaling it to 5, removing it; the dialog's `docker service create` line
//! making the same service spec as Berth; and clear errors for bad input.
//!
//! The engine is shared (other tests, other people): the swarm is joined only for this one
//! test function and left again by `SwarmGuard`'s `Drop` (tests/src/swarm.rs), even when the
//! test fails, unless the node was in a swarm before (then it stays, and only this run's
//! services go).

#![allow(clippy::unwrap_used)] // helpers panic on engine or CLI failures, as the tests do

use std::net::TcpListener;
use std::time::{Duration, Instant};

use berth_core::domain::launch::service::service_create_argv;
use berth_core::domain::launch::{LaunchField, LaunchRequest};
use berth_core::domain::swarm::SwarmState;
use berth_core::engine::Engine;
use berth_core::services::launch::new_group_id;
use berth_core::services::swarm::{
    launch_service, list_services, preview_service, remove_service, scale_service, service_tasks,
    SwarmError,
};
use berth_tests::docker_cli::{docker, docker_program};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE, RUN_LABEL};
use berth_tests::swarm::SwarmGuard;
use serde_json::Value;

use crate::{blocking, connect, TestResult};

/// A host port nobody listens on (ingress publishes it on the host).
fn free_port() -> u16 {
    TcpListener::bind("0.0.0.0:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn request(run: &TestRun, suffix: &str, replicas: u32, extra: LaunchRequest) -> LaunchRequest {
    LaunchRequest {
        image: BUSYBOX_IMAGE.into(),
        replicas: replicas.to_string(),
        name_pattern: format!("{}-{{n}}", run.name(suffix)),
        command: "sleep 3600".into(),
        labels: format!("{}\n{}", run.label(), extra.labels),
        ..extra
    }
}

/// Waits until the service has `n` running tasks (and says so through the CLI too).
async fn wait_running(engine: &Engine, name: &str, n: u32) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let nodes = service_tasks(engine, name).await?;
        let running = nodes
            .iter()
            .flat_map(|n| &n.tasks)
            .filter(|t| t.state == "running" && t.desired_state == "running")
            .count();
        let listed = list_services(engine).await?;
        let summary = listed.iter().find(|s| s.name == name).unwrap();
        if running == n as usize && summary.tasks_running == n {
            let name = name.to_string();
            let cli = blocking(move || {
                docker([
                    "service",
                    "ls",
                    "--filter",
                    &format!("name={name}"),
                    "--format",
                    "{{.Replicas}}",
                ])
            })
            .await?;
            assert_eq!(cli.trim(), format!("{n}/{n}"), "docker service ls agrees");
            assert_eq!(summary.replicas_desired, Some(n));
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{name}: {running} of {n} tasks running after 90 s; tasks: {nodes:?}"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// `docker service inspect --format '{{json .Spec}}'`.
async fn cli_spec(name: &str) -> TestResult<Value> {
    let name = name.to_string();
    let out = blocking(move || docker(["service", "inspect", "--format", "{{json .Spec}}", &name]))
        .await?;
    Ok(serde_json::from_str(&out)?)
}

fn field_errors(e: SwarmError) -> Vec<LaunchField> {
    match e {
        SwarmError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected form errors, got {other:?}"),
    }
}

/// One test function: the swarm is a node-wide state, so its steps run serially.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_launches_scales_and_is_removed_like_the_cli_does() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("swarm");
    let before = connect().await?;
    let was_inactive = before.info().swarm.state == SwarmState::Inactive;
    if was_inactive {
        // Not a manager: a clear reason, not the engine's 503.
        let e = list_services(&before).await.unwrap_err();
        assert!(
            matches!(&e, SwarmError::NotManager(m) if m.contains("docker swarm init")),
            "{e}"
        );
    }
    let label = run.label();
    let _swarm = blocking(move || SwarmGuard::enter(label)).await?;
    let engine = connect().await?;
    assert_eq!(engine.info().swarm.state, SwarmState::Active);
    assert!(
        engine.info().swarm.manager,
        "the engine info says it is a manager"
    );

    // Launch 3 replicas as a service.
    let group = new_group_id();
    let port = free_port();
    let req = request(
        &run,
        "svc",
        3,
        LaunchRequest {
            env: "GREETING=hello world".into(),
            ports: format!("{port}:80"),
            labels: "tier=test".into(),
            restart: "on-failure:3".into(),
            memory: "64m".into(),
            cpus: "0.5".into(),
            ..Default::default()
        },
    );
    let preview = preview_service(&engine, &req, &group).await?;
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    let name = preview.name.clone().unwrap();
    assert_eq!(name, run.name("svc"));
    assert!(preview
        .command
        .as_deref()
        .unwrap()
        .starts_with("docker service create"));
    let launched = launch_service(&engine, &req, &group).await?;
    assert_eq!(
        (launched.name.as_str(), launched.replicas),
        (name.as_str(), 3)
    );
    wait_running(&engine, &name, 3).await?;
    let spec = cli_spec(&name).await?;
    let task = &spec["TaskTemplate"];
    assert_eq!(spec["Labels"]["berth.group"], group.as_str());
    assert_eq!(spec["Labels"][RUN_LABEL], run.id());
    assert_eq!(task["ContainerSpec"]["Labels"]["tier"], "test");
    assert_eq!(task["ContainerSpec"]["Env"][0], "GREETING=hello world");
    assert_eq!(task["Resources"]["Limits"]["MemoryBytes"], 64 << 20);
    assert_eq!(task["RestartPolicy"]["Condition"], "on-failure");
    assert_eq!(task["RestartPolicy"]["MaxAttempts"], 3);
    assert_eq!(spec["EndpointSpec"]["Ports"][0]["PublishedPort"], port);
    assert_eq!(spec["EndpointSpec"]["Ports"][0]["PublishMode"], "ingress");
    let listed = list_services(&engine).await?;
    let summary = listed.iter().find(|s| s.name == name).unwrap();
    assert_eq!(summary.image, BUSYBOX_IMAGE);
    assert_eq!(summary.ports[0].published, Some(port));
    assert_eq!(summary.group.as_deref(), Some(group.as_str()));
    let nodes = service_tasks(&engine, &name).await?;
    let host = blocking(|| docker(["info", "--format", "{{.Name}}"])).await?;
    assert_eq!(nodes.len(), 1, "one node: {nodes:?}");
    assert_eq!(
        nodes[0].node,
        host.trim(),
        "tasks show the node's host name"
    );

    // Scale to 5.
    let scaled = scale_service(&engine, &name, "5").await?;
    assert_eq!(
        scaled.command,
        format!("docker service scale --detach {name}=5")
    );
    wait_running(&engine, &name, 5).await?;

    // Bad input: clear errors, nothing changed.
    let e = scale_service(&engine, &name, "100000").await.unwrap_err();
    assert!(
        matches!(&e, SwarmError::BadReplicas(m) if m.to_string().contains("at most 500")),
        "{e}"
    );
    let e = scale_service(&engine, &name, "-1").await.unwrap_err();
    assert!(
        matches!(&e, SwarmError::BadReplicas(m) if m.to_string().contains("negative")),
        "{e}"
    );
    let e = remove_service(&engine, "berth-no-such-service")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, SwarmError::Missing(_)) && e.to_string().contains("no service"),
        "{e}"
    );
    let e = scale_service(&engine, "berth-no-such-service", "2")
        .await
        .unwrap_err();
    assert!(matches!(e, SwarmError::Missing(_)), "{e}");
    // The same name again, a missing image, and fields that do not apply.
    let e = launch_service(&engine, &req, &group).await.unwrap_err();
    assert_eq!(field_errors(e), [LaunchField::NamePattern]);
    let missing = LaunchRequest {
        image: format!("berth-test/missing-{}:latest", run.id()),
        ..request(&run, "other", 1, LaunchRequest::default())
    };
    assert_eq!(
        field_errors(launch_service(&engine, &missing, &group).await.unwrap_err()),
        [LaunchField::Image]
    );
    let volumes = request(
        &run,
        "other",
        1,
        LaunchRequest {
            volumes: "data:/data".into(),
            auto_remove: true,
            ..Default::default()
        },
    );
    assert_eq!(
        field_errors(launch_service(&engine, &volumes, &group).await.unwrap_err()),
        [LaunchField::Volumes, LaunchField::AutoRemove]
    );
    assert_eq!(cli_spec(&name).await?["Mode"]["Replicated"]["Replicas"], 5);

    // The dialog's `docker service create` line makes the same spec as Berth does. Ports
    // without a published port, so both services can exist at once.
    let eq_req = request(
        &run,
        "eq",
        2,
        LaunchRequest {
            command: "sh -c 'echo \"$A\"; sleep 3600'".into(),
            env: "A=1\nB=two words".into(),
            ports: "80\n53/udp".into(),
            labels: "tier=test".into(),
            restart: "always".into(),
            memory: "32m".into(),
            cpus: "0.25".into(),
            ..Default::default()
        },
    );
    let eq_preview = preview_service(&engine, &eq_req, &group).await?;
    assert!(eq_preview.errors.is_empty(), "{:?}", eq_preview.errors);
    let berth_made = launch_service(&engine, &eq_req, &group).await?;
    // Re-plan under another name for the CLI's twin: only `--name` differs.
    let (n, spec) = berth_core::domain::launch::validate(&eq_req).unwrap();
    let mut plan =
        berth_core::domain::launch::service::plan_service(&spec, n, group.as_str()).unwrap();
    plan.name = format!("{}-cli", berth_made.name);
    let argv = service_create_argv(&plan);
    assert_eq!(argv[0], "docker");
    let cli_name = plan.name.clone();
    let args = argv[1..].to_vec();
    blocking(move || {
        let out = std::process::Command::new(docker_program())
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "docker service create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    })
    .await;
    let mut ours = cli_spec(&berth_made.name).await?;
    let mut theirs = cli_spec(&cli_name).await?;
    ours["Name"] = Value::Null;
    theirs["Name"] = Value::Null;
    assert_eq!(
        ours, theirs,
        "Berth's service spec and the CLI's differ:\nberth: {ours:#}\ncli:   {theirs:#}"
    );
    remove_service(&engine, &cli_name).await?;
    remove_service(&engine, &berth_made.name).await?;

    // Remove: gone from the engine, its task containers too.
    let rm = remove_service(&engine, &name).await?;
    assert_eq!(rm, format!("docker service rm {name}"));
    assert!(list_services(&engine).await?.iter().all(|s| s.name != name));
    let e = remove_service(&engine, &name).await.unwrap_err();
    assert!(matches!(e, SwarmError::Missing(_)), "{e}");
    let filter = run.filter();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let f = filter.clone();
        let left = blocking(move || docker(["ps", "-aq", "--filter", &f])).await?;
        if left.trim().is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "task containers still there 30 s after removing the service: {left}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Ok(())
}
