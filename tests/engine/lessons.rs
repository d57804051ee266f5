//! Lessons checked on the real engine: each step's check turns true when its goal is reached
//! through the docker CLI alone (no Berth click, so no lesson label) and is false before;
//! `docker exec` in a lesson's container wakes the wait; a step's click labels what it makes;
//! clean-up removes exactly what the lesson made (not a bystander built from the same image,
//! nor a container that merely has a lesson's name).

use std::time::Duration;

use futures_util::StreamExt;

use berth_core::domain::first_run::{DEMO_TAG, HOST_BUSYBOX};
use berth_core::domain::lessons::{LessonId, LessonStatus, ObjectKind, LESSON_LABEL};
use berth_core::engine::Engine;
use berth_core::services::first_run::build_demo_image;
use berth_core::services::lessons;
use berth_tests::docker_cli::{docker, docker_with_input};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

/// The lesson tests run one at a time: each clears every lesson name before it starts and on
/// drop, and the one that built the demo image removes it (the harness runs tests in
/// parallel threads of one process).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every name a lesson asks for: removed before (leftovers of a killed run) and on drop.
fn lesson_names() -> Vec<&'static str> {
    LessonId::ALL
        .iter()
        .flat_map(|l| l.names().iter().copied())
        .collect()
}

/// Removes the lessons' containers and, if this test built it, the demo image, on drop.
struct Leftovers {
    built_demo: bool,
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        for name in lesson_names() {
            let _ = docker(["rm", "-f", "-v", name]);
        }
        if self.built_demo {
            if let Err(e) = docker(["rmi", DEMO_TAG]) {
                eprintln!("warning: {DEMO_TAG} left behind: {e}");
            }
        }
    }
}

fn done(s: &LessonStatus) -> Vec<bool> {
    s.steps.iter().map(|s| s.done).collect()
}

fn made(s: &LessonStatus) -> Vec<(String, bool)> {
    let mut m: Vec<_> = s
        .made
        .iter()
        .map(|o| (o.name.clone(), o.labelled))
        .collect();
    m.sort();
    m
}

async fn status(engine: &Engine, lesson: LessonId) -> TestResult<LessonStatus> {
    Ok(lessons::status(engine, lesson).await?)
}

