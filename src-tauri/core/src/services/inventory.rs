//! The inventory the window and the tray show, re-read after an engine event by what the
//! event names rather than all of it: with 1,000 containers a full listing costs the engine
//! about half a second, while one container costs a few milliseconds (issue #17).
//!
//! The watcher records what each event names ([`InventoryCache::record`]); a refresh
//! ([`super::EngineHub::inventory`]) takes that record and re-lists only those containers
//! into the listing it kept. Anything the record cannot attribute, too many changes, a new
//! connection (events may have been missed while it was down) or an old kept listing (the
//! status texts, "Up 2 minutes", age without events) makes it list everything again.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::domain::{ContainerSummary, ImageSummary, Inventory};
use crate::engine::{Engine, EngineError, EngineEvent, EventKind};

/// More changed containers than this are listed all at once: one filtered request with
/// hundreds of IDs is no cheaper than the full listing, and the record stays small.
pub const MAX_TRACKED: usize = 64;
/// A kept listing older than this is read again in full: the status texts of the rows no
/// event touched ("Up 2 minutes", "Exited (0) 5 minutes ago") are otherwise left behind.
pub const FULL_AFTER: Duration = Duration::from_secs(60);

/// What changed since the last listing, as the engine's events named it.
#[derive(Debug, Default)]
struct Changes {
    /// Bumped on every new connection: a kept listing of another epoch is another engine's
    /// (or missed events while the connection was down).
    epoch: u64,
    /// Something no smaller re-read covers: list everything.
    everything: bool,
    /// Containers to re-read (at most [`MAX_TRACKED`]).
    containers: HashSet<String>,
}

impl Changes {
    fn container(&mut self, id: &str) {
        if self.everything {
            return;
        }
        if id.is_empty() {
            self.everything = true;
            return;
        }
        self.containers.insert(id.to_string());
        if self.containers.len() > MAX_TRACKED {
            self.all();
        }
    }

    fn all(&mut self) {
        self.everything = true;
        self.containers.clear();
    }

    fn record(&mut self, event: &EngineEvent) {
        if !event.changes_inventory() {
            return;
        }
        match event.kind {
            EventKind::Container => self.container(&event.actor_id),
            // A tag that moves (`docker tag`, a pull) changes how other images' containers
            // are shown (by ID instead of by name), which no image event names: images
            // are rare events next to containers, so they re-read everything.
            EventKind::Image => self.all(),
            // Connecting or disconnecting names its container; the lists show neither
            // volumes nor networks otherwise.
            EventKind::Network => {
                if let Some(id) = event.attributes.get("container") {
                    self.container(id);
                }
            }
            EventKind::Volume => {}
        }
    }
}

/// What one refresh reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Every container and image.
    Full,
    /// Only these containers; the images kept are still right.
    Containers(Vec<String>),
    /// Nothing changed since the kept listing.
    Unchanged,
}

/// The last listing, kept to apply the next changes to.
#[derive(Debug)]
struct Kept {
    epoch: u64,
    /// When its full listing was made.
    full_at: Instant,
    containers: Vec<ContainerSummary>,
    images: Vec<ImageSummary>,
}

/// How the refreshes so far were made (for tests and the scale benchmark).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Listings {
    pub full: u64,
    pub partial: u64,
    pub unchanged: u64,
}

/// Held by the [`super::EngineHub`]: the record of changes, written by the watcher without
/// waiting, and the kept listing, which one refresh at a time reads and updates.
#[derive(Debug, Default)]
pub struct InventoryCache {
    changes: Mutex<Changes>,
    kept: tokio::sync::Mutex<Option<Kept>>,
    listings: Mutex<Listings>,
}

impl InventoryCache {
    /// The watcher saw `event`.
    pub fn record(&self, event: &EngineEvent) {
        self.lock_changes().record(event);
    }

    /// A new connection: whatever was kept may be stale or another engine's. Runs `swap`
    /// (which installs the engine) under the record's lock, so a refresh never pairs the new
    /// epoch with the old engine.
    pub(super) fn new_connection(&self, swap: impl FnOnce()) {
        let mut changes = self.lock_changes();
        swap();
        changes.epoch = changes.epoch.wrapping_add(1);
        changes.all();
    }

