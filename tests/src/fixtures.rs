//! Test images and the guard that owns whatever a test creates on the engine.
//!
//! The two fixture images (`tests/fixtures/*`) are shared by every run and never removed.
//! Everything else a test makes (containers, extra tags, images of its own) goes through a
//! [`TestRun`], carries `berth.test=<run id>`, and is removed when the guard is dropped, even
//! if the test fails or panics. A developer's own containers are never touched.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::docker_cli::{docker, docker_with_input, image_id, CliError};

/// Label on everything a test run creates: `berth.test=<run id>`.
pub const RUN_LABEL: &str = "berth.test";
/// Label on the shared fixture images (set in their Dockerfiles).
pub const FIXTURE_LABEL: &str = "berth.fixture";
/// Image A: busybox's shell and applets; default command `sh`.
pub const BUSYBOX_IMAGE: &str = "berth-test/busybox:latest";
/// Image B: the same base plus a page and a long-running default command (`httpd` on 8080).
pub const APP_IMAGE: &str = "berth-test/app:latest";

/// Fixture directory under `tests/fixtures/` and the tag its image gets.
const FIXTURES: [(&str, &str); 2] = [("busybox", BUSYBOX_IMAGE), ("app", APP_IMAGE)];

/// This process's run id, e.g. `t5kq2z-4242`: lower-case, usable in tags and names.
/// `BERTH_TEST_RUN_ID` overrides it (to correlate several processes of one run).
pub fn run_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        if let Some(id) = std::env::var("BERTH_TEST_RUN_ID").ok().map(|v| slug(&v)) {
            if !id.is_empty() {
                return id;
            }
        }
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        format!("t{}-{}", base36(secs), std::process::id())
    })
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Keeps `[a-z0-9-]`, so the result is valid in container names, tags and label values.
fn slug(s: &str) -> String {
    s.chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

/// IDs (`sha256:...`) of the fixture images, as built for this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestImages {
    /// [`BUSYBOX_IMAGE`].
    pub busybox: String,
    /// [`APP_IMAGE`].
    pub app: String,
}

/// Builds the fixture images unless this process already did. Cheap when nothing changed:
/// the build is answered from the engine's cache (~0.1 s) and the tags stay where they are.
pub fn ensure_test_images() -> Result<TestImages, CliError> {
    static BUILT: Mutex<Option<TestImages>> = Mutex::new(None);
    // A panic elsewhere while holding the lock leaves nothing half-done: the value is set last.
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(images) = built.as_ref() {
        return Ok(images.clone());
    }
    let [(busybox_dir, busybox_tag), (app_dir, app_tag)] = FIXTURES;
    let images = TestImages {
        busybox: build_fixture(busybox_dir, busybox_tag)?,
        app: build_fixture(app_dir, app_tag)?,
    };
    *built = Some(images.clone());
    Ok(images)
}

/// The static busybox the images are made of: `$BERTH_BUSYBOX`, else Debian's `/bin/busybox`.
fn busybox_binary() -> PathBuf {
    std::env::var_os("BERTH_BUSYBOX")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/bin/busybox"))
}

fn build_fixture(dir_name: &str, tag: &str) -> Result<String, CliError> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir_name);
    let io = |what: String| move |e: std::io::Error| CliError::Setup(format!("{what}: {e}"));
    let context = tempfile::Builder::new()
        .prefix("berth-fixture-")
        .tempdir()
        .map_err(io("cannot create a temporary build context".into()))?;
    let entries =
        std::fs::read_dir(&source).map_err(io(format!("cannot read {}", source.display())))?;
    for entry in entries {
        let entry = entry.map_err(io(format!("cannot read {}", source.display())))?;
        let path = entry.path();
        if path.is_file() && entry.file_name() != "busybox" {
            std::fs::copy(&path, context.path().join(entry.file_name()))
                .map_err(io(format!("cannot copy {}", path.display())))?;
        }
    }
    let busybox = busybox_binary();
    std::fs::copy(&busybox, context.path().join("busybox")).map_err(io(format!(
        "cannot copy {} (install Debian's busybox-static, or set BERTH_BUSYBOX)",
        busybox.display()
    )))?;

    let before = image_id(tag)?;
    let out = docker([
        "build".as_ref(),
        "-q".as_ref(),
        "-t".as_ref(),
        tag.as_ref(),
        context.path().as_os_str(),
    ])
    .map_err(|e| {
        CliError::Setup(format!(
            "building the fixture image {tag} failed (its {} must be a static binary, \
             as in Debian's busybox-static): {e}",
            busybox.display()
        ))
    })?;
    let id = last_line_id(&out, "docker build -q")?;
    if let Some(old) = before.filter(|old| *old != id) {
        remove_if_stale_fixture(&old);
    }
    Ok(id)
}

