//! Groups of containers. A group is "the containers matching a label selector": Berth's launch
//! groups (`berth.group`), Compose projects and Compose services all come from labels, never
//! from container names (Compose v1 names `project_service_1`, v2 `project-service-1`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ids::{ContainerId, GroupId};
use super::launch::plan::{replica_number, spec_from_labels};
use super::launch::seal::{ForeignReason, GroupTrust, LaunchKey};
use super::launch::{BerthLabel, LaunchSpec};
use super::ContainerSummary;

/// The labels Docker Compose (v1 and v2) puts on the containers it makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ComposeLabel {
    #[serde(rename = "com.docker.compose.project")]
    Project,
    #[serde(rename = "com.docker.compose.service")]
    Service,
    /// `True` on `docker compose run` containers: not members of their service.
    #[serde(rename = "com.docker.compose.oneoff")]
    Oneoff,
    /// The replica's number within its service.
    #[serde(rename = "com.docker.compose.container-number")]
    ContainerNumber,
}

impl ComposeLabel {
    pub const ALL: [Self; 4] = [
        Self::Project,
        Self::Service,
        Self::Oneoff,
        Self::ContainerNumber,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Self::Project => "com.docker.compose.project",
            Self::Service => "com.docker.compose.service",
            Self::Oneoff => "com.docker.compose.oneoff",
            Self::ContainerNumber => "com.docker.compose.container-number",
        }
    }
}

/// Which containers belong: every `has` key present, every `equal` pair present, and no
/// `not_equal` pair present (Compose marks one-off containers with a label, not by absence).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LabelSelector {
    pub has: Vec<String>,
    pub equal: BTreeMap<String, String>,
    pub not_equal: BTreeMap<String, String>,
}

impl LabelSelector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.has.iter().all(|k| labels.contains_key(k))
            && self.equal.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.not_equal.iter().all(|(k, v)| labels.get(k) != Some(v))
    }

    fn equal<const N: usize>(pairs: [(&str, &str); N]) -> Self {
        Self {
            equal: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Self::default()
        }
    }
}

/// What kind of group, as the UI labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GroupKind {
    /// Replicas of one Berth launch (`berth.group`).
    Launch,
    /// Every container of a Compose project.
    ComposeProject,
    /// The containers of one service of a Compose project (one-off `run` containers excluded).
    ComposeService,
}

/// Names one group of any kind: what group actions take. A launch group by its id, Compose
/// groups by project (and service).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum GroupRef {
    Launch { group: GroupId },
    ComposeProject { project: String },
    ComposeService { project: String, service: String },
}

impl GroupRef {
    pub fn kind(&self) -> GroupKind {
        match self {
            Self::Launch { .. } => GroupKind::Launch,
            Self::ComposeProject { .. } => GroupKind::ComposeProject,
            Self::ComposeService { .. } => GroupKind::ComposeService,
        }
    }

    /// The selector that finds this group's members.
    pub fn selector(&self) -> LabelSelector {
        match self {
            Self::Launch { group } => {
                LabelSelector::equal([(BerthLabel::Group.key(), group.as_str())])
            }
            Self::ComposeProject { project } => {
                LabelSelector::equal([(ComposeLabel::Project.key(), project.as_str())])
            }
            Self::ComposeService { project, service } => LabelSelector {
                not_equal: [(ComposeLabel::Oneoff.key().to_string(), "True".to_string())].into(),
                ..LabelSelector::equal([
                    (ComposeLabel::Project.key(), project.as_str()),
                    (ComposeLabel::Service.key(), service.as_str()),
                ])
            },
        }
    }

    /// A key unique across kinds and stable while the group exists (list keys, UI state).
    pub fn key(&self) -> String {
        match self {
            Self::Launch { group } => format!("launch:{group}"),
            Self::ComposeProject { project } => format!("compose:{project}"),
            Self::ComposeService { project, service } => format!("compose:{project}/{service}"),
        }
    }
}

/// Whether and how a group can be scaled from Berth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Scaling {
    /// `scale_group`: up launches more from the group's `berth.launch` spec, down removes
    /// the highest-numbered replicas.
    LaunchSpec,
    /// Not by `scale_group`: a Compose service is scaled by its CLI (`up -d --scale`), from
    /// the Compose view.
    NotScalable,
    /// A launch group this Berth did not launch: review its spec and adopt it first.
    AdoptFirst,
}