    pub fn listings(&self) -> Listings {
        *self.listings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_changes(&self) -> std::sync::MutexGuard<'_, Changes> {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Re-reads what changed from the engine `current` gives (called under the record's lock,
    /// so the engine and the epoch belong together) and returns the whole inventory.
    pub(super) async fn refresh(
        &self,
        current: impl FnOnce() -> Result<Engine, EngineError>,
    ) -> Result<Inventory, EngineError> {
        // One refresh at a time: two callers at once (the window and the tray) would otherwise
        // race to apply their reads, the older one last.
        let mut kept = self.kept.lock().await;
        let (engine, epoch, taken) = {
            let mut changes = self.lock_changes();
            let engine = current()?;
            // Taken before the listing: an event that arrives while it runs stays in the
            // record for the next refresh, even if this listing already saw its effect.
            let taken = std::mem::take(&mut changes.containers);
            let everything = std::mem::take(&mut changes.everything);
            (engine, changes.epoch, (everything, taken))
        };
        let plan = plan(kept.as_ref(), epoch, taken.0, &taken.1, Instant::now());
        let read = match (&plan, kept.take()) {
            (Plan::Containers(ids), Some(mut base)) => {
                engine.containers_by_id(ids).await.map(|fresh| {
                    base.containers = apply(std::mem::take(&mut base.containers), ids, fresh);
                    base
                })
            }
            (Plan::Unchanged, Some(base)) => Ok(base),
            // `plan` only chooses the others with a kept listing: a full one otherwise.
            _ => tokio::try_join!(engine.list_containers(), engine.list_images()).map(
                |(containers, images)| Kept {
                    epoch,
                    full_at: Instant::now(),
                    containers,
                    images,
                },
            ),
        };
        let next = match read {
            Ok(next) => next,
            Err(e) => {
                // Nothing read: what was taken goes back, and the next refresh starts over.
                *kept = None;
                self.lock_changes().all();
                return Err(e);
            }
        };
        {
            let mut listings = self.listings.lock().unwrap_or_else(PoisonError::into_inner);
            match plan {
                Plan::Full => listings.full += 1,
                Plan::Containers(_) => listings.partial += 1,
                Plan::Unchanged => listings.unchanged += 1,
            }
        }
        let inventory = Inventory::new(next.containers.clone(), next.images.clone());
        *kept = Some(next);
        Ok(inventory)
    }
}

/// What a refresh must read, given what it kept and what changed.
fn plan(
    kept: Option<&Kept>,
    epoch: u64,
    everything: bool,
    changed: &HashSet<String>,
    now: Instant,
) -> Plan {
    match kept {
        Some(k)
            if k.epoch == epoch && !everything && now.duration_since(k.full_at) < FULL_AFTER =>
        {
            if changed.is_empty() {
                Plan::Unchanged
            } else {
                let mut ids: Vec<String> = changed.iter().cloned().collect();
                ids.sort();
                Plan::Containers(ids)
            }
        }
        _ => Plan::Full,
    }
}

/// The kept rows with the re-read ones in place: `changed` were asked for, `fresh` is what
/// the engine answered (a changed ID it did not return is gone). New containers go first,
/// as the engine lists the newest first.
fn apply(
    kept: Vec<ContainerSummary>,
    changed: &[String],
    fresh: Vec<ContainerSummary>,
) -> Vec<ContainerSummary> {
    let changed: HashSet<&str> = changed.iter().map(String::as_str).collect();
    let mut fresh: Vec<Option<ContainerSummary>> = fresh
        .into_iter()
        // The engine's `id` filter matches prefixes: keep only what was asked for.
        .filter(|c| changed.contains(c.id.as_str()))
        .map(Some)
        .collect();
    let mut take = |id: &str| {
        fresh
            .iter_mut()
            .find(|c| c.as_ref().is_some_and(|c| c.id == id))
            .and_then(Option::take)
    };
    let mut out: Vec<ContainerSummary> = Vec::with_capacity(kept.len() + 1);
    let mut rest = Vec::with_capacity(kept.len());
    for row in kept {
        if changed.contains(row.id.as_str()) {
            // Replaced by its fresh row, or dropped if the engine no longer has it.
            if let Some(new) = take(&row.id) {
                rest.push(new);
            }
        } else {
            rest.push(row);
        }
    }
    let mut new: Vec<ContainerSummary> = fresh.into_iter().flatten().collect();
    new.sort_by_key(|c| std::cmp::Reverse(c.created));
    out.extend(new);
    out.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::HashMap;

    use super::*;
    use crate::domain::ContainerState;

    fn row(id: &str, name: &str, created: i64) -> ContainerSummary {
        ContainerSummary {
            id: id.into(),
            short_id: id.into(),
            name: name.into(),
            image: "busybox".into(),
            image_id: "sha256:b".into(),
            command: "true".into(),
            state: ContainerState::Created,
            status: "Created".into(),
            ports: vec![],
            created,
            labels: Default::default(),
        }
    }

    fn event(kind: EventKind, action: &str, id: &str) -> EngineEvent {
        EngineEvent {
            kind,
            action: action.into(),
            detail: String::new(),
            actor_id: id.into(),
            attributes: HashMap::new(),
        }
    }

    fn kept(epoch: u64) -> Kept {
        Kept {
            epoch,
            full_at: Instant::now(),
            containers: vec![],
            images: vec![],
        }
    }

    #[test]
    fn renamed_rows_are_replaced_removed_ones_dropped_and_new_ones_go_first() {
        let old = vec![row("a", "a", 3), row("b", "b", 2), row("c", "c", 1)];
        let fresh = vec![
            row("b", "b-renamed", 2),
            row("d", "d", 4),
            row("bb", "x", 5),
        ];
        let changed = ["b".to_string(), "c".into(), "d".into()];
        let names: Vec<String> = apply(old, &changed, fresh)
            .into_iter()
            .map(|c| c.name)
            .collect();
        // "bb" answered the prefix filter for "b" but was not asked for.
        assert_eq!(names, ["d", "a", "b-renamed"]);
    }

    #[test]
    fn container_events_are_tracked_by_id_and_others_list_everything() {
        let mut c = Changes::default();
        c.record(&event(EventKind::Container, "rename", "c1"));
        c.record(&event(EventKind::Container, "exec_start", "c2"));
        c.record(&event(EventKind::Volume, "create", "v"));
        assert_eq!(c.containers, HashSet::from(["c1".to_string()]));
        assert!(!c.everything);
        let mut connect = event(EventKind::Network, "connect", "n");
        connect.attributes.insert("container".into(), "c3".into());
        c.record(&connect);
        assert!(c.containers.contains("c3"));
        c.record(&event(EventKind::Image, "tag", "sha256:i"));
        assert!(c.everything && c.containers.is_empty());
        let mut c = Changes::default();
        c.record(&event(EventKind::Container, "start", ""));
        assert!(
            c.everything,
            "an event without an actor cannot be attributed"
        );
    }

    #[test]
    fn the_record_is_bounded() {
        let mut c = Changes::default();
        for i in 0..=MAX_TRACKED {
            c.record(&event(EventKind::Container, "create", &format!("c{i}")));
        }
        assert!(c.everything);
        assert!(c.containers.is_empty());
        c.record(&event(EventKind::Container, "create", "more"));
        assert!(c.containers.is_empty());
    }

    #[test]
    fn plans_list_everything_unless_a_fresh_listing_of_this_connection_is_kept() {
        let now = Instant::now();
        let ids = HashSet::from(["x".to_string()]);
        let none = HashSet::new();
        assert_eq!(plan(None, 0, false, &ids, now), Plan::Full);
        assert_eq!(plan(Some(&kept(0)), 1, false, &ids, now), Plan::Full);
        assert_eq!(plan(Some(&kept(1)), 1, true, &ids, now), Plan::Full);
        assert_eq!(
            plan(Some(&kept(1)), 1, false, &ids, now),
            Plan::Containers(vec!["x".into()])
        );
        assert_eq!(plan(Some(&kept(1)), 1, false, &none, now), Plan::Unchanged);
        let old = kept(1);
        assert_eq!(
            plan(Some(&old), 1, false, &ids, old.full_at + FULL_AFTER),
            Plan::Full
        );
    }

    #[test]
    fn a_new_connection_lists_everything() {
        let cache = InventoryCache::default();
        cache.record(&event(EventKind::Container, "rename", "c1"));
        let mut swapped = false;
        cache.new_connection(|| swapped = true);
        let c = cache.lock_changes();
        assert!(swapped && c.everything && c.containers.is_empty());
        assert_eq!(c.epoch, 1);
    }
}
