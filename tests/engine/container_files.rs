//! A container's Files tab against the real engine, the docker CLI as the reference: a
//! FROM-scratch busybox container's listing marks a file written after start as added, an
//! image file edited in it as changed and a deleted one as deleted, running and stopped;
//! an upload then download is byte-identical; bad input (a path with `..`, a name with a
//! newline or a slash, a 2 GiB file) is refused or shown escaped and leaves nothing; a
//! container removed mid-download leaves no partial file.

#![allow(clippy::expect_used)]

use std::collections::BTreeMap;

use berth_core::domain::container_files::{FileOrigin, FilePathError, MAX_UPLOAD_BYTES};
use berth_core::services::container_files::{self, FilesError};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun};

use crate::{blocking, connect, TestResult};

const NAMES: &[&str] = &["added.txt", "gone", "keep", "motd"];

/// An image with files to edit and delete: FROM the scratch busybox fixture.
fn image(run: &TestRun) -> TestResult<String> {
    let tag = format!("berth-test/files:{}", run.id());
    run.build_image(
        &tag,
        "FROM berth-test/busybox:latest\nRUN mkdir -p /etc && echo original > /etc/motd && echo keep > /etc/keep && echo bye > /etc/gone\n",
    )?;
    Ok(tag)
}

fn origins(
    folder: &berth_core::domain::container_files::ContainerFolder,
) -> BTreeMap<String, FileOrigin> {
    folder
        .entries
        .iter()
        .map(|f| (f.entry.name.clone(), f.origin))
        .collect()
}