/// One group as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Group {
    pub kind: GroupKind,
    /// What to pass to the group actions.
    pub reference: GroupRef,
    /// Unique across kinds: `launch:<id>`, `compose:<project>`, `compose:<project>/<service>`.
    pub key: String,
    /// A launch group's name pattern (its id when unknown); a project's or service's name.
    pub name: String,
    /// The image of a launch group's spec (else of its first member); empty for a project
    /// whose members run different images.
    pub image: String,
    pub selector: LabelSelector,
    /// Launch groups by replica number, Compose groups by container number, then by name.
    pub members: Vec<ContainerId>,
    pub running: u32,
    pub total: u32,
    pub scaling: Scaling,
    /// A launch group's spec, read from its `berth.launch` label: for review when the group
    /// is foreign (anyone can write that label).
    pub spec: Option<LaunchSpec>,
    /// A launch group's standing: launched (or adopted) by this Berth, or foreign and why.
    /// `None` for Compose groups, which Berth does not scale or replay. Optional in
    /// TypeScript only so that UI fixtures written before it still type-check.
    #[ts(optional = nullable)]
    pub trust: Option<GroupTrust>,
}

fn number(c: &ContainerSummary, kind: GroupKind) -> u32 {
    let n = match kind {
        GroupKind::Launch => replica_number(&c.labels),
        _ => c
            .labels
            .get(ComposeLabel::ContainerNumber.key())
            .and_then(|n| n.parse().ok()),
    };
    n.unwrap_or(u32::MAX)
}

fn group_of(reference: GroupRef, all: &[ContainerSummary], key: Option<&LaunchKey>) -> Group {
    let selector = reference.selector();
    let kind = reference.kind();
    let mut members: Vec<&ContainerSummary> =
        all.iter().filter(|c| selector.matches(&c.labels)).collect();
    members.sort_by(|a, b| {
        number(a, kind)
            .cmp(&number(b, kind))
            .then_with(|| a.name.cmp(&b.name))
    });
    let spec = match kind {
        GroupKind::Launch => members.iter().find_map(|c| spec_from_labels(&c.labels)),
        _ => None,
    };
    let trust = (kind == GroupKind::Launch).then(|| match key {
        Some(key) => key.group_trust(members.iter().map(|c| &c.labels)),
        None => GroupTrust::Foreign {
            reason: ForeignReason::NoKey,
        },
    });
    let first_image = members
        .first()
        .map(|c| c.image.as_str())
        .unwrap_or_default();
    // A launch group shows its first member's image when the spec is unreadable (as the
    // groups view did); a project of several images shows none.
    let image = match &spec {
        Some(s) => s.image.clone(),
        None if kind == GroupKind::Launch || members.iter().all(|c| c.image == first_image) => {
            first_image.to_string()
        }
        None => String::new(),
    };
    let name = match &reference {
        GroupRef::Launch { group } => spec
            .as_ref()
            .map(|s| s.name_pattern.clone())
            .unwrap_or_else(|| group.to_string()),
        GroupRef::ComposeProject { project } => project.clone(),
        GroupRef::ComposeService { service, .. } => service.clone(),
    };
    Group {
        kind,
        key: reference.key(),
        scaling: match (kind, &trust) {
            (GroupKind::Launch, Some(t)) if t.is_verified() => Scaling::LaunchSpec,
            (GroupKind::Launch, _) => Scaling::AdoptFirst,
            _ => Scaling::NotScalable,
        },
        reference,
        name,
        image,
        selector,
        running: members.iter().filter(|c| c.state.is_up()).count() as u32,
        total: members.len() as u32,
        members: members.iter().map(|c| ContainerId::new(&c.id)).collect(),
        spec,
        trust,
    }
}

