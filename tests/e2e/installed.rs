//! The installed package (issue #18): `scripts/test.sh package` builds the .deb, installs it
//! with `apt install ./…`, then runs this test with `BERTH_APP=/usr/bin/berth`. With an app
//! from `target/` (every other run) it is skipped, and says so.

use std::path::Path;
use std::process::Command;

use berth_tests::app::{app_binary, App, AppError};
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::{container_row_in, show_run, wait_connected, SETTLE};

/// The path dpkg installs; `BERTH_APP` must point there for this test to run.
const INSTALLED: &str = "/usr/bin/berth";

fn output(program: &str, args: &[&str]) -> Result<String, AppError> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| AppError::Setup(format!("running {program}: {e}")))?;
    if !out.status.success() {
        return Err(AppError::Setup(format!(
            "{program} {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_installed_package_opens_and_lists_the_containers() -> Result<(), AppError> {
    let wanted = std::env::var_os("BERTH_APP").unwrap_or_default();
    if Path::new(&wanted) != Path::new(INSTALLED) {
        eprintln!(
            "\n*** SKIPPED installed::the_installed_package_opens_and_lists_the_containers: \
             BERTH_APP is {wanted:?}, not the packaged {INSTALLED}. `bash scripts/test.sh \
             package` installs the .deb and runs it. ***\n"
        );
        return Ok(());
    }
    app_binary()?;
    // The binary is the package's, not one copied there by hand.
    let owner = output("dpkg-query", &["-S", INSTALLED])?;
    assert!(
        owner
            .lines()
            .any(|l| l.trim() == format!("berth: {INSTALLED}")),
        "{INSTALLED} belongs to: {owner}"
    );
    // `--version` answers (no window, no display needed) with the package's version.
    let packaged = output("dpkg-query", &["-W", "-f", "${Version}", "berth"])?;
    let version = output(INSTALLED, &["--version"])?;
    assert_eq!(version, format!("berth {packaged}\n"));

    ensure_test_images()?;
    let run = TestRun::new("installed");
    let web = run.run("web", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let app = App::launch("the_installed_package_opens_and_lists_the_containers", &[]).await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.wait_for_css(&container_row_in(&web.name, "running"), SETTLE)
            .await?;

        // The desktop entry's StartupWMClass is the window's class, so docks and menus group
        // the window with its launcher.
        let entry = std::fs::read_to_string("/usr/share/applications/Berth.desktop")
            .map_err(|e| AppError::Setup(format!("reading the desktop entry: {e}")))?;
        let class = entry
            .lines()
            .find_map(|l| l.strip_prefix("StartupWMClass="))
            .unwrap_or_default()
            .trim()
            .to_string();
        assert!(!class.is_empty(), "no StartupWMClass in:\n{entry}");
        let tree = output("xwininfo", &["-root", "-tree"])?;
        let windows: Vec<&str> = tree.lines().filter(|l| l.contains("\"Berth\"")).collect();
        assert!(
            windows
                .iter()
                .any(|l| l.contains(&format!("(\"{class}\" "))),
            "no Berth window has the class {class:?}: {windows:#?}"
        );
        app.screenshot("installed-package").await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