/// `docker build -q` prints the image ID last (older CLIs may print notices before it).
fn last_line_id(out: &str, command: &str) -> Result<String, CliError> {
    out.lines()
        .map(str::trim)
        .rfind(|l| l.starts_with("sha256:"))
        .map(str::to_string)
        .ok_or_else(|| CliError::Output {
            command: command.to_string(),
            reason: format!("no image ID in {out:?}"),
        })
}

/// A rebuild moved a fixture tag: the image it left behind is garbage if nothing else names
/// or uses it. `docker rmi` without `-f` refuses while a container still uses it.
fn remove_if_stale_fixture(id: &str) {
    let format = format!("{{{{len .RepoTags}}}} {{{{index .Config.Labels \"{FIXTURE_LABEL}\"}}}}");
    if let Ok(out) = docker(["image", "inspect", "--format", &format, id]) {
        if out.trim() == "0 1" {
            let _ = docker(["rmi", id]);
        }
    }
}

/// A container a [`TestRun`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub id: String,
    pub name: String,
}

/// An image left untagged (`<none>`) because its tag moved to a newer build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DanglingImage {
    /// The untagged image.
    pub id: String,
    /// The tag it had; it now names `newer`.
    pub former_tag: String,
    pub newer: String,
}

/// Owns everything one test creates on the engine, and removes it on drop.
///
/// Set `BERTH_TEST_KEEP=1` to leave the objects in place for inspection.
pub struct TestRun {
    id: String,
    images: Mutex<Vec<String>>,
    tags: Mutex<Vec<String>>,
}

