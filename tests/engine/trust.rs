//! Issue #13 against the real engine: groups Berth did not launch are not trusted, hostile
//! ids and references reach no endpoint, and scaling down keeps volumes unless asked.
//!
//! Forged groups are made with the docker CLI the way another program (or an image's own
//! labels) would: Berth's labels with a valid-looking spec that binds the host's `/`, and a
//! seal made with another key (or copied from a real group onto another spec).

#![allow(clippy::unwrap_used)] // helpers panic on engine or CLI failures, as the tests do

use std::sync::Arc;

use berth_core::domain::groups::{GroupRef, Scaling};
use berth_core::domain::ids::GroupId;
use berth_core::domain::launch::seal::{ForeignReason, GroupTrust, LaunchKey, LABEL_SEAL};
use berth_core::domain::launch::{validate, LaunchRequest, Replicas, LABEL_LAUNCH};
use berth_core::domain::Inventory;
use berth_core::engine::{Endpoint, EndpointSource, Engine, EngineError};
use berth_core::services::launch::key::GroupSigner;
use berth_core::services::launch::{
    self as launcher, adopt_group_with, group_members, new_group_id, plan_launch, run_launch,
    scale_group, LaunchOptions, PlanError, ScaleTo,
};
use berth_core::services::sink::Discard;
use berth_core::services::tray_actions::{tray_action, TrayOutcome};
use berth_core::services::tray_model::{build_tray_menu, TrayId};
use berth_tests::docker_cli::docker;
use berth_tests::fixtures::{ensure_test_images, TestRun, APP_IMAGE};
use berth_tests::proxy::EngineProxy;
use tokio_util::sync::CancellationToken;

use crate::tray::menu_ids;
use crate::{blocking, connect, TestResult};

/// A spec the launch form accepts, binding the host's root, as JSON (what `berth.launch`
/// holds).
fn root_bind_spec(run: &TestRun, pattern: &str) -> String {
    let (_, spec) = validate(&LaunchRequest {
        image: APP_IMAGE.into(),
        replicas: "1".into(),
        name_pattern: pattern.into(),
        volumes: "/:/host:ro".into(),
        labels: run.label(),
        ..Default::default()
    })
    .unwrap();
    serde_json::to_string(&spec).unwrap()
}

/// `docker create` of one forged member: Berth's labels (and a seal, if given) on a
/// container that really binds the host's `/`, as the spec says.
async fn forge(
    run: &TestRun,
    suffix: &str,
    group: &GroupId,
    replica: u32,
    spec: &str,
    seal: Option<String>,
) -> String {
    let mut labels = vec![
        format!("berth.group={group}"),
        format!("berth.replica={replica}"),
        format!("{LABEL_LAUNCH}={spec}"),
    ];
    if let Some(seal) = seal {
        labels.push(format!("{LABEL_SEAL}={seal}"));
    }
    let mut options: Vec<String> = labels
        .into_iter()
        .flat_map(|l| ["--label".to_string(), l])
        .collect();
    options.extend(["-v".to_string(), "/:/host:ro".to_string()]);
    let run_name = run.name(suffix);
    let run_label = run.label();
    blocking(move || {
        let mut args = vec![
            "create".to_string(),
            "--label".into(),
            run_label,
            "--name".into(),
            run_name,
        ];
        args.extend(options);
        args.push(APP_IMAGE.into());
        docker(&args).unwrap().lines().last().unwrap().to_string()
    })
    .await
}

async fn trust_of(engine: &Engine, group: &GroupId) -> (Option<GroupTrust>, Scaling) {
    let inventory = engine.inventory().await.unwrap();
    let g = inventory
        .groups
        .iter()
        .find(|g| {
            g.reference
                == (GroupRef::Launch {
                    group: group.clone(),
                })
        })
        .unwrap_or_else(|| panic!("no group {group}"));
    (g.trust.clone(), g.scaling)
}

fn scale_to(n: u32) -> ScaleTo {
    ScaleTo::keeping_volumes(Replicas::new(n).unwrap())
}

