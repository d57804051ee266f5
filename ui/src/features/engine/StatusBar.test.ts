import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import { engineInfo } from "../../dev/fixtures";
import StatusBar from "./StatusBar.svelte";

describe("StatusBar engine identity", () => {
  it("names the engine shown and how it is reached", () => {
    const info = { ...engineInfo, engine_name: "podman", flavor: "podman" as const, transport: "unix" as const };
    const { getByTestId, queryByTestId } = render(StatusBar, {
      status: { state: "connected", info },
      counts: { running: 1, total: 2 },
    });
    expect(getByTestId("status-engine").textContent).toContain("podman · Podman · local socket");
    expect(queryByTestId("engine-insecure-warning")).toBeNull();
  });

  it("warns for as long as a plain-TCP engine is shown", () => {
    const info = { ...engineInfo, engine_name: "lab", endpoint: "tcp://10.0.0.5:2375", transport: "tcp" as const };
    const { getByTestId } = render(StatusBar, { status: { state: "connected", info }, counts: null });
    expect(getByTestId("status-engine").textContent).toContain("TCP, not encrypted");
    const warning = getByTestId("engine-insecure-warning");
    expect(warning.textContent).toContain("Not encrypted");
    expect(warning.getAttribute("title")).toMatch(/anyone who can reach this address controls the engine/);
  });

  it("TLS and SSH engines carry no warning", () => {
    for (const transport of ["tls", "ssh"] as const) {
      const info = { ...engineInfo, transport };
      const { queryByTestId, unmount } = render(StatusBar, { status: { state: "connected", info }, counts: null });
      expect(queryByTestId("engine-insecure-warning")).toBeNull();
      unmount();
    }
  });
});
