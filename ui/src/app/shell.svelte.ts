/** What the shell remembers across views: the view on screen and the view state that outlives
 *  switching away (a filter typed, an image selected, a detail pane open). */
import type { StateFilter } from "../features/containers/filter";
import type { LearnTab } from "../features/learn/LearnView.svelte";
import type { ViewId } from "./views";

export class Shell {
  view = $state<ViewId>("containers");
  filterText = $state("");
  stateFilter = $state<StateFilter>("all");
  selectedImage = $state<string | null>(null);
  /** The container whose detail pane is open (the tray's "Open logs" opens one too). */
  openContainerId = $state<string | null>(null);
  learnTab = $state<LearnTab>("lineage");

  openContainer(id: string): void {
    this.view = "containers";
    this.openContainerId = id;
  }

  openImage(id: string): void {
    this.view = "images";
    this.selectedImage = id;
  }
}
