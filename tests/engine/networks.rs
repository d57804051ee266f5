//! Networks (issue #15) against the real engine, with the docker CLI as the reference: create
//! with a subnet, connect and disconnect a container, remove; the engine's own networks and
//! a network in use refused with the reason and the containers named; bad input (names with
//! spaces or slashes, malformed or overlapping subnets, a taken name) refused in words with
//! nothing left behind. And the same on a Podman engine, whose API differs in places.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use berth_core::domain::engines::{EngineConfig, EngineFlavor};
use berth_core::domain::network::{NetworkField, NetworkSummary, NewNetwork};
use berth_core::engine::{Endpoint, Engine};
use berth_core::services::networks::{self, NetworkError};
use berth_tests::docker_cli::{docker, CliError};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::podman::PodmanService;
use berth_tests::swarm::SwarmGuard;

use crate::{blocking, connect, TestResult};

/// Removes the named networks on drop (after the run's containers: declare it before the
/// `TestRun`, so it drops after it).
struct Networks(Vec<String>);

impl Drop for Networks {
    fn drop(&mut self) {
        for n in &self.0 {
            match docker(["network", "rm", n]) {
                Err(e) if !missing(&e) => eprintln!("warning: network {n} left behind: {e}"),
                _ => {}
            }
        }
    }
}

/// The CLI's "no such network" (inspect) or "network ... not found" (rm).
fn missing(e: &CliError) -> bool {
    e.is_not_found() || e.to_string().contains("not found")
}

/// A /24 under 10.213.0.0/16 that no network of `existing` uses (tests run in parallel, and
/// other processes share the engine: each asks for a different one).
fn free_subnet(existing: &[NetworkSummary]) -> String {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id() + SEQ.fetch_add(97, Ordering::Relaxed);
    (0..250)
        .map(|i| (start + i) % 250)
        .map(|n| format!("10.213.{n}."))
        .find(|prefix| {
            !existing
                .iter()
                .flat_map(|n| &n.subnets)
                .any(|s| s.subnet.starts_with(prefix.as_str()))
        })
        .map(|p| format!("{p}0/24"))
        .unwrap_or_else(|| "10.213.251.0/24".into())
}

fn form(name: &str, subnet: &str, labels: &str) -> NewNetwork {
    NewNetwork {
        name: name.into(),
        subnet: subnet.into(),
        labels: labels.into(),
    }
}

fn find<'a>(list: &'a [NetworkSummary], name: &str) -> Option<&'a NetworkSummary> {
    list.iter().find(|n| n.name == name)
}