async fn scale(
    engine: &Engine,
    group: &GroupId,
    to: ScaleTo,
) -> Result<launcher::ScaleOutcome, PlanError> {
    scale_group(
        engine,
        group,
        to,
        Arc::new(Discard),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await
}

/// Launches `replicas` of `image` through the launcher (sealed with this install's key),
/// named `<run>-<suffix>-{n}`.
async fn launch(
    engine: &Engine,
    run: &TestRun,
    image: &str,
    replicas: u32,
    suffix: &str,
) -> GroupId {
    let req = LaunchRequest {
        image: image.into(),
        replicas: replicas.to_string(),
        name_pattern: format!("{}-{{n}}", run.name(suffix)),
        labels: run.label(),
        ..Default::default()
    };
    let plan = plan_launch(engine, &req, &new_group_id()).await.unwrap();
    let outcome = run_launch(
        engine,
        &plan,
        Arc::new(Discard),
        CancellationToken::new(),
        &LaunchOptions::default(),
    )
    .await;
    assert_eq!(outcome.running_ids().len(), replicas as usize);
    plan.group
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_group_is_foreign_never_scaled_or_replayed() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("trust-forged");
    let engine = connect().await?;
    let group = new_group_id();
    let spec = root_bind_spec(&run, &format!("{}-{{n}}", run.name("f")));
    // A seal that looks right but was made with another key.
    let forged_seal = LaunchKey::new([0x5a; 32], []).seal(group.as_str(), &spec);
    forge(&run, "f-1", &group, 1, &spec, Some(forged_seal.clone())).await;
    forge(&run, "f-2", &group, 2, &spec, Some(forged_seal)).await;

    // Shown as not launched by this Berth, with its spec (and the bind of /) for review.
    let inventory = engine.inventory().await?;
    let g = inventory
        .groups
        .iter()
        .find(|g| {
            g.reference
                == (GroupRef::Launch {
                    group: group.clone(),
                })
        })
        .unwrap();
    assert_eq!(
        g.trust,
        Some(GroupTrust::Foreign {
            reason: ForeignReason::WrongSeal
        })
    );
    assert_eq!(g.scaling, Scaling::AdoptFirst);
    let binds: Vec<&str> = g
        .spec
        .as_ref()
        .unwrap()
        .volumes
        .iter()
        .map(|v| v.source.as_str())
        .collect();
    assert_eq!(binds, ["/"]);

    // Not scaled up (its spec is not replayed) and not scaled down (nothing removed).
    let up = scale(&engine, &group, scale_to(3)).await;
    assert!(
        matches!(
            &up,
            Err(PlanError::Foreign {
                reason: ForeignReason::WrongSeal,
                ..
            })
        ),
        "{up:?}"
    );
    let down = scale(&engine, &group, scale_to(1)).await;
    assert!(matches!(&down, Err(PlanError::Foreign { .. })), "{down:?}");
    assert_eq!(group_members(&engine, &group).await?.len(), 2);

    // The tray offers no "Launch another" for it, and a crafted click is refused.
    let status = berth_core::domain::EngineStatus::Connected {
        info: engine.info().clone(),
    };
    let menu = build_tray_menu(&status, Some(&inventory), &[]);
    let mut ids = Vec::new();
    menu_ids(&menu.items, &mut ids);
    let click = TrayId::ScaleUp {
        group: group.clone(),
    }
    .encode();
    assert!(!ids.contains(&click), "{ids:?}");
    let outcome = tray_action(Ok(engine.clone()), &click, &[]).await;
    assert!(
        matches!(&outcome, TrayOutcome::Failed(m) if m.contains("not launched by this Berth")),
        "{outcome:?}"
    );
    // Nothing was created: still the two forged members, and nothing else of this run.
    assert_eq!(group_members(&engine, &group).await?.len(), 2);
    assert_eq!(
        blocking({
            let f = run.filter();
            move || docker(["ps", "-aq", "--filter", &f])
        })
        .await?
        .lines()
        .count(),
        2
    );
    run.cleanup()?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launched_group_is_verified_and_a_copied_seal_on_another_spec_is_not() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("trust-verified");
    let engine = connect().await?;
    let group = launch(&engine, &run, APP_IMAGE, 2, "v").await;
    assert_eq!(
        trust_of(&engine, &group).await,
        (
            Some(GroupTrust::Verified { adopted: false }),
            Scaling::LaunchSpec
        )
    );
    // The tray offers one more of it.
    let inventory = engine.inventory().await?;
    let status = berth_core::domain::EngineStatus::Connected {
        info: engine.info().clone(),
    };
    let mut ids = Vec::new();
    menu_ids(
        &build_tray_menu(&status, Some(&inventory), &[]).items,
        &mut ids,
    );
    assert!(ids.contains(
        &TrayId::ScaleUp {
            group: group.clone()
        }
        .encode()
    ));

    // Another program copies a real member's seal onto a container of the same group that
    // carries another spec (a bind of /): the group stops being trusted.
    let members = group_members(&engine, &group).await?;
    let real_seal = members[0].labels[LABEL_SEAL].clone();
    let evil = root_bind_spec(&run, &format!("{}-{{n}}", run.name("v")));
    forge(&run, "v-9", &group, 9, &evil, Some(real_seal)).await;
    assert_eq!(
        trust_of(&engine, &group).await,
        (
            Some(GroupTrust::Foreign {
                reason: ForeignReason::SpecChanged
            }),
            Scaling::AdoptFirst
        )
    );
    let up = scale(&engine, &group, scale_to(4)).await;
    assert!(matches!(&up, Err(PlanError::Foreign { .. })), "{up:?}");
    // Scaling down removes only what this Berth launched: the forged member (the highest
    // number) stays, and the launched replica 2 goes.
    let down = scale(&engine, &group, scale_to(2))
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(down.removed, [run.name("v-2")]);
    let left: Vec<String> = group_members(&engine, &group)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(left, [run.name("v-1"), run.name("v-9")]);
    run.cleanup()?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adopting_checks_the_spec_and_asks_for_host_binds() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("trust-adopt");
    let engine = connect().await?;
    // The test's own key file, so adoptions are not recorded in this machine's Berth.
    let dir = tempfile::tempdir()?;
    let signer = GroupSigner::load_or_create(dir.path())?;

    // A spec the form would never make (a pattern with {n} twice; one without {n} is an
    // exact name the form now makes for one container): refused, nothing adopted.
    let bad_group = new_group_id();
    let mut bad: serde_json::Value = serde_json::from_str(&root_bind_spec(&run, "x-{n}"))?;
    bad["name_pattern"] = format!("{}-{{n}}-{{n}}", run.name("fixed")).into();
    forge(&run, "bad-1", &bad_group, 1, &bad.to_string(), None).await;
    let r = adopt_group_with(
        &engine,
        &signer,
        &GroupRef::Launch {
            group: bad_group.clone(),
        },
        true,
    )
    .await;
    assert!(matches!(&r, Err(PlanError::Invalid(_))), "{r:?}");
    assert!(signer.key().adopted().is_empty());

    // The form allows binding /, so adoption shows it and needs the user's confirmation.
    let group = new_group_id();
    let spec = root_bind_spec(&run, &format!("{}-{{n}}", run.name("a")));
    forge(&run, "a-1", &group, 1, &spec, None).await;
    let reference = GroupRef::Launch {
        group: group.clone(),
    };
    let r = adopt_group_with(&engine, &signer, &reference, false).await;
    match &r {
        Err(PlanError::ReviewBinds { binds }) => assert_eq!(binds, &["/:/host:ro"]),
        other => panic!("{other:?}"),
    }
    assert!(signer.key().adopted().is_empty());
    let adopted = adopt_group_with(&engine, &signer, &reference, true)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(adopted.binds, ["/:/host:ro"]);
    // Judged with the test's key: verified, as adopted; with the install's key: still not.
    let containers = engine.list_containers().await?;
    let inventory = Inventory::with_key(containers, vec![], Some(signer.key()));
    let g = inventory
        .groups
        .iter()
        .find(|g| g.reference == reference)
        .unwrap();
    assert_eq!(g.trust, Some(GroupTrust::Verified { adopted: true }));
    assert_eq!(g.scaling, Scaling::LaunchSpec);
    // Kept across a restart (the file, mode 0600).
    let again = GroupSigner::load_or_create(dir.path())?;
    assert_eq!(again.key().adopted().len(), 1);
    run.cleanup()?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaling_down_keeps_volumes_unless_asked() -> TestResult {
    blocking(ensure_test_images).await?;
    let run = TestRun::new("trust-volumes");
    let engine = connect().await?;
    // An image with an anonymous volume: `docker rm -v` would take it.
    let image = format!("berth-test/{}:vol", run.id());
    run.build_image(&image, &format!("FROM {APP_IMAGE}\nVOLUME /data\n"))?;
    let group = launch(&engine, &run, &image, 3, "vol").await;
    let volume_of = |name: String| async move {
        blocking(move || {
            docker([
                "inspect",
                "--format",
                "{{range .Mounts}}{{.Name}}{{end}}",
                &name,
            ])
            .unwrap()
        })
        .await
        .trim()
        .to_string()
    };
    let v3 = volume_of(run.name("vol-3")).await;
    let v2 = volume_of(run.name("vol-2")).await;
    assert!(!v3.is_empty() && !v2.is_empty());
    let volume_exists = |v: String| async move {
        blocking(move || docker(["volume", "inspect", &v]).is_ok()).await
    };

    // Default: the replica goes, its volume stays.
    let down = scale(&engine, &group, scale_to(2))
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(down.removed, [run.name("vol-3")]);
    assert!(
        volume_exists(v3.clone()).await,
        "scale-down removed the volume {v3}"
    );
    // Asked: the volume goes with it.
    let to_one = ScaleTo {
        replicas: Replicas::new(1)?,
        remove_volumes: true,
    };
    let down = scale(&engine, &group, to_one)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(down.removed, [run.name("vol-2")]);
    assert!(
        !volume_exists(v2.clone()).await,
        "the volume {v2} was kept although asked"
    );

    run.cleanup()?;
    blocking(move || docker(["volume", "rm", &v3])).await?;
    Ok(())
}

/// Ids, names and references that would leave their path segment if put in an engine URL.
const HOSTILE: &[&str] = &[
    "../../containers/x/kill",
    "a?force=1",
    "x#y",
    "a%2F..",
    "name\nGET /v1.41/containers/x/kill HTTP/1.1",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_ids_and_references_reach_no_endpoint() -> TestResult {
    use berth_core::domain::actions::ContainerAction;
    use berth_core::domain::logs::LogRequest;
    use berth_core::domain::reference::ImageRef;
    use berth_core::services::actions::{rename, run_action};
    use futures_util::StreamExt;

    let proxy = EngineProxy::new()?;
    proxy.start()?;
    let engine = Engine::connect(&Endpoint::new(
        proxy.docker_host(),
        EndpointSource::Settings,
    ))
    .await?;
    proxy.clear_requests();

    let refused = |r: Result<(), EngineError>| {
        assert!(
            matches!(r, Err(EngineError::InvalidArgument { .. })),
            "{r:?}"
        );
    };
    let targets: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    for action in [
        ContainerAction::Kill,
        ContainerAction::Stop,
        ContainerAction::Remove {
            force: true,
            volumes: true,
        },
    ] {
        for result in run_action(&engine, &targets, action).await {
            assert!(result.error.is_some(), "{result:?}");
        }
    }
    for bad in HOSTILE {
        // Renaming checks the new name itself first (a form error); either way, refused.
        assert!(rename(&engine, bad, "fine-name").await.is_err());
        assert!(rename(&engine, "fine-name", bad).await.is_err());
        refused(engine.inspect_container(bad).await.map(drop));
        refused(engine.stats_once(bad).await.map(drop));
        refused(engine.writable_layer(bad).await.map(drop));
        refused(engine.exec(bad, vec!["true".into()]).await.map(drop));
        let req = LogRequest {
            tail: Some(1),
            timestamps: false,
            follow: false,
        };
        let first = engine.logs(bad, &req).next().await;
        assert!(
            matches!(first, Some(Err(EngineError::InvalidArgument { .. }))),
            "{first:?}"
        );
        refused(engine.image_history(bad).await.map(drop));
        refused(engine.remove_image(bad, true).await.map(drop));
        refused(engine.local_image_id(bad).await.map(drop));
        refused(
            engine
                .tag_image(bad, &ImageRef::parse("berth-test/x:1").unwrap())
                .await,
        );
        refused(engine.remove_service(bad).await);
        refused(engine.scale_service(bad, 2).await);
        // The launch dialog: a form error, never a request about the image.
        let preview = launcher::preview_launch(
            &engine,
            &LaunchRequest {
                image: bad.to_string(),
                replicas: "1".into(),
                ..Default::default()
            },
            &new_group_id(),
        )
        .await?;
        assert!(!preview.errors.is_empty(), "{bad:?}: {preview:?}");
        // A hostile group id: found by a label filter (an encoded query), never a path.
        let r = scale(&engine, &GroupId::new(*bad), scale_to(2)).await;
        assert!(r.is_err(), "{r:?}");
    }

    // Only listings went out: no request names a container, image or service by path.
    let requests = proxy.requests();
    assert!(!requests.is_empty(), "the proxy recorded nothing at all");
    for line in &requests {
        let path = line.split(' ').nth(1).unwrap_or_default();
        let path = path.split('?').next().unwrap_or_default();
        let listing = [
            "/containers/json",
            "/images/json",
            "/_ping",
            "/version",
            "/info",
        ]
        .iter()
        .any(|end| path.ends_with(end));
        assert!(
            line.starts_with("GET ") && listing,
            "a request reached the engine: {line}"
        );
        assert!(!line.contains("kill") && !path.contains(".."), "{line}");
    }
    proxy.stop().await;
    Ok(())
}