/// Every group the containers form: launch groups by image then id (as the groups view
/// listed them), then each Compose project by name followed by its services by name.
/// Launch groups are judged with `key` (none: every launch group is foreign).
pub fn find_groups(containers: &[ContainerSummary], key: Option<&LaunchKey>) -> Vec<Group> {
    let mut launch: Vec<Group> = containers
        .iter()
        .filter_map(|c| c.labels.get(BerthLabel::Group.key()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|id| {
            group_of(
                GroupRef::Launch {
                    group: GroupId::new(id),
                },
                containers,
                key,
            )
        })
        .collect();
    launch.sort_by(|a, b| a.image.cmp(&b.image).then_with(|| a.key.cmp(&b.key)));
    let mut projects: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for c in containers {
        let Some(project) = c.labels.get(ComposeLabel::Project.key()) else {
            continue;
        };
        let services = projects.entry(project).or_default();
        let oneoff = c.labels.get(ComposeLabel::Oneoff.key()).map(String::as_str) == Some("True");
        if let (Some(service), false) = (c.labels.get(ComposeLabel::Service.key()), oneoff) {
            services.insert(service);
        }
    }
    let mut groups = launch;
    for (project, services) in projects {
        groups.push(group_of(
            GroupRef::ComposeProject {
                project: project.to_string(),
            },
            containers,
            key,
        ));
        for service in services {
            groups.push(group_of(
                GroupRef::ComposeService {
                    project: project.to_string(),
                    service: service.to_string(),
                },
                containers,
                key,
            ));
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContainerState;

    fn container(
        id: &str,
        name: &str,
        labels: &[(&str, &str)],
        state: ContainerState,
    ) -> ContainerSummary {
        ContainerSummary {
            id: id.into(),
            short_id: id.into(),
            name: name.into(),
            image: "img:1".into(),
            image_id: "sha256:x".into(),
            command: String::new(),
            state,
            status: String::new(),
            ports: vec![],
            created: 0,
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn ids(g: &Group) -> Vec<&str> {
        g.members.iter().map(ContainerId::as_str).collect()
    }

    const P: &str = "com.docker.compose.project";
    const S: &str = "com.docker.compose.service";
    const N: &str = "com.docker.compose.container-number";
    const ONEOFF: &str = "com.docker.compose.oneoff";

    #[test]
    fn launch_groups_are_found_by_label_with_members_by_replica_and_their_spec() {
        let (_, spec) = crate::domain::launch::validate(&crate::domain::launch::LaunchRequest {
            image: "busybox:1".into(),
            replicas: "1".into(),
            name_pattern: "web-{n}".into(),
            ..Default::default()
        })
        .unwrap();
        let spec = &serde_json::to_string(&spec).unwrap();
        let key = LaunchKey::new([3; 32], []);
        let seal = &key.seal("g1", spec);
        let all = vec![
            container(
                "c10",
                "web-10",
                &[
                    ("berth.group", "g1"),
                    ("berth.replica", "10"),
                    ("berth.launch", spec),
                    ("berth.seal", seal),
                ],
                ContainerState::Running,
            ),
            container(
                "c2",
                "web-2",
                &[
                    ("berth.group", "g1"),
                    ("berth.replica", "2"),
                    ("berth.launch", spec),
                    ("berth.seal", seal),
                ],
                ContainerState::Exited,
            ),
            container(
                "c9",
                "other-1",
                &[("berth.group", "a0"), ("berth.replica", "1")],
                ContainerState::Paused,
            ),
            container("loose", "loose", &[], ContainerState::Running),
        ];
        let groups = find_groups(&all, Some(&key));
        assert_eq!(groups.len(), 2);
        // By image ("busybox:1" < "img:1"), then id.
        let g = &groups[0];
        assert_eq!(g.kind, GroupKind::Launch);
        assert_eq!(
            g.reference,
            GroupRef::Launch {
                group: GroupId::new("g1")
            }
        );
        assert_eq!(g.key, "launch:g1");
        assert_eq!(g.name, "web-{n}");
        assert_eq!(g.image, "busybox:1");
        assert_eq!(ids(g), ["c2", "c10"]);
        assert_eq!((g.running, g.total), (1, 2));
        assert_eq!(g.scaling, Scaling::LaunchSpec);
        assert_eq!(g.trust, Some(GroupTrust::Verified { adopted: false }));
        assert_eq!(
            g.spec.as_ref().map(|s| s.name_pattern.as_str()),
            Some("web-{n}")
        );
        // No readable spec: named by its id, image from its member.
        let g = &groups[1];
        assert_eq!(
            (g.name.as_str(), g.image.as_str(), g.spec.is_none()),
            ("a0", "img:1", true)
        );
        assert_eq!((g.running, g.total), (1, 1));
        // Unsealed: foreign, and not scalable until adopted.
        assert_eq!(
            g.trust,
            Some(GroupTrust::Foreign {
                reason: ForeignReason::NoSeal
            })
        );
        assert_eq!(g.scaling, Scaling::AdoptFirst);
        // Another install's key (or none) trusts nothing.
        let other = LaunchKey::new([4; 32], []);
        for groups in [find_groups(&all, Some(&other)), find_groups(&all, None)] {
            assert!(groups
                .iter()
                .all(|g| !g.trust.as_ref().unwrap().is_verified()));
        }
    }

    #[test]
    fn compose_projects_and_services_come_from_labels_not_names() {
        let all = vec![
            // Compose v1 names...
            container(
                "v1db",
                "shop_db_1",
                &[(P, "shop"), (S, "db"), (N, "1")],
                ContainerState::Running,
            ),
            container(
                "v1web2",
                "shop_web_2",
                &[(P, "shop"), (S, "web"), (N, "2")],
                ContainerState::Running,
            ),
            container(
                "v1web1",
                "shop_web_1",
                &[(P, "shop"), (S, "web"), (N, "1")],
                ContainerState::Exited,
            ),
            // ...v2 names, and a name that looks like a project but has no labels.
            container(
                "v2api",
                "blog-api-1",
                &[(P, "blog"), (S, "api"), (N, "1")],
                ContainerState::Running,
            ),
            container(
                "run",
                "blog-api-run-1f2e",
                &[(P, "blog"), (S, "api"), (ONEOFF, "True")],
                ContainerState::Running,
            ),
            container("fake", "blog-api-2", &[], ContainerState::Running),
        ];
        let groups = find_groups(&all, None);
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "compose:blog",
                "compose:blog/api",
                "compose:shop",
                "compose:shop/db",
                "compose:shop/web"
            ]
        );
        let blog = &groups[0];
        assert_eq!(blog.kind, GroupKind::ComposeProject);
        assert_eq!(ids(blog), ["v2api", "run"]);
        let api = &groups[1];
        assert_eq!(api.kind, GroupKind::ComposeService);
        assert_eq!(api.name, "api");
        // The one-off `run` container is not a member of its service.
        assert_eq!(ids(api), ["v2api"]);
        let web = &groups[4];
        assert_eq!(ids(web), ["v1web1", "v1web2"]);
        assert_eq!((web.running, web.total), (1, 2));
        assert!(groups
            .iter()
            .all(|g| g.scaling == Scaling::NotScalable && g.spec.is_none() && g.trust.is_none()));
        assert_eq!(
            web.reference,
            GroupRef::ComposeService {
                project: "shop".into(),
                service: "web".into()
            }
        );
    }

    #[test]
    fn a_selector_needs_every_key_and_pair_and_none_of_the_excluded() {
        let sel = LabelSelector {
            has: vec!["a".into()],
            equal: [("b".to_string(), "1".to_string())].into(),
            not_equal: [("c".to_string(), "True".to_string())].into(),
        };
        let labels = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert!(sel.matches(&labels(&[("a", ""), ("b", "1")])));
        assert!(sel.matches(&labels(&[("a", "x"), ("b", "1"), ("c", "False")])));
        assert!(!sel.matches(&labels(&[("b", "1")])));
        assert!(!sel.matches(&labels(&[("a", ""), ("b", "2")])));
        assert!(!sel.matches(&labels(&[("a", ""), ("b", "1"), ("c", "True")])));
    }

    #[test]
    fn references_keep_their_json_shape() {
        let r = GroupRef::ComposeService {
            project: "p".into(),
            service: "s".into(),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"kind":"compose_service","project":"p","service":"s"}"#
        );
        for label in ComposeLabel::ALL {
            assert_eq!(
                serde_json::to_string(&label).unwrap(),
                format!("\"{}\"", label.key())
            );
        }
    }
}
