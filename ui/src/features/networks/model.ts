import type { ContainerSummary } from "../../ipc/containers";
import type { NetworkFieldError, NetworkField, NetworkSummary } from "../../ipc/networks";
import { section, type DestroyPlan } from "../confirm/destroy";

/** Networks whose name, driver, subnet or attached container names contain `text` (any case). */
export function filterNetworks(networks: readonly NetworkSummary[], text: string): NetworkSummary[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...networks];
  return networks.filter(
    (n) =>
      n.name.toLowerCase().includes(needle) ||
      n.driver.toLowerCase().includes(needle) ||
      n.subnets.some((s) => s.subnet.includes(needle)) ||
      n.attached.some((m) => m.name.toLowerCase().includes(needle)),
  );
}

/** Why Remove is not offered for this network, in words; null when it may be removed. */
export function removeBlocked(n: NetworkSummary): string | null {
  if (n.protected) return `One of the engine's own networks: ${n.protected}.`;
  if (n.attached.length > 0) {
    const names = n.attached.map((m) => m.name).join(", ");
    return `In use by ${names}: disconnect ${n.attached.length === 1 ? "it" : "them"} first.`;
  }
  return null;
}

/** The containers that could join `n`: not attached yet, by name. */
export function connectable(containers: readonly ContainerSummary[], n: NetworkSummary): ContainerSummary[] {
  const attached = new Set(n.attached.map((m) => m.id));
  return containers.filter((c) => !attached.has(c.id)).sort((a, b) => a.name.localeCompare(b.name));
}

/** The form's problems per field. */
export function errorsByField(errors: readonly NetworkFieldError[]): Partial<Record<NetworkField, string>> {
  const out: Partial<Record<NetworkField, string>> = {};
  for (const e of errors) out[e.field] = out[e.field] ? `${out[e.field]} · ${e.message}` : e.message;
  return out;
}

/** Removing one network: what goes, by name, and that no container is touched. */
export function removeNetworkPlan(n: NetworkSummary): DestroyPlan {
  const range = n.subnets.map((s) => s.subnet).join(", ");
  return {
    title: `Remove the network ${n.name}?`,
    lead: "The network goes, with its address range; containers made later cannot join it by this name.",
    sections: [section("Network", [{ name: n.name, note: [n.driver, range].filter(Boolean).join(" · ") }])],
    keeps: "No container is attached to it, so none is touched. Other networks stay.",
    commands: [{ kind: "network_rm", network: n.name }],
    confirm: "Remove network",
  };
}
