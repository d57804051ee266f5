//! Read-only vs read+write on the real engine: a file written in one container (through the
//! guided demonstration's exec) appears in that container's writable layer only; the image
//! and its other containers are unchanged. Berth's reading agrees with `docker diff`,
//! `docker inspect --size` and `docker top`.

#![allow(clippy::unwrap_used)]

use berth_core::domain::layers::{diff_text, ChangeKind};
use berth_core::engine::EngineError;
use berth_core::services::learn::demo_write_file;
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

async fn cli(args: Vec<String>) -> TestResult<String> {
    Ok(blocking(move || docker(&args)).await?)
}

async fn image_fingerprint() -> TestResult<String> {
    cli(vec![
        "image".into(),
        "inspect".into(),
        "--format".into(),
        "{{.Id}} {{json .RootFS.Layers}} {{.Size}}".into(),
        BUSYBOX_IMAGE.into(),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_file_appears_in_that_containers_diff_only() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("layers-demo");
    let engine = connect().await?;
    let houses: Vec<_> = (1..=3)
        .map(|i| run.run(&format!("house-{i}"), &[], BUSYBOX_IMAGE, &["sleep", "600"]))
        .collect::<Result<_, _>>()?;
    let image_before = image_fingerprint().await?;
    let before: Vec<_> = {
        let mut v = Vec::new();
        for h in &houses {
            v.push(engine.writable_layer(&h.id).await?);
        }
        v
    };

    // A bad path is refused before the engine is asked, and changes nothing.
    let bad = demo_write_file(&engine, &houses[0].id, "/proc/nope", "x")
        .await
        .unwrap_err();
    assert!(matches!(bad, EngineError::BadRequest { .. }), "{bad}");

    let outcome = demo_write_file(&engine, &houses[0].id, "/hello.txt", "hi $(not run)").await?;
    assert!(
        outcome
            .command
            .starts_with(&format!("docker exec {} sh -c ", houses[0].name)),
        "{}",
        outcome.command
    );
    let added: Vec<_> = outcome
        .layer
        .changes
        .iter()
        .filter(|c| c.path == "/hello.txt")
        .collect();
    assert_eq!(added.len(), 1, "{:?}", outcome.layer.changes);
    assert_eq!(added[0].kind, ChangeKind::Added);
    // The text went in as data: the shell did not run `$(not run)`.
    let content = cli(vec![
        "exec".into(),
        houses[0].id.clone(),
        "cat".into(),
        "/hello.txt".into(),
    ])
    .await?;
    assert_eq!(content, "hi $(not run)");

    // The same as `docker diff` and `docker inspect --size`, for every house.
    for (i, h) in houses.iter().enumerate() {
        let layer = engine.writable_layer(&h.id).await?;
        let cli_diff = cli(vec!["diff".into(), h.id.clone()]).await?;
        assert_eq!(diff_text(&layer.changes), cli_diff, "house {}", i + 1);
        let has = layer.changes.iter().any(|c| c.path == "/hello.txt");
        assert_eq!(has, i == 0, "house {}: {:?}", i + 1, layer.changes);
        if i > 0 {
            assert_eq!(layer.changes, before[i].changes, "house {} changed", i + 1);
        }
        let size_rw = cli(vec![
            "inspect".into(),
            "--size".into(),
            "--format".into(),
            "{{.SizeRw}}".into(),
            h.id.clone(),
        ])
        .await?;
        assert_eq!(layer.size_rw, Some(size_rw.parse()?), "house {}", i + 1);
    }
    let layer = engine.writable_layer(&houses[0].id).await?;
    assert!(
        layer.size_rw.unwrap() > before[0].size_rw.unwrap_or(0),
        "{layer:?}"
    );
    // The blueprint is untouched.
    assert_eq!(image_fingerprint().await?, image_before);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_is_alive_and_its_image_is_not() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("layers-life");
    let engine = connect().await?;
    let up = run.run("up", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let life = engine.container_life(&up.id).await?;
    assert!(life.running);
    assert!(life.titles.iter().any(|t| t == "PID"), "{:?}", life.titles);
    let cmd_col = life.titles.iter().position(|t| t == "CMD").unwrap();
    assert!(
        life.processes
            .iter()
            .any(|p| p[cmd_col].contains("sleep 600")),
        "{:?}",
        life.processes
    );
    let top = cli(vec!["top".into(), up.id.clone()]).await?;
    assert_eq!(life.processes.len(), top.lines().count() - 1, "{top}");
    assert!(life.memory_bytes.unwrap() > 0);
    assert!(life.started_at.is_some());
    assert_eq!(
        life.commands,
        [
            format!("docker top {}", up.name),
            format!("docker stats --no-stream {}", up.name)
        ]
    );

    let made = run.create("made", &[], BUSYBOX_IMAGE, &["true"])?;
    let life = engine.container_life(&made.id).await?;
    assert!(!life.running && life.processes.is_empty() && life.memory_bytes.is_none());
    Ok(())
}
