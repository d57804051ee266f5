/** Pure helpers of the read-only vs read+write view. */
import type { ContainerSummary } from "../../ipc/containers";
import type { ChangeKind, WritableLayer } from "../../ipc/learn";

/** The letter `docker diff` prints for a change. */
export function changeLetter(kind: ChangeKind): string {
  return kind === "added" ? "A" : kind === "deleted" ? "D" : "C";
}

export interface SiblingCheck {
  name: string;
  /** Whether the sibling's own layer holds `path` too (it should not). */
  hasFile: boolean;
  changes: number;
}

/** For each sibling container, whether its writable layer holds `path`. */
export function compareSiblings(
  siblings: readonly ContainerSummary[],
  layers: readonly WritableLayer[],
  path: string,
): SiblingCheck[] {
  return siblings.map((s, i) => {
    const changes = layers[i]?.changes ?? [];
    return { name: s.name, hasFile: changes.some((c) => c.path === path), changes: changes.length };
  });
}
