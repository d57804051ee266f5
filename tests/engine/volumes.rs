//! The volume list against `docker volume ls` and the containers' own mounts: the same
//! volumes, and each one's users (running or not, read-only or not).

use std::collections::BTreeSet;

use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

/// Removes the named volumes on drop (after the run's containers, which hold them, are gone:
/// declare it before the `TestRun`, so it drops after it).
struct Volumes(Vec<String>);

impl Drop for Volumes {
    fn drop(&mut self) {
        for v in &self.0 {
            if let Err(e) = docker(["volume", "rm", "-f", v]) {
                eprintln!("warning: volume {v} left behind: {e}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_are_listed_with_the_containers_that_mount_them() -> TestResult {
    blocking(ensure_test_images).await?;
    let mut volumes = Volumes(Vec::new());
    let run = TestRun::new("volumes");
    let engine = connect().await?;
    let label = run.label();
    let used = run.name("used");
    let free = run.name("free");
    for name in [&used, &free] {
        docker(["volume", "create", "--label", &label, name])?;
        volumes.0.push(name.clone());
    }
    let reader = run.create(
        "reader",
        &["-v", &format!("{used}:/data:ro")],
        BUSYBOX_IMAGE,
        &["true"],
    )?;
    let writer = run.run(
        "writer",
        &["-v", &format!("{used}:/srv")],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;

    let listed = engine.list_volumes().await?;
    let cli: BTreeSet<String> =
        docker(["volume", "ls", "-q", "--filter", &format!("label={label}")])?
            .lines()
            .map(str::to_string)
            .collect();
    let ours: BTreeSet<String> = listed
        .iter()
        .filter(|v| v.labels.get("berth.test").map(String::as_str) == Some(run.id()))
        .map(|v| v.name.clone())
        .collect();
    assert_eq!(ours, cli, "Berth lists this run's volumes as the CLI does");
    assert_eq!(ours, BTreeSet::from([used.clone(), free.clone()]));

    let find = |name: &str| listed.iter().find(|v| v.name == name);
    let used_row = find(&used).ok_or("the used volume is listed")?;
    assert_eq!(used_row.driver, "local");
    assert!(!used_row.mountpoint.is_empty());
    assert!(
        !used_row.created.is_empty(),
        "the engine dates every volume"
    );
    let users: Vec<_> = used_row
        .used_by
        .iter()
        .map(|u| {
            (
                u.name.as_str(),
                u.id.as_str(),
                u.destination.as_str(),
                u.read_only,
            )
        })
        .collect();
    assert_eq!(
        users,
        [
            (reader.name.as_str(), reader.id.as_str(), "/data", true),
            (writer.name.as_str(), writer.id.as_str(), "/srv", false),
        ],
        "both users, the stopped one too, by name"
    );
    let free_row = find(&free).ok_or("the free volume is listed")?;
    assert!(free_row.is_unused(), "{:?}", free_row.used_by);
    drop(run);
    Ok(())
}
