//! Lessons checked on the real engine: each step's check turns true when its goal is reached
//! through the docker CLI alone (no Berth click, so no lesson label) and is false before;
//! `docker exec` in a lesson's container wakes the wait; a step's click labels what it makes;
//! clean-up removes exactly what the lesson made (not a bystander built from the same image,
//! nor a container that merely has a lesson's name).

use std::time::Duration;

use berth_core::domain::first_run::{DEMO_TAG, HOST_BUSYBOX};
use berth_core::domain::lessons::{LessonId, LessonStatus, LESSON_LABEL};
use berth_core::engine::Engine;
use berth_core::services::first_run::build_demo_image;
use berth_core::services::lessons;
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{blocking, connect, TestResult};

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
