//! `Engine::inventory()` against `docker ps -a`, `docker ps`, `docker inspect` and
//! `docker images`: the same containers and images, names, states, image references, tags
//! (an untagged image included) and per-image running/total counts.
//!
//! Berth's listing is the full, unfiltered one, so other containers on the machine are in it
//! too. Field-by-field checks cover this run's objects (found by label); the sets of IDs, the
//! tags and the counts are compared over everything. Other work on the engine may change it
//! mid-comparison, so a comparison only counts when the CLI saw the same thing just before
//! and just after Berth's read.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;

use berth_core::domain::{ContainerSummary, Inventory};
use berth_tests::docker_cli::{self, docker, CliError, ImageRow, PsRow};
use berth_tests::fixtures::{
    ensure_test_images, DanglingImage, TestImages, TestRun, APP_IMAGE, BUSYBOX_IMAGE, RUN_LABEL,
};

use crate::{connect, TestResult};

/// What this run created, and what it expects the engine to say about it.
struct Layout {
    /// `berth.test=<run id>`.
    label: String,
    run_id: String,
    images: TestImages,
    /// Second tag on the busybox image.
    extra_tag: String,
    dangling: DanglingImage,
    /// Container name -> expected `State`.
    states: BTreeMap<String, String>,
}

/// Nine containers over three images and four states, one image with two tags, one untagged
/// image that still has a container.
fn make_layout(run: &TestRun) -> Result<Layout, CliError> {
    let images = ensure_test_images()?;
    let extra_tag = format!("berth-test/busybox:{}", run.id());
    run.tag(BUSYBOX_IMAGE, &extra_tag)?;

    // The untagged image gets a container while it still has its tag: the engine then
    // reports that container's image by ID, and Berth must still count it.
    let tag = run.dangling_tag();
    let old = run.build_image(&tag, &run.dangling_dockerfile(1))?;
    run.create("on-dangling", &[], &tag, &["sleep", "600"])?;
    let newer = run.build_image(&tag, &run.dangling_dockerfile(2))?;
    let dangling = DanglingImage {
        id: old,
        former_tag: tag,
        newer,
    };

    let sleep: &[&str] = &["sleep", "600"];
    run.create("created-a", &[], BUSYBOX_IMAGE, sleep)?;
    run.create("created-b", &[], APP_IMAGE, &[])?;
    run.run("running-a", &[], &extra_tag, sleep)?;
    run.run("running-b", &[], APP_IMAGE, &[])?;
    let pa = run.run("paused-a", &[], BUSYBOX_IMAGE, sleep)?;
    let pb = run.run("paused-b", &[], APP_IMAGE, &[])?;
    docker(["pause", &pa.id, &pb.id])?;
    let ea = run.run("exited-a", &[], BUSYBOX_IMAGE, &["sh", "-c", "exit 3"])?;
    let eb = run.run("exited-b", &[], APP_IMAGE, &["true"])?;
    docker(["wait", &ea.id, &eb.id])?;

    let states = [
        ("on-dangling", "created"),
        ("created-a", "created"),
        ("created-b", "created"),
        ("running-a", "running"),
        ("running-b", "running"),
        ("paused-a", "paused"),
        ("paused-b", "paused"),
        ("exited-a", "exited"),
        ("exited-b", "exited"),
    ]
    .into_iter()
    .map(|(suffix, state)| (run.name(suffix), state.to_string()))
    .collect();
    Ok(Layout {
        label: run.label(),
        run_id: run.id().to_string(),
        images,
        extra_tag,
        dangling,
        states,
    })
}

/// What the docker CLI says, read in one go.
struct CliView {
    ps: Vec<PsRow>,
    /// IDs `docker ps` (without `-a`) lists: the containers that are up.
    up: HashSet<String>,
    /// Container ID -> image ID, from `docker inspect`.
    image_of: HashMap<String, String>,
    images: Vec<ImageRow>,
}

type Fingerprint = (
    BTreeSet<(String, String)>,
    BTreeSet<String>,
    BTreeSet<(String, String, String)>,
);

impl CliView {
    fn read() -> Result<Self, CliError> {
        let ps = docker_cli::ps_all()?;
        let up = docker(["ps", "-q", "--no-trunc"])?
            .lines()
            .map(str::to_string)
            .collect();
        let mut image_of = HashMap::new();
        if !ps.is_empty() {
            let mut args = vec![
                "inspect",
                "--type",
                "container",
                "--format",
                "{{.Id}} {{.Image}}",
            ];
            args.extend(ps.iter().map(|r| r.id.as_str()));
            for line in docker(&args)?.lines() {
                if let Some((container, image)) = line.split_once(' ') {
                    image_of.insert(container.to_string(), image.to_string());
                }
            }
        }
        let images = docker_cli::images()?;
        Ok(Self {
            ps,
            up,
            image_of,
            images,
        })
    }

