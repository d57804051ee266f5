import type { ContainerFile, FileOrigin } from "../../ipc/files";

/** `ls -l`-style permission text of a mode, e.g. 0o755 → "rwxr-xr-x". */
export function modeText(mode: number): string {
  const bits = "rwxrwxrwx";
  let out = "";
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : "-";
  return out;
}

export const ORIGIN_LABEL: Record<FileOrigin, string> = {
  image: "image (read-only)",
  changed: "changed in this container",
  added: "added in this container",
  deleted: "deleted in this container",
};

export const ORIGIN_HELP: Record<FileOrigin, string> = {
  image: "From the image's read-only layers: untouched by this container",
  changed: "From the image, but changed here: the container's writable layer holds its own copy (docker diff: C)",
  added: "Only in this container's writable layer (docker diff: A); gone with docker rm",
  deleted: "An image file this container deleted: its writable layer hides it (docker diff: D)",
};

/** Why a file cannot be uploaded, before any of it is read; null when it can. */
export function uploadRefusal(name: string, size: number, max: number): string | null {
  if (name === "" || name === "." || name === "..") return "A file needs a name.";
  if (name.includes("/")) return `“${name}” has a “/”: a file name is one name, not a path.`;
  if (name.includes("\0")) return "A file name cannot hold a NUL character.";
  if (size > max)
    return `${name} is ${size} bytes; uploads take files up to ${Math.floor(max / 1048576)} MiB (copy larger ones with docker cp).`;
  return null;
}

/** Entries that can be opened as folders. */
export function isFolder(f: ContainerFile): boolean {
  return f.entry.kind === "folder" && f.origin !== "deleted";
}