/// The marks of the names the test made (the engine adds hosts, hostname, resolv.conf).
fn marks_of(
    folder: &berth_core::domain::container_files::ContainerFolder,
    names: &[&str],
) -> BTreeMap<String, FileOrigin> {
    origins(folder)
        .into_iter()
        .filter(|(n, _)| names.contains(&n.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_marked_from_the_diff_running_and_stopped() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("files-marks");
    let engine = connect().await?;
    let tag = image(&run)?;
    let c = run.run(
        "marks",
        &[],
        &tag,
        &[
            "sh",
            "-c",
            "echo edited >> /etc/motd && echo new > /etc/added.txt && rm /etc/gone && touch /ready && sleep 600",
        ],
    )?;
    // Written after start: wait for the script to have run.
    for _ in 0..50 {
        if docker(["exec", &c.name, "test", "-e", "/ready"]).is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let want = BTreeMap::from([
        ("added.txt".to_string(), FileOrigin::Added),
        ("gone".to_string(), FileOrigin::Deleted),
        ("keep".to_string(), FileOrigin::Image),
        ("motd".to_string(), FileOrigin::Changed),
    ]);
    let running = container_files::browse(&engine, &c.id, "/etc").await?;
    assert_eq!(marks_of(&running, NAMES), want, "{running:#?}");
    assert_eq!(running.path, "/etc");
    let cli_diff = docker(["diff", &c.name])?;
    assert!(
        cli_diff.contains("A /etc/added.txt")
            && cli_diff.contains("C /etc/motd")
            && cli_diff.contains("D /etc/gone"),
        "{cli_diff}"
    );
    let root = container_files::browse(&engine, &c.id, "").await?;
    let root_marks = origins(&root);
    assert_eq!(
        root_marks.get("etc"),
        Some(&FileOrigin::Changed),
        "{root_marks:?}"
    );
    assert_eq!(
        root_marks.get("ready"),
        Some(&FileOrigin::Added),
        "{root_marks:?}"
    );
    assert_eq!(
        root_marks.get("bin"),
        Some(&FileOrigin::Image),
        "{root_marks:?}"
    );
    let motd = running
        .entries
        .iter()
        .find(|f| f.entry.name == "motd")
        .expect("motd listed");
    assert_eq!(motd.entry.size, "original\nedited\n".len() as u64);
    assert_eq!(motd.entry.mode, 0o644);
    assert!(
        running.commands.iter().any(|l| l.starts_with("docker cp ")),
        "{:?}",
        running.commands
    );

    docker(["stop", "-t", "1", &c.name])?;
    let stopped = container_files::browse(&engine, &c.id, "/etc").await?;
    assert_eq!(
        marks_of(&stopped, NAMES),
        want,
        "a stopped container is browsed the same"
    );
    let text = container_files::read_text(&engine, &c.id, "/etc/motd").await?;
    assert_eq!(text.text.as_deref(), Some("original\nedited\n"));
    let binary = container_files::read_text(&engine, &c.id, "/bin/busybox").await?;
    assert_eq!(binary.text, None, "a binary is download only");
    assert!(binary.why_not.is_some());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_then_download_is_byte_identical_and_bad_input_leaves_nothing() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("files-upload");
    let engine = connect().await?;
    let c = run.run(
        "upload",
        &[],
        "berth-test/busybox:latest",
        &["sleep", "600"],
    )?;
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7919 % 256) as u8).collect();
    let up = container_files::upload(
        &engine,
        &c.id,
        "/bin",
        "blob.bin",
        bytes.len() as u64,
        std::io::Cursor::new(bytes.clone()),
    )
    .await?;
    assert_eq!(up.path, "/bin/blob.bin");
    assert!(
        up.commands[0].starts_with("docker cp blob.bin "),
        "{:?}",
        up.commands
    );
    let dir = tempfile::tempdir()?;
    let down =
        container_files::download(&engine, &c.id, "/bin/blob.bin", false, dir.path()).await?;
    assert_eq!(
        std::fs::read(&down.path)?,
        bytes,
        "upload then download is byte-identical"
    );
    // The CLI sees the same size in the container.
    let cli = docker(["exec", &c.name, "wc", "-c", "/bin/blob.bin"])?;
    assert!(cli.trim_start().starts_with("300000 "), "{cli}");
    let listed = container_files::browse(&engine, &c.id, "/bin").await?;
    assert_eq!(origins(&listed).get("blob.bin"), Some(&FileOrigin::Added));

    // A name with a newline is legal in Linux: uploaded, listed, shown escaped.
    container_files::upload(
        &engine,
        &c.id,
        "/",
        "two\nlines",
        2,
        std::io::Cursor::new(b"hi".to_vec()),
    )
    .await?;
    let root = container_files::browse(&engine, &c.id, "/").await?;
    let odd = root
        .entries
        .iter()
        .find(|f| f.entry.name == "two\nlines")
        .expect("listed");
    assert_eq!(odd.shown_name, "two\\nlines");

    // `..`, a slash in a name and a 2 GiB file are refused before the engine sees them.
    let err = container_files::browse(&engine, &c.id, "/etc/../../root")
        .await
        .expect_err("..");
    assert!(
        matches!(err, FilesError::Path(FilePathError::DotDot(_))),
        "{err}"
    );
    let err = container_files::upload(&engine, &c.id, "/", "a/b", 1, std::io::Cursor::new(vec![0]))
        .await
        .expect_err("slash");
    assert!(
        matches!(err, FilesError::Path(FilePathError::Slash(_))),
        "{err}"
    );
    let big = tempfile::NamedTempFile::new()?;
    big.as_file().set_len(2 << 30)?; // sparse: 2 GiB that take no disk
    let err = container_files::upload(
        &engine,
        &c.id,
        "/",
        "big.iso",
        2 << 30,
        std::fs::File::open(big.path())?,
    )
    .await
    .expect_err("2 GiB");
    assert!(
        matches!(err, FilesError::Path(FilePathError::TooLarge { .. })),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains(&format!("{} MiB", MAX_UPLOAD_BYTES >> 20)),
        "{err}"
    );
    let after = docker(["exec", &c.name, "ls", "/"])?;
    assert!(
        !after.lines().any(|l| l == "big.iso" || l == "a"),
        "{after}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_removed_mid_download_leaves_no_file() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("files-gone");
    let engine = connect().await?;
    let c = run.run(
        "gone",
        &[],
        "berth-test/busybox:latest",
        &[
            "sh",
            "-c",
            "head -c 400000000 /dev/urandom > /big && touch /ready && sleep 600",
        ],
    )?;
    for _ in 0..300 {
        if docker(["exec", &c.name, "test", "-e", "/ready"]).is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("big");
    let download = {
        let engine = engine.clone();
        let (id, path) = (c.id.clone(), dir.path().to_path_buf());
        tokio::spawn(
            async move { container_files::download(&engine, &id, "/big", false, &path).await },
        )
    };
    // Remove it once the first bytes have landed.
    for _ in 0..200 {
        if std::fs::metadata(&target)
            .map(|m| m.len() > 0)
            .unwrap_or(false)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let name = c.name.clone();
    blocking(move || docker(["rm", "-f", &name])).await?;
    match download.await? {
        Err(e) => {
            eprintln!("cut mid-download: {e}");
            assert!(
                std::fs::read_dir(dir.path())?.next().is_none(),
                "a failed download leaves no file"
            );
            let text = e.to_string();
            assert!(!text.is_empty() && text.len() < 400, "{text}");
        }
        // The engine may finish sending before the removal takes: then the file is whole.
        Ok(d) => {
            eprintln!("download finished before the removal");
            assert_eq!(d.bytes, 400_000_000);
            assert_eq!(std::fs::metadata(&d.path)?.len(), 400_000_000);
        }
    }
    Ok(())
}
