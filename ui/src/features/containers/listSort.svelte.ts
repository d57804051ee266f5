/** The containers list's order, kept for the session: switching views and back keeps it. */
import { DEFAULT_SORT, nextSort, type Sort, type SortKey } from "./filter";

class ListSort {
  current = $state<Sort>(DEFAULT_SORT);

  by(key: SortKey): void {
    this.current = nextSort(this.current, key);
  }
}

export const listSort = new ListSort();