    /// What must not change while Berth reads (status texts like "Up 3 seconds" may).
    fn fingerprint(&self) -> Fingerprint {
        (
            self.ps
                .iter()
                .map(|r| (r.id.clone(), r.state.clone()))
                .collect(),
            self.up.iter().cloned().collect(),
            self.images
                .iter()
                .map(|i| (i.id.clone(), i.repository.clone(), i.tag.clone()))
                .collect(),
        )
    }

    /// Image ID -> its `repo:tag` references (empty for an untagged image).
    fn tags(&self) -> BTreeMap<&str, BTreeSet<String>> {
        let mut tags: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for row in &self.images {
            let entry = tags.entry(row.id.as_str()).or_default();
            entry.extend(row.reference());
        }
        tags
    }

    /// Image ID -> (up, total) containers, over every container on the engine.
    fn counts(&self, only: impl Fn(&PsRow) -> bool) -> HashMap<&str, (u32, u32)> {
        let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
        for row in self.ps.iter().filter(|r| only(r)) {
            let Some(image) = self.image_of.get(&row.id) else {
                continue;
            };
            let entry = counts.entry(image.as_str()).or_default();
            entry.1 += 1;
            if self.up.contains(&row.id) {
                entry.0 += 1;
            }
        }
        counts
    }
}

/// The stable part of a status text: its first word and any parenthesised details, so
/// "Up 3 seconds (Paused)" reads "Up (Paused)" and "Exited (3) 1 second ago" "Exited (3)".
fn status_shape(status: &str) -> String {
    let mut shape: Vec<&str> = status.split_whitespace().take(1).collect();
    let mut rest = status;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        shape.push(&rest[open..open + close + 1]);
        rest = &rest[open + close + 1..];
    }
    shape.join(" ")
}

