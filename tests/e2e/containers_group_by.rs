//! The Containers list grouped by Compose project on the real window (#15): a project brought
//! up by Debian's `docker-compose` shows as project → service → containers, a container of no
//! project under its own header, the headers' running/total counts follow the engine, sorting
//! applies within each service, and a project's header leads (by keyboard) to the Compose view.

use berth_tests::app::{css_str, App, AppError, WebDriverContext};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, BUSYBOX_IMAGE};
use fantoccini::key::Key;

use crate::compose::{leftovers, ComposeFile};
use crate::{show_run, text_of, wait_connected, SETTLE};

/// Every header and row of the grouped list, in document order.
const ROWS: &str =
    "[data-testid=container-project], [data-testid=container-service], [data-testid=container-row]";

/// The list as lines: `P <project> | <counts>`, `S <service> | <counts>`, `C <name>`.
async fn outline(app: &App) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for el in app.find_all(ROWS).await? {
        let attr = |name: &'static str| {
            let el = el.clone();
            async move {
                el.attr(name)
                    .await
                    .during("reading a row's attributes")
                    .map(Option::unwrap_or_default)
            }
        };
        let counts = || async {
            let meta = el
                .find(fantoccini::Locator::Css(".meta"))
                .await
                .during("finding a header's counts")?;
            text_of(&meta).await
        };
        out.push(match attr("data-testid").await?.as_str() {
            "container-project" => {
                format!("P {} | {}", attr("data-project").await?, counts().await?)
            }
            "container-service" => {
                format!("S {} | {}", attr("data-service").await?, counts().await?)
            }
            _ => format!("C {}", attr("data-name").await?),
        });
    }
    Ok(out)
}

/// Waits until the list reads `expected`.
async fn wait_outline(app: &App, expected: &[String]) -> Result<(), AppError> {
    let deadline = std::time::Instant::now() + SETTLE;
    loop {
        let now = outline(app).await.unwrap_or_default();
        if now == expected {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            return Err(AppError::Timeout {
                what: format!("the grouped list to read {expected:#?}"),
                after: SETTLE,
                last: Some(format!("{now:#?}")),
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The names of a service's containers, sorted (from the labels, as the engine reports them).
fn names_of(project: &str, service: &str) -> Result<Vec<String>, AppError> {
    let out = docker([
        "ps",
        "-a",
        "--filter",
        &format!("label=com.docker.compose.project={project}"),
        "--filter",
        &format!("label=com.docker.compose.service={service}"),
        "--format",
        "{{.Names}}",
    ])?;
    let mut names: Vec<String> = out.lines().map(str::to_string).collect();
    names.sort();
    Ok(names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn containers_group_by_compose_project_shows_projects_services_and_the_rest(
) -> Result<(), AppError> {
    ensure_test_images()?;
    let run = TestRun::new("group-by");
    let mut shop = ComposeFile::new(&run, "shop.yaml")?;
    let project = format!("bt-{}-grp", run.id());
    shop.projects.push(project.clone());
    shop.compose(&project, &["up", "-d", "--scale", "web=2"])?;
    let loose = run.run("loose", &[], BUSYBOX_IMAGE, &["sleep", "600"])?;
    let web = names_of(&project, "web")?;
    let worker = names_of(&project, "worker")?;
    assert_eq!(
        (web.len(), worker.len()),
        (2, 1),
        "the project is up: {web:?} {worker:?}"
    );

    let app = App::launch(
        "containers_group_by_compose_project_shows_projects_services_and_the_rest",
        &[],
    )
    .await?;
    app.check(async {
        wait_connected(&app).await?;
        show_run(&app, &run).await?;
        app.wait_for_css("[data-testid=container-row]", SETTLE).await?;
        // Ungrouped by default: no headers at all.
        assert!(app.find_all("[data-testid=container-project], [data-testid=container-group]").await?.is_empty());

        app.wait_for_css("[data-testid=group-by]", SETTLE)
            .await?
            .select_by_value("compose")
            .await
            .during("choosing Group by → Compose project")?;
        let c = |name: &String| format!("C {name}");
        let mut expected = vec![format!("P {project} | 3 containers · 3 running")];
        expected.push("S web | 2 containers · 2 running".into());
        expected.extend(web.iter().map(c));
        expected.push("S worker | 1 container · 1 running".into());
        expected.extend(worker.iter().map(c));
        expected.push("P  | 1 container · 1 running".into());
        expected.push(c(&loose.name));
        wait_outline(&app, &expected).await?;
        let rest = app.wait_for_css("[data-testid=container-project][data-project='']", SETTLE).await?;
        assert!(text_of(&rest).await?.contains("Not in a Compose project"));
        app.screenshot("containers-group-by-compose").await?;

        // Sorting applies within each service: by name, descending.
        app.click("[data-testid=sort-name]", SETTLE).await?;
        let mut reversed = expected.clone();
        reversed[2..4].reverse();
        wait_outline(&app, &reversed).await?;
        app.click("[data-testid=sort-name]", SETTLE).await?;
        wait_outline(&app, &expected).await?;

        // The counts follow the engine: the worker stops.
        docker(["stop", &worker[0]])?;
        expected[0] = format!("P {project} | 3 containers · 2 running");
        expected[4] = "S worker | 1 container · 0 running".into();
        wait_outline(&app, &expected).await?;

        // Image grouping and none still work, and the choice outlives a trip to another view.
        app.wait_for_css("[data-testid=group-by]", SETTLE)
            .await?
            .select_by_value("image")
            .await
            .during("choosing Group by → Image")?;
        app.wait_for_css(
            &format!("[data-testid=container-group][data-image={}]", css_str(BUSYBOX_IMAGE)),
            SETTLE,
        )
        .await?;
        assert!(app.find_all("[data-testid=container-project]").await?.is_empty());
        app.wait_for_css("[data-testid=group-by]", SETTLE)
            .await?
            .select_by_value("compose")
            .await
            .during("choosing Group by → Compose project again")?;

        // A project's header leads to the Compose view, from the keyboard too.
        let open = app
            .wait_for_css(
                &format!(
                    "[data-testid=container-project][data-project={}] [data-testid=container-project-open]",
                    css_str(&project)
                ),
                SETTLE,
            )
            .await?;
        open.send_keys(&Key::Enter.to_string())
            .await
            .during("pressing Enter on Open in Compose")?;
        app.wait_for_css(
            &format!("[data-testid=compose-project][data-project={}]", css_str(&project)),
            SETTLE,
        )
        .await?;
        app.click("[data-testid=tab-containers]", SETTLE).await?;
        wait_outline(&app, &expected).await?;
        Ok(())
    })
    .await?;
    app.close().await;

    drop(shop);
    let (containers, networks) = leftovers(&project)?;
    assert!(
        containers.trim().is_empty() && networks.trim().is_empty(),
        "left behind: {containers} {networks}"
    );
    Ok(())
}
