//! Issue #16 against the real engine: the tray's port link of a running container, drawn from
//! the real inventory and clicked through `tray_action`, gives the URL the backend opens; a port
//! on another interface has no link and is refused in words if asked for anyway.

use berth_core::domain::EngineStatus;
use berth_core::services::port_links::url_of_port;
use berth_core::services::tray_actions::{tray_action, TrayOutcome};
use berth_core::services::tray_model::{build_tray_menu, TrayId};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};

use crate::tray::menu_ids;
use crate::{blocking, connect, TestResult};

fn host_port(name: &str) -> TestResult<u16> {
    let out = docker(["port", name, "80/tcp"])?;
    out.lines()
        .next()
        .and_then(|l| l.rsplit(':').next())
        .and_then(|p| p.trim().parse().ok())
        .ok_or_else(|| format!("no host port in {out:?}").into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_links_a_loopback_port_and_refuses_another_interface() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("port-links");
    let engine = connect().await?;
    let cmd = ["sleep", "600"];
    let web = run.run("web", &["-p", "127.0.0.1::80"], BUSYBOX_IMAGE, &cmd)?;
    let gateway = docker([
        "network",
        "inspect",
        "bridge",
        "--format",
        "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
    ])?
    .trim()
    .to_string();
    let side = run.run(
        "side",
        &["-p", &format!("{gateway}::80")],
        BUSYBOX_IMAGE,
        &cmd,
    )?;
    let (port, side_port) = (host_port(&web.name)?, host_port(&side.name)?);

    let inventory = engine.inventory().await?;
    let status = EngineStatus::Connected {
        info: engine.info().clone(),
    };
    let mut ids = Vec::new();
    menu_ids(
        &build_tray_menu(&status, Some(&inventory), &[]).items,
        &mut ids,
    );
    let link = TrayId::OpenPort {
        id: web.id.clone(),
        port,
    }
    .encode();
    assert!(ids.contains(&link), "{link} missing from {ids:?}");
    let side_link = TrayId::OpenPort {
        id: side.id.clone(),
        port: side_port,
    }
    .encode();
    assert!(!ids.contains(&side_link), "a link to {gateway}:{side_port}");

    // The click: the URL comes from the engine's listing again.
    match tray_action(Ok(engine.clone()), &link, &[]).await {
        TrayOutcome::OpenUrl(url) => assert_eq!(url, format!("http://127.0.0.1:{port}")),
        other => return Err(format!("the port link gave {other:?}").into()),
    }
    // Asked for anyway (a stale menu, a crafted id): refused, saying why; so is a port the
    // container does not publish.
    match tray_action(Ok(engine.clone()), &side_link, &[]).await {
        TrayOutcome::Failed(why) => assert!(why.contains(&gateway), "{why}"),
        other => return Err(format!("another interface gave {other:?}").into()),
    }
    match url_of_port(&engine, &web.id, port.wrapping_add(1)).await {
        Err(e) => assert!(e.to_string().contains("not published"), "{e}"),
        Ok(url) => return Err(format!("an unpublished port gave {url}").into()),
    }

    blocking(move || run.cleanup()).await?;
    Ok(())
}
