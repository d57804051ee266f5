//! Cleanup against the real engine, scoped to this run's label so nothing else is touched:
//! the preview lists exactly what the prune then removes, and the report says what went.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use berth_core::domain::prune::PruneRequest;
use berth_tests::docker_cli::image_id;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

fn ids<'a>(items: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    items.into_iter().cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_is_what_the_prune_removes() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("prune");
    let engine = connect().await?;
    let label = run.label();
    let exited = run.run("exited", &[], BUSYBOX_IMAGE, &["true"])?;
    let created = run.create("created", &[], BUSYBOX_IMAGE, &["true"])?;
    let running = run.run("running", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let dangling = run.dangling_image()?;
    // An unused tagged image of ours, and one held by the exited container.
    let unused_tag = format!("berth-test/unused:{}", run.id());
    let unused = run.build_image(&unused_tag, &format!("FROM {BUSYBOX_IMAGE}\nLABEL u=1\n"))?;
    let held_tag = format!("berth-test/held:{}", run.id());
    let held = run.build_image(&held_tag, &format!("FROM {BUSYBOX_IMAGE}\nLABEL h=1\n"))?;
    let holder = run.create("holder", &[], &held_tag, &["true"])?;
    let id = exited.id.clone();
    blocking(move || berth_tests::docker_cli::docker(["wait", &id])).await?;

    // Dangling only: the untagged build, nothing tagged, no containers.
    let req = PruneRequest {
        dangling_images: true,
        ..Default::default()
    };
    let preview = engine.prune_preview(req, Some(&label)).await?;
    assert!(preview.containers.is_empty());
    assert_eq!(
        ids(preview.images.iter().map(|i| &i.id)),
        ids([&dangling.id])
    );
    assert!(preview.reclaimable > 0);
    assert_eq!(
        preview.commands,
        [format!("docker image prune -f --filter label={label}")]
    );
    let report = engine.prune(req, Some(&label)).await?;
    assert!(
        ids(&report.images_deleted).contains(&dangling.id),
        "{report:?}"
    );
    assert_eq!(image_id(&dangling.id)?, None);
    assert_eq!(image_id(&dangling.newer)?, Some(dangling.newer.clone()));

    // Containers and every unused image: stopped containers go, and the images they held.
    let req = PruneRequest {
        containers: true,
        dangling_images: true,
        unused_images: true,
    };
    let preview = engine.prune_preview(req, Some(&label)).await?;
    assert_eq!(
        ids(preview.containers.iter().map(|c| &c.id)),
        ids([&exited.id, &created.id, &holder.id])
    );
    let preview_images = ids(preview.images.iter().map(|i| &i.id));
    assert_eq!(preview_images, ids([&dangling.newer, &unused, &held]));
    let report = engine.prune(req, Some(&label)).await?;
    assert_eq!(
        ids(&report.containers_deleted),
        ids(preview.containers.iter().map(|c| &c.id))
    );
    let deleted = ids(&report.images_deleted);
    for id in &preview_images {
        assert!(deleted.contains(id), "{id} not in {deleted:?}");
    }
    assert!(report.space_reclaimed > 0 || !report.images_deleted.is_empty());
    // The running container and the shared fixture image are untouched.
    assert_eq!(run.container_ids()?, std::slice::from_ref(&running.id));
    assert!(image_id(BUSYBOX_IMAGE)?.is_some());
    assert_eq!(image_id(&unused_tag)?, None);
    Ok(())
}