impl TestRun {
    /// A run for one test; `name` only makes the id readable (`<run id>-<name>-<n>`).
    pub fn new(name: &str) -> Self {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        Self {
            id: format!("{}-{}-{n}", run_id(), slug(name)),
            images: Mutex::new(Vec::new()),
            tags: Mutex::new(Vec::new()),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// `berth.test=<id>`, the label on everything this run creates.
    pub fn label(&self) -> String {
        format!("{RUN_LABEL}={}", self.id)
    }

    /// `label=berth.test=<id>`, for `docker ps/images --filter`.
    pub fn filter(&self) -> String {
        format!("label={}", self.label())
    }

    /// How many of this run's containers the engine says are running
    /// (`docker ps -q --filter label=… --filter status=running`).
    pub fn running_count(&self) -> Result<usize, CliError> {
        let ids = docker([
            "ps",
            "-q",
            "--filter",
            &self.filter(),
            "--filter",
            "status=running",
        ])?;
        Ok(ids.lines().count())
    }

    /// The container name this run uses for `suffix`: `berth-<id>-<suffix>`.
    pub fn name(&self, suffix: &str) -> String {
        format!("berth-{}-{}", self.id, slug(suffix))
    }

    /// `docker create --label <label> --name <name(suffix)> OPTIONS... IMAGE CMD...`.
    pub fn create(
        &self,
        suffix: &str,
        options: &[&str],
        image: &str,
        cmd: &[&str],
    ) -> Result<Container, CliError> {
        self.container("create", suffix, options, image, cmd)
    }

    /// `docker run -d --label <label> --name <name(suffix)> OPTIONS... IMAGE CMD...`.
    pub fn run(
        &self,
        suffix: &str,
        options: &[&str],
        image: &str,
        cmd: &[&str],
    ) -> Result<Container, CliError> {
        let mut with_detach = vec!["-d"];
        with_detach.extend_from_slice(options);
        self.container("run", suffix, &with_detach, image, cmd)
    }

    fn container(
        &self,
        verb: &str,
        suffix: &str,
        options: &[&str],
        image: &str,
        cmd: &[&str],
    ) -> Result<Container, CliError> {
        let name = self.name(suffix);
        let label = self.label();
        let mut args = vec![verb, "--label", &label, "--name", &name];
        args.extend_from_slice(options);
        args.push(image);
        args.extend_from_slice(cmd);
        let out = docker(&args)?;
        let id = out.lines().last().unwrap_or_default().trim().to_string();
        Ok(Container { id, name })
    }

    /// A running busybox container holding 64 MiB in `/dev/shm` and no memory limit, which
    /// `docker stats` reads as about 64.6 MiB (design.md §5): a known memory load.
    pub fn run_memory_fill(&self, suffix: &str) -> Result<Container, CliError> {
        self.run(
            suffix,
            &["--shm-size", "128m"],
            BUSYBOX_IMAGE,
            &[
                "sh",
                "-c",
                "head -c 67108864 /dev/zero > /dev/shm/fill; while true; do sleep 1; done",
            ],
        )
    }

    /// IDs of this run's containers, in any state.
    pub fn container_ids(&self) -> Result<Vec<String>, CliError> {
        let out = docker(["ps", "-aq", "--no-trunc", "--filter", &self.filter()])?;
        Ok(out.lines().map(str::to_string).collect())
    }

    /// Adds `target` as another tag of `source`; the tag is removed again on drop (the image
    /// itself is left alone).
    pub fn tag(&self, source: &str, target: &str) -> Result<(), CliError> {
        docker(["tag", source, target])?;
        lock(&self.tags).push(target.to_string());
        Ok(())
    }

    /// Builds `dockerfile` (no build context: it cannot `COPY`) as `tag`, labelled with this
    /// run, and returns the new image's ID. The image is removed on drop.
    pub fn build_image(&self, tag: &str, dockerfile: &str) -> Result<String, CliError> {
        let label = self.label();
        let out = docker_with_input(
            ["build", "-q", "--label", &label, "-t", tag, "-"],
            dockerfile.as_bytes(),
        )?;
        let id = last_line_id(&out, "docker build -q -")?;
        lock(&self.images).push(id.clone());
        lock(&self.tags).push(tag.to_string());
        Ok(id)
    }

    /// Makes an untagged image: builds `berth-test/dangling:<id>`, then builds different
    /// content under the same tag, which leaves the first build with no tag at all.
    pub fn dangling_image(&self) -> Result<DanglingImage, CliError> {
        let tag = self.dangling_tag();
        let id = self.build_image(&tag, &self.dangling_dockerfile(1))?;
        let newer = self.build_image(&tag, &self.dangling_dockerfile(2))?;
        Ok(DanglingImage {
            id,
            former_tag: tag,
            newer,
        })
    }

    /// The tag [`Self::dangling_image`] uses, for tests that act between the two builds.
    pub fn dangling_tag(&self) -> String {
        format!("berth-test/dangling:{}", self.id)
    }

    /// A Dockerfile whose image differs for each `generation` (only metadata: no `RUN`, so
    /// it builds in a fraction of a second).
    pub fn dangling_dockerfile(&self, generation: u32) -> String {
        format!("FROM {BUSYBOX_IMAGE}\nLABEL berth.generation=\"{generation}\"\n")
    }

    /// Removes this run's containers, tags and images. Called on drop; idempotent.
    pub fn cleanup(&self) -> Result<(), CliError> {
        let mut problems = Vec::new();
        match self.container_ids() {
            Ok(ids) if !ids.is_empty() => {
                let mut args = vec!["rm", "-f", "-v"];
                args.extend(ids.iter().map(String::as_str));
                if let Err(e) = docker(&args) {
                    problems.push(e.to_string());
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(e.to_string()),
        }
        // Untag first: tags on shared images go, and our images lose their names.
        for tag in std::mem::take(&mut *lock(&self.tags)) {
            match docker(["rmi", &tag]) {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => problems.push(e.to_string()),
            }
        }
        let mut images: BTreeSet<String> = std::mem::take(&mut *lock(&self.images))
            .into_iter()
            .collect();
        match docker(["images", "-aq", "--no-trunc", "--filter", &self.filter()]) {
            Ok(out) => images.extend(out.lines().map(str::to_string)),
            Err(e) => problems.push(e.to_string()),
        }
        // A parent goes only after its children: retry the leftovers a few times.
        let mut left: Vec<String> = images.into_iter().collect();
        for _ in 0..3 {
            if left.is_empty() {
                break;
            }
            left.retain(|id| match docker(["rmi", "-f", id]) {
                Ok(_) => false,
                Err(e) => !e.is_not_found(),
            });
        }
        if !left.is_empty() {
            problems.push(format!("images left behind: {}", left.join(" ")));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CliError::Setup(format!(
                "cleaning up test run {}: {}",
                self.id,
                problems.join("; ")
            )))
        }
    }
}

impl Drop for TestRun {
    fn drop(&mut self) {
        if std::env::var_os("BERTH_TEST_KEEP").is_some_and(|v| v == "1") {
            eprintln!(
                "BERTH_TEST_KEEP=1: leaving the objects labelled {} in place",
                self.label()
            );
            return;
        }
        // Never panic here: this often runs while a failed test is already unwinding.
        if let Err(e) = self.cleanup() {
            eprintln!("warning: {e}");
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_usable_in_names_and_tags() {
        assert_eq!(slug("Inventory: Full/Listing"), "inventory--full-listing");
        assert_eq!(base36(0), "0");
        assert_eq!(base36(36 * 36 + 35), "10z");
        let id = run_id();
        assert!(!id.is_empty());
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{id}"
        );
    }

    #[test]
    fn the_image_id_is_the_last_sha_line() {
        let out = "DEPRECATED: something\nsha256:abc\n";
        assert_eq!(last_line_id(out, "x").unwrap(), "sha256:abc");
        assert!(last_line_id("nothing", "x").is_err());
    }
}
