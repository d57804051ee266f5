/** The containers list's order and grouping, kept for the session: switching views and back
 *  keeps them. */
import { DEFAULT_SORT, nextSort, type Sort, type SortKey } from "./filter";

/** How the list groups its rows: not at all, by image, or by Compose project → service. */
export type Grouping = "none" | "image" | "compose";

export const GROUPINGS: readonly { value: Grouping; label: string }[] = [
  { value: "none", label: "None" },
  { value: "image", label: "Image" },
  { value: "compose", label: "Compose project" },
];

class ListSort {
  current = $state<Sort>(DEFAULT_SORT);
  grouping = $state<Grouping>("none");

  by(key: SortKey): void {
    this.current = nextSort(this.current, key);
  }
}

export const listSort = new ListSort();
