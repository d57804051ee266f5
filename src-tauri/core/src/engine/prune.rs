//! Cleanup: a preview computed from the inventory, then the engine's own prune.

use std::collections::HashMap;

use bollard::query_parameters::{
    ListContainersOptionsBuilder, ListImagesOptionsBuilder, PruneContainersOptionsBuilder,
    PruneImagesOptionsBuilder,
};

use super::list::{container_from_api, image_from_api};
use super::{Engine, EngineError};
use crate::domain::prune::{plan_prune, PrunePreview, PruneReport, PruneRequest};

impl Engine {
    /// What `req` would remove now. `label` (`key=value`) narrows everything to objects
    /// carrying it (the tests use it so they never touch anything else).
    pub async fn prune_preview(
        &self,
        req: PruneRequest,
        label: Option<&str>,
    ) -> Result<PrunePreview, EngineError> {
        let mut filters: HashMap<&str, Vec<&str>> = HashMap::new();
        if let Some(l) = label {
            filters.insert("label", vec![l]);
        }
        // Containers are listed unfiltered: any container holds its image, labelled or not.
        let containers_opts = ListContainersOptionsBuilder::default()
            .all(true)
            .size(true)
            .build();
        let images_opts = ListImagesOptionsBuilder::default()
            .all(false)
            .filters(&filters)
            .build();
        let (raw_containers, raw_images) = tokio::try_join!(
            async {
                self.docker
                    .list_containers(Some(containers_opts))
                    .await
                    .map_err(|e| self.map_err(e))
            },
            async {
                self.docker
                    .list_images(Some(images_opts))
                    .await
                    .map_err(|e| self.map_err(e))
            }
        )?;
        let sizes: HashMap<String, u64> = raw_containers
            .iter()
            .filter_map(|c| Some((c.id.clone()?, u64::try_from(c.size_rw?).ok()?)))
            .collect();
        let all: Vec<_> = raw_containers
            .into_iter()
            .filter_map(container_from_api)
            .collect();
        let in_scope = |labels: &std::collections::BTreeMap<String, String>| match label {
            None => true,
            Some(l) => {
                let (k, v) = l.split_once('=').unwrap_or((l, ""));
                labels.get(k).is_some_and(|have| have == v)
            }
        };
        let images: Vec<_> = raw_images.into_iter().map(image_from_api).collect();
        let size_of = |id: &str| sizes.get(id).copied().unwrap_or_default();
        let mut preview = plan_prune(req, &all, &size_of, &images);
        preview.scope = label.map(str::to_string);
        preview.commands = req.commands_scoped(label);
        // Out-of-scope containers still hold their images (done above); drop them from the list.
        let scoped: std::collections::HashSet<&str> = all
            .iter()
            .filter(|c| in_scope(&c.labels))
            .map(|c| c.id.as_str())
            .collect();
        preview
            .containers
            .retain(|c| scoped.contains(c.id.as_str()));
        preview.reclaimable = preview.containers.iter().map(|c| c.size).sum::<u64>()
            + preview.images.iter().map(|i| i.size).sum::<u64>();
        Ok(preview)
    }

    /// Runs the prune and reports what the engine removed (which may differ from a preview
    /// taken earlier). Containers go first, so the images they held can go too.
    pub async fn prune(
        &self,
        req: PruneRequest,
        label: Option<&str>,
    ) -> Result<PruneReport, EngineError> {
        let mut report = PruneReport {
            containers_deleted: Vec::new(),
            images_deleted: Vec::new(),
            images_untagged: Vec::new(),
            space_reclaimed: 0,
            commands: req.commands_scoped(label),
        };
        let mut filters: HashMap<&str, Vec<&str>> = HashMap::new();
        if let Some(l) = label {
            filters.insert("label", vec![l]);
        }
        if req.containers {
            let options = PruneContainersOptionsBuilder::default()
                .filters(&filters)
                .build();
            let r = self
                .docker
                .prune_containers(Some(options))
                .await
                .map_err(|e| self.map_err(e))?;
            report.containers_deleted = r.containers_deleted.unwrap_or_default();
            report.space_reclaimed +=
                u64::try_from(r.space_reclaimed.unwrap_or_default()).unwrap_or_default();
        }
        if req.dangling_images || req.unused_images {
            let dangling = if req.unused_images { "false" } else { "true" };
            filters.insert("dangling", vec![dangling]);
            let options = PruneImagesOptionsBuilder::default()
                .filters(&filters)
                .build();
            let r = self
                .docker
                .prune_images(Some(options))
                .await
                .map_err(|e| self.map_err(e))?;
            for item in r.images_deleted.unwrap_or_default() {
                report.images_deleted.extend(item.deleted);
                report.images_untagged.extend(item.untagged);
            }
            report.space_reclaimed +=
                u64::try_from(r.space_reclaimed.unwrap_or_default()).unwrap_or_default();
        }
        Ok(report)
    }
}
