/**
 * A fake backend for looking at the UI in a plain browser: `npm run dev` then open
 * `http://localhost:5173/?mock` (or `?mock=<scenario>`), or `npm run build:mock`.
 * Loaded only in dev and `--mode mock` builds; the production bundle never contains it.
 *
 * Scenarios: ok (default), many (1,000 containers), empty, connecting, flap (goes down and comes
 * back), and one per engine problem kind: unreachable, permission_denied, bad_endpoint, protocol.
 * `&count=N` sets the number of containers. `window.berthMock` changes things at run time.
 */
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";

import { engineInfo, makeInventory, problem } from "../dev/fixtures";
import type { EngineProblemKind, EngineStatus, Inventory } from "./commands";

const PROBLEM_KINDS: readonly string[] = ["unreachable", "permission_denied", "bad_endpoint", "protocol"];

export function installMock(scenario: string, params: URLSearchParams): void {
  const count = Number(params.get("count") ?? (scenario === "many" ? 1000 : scenario === "empty" ? 0 : 30));
  let inventory: Inventory = makeInventory(count);
  if (scenario === "empty") inventory = { containers: [], images: [], groups: [] };

  let status: EngineStatus = { state: "connected", info: engineInfo };
  if (PROBLEM_KINDS.includes(scenario)) {
    status = { state: "unavailable", problem: problem(scenario as EngineProblemKind) };
  } else if (scenario === "connecting") {
    status = { state: "connecting", endpoint: engineInfo.endpoint };
  }

  const setStatus = (next: EngineStatus) => {
    status = next;
    void emit("engine-status", next);
  };

  mockIPC(
    async (cmd, args) => {
      switch (cmd) {
        case "engine_status":
          return status;
        case "inventory":
          await new Promise((r) => setTimeout(r, 30));
          if (status.state !== "connected") {
            throw { kind: "unavailable", message: "The engine is not connected." };
          }
          return inventory;
        case "ui_ready":
          console.info("[mock] ui_ready", JSON.stringify(args));
          document.documentElement.dataset.mockUiReady = JSON.stringify(args);
          return null;
        default:
          throw { kind: "internal", message: `mock: unknown command ${cmd}` };
      }
    },
    { shouldMockEvents: true },
  );

  // For poking at the UI from the devtools console.
  Object.assign(window, {
    berthMock: {
      setStatus,
      problem: (kind: EngineProblemKind) => setStatus({ state: "unavailable", problem: problem(kind) }),
      connecting: () => setStatus({ state: "connecting", endpoint: engineInfo.endpoint }),
      connected: () => setStatus({ state: "connected", info: engineInfo }),
      setContainers(n: number) {
        inventory = makeInventory(n);
        void emit("inventory-changed", null);
      },
    },
  });

  if (scenario === "flap") {
    setTimeout(() => setStatus({ state: "unavailable", problem: problem("unreachable") }), 4000);
    setTimeout(() => setStatus({ state: "connecting", endpoint: engineInfo.endpoint }), 7000);
    setTimeout(() => setStatus({ state: "connected", info: engineInfo }), 9000);
    setTimeout(() => {
      inventory = makeInventory(count + 3);
      void emit("inventory-changed", null);
    }, 12000);
  }
}
