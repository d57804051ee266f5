//! The Networks view on the real window (issue #15): a network and its attached container as
//! the engine has them (with the container's address), the engine's own networks and a
//! network in use not offered for removal (with the reason), a bad name refused in words,
//! then create (subnet and label), connect, disconnect and remove (asked first, by name),
//! each checked with the docker CLI; and a network made elsewhere showing up by itself.

use std::time::Instant;

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use fantoccini::Locator;

use crate::{text_of, wait_connected, LIVE_GRACE, LIVE_TARGET, SETTLE};

fn network_row(name: &str) -> String {
    format!("[data-testid=network-row][data-name={}]", css_str(name))
}

/// Removes the named networks on drop; declared before the `TestRun`, so it drops after the
/// containers attached to them are gone.
struct Networks(Vec<String>);

impl Drop for Networks {
    fn drop(&mut self) {
        for n in &self.0 {
            let _ = docker(["network", "rm", n]);
        }
    }
}

/// A /24 under 10.214.0.0/16 that no network on the engine uses now.
fn free_subnets(n: usize) -> Result<Vec<String>, AppError> {
    let used = docker(["network", "ls", "-q"])?;
    let mut args = vec![
        "network",
        "inspect",
        "-f",
        "{{range .IPAM.Config}}{{.Subnet}} {{end}}",
    ];
    args.extend(used.split_whitespace());
    let used = docker(args)?;
    let start = std::process::id() % 200;
    Ok((0..250)
        .map(|i| format!("10.214.{}.", (start + i) % 250))
        .filter(|p| !used.contains(p.as_str()))
        .take(n)
        .map(|p| format!("{p}0/24"))
        .collect())
}

/// Waits until the element matching `css` says `needle` (the form is checked as it is typed:
/// a half-typed value has its own problem first), and returns its text.
async fn wait_text(app: &App, css: &str, needle: &str) -> Result<String, AppError> {
    let (css, needle) = (css.to_string(), needle.to_string());
    app.wait_until(&format!("`{css}` to say {needle:?}"), SETTLE, |client| {
        let (css, needle) = (css.clone(), needle.clone());
        async move {
            let Some(el) = client
                .find_all(Locator::Css(&css))
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let text = el.text().await?;
            Ok(text.contains(&needle).then_some(text))
        }
    })
    .await
}

