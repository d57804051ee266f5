//! Issue #16 against the real engine: limits changed live (`docker update` through Berth)
//! change what `docker inspect` and the container's own cgroup report; bad values are refused
//! in words and change nothing; a group-wide update reaches every member this Berth launched
//! and leaves a forged member alone.

#![allow(clippy::unwrap_used)] // helpers panic on engine or CLI failures, as the tests do

use std::sync::Arc;

use berth_core::domain::launch::{LaunchRequest, LABEL_GROUP, LABEL_REPLICA};
use berth_core::domain::limits::{LimitsUpdate, RestartChoice, RestartName};
use berth_core::services::launch::{new_group_id, plan_launch, run_launch, LaunchOptions};
use berth_core::services::limits::{update_container, update_group, LimitsError};
use berth_core::services::sink::Discard;
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE, BUSYBOX_IMAGE};
use tokio_util::sync::CancellationToken;

use crate::{blocking, connect, TestResult};

const MIB: u64 = 1 << 20;

/// `docker inspect` of the limits: memory, memory+swap, nano-CPUs, restart policy.
async fn inspected(name: &str) -> String {
    let name = name.to_string();
    blocking(move || {
        docker([
            "inspect",
            "-f",
            "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}",
            &name,
        ])
    })
    .await
    .unwrap()
    .trim()
    .to_string()
}

/// What the container's own cgroup says (v1 or v2 layout): memory limit and CPU quota.
async fn cgroup(name: &str) -> String {
    let name = name.to_string();
    blocking(move || {
        docker([
            "exec",
            &name,
            "sh",
            "-c",
            "if [ -f /sys/fs/cgroup/memory.max ]; then cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max; \
             else cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us; fi",
        ])
    })
    .await
    .unwrap()
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docker_update_through_berth_changes_inspect_and_the_cgroup() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("limits-one");
    let engine = connect().await?;
    let c = run.run("c", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let before = cgroup(&c.name).await;
    assert!(!before.starts_with(&(96 * MIB).to_string()), "{before}");

    let update = LimitsUpdate {
        memory: Some(96 * MIB),
        memory_swap: Some(192 * MIB as i64),
        cpus: Some(0.5),
        restart: Some(RestartChoice {
            name: RestartName::OnFailure,
            max_retries: Some(2),
        }),
    };
    let line = update_container(&engine, &c.name, &update).await?;
    assert_eq!(
        line,
        format!(
            "docker update --memory 96m --memory-swap 192m --cpus 0.5 --restart on-failure:2 {}",
            c.name
        )
    );
    assert_eq!(
        inspected(&c.name).await,
        format!("{} {} 500000000 on-failure:2", 96 * MIB, 192 * MIB)
    );
    let after = cgroup(&c.name).await;
    // v1: limit_in_bytes and cfs_quota_us (period 100000); v2: memory.max and "50000 100000".
    assert!(
        after == format!("{} 50000", 96 * MIB) || after == format!("{} 50000 100000", 96 * MIB),
        "the cgroup says {after:?}"
    );
    // Berth reads back what it set.
    let now = engine.current_limits(&c.name).await?;
    assert_eq!((now.memory, now.cpus), (96 * MIB, 0.5));
    assert_eq!(now.restart, "on-failure:2");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_limits_are_refused_in_words_and_change_nothing() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("limits-bad");
    let engine = connect().await?;
    let c = run.run("c", &["--memory", "64m"], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let before = inspected(&c.name).await;
    let host_cpus = engine.current_limits(&c.name).await?.host_cpus;
    let cases = [
        (
            LimitsUpdate {
                memory: Some(MIB),
                ..Default::default()
            },
            "under the engine's minimum of 6 MiB".to_string(),
        ),
        (
            LimitsUpdate {
                memory: Some(256 * MIB),
                memory_swap: Some(128 * MIB as i64),
                ..Default::default()
            },
            "must be at least the memory limit".to_string(),
        ),
        (
            LimitsUpdate {
                cpus: Some(f64::from(host_cpus) + 1.0),
                ..Default::default()
            },
            format!("more than the engine's host has ({host_cpus})"),
        ),
        (LimitsUpdate::default(), "nothing to change".to_string()),
    ];
    for (update, words) in cases {
        let e = update_container(&engine, &c.name, &update)
            .await
            .unwrap_err();
        assert!(matches!(e, LimitsError::Input(_)), "{e}");
        assert!(e.to_string().contains(&words), "{e}");
    }
    // A name that is not one reaches no endpoint.
    let e = update_container(
        &engine,
        "../../x",
        &LimitsUpdate {
            cpus: Some(1.0),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("not a valid container"), "{e}");
    assert_eq!(inspected(&c.name).await, before);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_update_reaches_every_launched_member_and_skips_a_forged_one() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("limits-group");
    let engine = connect().await?;
    let req = LaunchRequest {
        image: APP_IMAGE.into(),
        replicas: "2".into(),
        name_pattern: format!("{}-{{n}}", run.name("g")),
        labels: run.label(),
        ..Default::default()
    };
    let plan = plan_launch(&engine, &req, &new_group_id()).await.unwrap();
    let outcome = run_launch(
        &engine,
        &plan,
        Arc::new(Discard),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await;
    assert_eq!(outcome.running_ids().len(), 2);
    let group = plan.group.clone();
    // Berth's group label without a seal: made by someone else, never updated.
    let decoy = run.run(
        "decoy",
        &[
            "--label",
            &format!("{LABEL_GROUP}={group}"),
            "--label",
            &format!("{LABEL_REPLICA}=3"),
        ],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;

    let update = LimitsUpdate {
        memory: Some(80 * MIB),
        memory_swap: Some(-1),
        ..Default::default()
    };
    let report = update_group(&engine, &group, &update, 2).await?;
    assert_eq!(report.skipped, vec![decoy.name.clone()]);
    assert_eq!(report.members.len(), 2, "{report:?}");
    for m in &report.members {
        assert_eq!(m.error, None, "{}", m.name);
        assert_eq!(
            m.line,
            format!("docker update --memory 80m --memory-swap -1 {}", m.name)
        );
        assert!(
            inspected(&m.name)
                .await
                .starts_with(&format!("{} -1 ", 80 * MIB)),
            "{}",
            m.name
        );
        assert!(cgroup(&m.name).await.starts_with(&(80 * MIB).to_string()));
    }
    assert!(inspected(&decoy.name).await.starts_with("0 0 "));
    Ok(())
}
