/** Launch groups this Berth did not launch (issue #13): their standing in people's words and
 *  their spec laid out for review before the user adopts them. */
import type { ForeignReason, Group, LaunchSpec } from "../../ipc/groups";
import type { PortSpec } from "../../ipc/bindings/PortSpec";
import type { VolumeSpec } from "../../ipc/bindings/VolumeSpec";

/** Why Berth does not trust a group, said for someone who never heard of seals. */
export const REASON_WORDS: Record<ForeignReason, string> = {
  no_seal: "Its containers carry Berth's labels but no seal from this Berth: another program, an image's own labels or an older Berth made them.",
  wrong_seal: "Its seal was not made by this Berth for this group: it was forged, or made by Berth on another computer.",
  spec_changed: "Its launch settings are not the ones this Berth sealed: they were changed after it was launched.",
  no_key: "This Berth's launch key could not be loaded, so it cannot check any group.",
};

/** A launch group that must be reviewed and adopted before Berth scales or replays it. */
export function isForeign(g: Group): boolean {
  return g.kind === "launch" && g.trust?.kind === "foreign";
}

/** `[IP:][HOST_PORT:]CONTAINER_PORT/PROTO`, as the launch form takes it. */
export function portText(p: PortSpec): string {
  const host = p.host_port === null ? "" : `${p.host_port}:`;
  const ip = p.host_ip === null ? "" : `${p.host_ip}:${host === "" ? ":" : ""}`;
  return `${ip}${host}${p.container_port}/${p.protocol}`;
}

/** `SOURCE:TARGET[:ro]`, as `docker run -v` takes it. */
export function volumeText(v: VolumeSpec): string {
  return `${v.source.source}:${v.target}${v.read_only ? ":ro" : ""}`;
}

const SOURCE_WORDS: Record<VolumeSpec["source"]["kind"], string> = {
  bind: "host path",
  shared: "volume shared by all replicas",
  per_replica: "one volume per replica",
};

export function volumeKind(v: VolumeSpec): string {
  return SOURCE_WORDS[v.source.kind];
}

/** The host paths a spec mounts: what the user must look at before adopting. */
export function hostBinds(spec: LaunchSpec | null): string[] {
  return (spec?.volumes ?? []).filter((v) => v.source.kind === "bind").map(volumeText);
}

/** Environment variable names only: values can be secrets, and the name says what it sets. */
export function envNames(spec: LaunchSpec): string[] {
  return spec.env.map((e) => e.split("=", 1)[0] ?? e);
}

/** The replicas a scale-down removes: the highest numbers go (members are in replica order). */
export function removedBy(members: readonly string[], target: number): string[] {
  return members.slice(Math.max(0, target));
}