/// `docker run -d` with only the test run's label (what a user types, plus our clean-up tag).
fn cli_run(run: &TestRun, name: &str, image: &str) -> TestResult {
    let label = run.label();
    docker(["run", "-d", "--label", &label, "--name", name, image])?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_checks_follow_the_cli_and_cleanup_takes_only_the_lessons_objects() -> TestResult {
    let _one = ONE_AT_A_TIME.lock().await;
    blocking(ensure_test_images).await?;
    let engine = connect().await?;
    for name in lesson_names() {
        let _ = docker(["rm", "-f", "-v", name]);
    }
    let built_demo = engine.local_image_id(DEMO_TAG).await?.is_none();
    let _leftovers = Leftovers { built_demo };
    if built_demo {
        build_demo_image(&engine, HOST_BUSYBOX).await?;
    }
    let run = TestRun::new("lessons");

    // Lesson 1 through the CLI alone.
    let one = LessonId::ManyHouses;
    assert_eq!(done(&status(&engine, one).await?), [false, false]);
    // A container with a lesson's name but another image is not the lesson's.
    cli_run(&run, "lesson-house-2", BUSYBOX_IMAGE)?;
    // A bystander from the demo image with another name is not the lesson's either.
    let bystander = run.name("bystander");
    cli_run(&run, &bystander, DEMO_TAG)?;
    assert_eq!(done(&status(&engine, one).await?), [false, false]);
    assert!(status(&engine, one).await?.made.is_empty());

    cli_run(&run, "lesson-house-1", DEMO_TAG)?;
    assert_eq!(done(&status(&engine, one).await?), [true, false]);
    docker(["rm", "-f", "lesson-house-2"])?;
    cli_run(&run, "lesson-house-2", DEMO_TAG)?;
    assert_eq!(done(&status(&engine, one).await?), [true, false]);
    cli_run(&run, "lesson-house-3", DEMO_TAG)?;
    let s = status(&engine, one).await?;
    assert_eq!(done(&s), [true, true]);
    let houses = ["lesson-house-1", "lesson-house-2", "lesson-house-3"];
    assert_eq!(made(&s), houses.map(|n| (n.to_string(), false)));
    // A stopped house is not a running one.
    docker(["stop", "-t", "1", "lesson-house-3"])?;
    assert_eq!(done(&status(&engine, one).await?), [true, false]);

    // Clean-up removes exactly the three houses; the bystander and the image stay.
    let confirmed: Vec<String> = s.made.iter().map(|o| o.name.clone()).collect();
    let mut removed = lessons::cleanup(&engine, one, &confirmed).await?;
    removed.sort();
    assert_eq!(removed, houses);
    let left = docker(["ps", "-a", "--format", "{{.Names}}"])?;
    assert!(left.lines().any(|n| n == bystander), "{left}");
    assert!(!left.lines().any(|n| houses.contains(&n)), "{left}");
    assert!(engine.local_image_id(DEMO_TAG).await?.is_some());
    assert_eq!(done(&status(&engine, one).await?), [false, false]);

    // Lesson 2 through the CLI alone; the `docker exec` wakes the wait (it changes no list).
    let two = LessonId::OwnLayer;
    assert_eq!(done(&status(&engine, two).await?), [false, false]);
    cli_run(&run, "lesson-room-a", DEMO_TAG)?;
    assert_eq!(done(&status(&engine, two).await?), [false, false]);
    cli_run(&run, "lesson-room-b", DEMO_TAG)?;
    assert_eq!(done(&status(&engine, two).await?), [true, false]);
    // The note in the sibling is not the goal.
    docker(["exec", "lesson-room-b", "touch", "/other.txt"])?;
    assert_eq!(done(&status(&engine, two).await?), [true, false]);
    let waiter = {
        let engine = engine.clone();
        tokio::spawn(async move {
            lessons::wait_for_change(&engine, two, Duration::from_secs(20)).await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    docker(["exec", "lesson-room-a", "touch", "/note.txt"])?;
    assert!(
        waiter.await?,
        "the exec in lesson-room-a did not wake the wait"
    );
    assert_eq!(done(&status(&engine, two).await?), [true, true]);
    // The same note in room b too: no longer "only in one house".
    docker(["exec", "lesson-room-b", "touch", "/note.txt"])?;
    assert_eq!(done(&status(&engine, two).await?), [true, false]);
    let s = status(&engine, two).await?;
    let rooms: Vec<String> = s.made.iter().map(|o| o.name.clone()).collect();
    let mut removed = lessons::cleanup(&engine, two, &rooms).await?;
    removed.sort();
    assert_eq!(removed, ["lesson-room-a", "lesson-room-b"]);

    // Berth's clicks: labelled houses; clean-up confirmed for one name removes only that one.
    lessons::act(&engine, one, 0).await?;
    lessons::act(&engine, one, 1).await?;
    let s = status(&engine, one).await?;
    assert_eq!(done(&s), [true, true]);
    assert_eq!(made(&s), houses.map(|n| (n.to_string(), true)));
    let labelled = engine
        .list_labelled(&format!("{LESSON_LABEL}=many-houses"))
        .await?;
    assert_eq!(labelled.len(), 3);
    // A click for a step that needs a container first says so.
    let err = lessons::act(&engine, two, 1).await.unwrap_err();
    assert!(err.to_string().contains("lesson-room-a"), "{err}");
    let removed = lessons::cleanup(&engine, one, &["lesson-house-1".to_string()]).await?;
    assert_eq!(removed, ["lesson-house-1"]);
    assert_eq!(status(&engine, one).await?.made.len(), 2);
    let rest: Vec<String> = houses.iter().map(|n| n.to_string()).collect();
    lessons::cleanup(&engine, one, &rest).await?;
    assert!(status(&engine, one).await?.made.is_empty());

    docker(["rm", "-f", &bystander])?;
    run.cleanup()?;
    Ok(())
}

/// Removes, on drop, the lessons' containers, volumes and networks and the look-alikes a test
/// made (volumes and networks are not covered by [`TestRun::cleanup`]).
struct MoreLeftovers {
    containers: Vec<String>,
    volumes: Vec<String>,
    networks: Vec<String>,
}

impl Drop for MoreLeftovers {
    fn drop(&mut self) {
        let containers = lesson_names().into_iter().map(String::from);
        for name in containers.chain(self.containers.iter().cloned()) {
            let _ = docker(["rm", "-f", "-v", &name]);
        }
        for net in self
            .networks
            .iter()
            .map(String::as_str)
            .chain(["lesson-street"])
        {
            let _ = docker(["network", "rm", net]);
        }
        for vol in self
            .volumes
            .iter()
            .map(String::as_str)
            .chain(["lesson-data"])
        {
            let _ = docker(["volume", "rm", vol]);
        }
    }
}

fn names(args: &[&str]) -> TestResult<Vec<String>> {
    Ok(docker(args)?.lines().map(str::to_string).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lessons_three_to_five_follow_the_cli_and_cleanup_takes_only_theirs() -> TestResult {
    let _one = ONE_AT_A_TIME.lock().await;
    blocking(ensure_test_images).await?;
    let engine = connect().await?;
    let run = TestRun::new("lessons-3-5");
    let label = run.label();
    let bystander = run.name("door");
    let keeper = run.name("keeper");
    let other_data = run.name("data");
    let walker = run.name("walker");
    let other_street = run.name("street");
    let _leftovers = MoreLeftovers {
        containers: vec![bystander.clone(), keeper.clone(), walker.clone()],
        volumes: vec![other_data.clone()],
        networks: vec![other_street.clone()],
    };
    // Leftovers of a killed run, before anything is checked.
    drop(MoreLeftovers {
        containers: vec![],
        volumes: vec![],
        networks: vec![],
    });
    let built_demo = engine.local_image_id(DEMO_TAG).await?.is_none();
    let _demo = Leftovers { built_demo };
    if built_demo {
        build_demo_image(&engine, HOST_BUSYBOX).await?;
    }
    let run_d = |args: &[&str]| -> TestResult {
        let mut argv = vec!["run", "-d", "--label", &label];
        argv.extend_from_slice(args);
        docker(&argv)?;
        Ok(())
    };

    // Lesson 3 through the CLI alone.
    let doors = LessonId::Doors;
    assert_eq!(done(&status(&engine, doors).await?), [false, false, false]);
    // A house from the blueprint without a door is not step 1.
    run_d(&["--name", "lesson-door-1", DEMO_TAG])?;
    assert_eq!(done(&status(&engine, doors).await?), [false, false, false]);
    docker(["rm", "-f", "lesson-door-1"])?;
    run_d(&["--name", "lesson-door-1", "-p", "48080:80", DEMO_TAG])?;
    assert_eq!(done(&status(&engine, doors).await?), [true, false, false]);
    let refused = docker([
        "run",
        "-d",
        "--label",
        &label,
        "--name",
        "lesson-door-2",
        "-p",
        "48080:80",
        DEMO_TAG,
    ])
    .unwrap_err();
    assert!(
        refused.to_string().contains("port is already allocated"),
        "{refused}"
    );
    let s = status(&engine, doors).await?;
    assert_eq!(done(&s), [true, true, false]);
    let detail = s.steps[1].detail.clone().unwrap_or_default();
    assert!(
        detail.contains("port is already allocated") && detail.contains("one house only"),
        "{detail}"
    );
    docker(["rm", "-f", "lesson-door-2"])?;
    assert_eq!(done(&status(&engine, doors).await?), [true, false, false]);
    run_d(&["--name", "lesson-door-2", "-p", "48081:80", DEMO_TAG])?;
    let s = status(&engine, doors).await?;
    assert_eq!(done(&s), [true, false, true]);
    // A look-alike: a house from the same blueprint with a door, but another name.
    run_d(&["--name", &bystander, "-p", "48082:80", DEMO_TAG])?;
    let made_names: Vec<String> = status(&engine, doors)
        .await?
        .made
        .iter()
        .map(|o| o.name.clone())
        .collect();
    let mut removed = lessons::cleanup(&engine, doors, &made_names).await?;
    removed.sort();
    assert_eq!(removed, ["lesson-door-1", "lesson-door-2"]);
    let left = names(&["ps", "-a", "--format", "{{.Names}}"])?;
    assert!(left.contains(&bystander), "{left:?}");
    assert!(
        !left.iter().any(|n| n.starts_with("lesson-door-")),
        "{left:?}"
    );

    // Lesson 4 through the CLI alone. A volume of the lesson's name without its label is
    // not the lesson's, and the lesson's click does not adopt it.
    let keeps = LessonId::Outlives;
    assert_eq!(done(&status(&engine, keeps).await?), [false, false, false]);
    docker(["volume", "create", "--label", &label, "lesson-data"])?;
    run_d(&[
        "--name",
        "lesson-writer",
        "-v",
        "lesson-data:/data",
        DEMO_TAG,
    ])?;
    docker(["exec", "lesson-writer", "touch", "/data/note.txt"])?;
    let s = status(&engine, keeps).await?;
    assert_eq!(done(&s), [false, false, false]);
    assert_eq!(made(&s), [("lesson-writer".to_string(), false)]);
    let err = lessons::act(&engine, keeps, 0).await.unwrap_err();
    assert!(err.to_string().contains("not this lesson's"), "{err}");
    docker(["rm", "-f", "lesson-writer"])?;
    docker(["volume", "rm", "lesson-data"])?;

    let lesson_label = "berth.lesson=outlives";
    docker([
        "volume",
        "create",
        "--label",
        &label,
        "--label",
        lesson_label,
        "lesson-data",
    ])?;
    assert_eq!(done(&status(&engine, keeps).await?), [false, false, false]);
    run_d(&[
        "--name",
        "lesson-writer",
        "-v",
        "lesson-data:/data",
        DEMO_TAG,
    ])?;
    assert_eq!(done(&status(&engine, keeps).await?), [true, false, false]);
    // The note written by `docker exec` wakes the wait (no list changes).
    let waiter = {
        let engine = engine.clone();
        tokio::spawn(async move {
            lessons::wait_for_change(&engine, keeps, Duration::from_secs(20)).await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    docker(["exec", "lesson-writer", "touch", "/data/note.txt"])?;
    assert!(
        waiter.await?,
        "the exec in lesson-writer did not wake the wait"
    );
    assert_eq!(done(&status(&engine, keeps).await?), [true, true, false]);
    // The note is in the volume, not in the house's writable layer.
    let diff = docker(["diff", "lesson-writer"])?;
    assert!(!diff.contains("note.txt"), "{diff}");
    docker(["rm", "-f", "lesson-writer"])?;
    assert_eq!(done(&status(&engine, keeps).await?), [false, false, false]);
    assert!(names(&["volume", "ls", "-q"])?.contains(&"lesson-data".to_string()));
    run_d(&[
        "--name",
        "lesson-reader",
        "-v",
        "lesson-data:/data",
        DEMO_TAG,
    ])?;
    assert_eq!(
        docker(["exec", "lesson-reader", "ls", "/data"])?,
        "note.txt"
    );
    let s = status(&engine, keeps).await?;
    assert_eq!(done(&s), [false, true, true]);
    // Look-alikes: a volume of another name, used by a house from the same blueprint.
    docker(["volume", "create", "--label", &label, &other_data])?;
    run_d(&[
        "--name",
        &keeper,
        "-v",
        &format!("{other_data}:/data"),
        DEMO_TAG,
    ])?;
    let s = status(&engine, keeps).await?;
    assert_eq!(
        s.made
            .iter()
            .map(|o| (o.kind, o.name.as_str()))
            .collect::<Vec<_>>(),
        [
            (ObjectKind::Container, "lesson-reader"),
            (ObjectKind::Volume, "lesson-data")
        ]
    );
    let confirmed: Vec<String> = s.made.iter().map(|o| o.name.clone()).collect();
    let removed = lessons::cleanup(&engine, keeps, &confirmed).await?;
    assert_eq!(removed, ["lesson-reader", "lesson-data"]);
    let vols = names(&["volume", "ls", "-q"])?;
    assert!(
        vols.contains(&other_data) && !vols.contains(&"lesson-data".to_string()),
        "{vols:?}"
    );
    assert!(names(&["ps", "-a", "--format", "{{.Names}}"])?.contains(&keeper));

    // Lesson 5 through the CLI alone.
    let street = LessonId::Street;
    assert_eq!(done(&status(&engine, street).await?), [false, false, false]);
    docker([
        "network",
        "create",
        "--label",
        &label,
        "--label",
        "berth.lesson=street",
        "lesson-street",
    ])?;
    assert_eq!(done(&status(&engine, street).await?), [true, false, false]);
    run_d(&[
        "--name",
        "lesson-street-a",
        "--network",
        "lesson-street",
        DEMO_TAG,
    ])?;
    // b on the default bridge: not on the street, and not reachable by name.
    run_d(&["--name", "lesson-street-b", DEMO_TAG])?;
    assert_eq!(done(&status(&engine, street).await?), [true, false, false]);
    docker(["rm", "-f", "lesson-street-b"])?;
    run_d(&[
        "--name",
        "lesson-street-b",
        "--network",
        "lesson-street",
        DEMO_TAG,
    ])?;
    // Berth's own ping (the check) is seen by the engine as an exec in lesson-street-a, and
    // that exec does not wake this lesson's wait (it would re-read forever); the same event
    // for a lesson whose checks read what an exec writes does.
    let ping_seen = {
        let engine = engine.clone();
        tokio::spawn(async move {
            let events = engine.events(Duration::ZERO);
            let mut events = std::pin::pin!(events);
            let found = async {
                while let Some(Ok(e)) = events.next().await {
                    if e.action == "exec_die"
                        && e.attributes.get("name").map(String::as_str) == Some("lesson-street-a")
                    {
                        return Some(e);
                    }
                }
                None
            };
            tokio::time::timeout(Duration::from_secs(20), found)
                .await
                .ok()
                .flatten()
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let s = status(&engine, street).await?;
    assert_eq!(done(&s), [true, true, true]);
    let exec = ping_seen
        .await?
        .expect("the check's ping ran in lesson-street-a");
    assert!(!lessons::wakes(street, &exec), "{exec:?}");
    let mut as_writer = exec.clone();
    as_writer
        .attributes
        .insert("name".into(), "lesson-writer".into());
    assert!(lessons::wakes(keeps, &as_writer));
    // Look-alike: a network of another name with a house from the same blueprint.
    docker(["network", "create", "--label", &label, &other_street])?;
    run_d(&["--name", &walker, "--network", &other_street, DEMO_TAG])?;
    let confirmed: Vec<String> = s.made.iter().map(|o| o.name.clone()).collect();
    let mut removed = lessons::cleanup(&engine, street, &confirmed).await?;
    removed.sort();
    assert_eq!(
        removed,
        ["lesson-street", "lesson-street-a", "lesson-street-b"]
    );
    let nets = names(&["network", "ls", "--format", "{{.Name}}"])?;
    assert!(
        nets.contains(&other_street) && !nets.contains(&"lesson-street".to_string()),
        "{nets:?}"
    );
    assert!(names(&["ps", "-a", "--format", "{{.Names}}"])?.contains(&walker));
    assert!(status(&engine, street).await?.made.is_empty());

    // The clicks: labelled objects, the refusal shown, the fix, the volume's note found.
    for step in 0..3 {
        lessons::act(&engine, doors, step).await?;
    }
    let s = status(&engine, doors).await?;
    assert_eq!(done(&s), [true, false, true]);
    assert!(s.made.iter().all(|o| o.labelled));
    for step in 0..3 {
        lessons::act(&engine, keeps, step).await?;
    }
    let s = status(&engine, keeps).await?;
    assert_eq!(done(&s), [false, true, true]);
    for step in 0..3 {
        lessons::act(&engine, street, step).await?;
    }
    assert_eq!(done(&status(&engine, street).await?), [true, true, true]);
    for lesson in [doors, keeps, street] {
        let s = status(&engine, lesson).await?;
        let confirmed: Vec<String> = s.made.iter().map(|o| o.name.clone()).collect();
        lessons::cleanup(&engine, lesson, &confirmed).await?;
        assert!(status(&engine, lesson).await?.made.is_empty());
    }

    for c in [&bystander, &keeper, &walker] {
        docker(["rm", "-f", c])?;
    }
    docker(["network", "rm", &other_street])?;
    docker(["volume", "rm", &other_data])?;
    run.cleanup()?;
    Ok(())
}

/// Removes lesson 6's images (and a look-alike) on drop.
struct ImageLeftovers(Vec<String>);

impl Drop for ImageLeftovers {
    fn drop(&mut self) {
        for image in self
            .0
            .iter()
            .map(String::as_str)
            .chain(["lesson-blueprint-a", "lesson-blueprint-b"])
        {
            let _ = docker(["rmi", image]);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lesson_six_marks_the_shared_layers_and_cleanup_takes_only_its_images() -> TestResult {
    let _one = ONE_AT_A_TIME.lock().await;
    blocking(ensure_test_images).await?;
    let engine = connect().await?;
    let run = TestRun::new("lesson-6");
    let label = run.label();
    let lookalike = format!("{}:latest", run.name("blueprint"));
    let _images = ImageLeftovers(vec![lookalike.clone()]);
    drop(ImageLeftovers(vec![]));
    let built_demo = engine.local_image_id(DEMO_TAG).await?.is_none();
    let _demo = Leftovers { built_demo };
    if built_demo {
        build_demo_image(&engine, HOST_BUSYBOX).await?;
    }
    let build = |tag: &str, lesson_label: bool, file: &str| -> TestResult {
        let mut argv = vec!["build", "-q", "--label", &label];
        if lesson_label {
            argv.extend(["--label", "berth.lesson=shared-layers"]);
        }
        argv.extend(["-t", tag, "-"]);
        docker_with_input(&argv, file.as_bytes())?;
        Ok(())
    };
    let a_file = "FROM berth-demo/hello:latest\nRUN touch /a.txt\n";
    let b_file = "FROM berth-demo/hello:latest\nRUN touch /b.txt\n";
    let six = LessonId::SharedLayers;
    assert_eq!(done(&status(&engine, six).await?), [false, false, false]);

    // The asked name without the lesson's label: not the lesson's, and not taken over.
    build("lesson-blueprint-a", false, a_file)?;
    let s = status(&engine, six).await?;
    assert_eq!(done(&s), [false, false, false]);
    assert!(s.made.is_empty());
    let err = lessons::act(&engine, six, 0).await.unwrap_err();
    assert!(err.to_string().contains("not this lesson's"), "{err}");
    docker(["rmi", "lesson-blueprint-a"])?;

    // Through the CLI alone, as the steps show.
    build("lesson-blueprint-a", true, a_file)?;
    assert_eq!(done(&status(&engine, six).await?), [true, false, false]);
    build("lesson-blueprint-b", true, b_file)?;
    let s = status(&engine, six).await?;
    assert_eq!(done(&s), [true, true, true]);
    let c = s.compare.clone().expect("the side-by-side history");
    // The demo image's own history rows are shared; each image's newest rows are its own.
    let demo_rows = docker(["history", "-q", DEMO_TAG])?.lines().count();
    assert_eq!(c.shared, demo_rows, "{c:?}");
    assert!(!c.left_layers[0].shared && !c.right_layers[0].shared);
    assert!(c.left_layers.last().unwrap().shared);
    assert_ne!(c.left_layers[0].id, c.right_layers[0].id);

    // Clean-up takes exactly the two images; a look-alike from the same base and the demo stay.
    build(&lookalike, false, a_file)?;
    let confirmed: Vec<String> = s.made.iter().map(|o| o.name.clone()).collect();
    assert_eq!(confirmed, ["lesson-blueprint-a", "lesson-blueprint-b"]);
    let removed = lessons::cleanup(&engine, six, &confirmed).await?;
    assert_eq!(removed, confirmed);
    assert!(engine.local_image_id("lesson-blueprint-a").await?.is_none());
    assert!(engine.local_image_id(&lookalike).await?.is_some());
    assert!(engine.local_image_id(DEMO_TAG).await?.is_some());
    assert_eq!(done(&status(&engine, six).await?), [false, false, false]);

    // Berth's clicks build the same, labelled.
    for step in 0..3 {
        lessons::act(&engine, six, step).await?;
    }
    let s = status(&engine, six).await?;
    assert_eq!(done(&s), [true, true, true]);
    let confirmed: Vec<String> = s.made.iter().map(|o| o.name.clone()).collect();
    lessons::cleanup(&engine, six, &confirmed).await?;
    assert!(status(&engine, six).await?.made.is_empty());

    docker(["rmi", &lookalike])?;
    run.cleanup()?;
    Ok(())
}
