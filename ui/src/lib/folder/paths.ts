// Paths of a folder browser, one home for the container Files tab (absolute paths, root "/")
// and the volume browser (paths relative to the volume, root ""). Only for showing and for
// asking the backend: the backend checks every path again and never hands one to a shell.

/** The breadcrumbs of `path` below its root, each with the path it opens: "/etc/ssl" gives
 *  "/etc" and "/etc/ssl"; "logs/2026" gives "logs" and "logs/2026". The root is not one. */
export function crumbs(path: string): { name: string; path: string }[] {
  const lead = path.startsWith("/") ? "/" : "";
  const parts = path.split("/").filter((p) => p !== "");
  return parts.map((name, i) => ({ name, path: lead + parts.slice(0, i + 1).join("/") }));
}

/** The path of `name` inside folder `dir`, keeping `dir`'s kind (absolute or relative). */
export function childPath(dir: string, name: string): string {
  if (dir === "") return name;
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/** The folder above `path`; a root ("/" or "") stays itself. */
export function parentPath(path: string): string {
  const root = path.startsWith("/") ? "/" : "";
  const cut = path.replace(/\/+$/, "").lastIndexOf("/");
  return cut <= 0 ? root : path.slice(0, cut);
}

/** What a finished download says: where it went and how big it is. */
export function savedMessage(d: { path: string; as_tar: boolean; bytes: number }, size: (bytes: number) => string): string {
  return d.as_tar ? `Saved the folder as a .tar archive: ${d.path} (${size(d.bytes)})` : `Saved ${d.path} (${size(d.bytes)})`;
}
