/** Finding an image by name (backend `ipc/registry.rs`): check a reference, browse a registry, search Docker Hub. */
import { call } from "./core";
import type { HubSearch } from "./bindings/HubSearch";
import type { ReferenceCheck } from "./bindings/ReferenceCheck";
import type { RepositoryPage } from "./bindings/RepositoryPage";
import type { TagList } from "./bindings/TagList";

export type { HubSearch, ReferenceCheck, RepositoryPage, TagList };
export type { HubImage } from "./bindings/HubImage";
export type { RemoteCheck } from "./bindings/RemoteCheck";

/** Valid or why not, the full name, the registry, whether the engine (or else the registry) has it. */
export function checkReference(reference: string): Promise<ReferenceCheck> {
  return call<ReferenceCheck>("check_reference", { reference });
}

/** One page of a registry's repositories; pass the previous page's `next` as `after`. */
export function listRepositories(registry: string, plainHttp: boolean, after: string | null): Promise<RepositoryPage> {
  return call<RepositoryPage>("list_repositories", { registry, plainHttp, after });
}

/** A repository's tags, `latest` first. */
export function listTags(registry: string, plainHttp: boolean, repository: string): Promise<TagList> {
  return call<TagList>("list_tags", { registry, plainHttp, repository });
}

/** Docker Hub images matching `term` (asked of the engine), or its "no network" state. */
export function searchHub(term: string): Promise<HubSearch> {
  return call<HubSearch>("search_hub", { term });
}