fn compare(cli: &CliView, inv: &Inventory, layout: &Layout) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };

    // The full listing: the same containers and images as the CLI, nothing filtered out.
    let cli_containers: BTreeSet<&str> = cli.ps.iter().map(|r| r.id.as_str()).collect();
    let berth_containers: BTreeSet<&str> = inv.containers.iter().map(|c| c.id.as_str()).collect();
    check(
        cli_containers == berth_containers,
        format!(
            "container IDs differ: docker ps -a {cli_containers:?}, Berth {berth_containers:?}"
        ),
    );
    let cli_tags = cli.tags();
    let cli_images: BTreeSet<&str> = cli_tags.keys().copied().collect();
    let berth_images: BTreeSet<&str> = inv.images.iter().map(|i| i.id.as_str()).collect();
    check(
        cli_images == berth_images,
        format!("image IDs differ: docker images {cli_images:?}, Berth {berth_images:?}"),
    );

    // This run's containers, field by field.
    let by_id: HashMap<&str, &ContainerSummary> =
        inv.containers.iter().map(|c| (c.id.as_str(), c)).collect();
    let ours: Vec<&PsRow> = cli
        .ps
        .iter()
        .filter(|r| r.has_label(&layout.label))
        .collect();
    let our_states: BTreeMap<String, String> = ours
        .iter()
        .map(|r| (r.names.clone(), r.state.clone()))
        .collect();
    check(
        our_states == layout.states,
        format!(
            "the CLI does not show this test's containers: expected {:?}, got {our_states:?}",
            layout.states
        ),
    );
    for row in &ours {
        let Some(c) = by_id.get(row.id.as_str()) else {
            check(
                false,
                format!("Berth does not list container {}", row.names),
            );
            continue;
        };
        let name = &row.names;
        check(
            c.name == row.names,
            format!("{name}: name {:?} vs {:?}", c.name, row.names),
        );
        check(
            c.state.as_str() == row.state,
            format!("{name}: state {} vs {}", c.state, row.state),
        );
        check(
            c.image == row.image,
            format!("{name}: image {:?} vs {:?}", c.image, row.image),
        );
        check(
            Some(&c.image_id) == cli.image_of.get(&row.id),
            format!(
                "{name}: image ID {} vs {:?}",
                c.image_id,
                cli.image_of.get(&row.id)
            ),
        );
        check(
            c.command == row.command.trim_matches('"'),
            format!("{name}: command {:?} vs {:?}", c.command, row.command),
        );
        check(
            status_shape(&c.status) == status_shape(&row.status),
            format!("{name}: status {:?} vs {:?}", c.status, row.status),
        );
        check(
            c.labels.get(RUN_LABEL) == Some(&layout.run_id),
            format!("{name}: labels {:?} vs {:?}", c.labels, row.labels),
        );
        check(
            c.short_id.len() == 12 && c.id.starts_with(&c.short_id),
            format!("{name}: short ID {}", c.short_id),
        );
    }

    // Every image: its tags, whether it is dangling, and its container counts.
    let counts = cli.counts(|_| true);
    for image in &inv.images {
        let id = image.id.as_str();
        let expected_tags = cli_tags.get(id).cloned().unwrap_or_default();
        let tags: BTreeSet<String> = image.tags.iter().cloned().collect();
        check(
            tags == expected_tags,
            format!("image {id}: tags {tags:?} vs {expected_tags:?}"),
        );
        check(
            image.dangling == expected_tags.is_empty(),
            format!(
                "image {id}: dangling {} with tags {expected_tags:?}",
                image.dangling
            ),
        );
        let (up, total) = counts.get(id).copied().unwrap_or_default();
        check(
            (image.containers_running, image.containers_total) == (up, total),
            format!(
                "image {id} {tags:?}: Berth counts {}/{} up/total, docker ps {up}/{total}",
                image.containers_running, image.containers_total
            ),
        );
    }

    // And the cases this layout was made for, spelled out.
    let find = |id: &str| inv.images.iter().find(|i| i.id == id);
    match find(&layout.images.busybox) {
        Some(i) => check(
            i.tags.contains(&BUSYBOX_IMAGE.to_string()) && i.tags.contains(&layout.extra_tag),
            format!(
                "busybox image: tags {:?} lack {BUSYBOX_IMAGE} or {}",
                i.tags, layout.extra_tag
            ),
        ),
        None => check(false, "the busybox fixture image is missing".into()),
    }
    match find(&layout.images.app) {
        Some(i) => check(
            i.tags.contains(&APP_IMAGE.to_string()),
            format!("app image: tags {:?}", i.tags),
        ),
        None => check(false, "the app fixture image is missing".into()),
    }
    match find(&layout.dangling.id) {
        Some(i) => check(
            i.dangling && i.tags.is_empty() && i.containers_total >= 1,
            format!("untagged image: {i:?}"),
        ),
        None => check(
            false,
            format!(
                "Berth does not list the untagged image {}",
                layout.dangling.id
            ),
        ),
    }
    match find(&layout.dangling.newer) {
        Some(i) => check(
            i.tags == vec![layout.dangling.former_tag.clone()] && !i.dangling,
            format!("rebuilt image: {i:?}"),
        ),
        None => check(false, "Berth does not list the rebuilt image".into()),
    }
    // The reference itself, on this run's containers alone: paused ones are up.
    let ours_only = cli.counts(|r| r.has_label(&layout.label));
    let expect = [
        (layout.images.busybox.as_str(), (2, 4)),
        (layout.images.app.as_str(), (2, 4)),
        (layout.dangling.id.as_str(), (0, 1)),
    ];
    for (id, counts) in expect {
        check(
            ours_only.get(id).copied() == Some(counts),
            format!(
                "docker ps counts {:?} for {id} among this run's containers, expected {counts:?}",
                ours_only.get(id)
            ),
        );
    }
    problems
}

#[tokio::test]
async fn inventory_agrees_with_the_docker_cli() -> TestResult {
    let run = TestRun::new("inventory");
    let layout = make_layout(&run)?;
    let engine = connect().await?;

    let mut unsettled = String::new();
    // Other engine tests run alongside (builds, pushes and pulls, prunes): allow ~20 s of churn.
    for _ in 0..60 {
        let before = match CliView::read() {
            Ok(v) => v,
            // A container went away between `ps` and `inspect`: other work is going on.
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.into()),
        };
        let inventory = engine.inventory().await?;
        let after = match CliView::read() {
            Ok(v) => v,
            Err(e) if e.is_not_found() => continue,
            Err(e) => return Err(e.into()),
        };
        if before.fingerprint() != after.fingerprint() {
            unsettled = "containers or images changed while Berth was reading".into();
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        let problems = compare(&before, &inventory, &layout);
        if problems.is_empty() {
            return Ok(());
        }
        return Err(format!(
            "Berth's inventory disagrees with the docker CLI:\n  {}",
            problems.join("\n  ")
        )
        .into());
    }
    Err(format!("the engine never held still long enough to compare: {unsettled}").into())
}

#[test]
fn status_shapes_drop_the_durations() {
    assert_eq!(status_shape("Up 3 seconds (Paused)"), "Up (Paused)");
    assert_eq!(status_shape("Up Less than a second"), "Up");
    assert_eq!(status_shape("Exited (3) 1 second ago"), "Exited (3)");
    assert_eq!(status_shape("Created"), "Created");
}
