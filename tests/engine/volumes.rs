//! The volume list against `docker volume ls` and the containers' own mounts: the same
//! volumes, and each one's users (running or not, read-only or not). Create / use /
//! refuse-in-use / remove / prune (the preview equals what the engine removed, scoped by this
//! run's label), and the browser: a volume written by a container, listed and downloaded
//! byte-identical, through a helper that never starts and is always removed.

#![allow(clippy::expect_used)] // a refusal that does not come is the test failing

use std::collections::{BTreeMap, BTreeSet};

use berth_core::domain::engines::{EngineConfig, EngineFlavor};
use berth_core::domain::volume::{EntryKind, VolumeCreate, VolumePruneRule};
use berth_core::engine::{Endpoint, Engine};
use berth_core::services::archive::ArchiveError;
use berth_core::services::volumes::{self, VolumeError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use berth_tests::podman::PodmanService;

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

/// `docker volume ls -q` of the volumes carrying this run's label.
fn run_volumes(run: &TestRun) -> Result<BTreeSet<String>, berth_tests::docker_cli::CliError> {
    Ok(docker(["volume", "ls", "-q", "--filter", &run.filter()])?
        .lines()
        .map(str::to_string)
        .collect())
}

fn create_request(run: &TestRun, name: &str) -> VolumeCreate {
    VolumeCreate {
        name: name.to_string(),
        driver: String::new(),
        labels: BTreeMap::from([
            ("berth.test".to_string(), run.id().to_string()),
            ("purpose".to_string(), "engine test".to_string()),
        ]),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_are_created_refused_in_use_removed_and_pruned_as_previewed() -> TestResult {
    blocking(ensure_test_images).await?;
    let mut guard = Volumes(Vec::new());
    let run = TestRun::new("volume-life");
    let engine = connect().await?;

    // Bad names never reach the engine, and leave nothing behind.
    for bad in ["my data", "a/b", "../etc", "x", "-lead"] {
        let err = volumes::create(&engine, &create_request(&run, bad))
            .await
            .expect_err(bad);
        assert!(matches!(err, VolumeError::Input(_)), "{bad}: {err:?}");
        eprintln!("{bad:?} -> {err}");
    }
    assert!(run_volumes(&run)?.is_empty(), "nothing was created");

    // Create: the engine has it with the driver and labels asked for.
    let kept = run.name("kept");
    let spare = run.name("spare");
    let old1 = run.name("old1");
    let old2 = run.name("old2");
    guard
        .0
        .extend([&kept, &spare, &old1, &old2].map(|s| s.to_string()));
    for name in [&kept, &spare, &old1, &old2] {
        let made = volumes::create(&engine, &create_request(&run, name)).await?;
        assert_eq!(&made.name, name);
    }
    let inspected = docker([
        "volume",
        "inspect",
        "-f",
        "{{.Driver}} {{index .Labels \"purpose\"}}",
        &kept,
    ])?;
    assert_eq!(inspected.trim(), "local engine test");
    assert_eq!(
        volumes::create_command(&create_request(&run, &kept)),
        format!(
            "docker volume create --label berth.test={} --label 'purpose=engine test' {kept}",
            run.id()
        )
    );
    // The same name again: the engine's answer, not a crash (create is idempotent there).
    volumes::create(&engine, &create_request(&run, &kept)).await?;

    // Use: a stopped container still holds it; removal is refused with its name.
    let user = run.create(
        "user",
        &["-v", &format!("{kept}:/data")],
        BUSYBOX_IMAGE,
        &["true"],
    )?;
    let err = volumes::remove(&engine, &kept).await.expect_err("in use");
    match &err {
        VolumeError::InUse(e) => assert_eq!(e.users, std::slice::from_ref(&user.name)),
        other => panic!("expected in use, got {other:?}"),
    }
    assert!(err.to_string().contains(&user.name), "{err}");
    assert!(run_volumes(&run)?.contains(&kept), "the used volume stays");

    // Remove an unused one.
    let line = volumes::remove(&engine, &spare).await?;
    assert_eq!(line, format!("docker volume rm {spare}"));
    assert!(!run_volumes(&run)?.contains(&spare));
    // A name that is not there: said so.
    let err = volumes::remove(&engine, &spare).await.expect_err("gone");
    assert!(matches!(err, VolumeError::NoSuchVolume(_)), "{err:?}");

    // Prune, limited to this run's label: the preview names exactly what the engine removes.
    let label = run.label();
    let preview = volumes::prune_preview(&engine, false, Some(&label)).await?;
    let rule = engine.volume_prune_rule();
    eprintln!(
        "engine API {}: rule {rule:?}; {}",
        engine.info().api_version,
        preview.explanation
    );
    let expected: Vec<String> = match rule {
        VolumePruneRule::AllUnused => vec![old1.clone(), old2.clone()],
        // Docker 23+: named volumes stay without --all.
        VolumePruneRule::AnonymousOnly => Vec::new(),
    };
    let mut previewed = preview.volumes.clone();
    previewed.sort();
    assert_eq!(previewed, expected, "the preview");
    assert_eq!(
        preview.command,
        format!("docker volume prune -f --filter label={label}")
    );
    let report = volumes::prune(&engine, false, Some(&label)).await?;
    assert_eq!(report.removed, previewed, "what the engine removed");
    let left = run_volumes(&run)?;
    assert!(left.contains(&kept), "the used volume is never pruned");
    for gone in &previewed {
        assert!(!left.contains(gone), "{gone} was pruned");
    }
    drop(run);
    Ok(())
}

/// SHA-256 of a file on the host (coreutils), to compare with the one taken in a container.
fn sha256_of_file(path: &std::path::Path) -> Result<String, Box<dyn std::error::Error>> {
    let out = std::process::Command::new("sha256sum").arg(path).output()?;
    Ok(String::from_utf8(out.stdout)?
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volume_written_by_a_container_is_browsed_and_downloaded_byte_identical() -> TestResult {
    blocking(ensure_test_images).await?;
    let mut guard = Volumes(Vec::new());
    let run = TestRun::new("volume-browse");
    let engine = connect().await?;
    let vol = run.name("files");
    guard.0.push(vol.clone());
    docker(["volume", "create", "--label", &run.label(), &vol])?;
    let label = run.label();
    let mount = format!("{vol}:/d");
    docker([
        "run",
        "--rm",
        "--label",
        &label,
        "-v",
        &mount,
        BUSYBOX_IMAGE,
        "sh",
        "-c",
        "mkdir -p '/d/logs/deep' && head -c 300000 /dev/urandom > /d/blob.bin \
         && echo hello > /d/logs/a.log && echo 12 > /d/logs/deep/b.log \
         && echo x > '/d/with space.txt'",
    ])?;
    let in_container = docker([
        "run",
        "--rm",
        "--label",
        &label,
        "-v",
        &mount,
        BUSYBOX_IMAGE,
        "sha256sum",
        "/d/blob.bin",
    ])?;
    let want_sum = in_container
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();

    let top = volumes::browse(&engine, &vol, "").await?;
    let got: Vec<_> = top
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.kind.clone(), e.size))
        .collect();
    assert_eq!(
        got,
        [
            ("logs", EntryKind::Folder, 6 + 3),
            ("blob.bin", EntryKind::File, 300_000),
            ("with space.txt", EntryKind::File, 2),
        ]
    );
    assert!(top.entries.iter().all(|e| e.modified > 1_600_000_000));
    eprintln!("browse commands: {:#?}", top.commands);
    assert!(top.commands[0].starts_with("docker create --name berth-browse-"));
    assert!(top.commands[0].contains(&format!("{vol}:/v:ro")));
    let logs = volumes::browse(&engine, &vol, "logs").await?;
    let names: Vec<_> = logs.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["deep", "a.log"]);

    // Download a file: byte-identical to what the container wrote.
    let dir = tempfile::tempdir()?;
    let file = volumes::download(&engine, &vol, "blob.bin", false, dir.path()).await?;
    assert_eq!(file.bytes, 300_000);
    assert!(!file.as_tar);
    let path = std::path::PathBuf::from(&file.path);
    assert_eq!(path, dir.path().join("blob.bin"));
    assert_eq!(sha256_of_file(&path)?, want_sum, "byte-identical");
    // Again: a second file, the first is not replaced.
    let again = volumes::download(&engine, &vol, "blob.bin", false, dir.path()).await?;
    assert_eq!(
        std::path::PathBuf::from(&again.path),
        dir.path().join("blob (1).bin")
    );
    // A folder: one .tar holding its files.
    let tarred = volumes::download(&engine, &vol, "logs", true, dir.path()).await?;
    assert!(tarred.as_tar && tarred.path.ends_with(&format!("{vol}-logs.tar")));
    let listing = std::process::Command::new("tar")
        .arg("-tf")
        .arg(&tarred.path)
        .output()?;
    let listing = String::from_utf8(listing.stdout)?;
    assert!(
        listing.contains("logs/a.log") && listing.contains("logs/deep/b.log"),
        "{listing}"
    );

    // Bad input: out of the volume, a missing volume, a folder asked as a file.
    let err = volumes::browse(&engine, &vol, "../..")
        .await
        .expect_err("..");
    assert!(matches!(err, VolumeError::Input(_)), "{err:?}");
    let missing = run.name("missing");
    let err = volumes::browse(&engine, &missing, "")
        .await
        .expect_err("missing");
    assert!(matches!(err, VolumeError::NoSuchVolume(_)), "{err:?}");
    assert!(
        docker(["volume", "inspect", &missing]).is_err(),
        "browsing a missing volume does not create it"
    );
    let err = volumes::download(&engine, &vol, "logs", false, dir.path())
        .await
        .expect_err("a folder as a file");
    assert!(
        matches!(err, VolumeError::Files(ArchiveError::NotAFile(_))),
        "{err:?}"
    );
    assert!(
        !dir.path().join("logs").exists(),
        "a failed download leaves no file"
    );
    let err = volumes::browse(&engine, &vol, "nothing-here")
        .await
        .expect_err("no such path");
    eprintln!("missing path -> {err}");

    // Every helper is gone, error paths too: nothing mounts the volume any more.
    let holders = docker(["ps", "-aq", "--filter", &format!("volume={vol}")])?;
    assert!(holders.trim().is_empty(), "helpers left: {holders}");
    drop(run);
    Ok(())
}

/// Podman's volumes and helpers, removed on drop with Podman's own CLI.
struct PodmanLeftovers<'a> {
    podman: &'a PodmanService,
    volumes: Vec<String>,
    containers: Vec<String>,
}

impl Drop for PodmanLeftovers<'_> {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = self.podman.podman(&["rm", "-f", c]);
        }
        for v in &self.volumes {
            let _ = self.podman.podman(&["volume", "rm", "-f", v]);
        }
    }
}

