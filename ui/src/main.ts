import { mount } from "svelte";

import App from "./App.svelte";
import "./app.css";

async function boot(): Promise<void> {
  // The fake backend exists only in dev (`?mock`) and `--mode mock` builds: in a production
  // build both conditions are constant false and the import is dropped from the bundle.
  if (import.meta.env.DEV || import.meta.env.MODE === "mock") {
    const params = new URLSearchParams(location.search);
    const scenario = params.get("mock") ?? (import.meta.env.MODE === "mock" ? "ok" : null);
    if (scenario !== null) {
      const { installMock } = await import("./ipc/mock");
      installMock(scenario || "ok", params);
    }
  }
  const target = document.getElementById("app");
  if (target) mount(App, { target });
}

void boot();
