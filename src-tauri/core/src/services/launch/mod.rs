//! The launcher, by concern: [`plan`] (validate, plan names, ports and the pull, preview),
//! [`run`] (parallel create+start with progress, cancel and rollback) and [`groups`]
//! (members, scaling, group actions, removing what a launch made); [`quit`] is quitting
//! while launches run (finish or roll back, never half a group).

pub mod groups;
pub mod key;
pub mod plan;
pub mod quit;
pub mod run;

pub use groups::{
    adopt_group, adopt_group_with, group_action, group_action_with, group_members, remove_launched,
    replayable_spec, scale_group, AdoptOutcome, GroupAction, ScaleOutcome, ScaleTo,
};
pub use plan::{
    is_group_id, new_group_id, plan_launch, prepare_launch, preview_launch, pull_for_missing,
    LaunchPreview, PlanError, PlannedPull, ReplicaPreview,
};
pub use run::{launch, run_launch, LaunchOptions, LaunchOutcome, ReplicaPhase, ReplicaProgress};
