/**
 * The "Run an image…" dialog checks typed text live and goes on to the launch dialog only
 * with a reference that can run; a registry is browsed repository by repository; Docker Hub
 * search shows its "no network" state plainly.
 */
import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

import * as ipc from "../../ipc/registry";
import type { ReferenceCheck } from "../../ipc/registry";
import { launchDialog } from "../launch/launcher.svelte";
import RunImageDialog from "./RunImageDialog.svelte";

vi.mock("../../ipc/registry", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc/registry")>()),
  checkReference: vi.fn(),
  listRepositories: vi.fn(),
  listTags: vi.fn(),
  searchHub: vi.fn(),
}));
const mocked = vi.mocked(ipc);

function valid(input: string, reference: string, expanded: string, registry: string): ReferenceCheck {
  return {
    input,
    error: null,
    reference,
    expanded,
    short: input !== expanded,
    registry,
    registry_label: registry === "docker.io" ? "Docker Hub" : registry,
    repository: null,
    local_id: null,
    remote: { state: "found" },
  };
}

describe("RunImageDialog", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    launchDialog.image = null;
  });

  it("says how a short name expands, and Next opens the launch dialog with it", async () => {
    mocked.checkReference.mockImplementation(async (text) =>
      valid(text, "nginx:latest", "docker.io/library/nginx:latest", "docker.io"),
    );
    const onclose = vi.fn();
    const { getByTestId } = render(RunImageDialog, { props: { onclose } });
    const next = getByTestId("run-next") as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    await fireEvent.input(getByTestId("run-reference"), { target: { value: "nginx" } });
    await waitFor(() => expect(getByTestId("run-check-expanded").textContent).toContain("docker.io/library/nginx:latest"));
    expect(getByTestId("run-check-registry").textContent).toBe("From Docker Hub");
    expect(getByTestId("run-check-pull").textContent).toContain("pulled from Docker Hub first");
    await waitFor(() => expect(next.disabled).toBe(false));
    await fireEvent.click(next);
    expect(launchDialog.image).toBe("nginx:latest");
    expect(onclose).toHaveBeenCalled();
  });

  it("shows a malformed reference's reason and does not go on", async () => {
    mocked.checkReference.mockImplementation(async (text) => ({
      ...valid(text, "", "", ""),
      error: "“Nginx” is not a valid image reference: image names are lower-case (did you mean “nginx”?)",
      reference: null,
      remote: null,
    }));
    const { getByTestId } = render(RunImageDialog, { props: { onclose: vi.fn() } });
    await fireEvent.input(getByTestId("run-reference"), { target: { value: "Nginx" } });
    await waitFor(() => expect(getByTestId("run-check-error").textContent).toContain("did you mean “nginx”"));
    expect((getByTestId("run-next") as HTMLButtonElement).disabled).toBe(true);
  });

  it("browses a registry: a repository, then a tag fills the reference", async () => {
    mocked.listRepositories.mockResolvedValue({
      registry: "127.0.0.1:5000",
      repositories: ["team/app", "team/db"],
      next: null,
      plain_http: true,
    });
    mocked.listTags.mockResolvedValue({
      registry: "127.0.0.1:5000",
      repository: "team/app",
      tags: ["latest", "v1"],
      truncated: false,
      plain_http: true,
    });
    mocked.checkReference.mockImplementation(async (text) => valid(text, text, text, "127.0.0.1:5000"));
    const { getByTestId, container } = render(RunImageDialog, { props: { onclose: vi.fn() } });
    await fireEvent.click(getByTestId("run-tab-browse"));
    await fireEvent.input(getByTestId("run-registry"), { target: { value: "127.0.0.1:5000" } });
    await fireEvent.click(getByTestId("run-list"));
    await waitFor(() => expect(container.querySelector("[data-repo='team/app']")).not.toBeNull());
    expect(getByTestId("run-plain-note").textContent).toContain("plain HTTP: not encrypted");
    expect(mocked.listRepositories).toHaveBeenCalledWith("127.0.0.1:5000", false, null);
    await fireEvent.click(container.querySelector("[data-repo='team/app']")!);
    await waitFor(() => expect(container.querySelector("[data-tag='v1']")).not.toBeNull());
    await fireEvent.click(container.querySelector("[data-tag='v1']")!);
    await waitFor(() => expect(mocked.checkReference).toHaveBeenCalledWith("127.0.0.1:5000/team/app:v1"));
    expect((getByTestId("run-reference") as HTMLInputElement).value).toBe("127.0.0.1:5000/team/app:v1");
  });

  it("says a registry's problem in its own words", async () => {
    mocked.listRepositories.mockRejectedValue({ kind: "login", message: "127.0.0.1:5000 needs a login" });
    const { getByTestId } = render(RunImageDialog, { props: { onclose: vi.fn() } });
    await fireEvent.click(getByTestId("run-tab-browse"));
    await fireEvent.input(getByTestId("run-registry"), { target: { value: "127.0.0.1:5000" } });
    await fireEvent.click(getByTestId("run-list"));
    await waitFor(() => expect(getByTestId("run-browse-error").textContent).toContain("needs a login"));
  });

  it("shows Docker Hub's no-network state plainly", async () => {
    mocked.searchHub.mockResolvedValue({
      state: "no_network",
      term: "redis",
      message: "No network: the Docker engine cannot reach Docker Hub to search it.",
      detail: "lookup index.docker.io: no such host",
    });
    const { getByTestId } = render(RunImageDialog, { props: { onclose: vi.fn() } });
    await fireEvent.click(getByTestId("run-tab-hub"));
    await fireEvent.input(getByTestId("run-hub-term"), { target: { value: "redis" } });
    await fireEvent.click(getByTestId("run-hub-search"));
    await waitFor(() => expect(getByTestId("run-hub-offline").textContent).toContain("No network"));
    expect(getByTestId("run-hub-offline").textContent).toContain("no such host");
  });
});