/// The container's IPv4 address on `network`, as `docker inspect` reads it.
fn cli_ip(container: &str, network: &str) -> Result<String, String> {
    let format = format!(
        "{{{{with index .NetworkSettings.Networks \"{network}\"}}}}{{{{.IPAddress}}}}{{{{end}}}}"
    );
    docker(["inspect", "-f", &format, container])
        .map(|s| s.trim().to_string())
        .map_err(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_create_connect_disconnect_and_remove_agree_with_the_cli() -> TestResult {
    blocking(ensure_test_images).await?;
    let mut nets = Networks(Vec::new());
    let run = TestRun::new("networks");
    let engine = connect().await?;
    let name = run.name("net");
    nets.0.push(name.clone());
    let subnet = free_subnet(&engine.list_networks().await?);

    let done = networks::create(&engine, &form(&name, &subnet, &run.label())).await?;
    assert_eq!(
        done.command,
        format!(
            "docker network create --subnet {subnet} --label {} {name}",
            run.label()
        )
    );
    let cli = docker([
        "network",
        "inspect",
        "-f",
        "{{.Id}} {{.Driver}} {{range .IPAM.Config}}{{.Subnet}}{{end}}",
        &name,
    ])?;
    assert_eq!(cli.trim(), format!("{} bridge {subnet}", done.network));
    let listed = docker([
        "network",
        "ls",
        "-q",
        "--no-trunc",
        "--filter",
        &format!("label={}", run.label()),
    ])?;
    assert_eq!(listed.trim(), done.network, "labelled as asked");

    // A running container on the default bridge, and a stopped one made on the network.
    let member = run.run("member", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let stopped = run.create("stopped", &["--network", &name], BUSYBOX_IMAGE, &["true"])?;
    let connected = networks::connect(&engine, &done.network, &member.id).await?;
    assert_eq!(
        connected.command,
        format!("docker network connect {name} {}", member.name)
    );

    let list = engine.list_networks().await?;
    let ours = find(&list, &name).ok_or("the new network is listed")?;
    assert_eq!(ours.id, done.network);
    assert_eq!(
        (ours.driver.as_str(), ours.scope.as_str()),
        ("bridge", "local")
    );
    assert_eq!(ours.subnets.len(), 1);
    assert_eq!(ours.subnets[0].subnet, subnet);
    // The engine leaves the gateway of a given subnet unsaid; the attached container has it.
    let gateway = subnet.replace(".0/24", ".1");
    assert_eq!(ours.subnets[0].gateway, gateway);
    assert!(!ours.internal && !ours.attachable && ours.protected.is_none());
    let members: Vec<_> = ours
        .attached
        .iter()
        .map(|m| (m.name.as_str(), m.id.as_str(), m.ipv4.as_str()))
        .collect();
    let ip = blocking({
        let (c, n) = (member.name.clone(), name.clone());
        move || cli_ip(&c, &n)
    })
    .await?;
    assert!(
        ip.starts_with(&subnet.replace("0/24", "")),
        "{ip} in {subnet}"
    );
    assert_eq!(
        members,
        [
            (
                member.name.as_str(),
                member.id.as_str(),
                format!("{ip}/24").as_str()
            ),
            (stopped.name.as_str(), stopped.id.as_str(), ""),
        ],
        "both containers, the stopped one without an address, with the CLI's IP"
    );
    let bridge = find(&list, "bridge").ok_or("the default bridge is listed")?;
    assert!(bridge.attached.iter().any(|m| m.id.as_str() == member.id));

    // In use: refused before the engine sees it, naming both containers, running or not.
    let refused = networks::remove(&engine, &done.network).await;
    let Err(e @ NetworkError::InUse { .. }) = refused else {
        return Err(format!("removing a network in use: {refused:?}").into());
    };
    let message = e.to_string();
    assert!(
        message.contains(&format!("{} (running)", member.name))
            && message.contains(&format!("{} (created)", stopped.name)),
        "{message}"
    );
    docker(["network", "inspect", &name])?;
    // Connecting one already there is refused in words too.
    let again = networks::connect(&engine, &name, &member.name).await;
    assert!(
        matches!(again, Err(NetworkError::Attachment { .. })),
        "{again:?}"
    );

    for c in [&member, &stopped] {
        let d = networks::disconnect(&engine, &name, &c.id).await?;
        assert_eq!(
            d.command,
            format!("docker network disconnect {name} {}", c.name)
        );
    }
    let ip = blocking({
        let (c, n) = (member.name.clone(), name.clone());
        move || cli_ip(&c, &n)
    })
    .await?;
    assert_eq!(ip, "", "the CLI no longer sees it on the network");

    let removed = networks::remove(&engine, &name).await?;
    assert_eq!(removed.command, format!("docker network rm {name}"));
    let gone = docker(["network", "inspect", &name]);
    assert!(gone.is_err_and(|e| missing(&e)), "the network is gone");
    assert!(find(&engine.list_networks().await?, &name).is_none());
    drop(run);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_network_input_is_refused_in_words_and_leaves_nothing_behind() -> TestResult {
    let mut nets = Networks(Vec::new());
    let run = TestRun::new("networks-bad");
    let engine = connect().await?;
    let label = run.label();
    let taken = run.name("taken");
    nets.0.push(taken.clone());
    let subnet = free_subnet(&engine.list_networks().await?);
    docker([
        "network", "create", "--label", &label, "--subnet", &subnet, &taken,
    ])?;
    // The engine's own refusal of an overlap, for reference: it does not say with what.
    let inner = subnet.replace("0/24", "128/25");
    let other = run.name("other");
    nets.0.push(other.clone());
    let engine_says = docker([
        "network", "create", "--label", &label, "--subnet", &inner, &other,
    ]);
    assert!(engine_says.is_err(), "the engine refuses the overlap too");

    let cases = [
        (
            format!("{} x", run.name("sp")),
            String::new(),
            NetworkField::Name,
            "space",
        ),
        (
            format!("{}/x", run.name("sl")),
            String::new(),
            NetworkField::Name,
            "slash",
        ),
        (
            run.name("cidr"),
            "10.300.0.0/24".into(),
            NetworkField::Subnet,
            "CIDR",
        ),
        (
            run.name("cidr2"),
            "10.213.0.0".into(),
            NetworkField::Subnet,
            "CIDR",
        ),
        (
            run.name("overlap"),
            inner.clone(),
            NetworkField::Subnet,
            &format!("overlaps {subnet}, the range of network {taken}")[..],
        ),
        (
            taken.clone(),
            String::new(),
            NetworkField::Name,
            "already exists",
        ),
    ];
    for (name, subnet, field, says) in &cases {
        let out = networks::create(&engine, &form(name, subnet, &label)).await;
        let Err(NetworkError::Invalid(errors)) = &out else {
            return Err(format!("{name:?} {subnet:?}: {out:?}").into());
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, *field, "{errors:?}");
        assert!(
            errors[0].message.contains(says),
            "{name:?}: {}",
            errors[0].message
        );
        // The preview the dialog shows says the same, and offers no command.
        let preview = networks::preview_create(&engine, &form(name, subnet, &label)).await?;
        assert_eq!(preview.errors, *errors);
        assert_eq!(preview.command, None);
    }
    let left = docker([
        "network",
        "ls",
        "--format",
        "{{.Name}}",
        "--filter",
        &format!("label={label}"),
    ])?;
    assert_eq!(left.trim(), taken, "nothing but the test's own network");
    drop(run);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engines_own_networks_are_refused_with_the_reason() -> TestResult {
    let engine = connect().await?;
    let refuse = |name: &'static str| {
        let engine = engine.clone();
        async move {
            match networks::remove(&engine, name).await {
                Err(e @ NetworkError::Protected { .. }) => Ok(e.to_string()),
                other => Err(format!("removing {name}: {other:?}")),
            }
        }
    };
    for name in ["bridge", "host", "none"] {
        let message = refuse(name).await?;
        assert!(
            message.starts_with(&format!("{name} is not removed: it is ")),
            "{message}"
        );
        docker(["network", "inspect", name])?;
    }
    let list = engine.list_networks().await?;
    for name in ["bridge", "host", "none"] {
        let n = find(&list, name).ok_or(format!("{name} is listed"))?;
        assert!(n.protected.is_some(), "{name}");
    }
    assert!(refuse("bridge").await?.contains("default network"));

    // On a swarm manager: the routing mesh and Swarm's host bridge.
    let run = TestRun::new("networks-swarm");
    let _swarm = blocking({
        let label = run.label();
        move || SwarmGuard::enter(label)
    })
    .await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let list = engine.list_networks().await?;
        let ingress = list
            .iter()
            .find(|n| n.driver == "overlay" && n.scope == "swarm" && n.name == "ingress");
        if let (Some(ingress), Some(gw)) = (ingress, find(&list, "docker_gwbridge")) {
            assert!(ingress
                .protected
                .as_deref()
                .is_some_and(|r| r.contains("routing mesh")));
            assert!(gw.protected.is_some());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no ingress/docker_gwbridge after swarm init"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    for name in ["ingress", "docker_gwbridge"] {
        let message = refuse(name).await?;
        assert!(message.contains("Swarm"), "{message}");
        docker(["network", "inspect", name])?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_work_on_podman() -> TestResult {
    blocking(ensure_test_images).await?;
    let podman = Arc::new(blocking(PodmanService::start).await?);
    let image = {
        let p = podman.clone();
        blocking(move || p.load_from_docker(BUSYBOX_IMAGE)).await?
    };
    let config = EngineConfig {
        name: "podman".into(),
        endpoint: podman.host(),
        tls_ca: None,
        tls_cert: None,
        tls_key: None,
        ssh_config: None,
        origin: String::new(),
    };
    let engine = Engine::connect(&Endpoint::from_config(&config)).await?;
    assert_eq!(engine.info().flavor, EngineFlavor::Podman);
    let run = TestRun::new("networks-podman");
    let label = run.label();
    // Whatever happens, this run's containers and networks go from Podman.
    struct Cleanup(Arc<PodmanService>, String, Vec<String>);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            if let Ok(out) = self
                .0
                .podman(&["ps", "-aq", "--filter", &format!("label={}", self.1)])
            {
                for id in out.split_whitespace() {
                    let _ = self.0.podman(&["rm", "-f", "-t", "0", id]);
                }
            }
            for n in &self.2 {
                let _ = self.0.podman(&["network", "rm", "-f", n]);
            }
        }
    }
    let name = run.name("net");
    let _cleanup = Cleanup(podman.clone(), label.clone(), vec![name.clone()]);

    let list = engine.list_networks().await?;
    // Podman's API lists its default network (`podman` on its CLI) as `bridge`.
    let default = find(&list, "bridge").ok_or("Podman's default network is listed")?;
    assert!(default.protected.is_some(), "{default:?}");
    assert!(!default.subnets.is_empty(), "{default:?}");
    let refused = networks::remove(&engine, "bridge").await;
    assert!(
        matches!(refused, Err(NetworkError::Protected { .. })),
        "{refused:?}"
    );

    let subnet = free_subnet(&list);
    let done = networks::create(&engine, &form(&name, &subnet, &label)).await?;
    let p = podman.clone();
    let n = name.clone();
    let inspect = blocking(move || {
        p.podman(&[
            "network",
            "inspect",
            "-f",
            "{{range .Subnets}}{{.Subnet}}{{end}} {{.Labels}}",
            &n,
        ])
    })
    .await?;
    assert!(inspect.contains(&subnet), "{inspect}");
    assert!(inspect.contains(run.id()), "labelled: {inspect}");

    let p = podman.clone();
    let cname = run.name("member");
    let args = [
        "run", "-d", "--label", &label, "--name", &cname, &image, "sleep", "600",
    ]
    .map(String::from);
    let cid =
        blocking(move || p.podman(&args.iter().map(String::as_str).collect::<Vec<_>>())).await?;
    let cid = cid.trim().to_string();
    let connected = networks::connect(&engine, &done.network, &cid).await?;
    assert_eq!(
        connected.command,
        format!("docker network connect {name} {cname}")
    );
    let list = engine.list_networks().await?;
    let ours = find(&list, &name).ok_or("the new network is listed on Podman")?;
    assert_eq!(
        ours.subnets.first().map(|s| s.subnet.as_str()),
        Some(subnet.as_str())
    );
    let m = ours
        .attached
        .first()
        .ok_or(format!("the container is attached: {ours:?}"))?;
    assert_eq!(m.name, cname);
    assert!(m.ipv4.starts_with(&subnet.replace("0/24", "")), "{m:?}");

    let refused = networks::remove(&engine, &name).await;
    assert!(
        matches!(refused, Err(NetworkError::InUse { .. })),
        "{refused:?}"
    );
    networks::disconnect(&engine, &name, &cid).await?;
    let list = engine.list_networks().await?;
    assert!(find(&list, &name).is_some_and(|n| n.attached.is_empty()));
    networks::remove(&engine, &name).await?;
    assert!(find(&engine.list_networks().await?, &name).is_none());
    Ok(())
}