fn attached(row: &str, n: usize) -> String {
    format!("{row}[data-attached='{n}']")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_view_creates_connects_and_removes_with_the_confirm() -> Result<(), AppError> {
    ensure_test_images()?;
    let mut nets = Networks(Vec::new());
    let run = TestRun::new("networks-view");
    let label = run.label();
    let [held_subnet, made_subnet] = <[String; 2]>::try_from(free_subnets(2)?)
        .map_err(|_| AppError::Setup("no free 10.214.x.0/24 left".into()))?;
    let held = run.name("held");
    let made = run.name("made");
    let late = run.name("late");
    nets.0.extend([held.clone(), made.clone(), late.clone()]);
    docker([
        "network",
        "create",
        "--label",
        &label,
        "--subnet",
        &held_subnet,
        &held,
    ])?;
    let member = run.run(
        "member",
        &["--network", &held],
        BUSYBOX_IMAGE,
        &["sleep", "600"],
    )?;
    let ip = docker([
        "inspect",
        "-f",
        &format!("{{{{(index .NetworkSettings.Networks \"{held}\").IPAddress}}}}"),
        &member.id,
    ])?;
    let ip = ip.trim().to_string();

    let app = App::launch(
        "networks_view_creates_connects_and_removes_with_the_confirm",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        app.click("[data-testid=tab-networks]", SETTLE).await?;
        let cli = app
            .wait_for_css("[data-testid=networks-cli]", SETTLE)
            .await?;
        assert_eq!(
            cli.attr("data-line").await.ok().flatten().as_deref(),
            Some("docker network ls")
        );

        // The engine's default bridge: listed, not removable, and why.
        let bridge = app
            .wait_for_css(
                &format!("{}[data-protected=yes]", network_row("bridge")),
                SETTLE,
            )
            .await?;
        let why = text_of(&bridge).await?;
        assert!(why.contains("default network"), "{why:?}");
        let rm = app
            .wait_for_css(
                &format!("{} [data-testid=network-remove]", network_row("bridge")),
                SETTLE,
            )
            .await?;
        assert!(
            rm.attr("disabled").await.ok().flatten().is_some(),
            "bridge cannot be removed"
        );

        // Only this run's networks from here on (the engine is shared).
        app.type_into("[aria-label='Filter networks']", run.id(), SETTLE)
            .await?;
        let row = app
            .wait_for_css(&attached(&network_row(&held), 1), SETTLE)
            .await?;
        let text = text_of(&row).await?;
        assert!(text.contains(&held_subnet), "the subnet: {text:?}");
        assert!(text.contains(&member.name), "the member: {text:?}");
        assert!(
            text.contains(&format!("{ip}/24")),
            "its address {ip}: {text:?}"
        );
        assert!(
            text.contains(&format!("In use by {}", member.name)),
            "in use, named: {text:?}"
        );
        app.screenshot("view-networks").await?;

        // A bad name is refused in words, and the form offers no command.
        app.click("[data-testid=network-create-open]", SETTLE)
            .await?;
        app.type_into("[data-testid=network-create-name]", "my net", SETTLE)
            .await?;
        wait_text(&app, "[data-testid=network-create-error-name]", "space").await?;
        let go = app
            .wait_for_css("[data-testid=network-create-go]", SETTLE)
            .await?;
        assert!(go.attr("disabled").await.ok().flatten().is_some());
        // An overlapping subnet names the network it overlaps.
        app.type_into("[data-testid=network-create-name]", &made, SETTLE)
            .await?;
        app.type_into(
            "[data-testid=network-create-subnet]",
            &held_subnet.replace("0/24", "128/25"),
            SETTLE,
        )
        .await?;
        wait_text(
            &app,
            "[data-testid=network-create-error-subnet]",
            &format!("the range of network {held}"),
        )
        .await?;
        app.screenshot("network-create-overlap").await?;

        app.type_into("[data-testid=network-create-subnet]", &made_subnet, SETTLE)
            .await?;
        app.type_into("[data-testid=network-create-labels]", &label, SETTLE)
            .await?;
        let expected =
            format!("docker network create --subnet {made_subnet} --label {label} {made}");
        app.wait_for_css(
            &format!(
                "[data-testid=network-create-cli][data-line={}]",
                css_str(&expected)
            ),
            SETTLE,
        )
        .await?;
        app.screenshot("network-create").await?;
        app.click("[data-testid=network-create-go]", SETTLE).await?;
        app.wait_for_css(&attached(&network_row(&made), 0), SETTLE)
            .await?;
        let subnet = docker([
            "network",
            "inspect",
            "-f",
            "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
            &made,
        ])?;
        assert_eq!(subnet.trim(), made_subnet);
        app.wait_for_css(
            &format!(
                "[data-testid=networks-done-cli][data-line={}]",
                css_str(&expected)
            ),
            SETTLE,
        )
        .await?;

        // Connect the member to it, then disconnect it again.
        app.click(
            &format!("{} [data-testid=network-connect-open]", network_row(&made)),
            SETTLE,
        )
        .await?;
        let pick = app
            .wait_for_css("[data-testid=network-connect-container]", SETTLE)
            .await?;
        pick.select_by_value(&member.id)
            .await
            .during("choosing the container")?;
        let line = format!("docker network connect {made} {}", member.name);
        app.wait_for_css(
            &format!(
                "[data-testid=network-connect-cli][data-line={}]",
                css_str(&line)
            ),
            SETTLE,
        )
        .await?;
        app.click("[data-testid=network-connect-go]", SETTLE)
            .await?;
        let row = app
            .wait_for_css(&attached(&network_row(&made), 1), SETTLE)
            .await?;
        let text = text_of(&row).await?;
        let made_ip = docker([
            "inspect",
            "-f",
            &format!("{{{{(index .NetworkSettings.Networks \"{made}\").IPAddress}}}}"),
            &member.id,
        ])?;
        assert!(
            text.contains(made_ip.trim()),
            "the new address {made_ip}: {text:?}"
        );
        app.screenshot("network-connected").await?;
        app.click(
            &format!("{} [data-testid=network-disconnect]", network_row(&made)),
            SETTLE,
        )
        .await?;
        app.wait_for_css(&attached(&network_row(&made), 0), SETTLE)
            .await?;
        let nets_of = docker([
            "inspect",
            "-f",
            "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
            &member.id,
        ])?;
        assert_eq!(nets_of.trim(), held, "the CLI sees it on {held} only");

        // Remove: asked first, naming the network and the command.
        app.click(
            &format!("{} [data-testid=network-remove]", network_row(&made)),
            SETTLE,
        )
        .await?;
        let confirm = app
            .wait_for_css("[data-testid=network-remove-confirm]", SETTLE)
            .await?;
        let text = text_of(&confirm).await?;
        assert!(text.contains(&made), "names the network: {text:?}");
        let command = app
            .wait_for_css("[data-testid=network-remove-confirm-command]", SETTLE)
            .await?;
        app.wait_until("the confirm's command", SETTLE, |_| {
            let command = command.clone();
            let want = format!("docker network rm {made}");
            async move { Ok(command.text().await.ok().filter(|t| t.trim() == want)) }
        })
        .await?;
        app.screenshot("network-remove-confirm").await?;
        app.click("[data-testid=network-remove-confirm-go]", SETTLE)
            .await?;
        app.wait_gone(&network_row(&made), SETTLE).await?;
        let gone = docker(["network", "inspect", &made]);
        assert!(gone.is_err(), "the CLI no longer finds {made}");

        // Made elsewhere: shows up by itself.
        docker(["network", "create", "--label", &label, &late])?;
        let t = Instant::now();
        app.wait_for_css(&network_row(&late), LIVE_TARGET + LIVE_GRACE)
            .await?;
        let appeared = t.elapsed();
        eprintln!("network create -> row: {} ms", appeared.as_millis());
        assert!(appeared <= LIVE_TARGET, "the new network took {appeared:?}");

        // The launch dialog's network field offers the engine's networks.
        let image = docker(["image", "inspect", "-f", "{{.Id}}", BUSYBOX_IMAGE])?;
        crate::first_day_launch::open_launch_on(&app, image.trim()).await?;
        app.wait_for_css(
            &format!("#launch-network-names option[value={}]", css_str(&held)),
            SETTLE,
        )
        .await?;
        Ok(())
    })
    .await?;
    app.close().await;
    Ok(())
}