/// The same volume actions against Podman's Docker-compatible API, whose answers differ in
/// places (no anonymous-volume rule, `localhost/` image names for the helper, its own
/// disk-usage and archive implementations).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_work_on_podman_too() -> TestResult {
    blocking(ensure_test_images).await?;
    let podman = std::sync::Arc::new(blocking(PodmanService::start).await?);
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
    assert_eq!(engine.volume_prune_rule(), VolumePruneRule::AllUnused);
    let run = TestRun::new("podman-volumes");
    let vol = run.name("pv");
    let spare = run.name("pv-spare");
    let holder = run.name("pv-holder");
    let mut left = PodmanLeftovers {
        podman: &podman,
        volumes: vec![vol.clone(), spare.clone()],
        containers: vec![holder.clone()],
    };

    let err = volumes::create(&engine, &create_request(&run, "a/b"))
        .await
        .expect_err("a slash");
    assert!(matches!(err, VolumeError::Input(_)), "{err:?}");
    for name in [&vol, &spare] {
        volumes::create(&engine, &create_request(&run, name)).await?;
    }
    let purpose = podman.podman(&["volume", "inspect", "-f", "{{.Labels.purpose}}", &vol])?;
    assert_eq!(purpose.trim(), "engine test");
    podman.podman(&[
        "run",
        "--rm",
        "-v",
        &format!("{vol}:/d"),
        &image,
        "sh",
        "-c",
        "mkdir -p /d/sub && head -c 50000 /dev/urandom > /d/sub/data.bin",
    ])?;
    let want = podman.podman(&[
        "run",
        "--rm",
        "-v",
        &format!("{vol}:/d"),
        &image,
        "sha256sum",
        "/d/sub/data.bin",
    ])?;
    let want = want
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();

    // Used by a stopped container: listed with it, and removal refused naming it.
    podman.podman(&[
        "create",
        "--name",
        &holder,
        "-v",
        &format!("{vol}:/data"),
        &image,
        "true",
    ])?;
    let listed = engine.list_volumes().await?;
    let row = listed
        .iter()
        .find(|v| v.name == vol)
        .ok_or("Podman's volume is listed")?;
    let users: Vec<_> = row.used_by.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(users, [holder.as_str()]);
    let err = volumes::remove(&engine, &vol).await.expect_err("in use");
    assert!(matches!(err, VolumeError::InUse(_)), "{err:?}");

    // Browse and download through a helper made from Podman's own image.
    let top = volumes::browse(&engine, &vol, "").await?;
    eprintln!("podman browse: {:?}; {:#?}", top.entries, top.commands);
    let sub = volumes::browse(&engine, &vol, "sub").await?;
    let names: Vec<_> = sub
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.size))
        .collect();
    assert_eq!(names, [("data.bin", 50_000)]);
    let dir = tempfile::tempdir()?;
    let got = volumes::download(&engine, &vol, "sub/data.bin", false, dir.path()).await?;
    assert_eq!(sha256_of_file(std::path::Path::new(&got.path))?, want);
    let holders = podman.podman(&[
        "ps",
        "-a",
        "--format",
        "{{.Names}}",
        "--filter",
        &format!("volume={vol}"),
    ])?;
    assert_eq!(
        holders.trim(),
        holder,
        "only the test's own container mounts it"
    );

    // Sizes: Podman's disk-usage answer, whichever shape it has.
    let sizes = engine.volume_sizes().await;
    eprintln!("podman sizes: {sizes:?}");

    // Prune, scoped to this run: Podman takes every unused volume; the preview says which.
    let label = run.label();
    let preview = volumes::prune_preview(&engine, false, Some(&label)).await?;
    assert_eq!(preview.volumes, std::slice::from_ref(&spare));
    let report = volumes::prune(&engine, false, Some(&label)).await?;
    assert_eq!(report.removed, preview.volumes, "what Podman removed");

    // Freed, it goes.
    podman.podman(&["rm", &holder])?;
    left.containers.clear();
    volumes::remove(&engine, &vol).await?;
    assert!(podman.podman(&["volume", "inspect", &vol]).is_err());
    drop(left);
    Ok(())
}
