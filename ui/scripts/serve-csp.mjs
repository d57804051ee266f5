// Serves a built folder (default dist-mock) with the CSP the app ships with, so a browser
// reports any inline script/style the build would need. Dev tool only: node scripts/serve-csp.mjs [dir] [port]
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";

const root = resolve(process.argv[2] ?? "dist-mock");
const port = Number(process.argv[3] ?? 4173);
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ipc: http://ipc.localhost";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };

createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  let path = normalize(join(root, decodeURIComponent(url.pathname)));
  if (!path.startsWith(root)) return void res.writeHead(403).end();
  try {
    if (statSync(path).isDirectory()) path = join(path, "index.html");
    statSync(path);
  } catch {
    return void res.writeHead(404).end("not found");
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(path)] ?? "application/octet-stream",
    "content-security-policy": CSP,
  });
  createReadStream(path).pipe(res);
}).listen(port, "127.0.0.1", () => console.log(`serving ${root} with CSP on http://127.0.0.1:${port}/`));
