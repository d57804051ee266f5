import { configure } from "@testing-library/svelte";

// jsdom lacks ResizeObserver, which Svelte's `bind:clientHeight` uses.
if (typeof globalThis.ResizeObserver === "undefined") {
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}

// `waitFor`/`findBy*` give up after 1 s by default: on a loaded 2-core CI machine a first render
// with its lazy imports has taken longer (App.test's ui_ready cases failed that way), so they wait
// up to 5 s. A wrong state still fails; it only takes longer to say so.
configure({ asyncUtilTimeout: 5000 });
