/** A container's published port opened in the desktop's browser (backend `ipc/ports.rs`). The
 *  backend makes the URL from the engine's own listing and opens it: the webview only names the
 *  container and the host port, and has no opener permission of its own. */
import { call } from "./core";

/** Opens `http://HOST:PORT` for `container`'s published host `port`; resolves to the URL opened.
 *  Rejects with an `IpcError` (`invalid_input`) naming why a port has no link. */
export function openPort(container: string, port: number): Promise<string> {
  return call<string>("open_port", { container, port });
}
