/** A container's Files tab (backend `ipc/files.rs`): list a folder marked from the
 *  container's diff, read a small text file, download to Downloads, upload a file. */
import { invoke } from "@tauri-apps/api/core";

import { call, toIpcError } from "./core";
import type { ContainerFolder } from "./bindings/ContainerFolder";
import type { FileText } from "./bindings/FileText";
import type { FileTransfer } from "./bindings/FileTransfer";

export type { ContainerFolder, FileText, FileTransfer };
export type { ContainerFile } from "./bindings/ContainerFile";
export type { FileOrigin } from "./bindings/FileOrigin";
export type { ArchiveEntry } from "./bindings/ArchiveEntry";

/** Largest upload (the backend's `MAX_UPLOAD_BYTES`): a larger file is refused before it is read. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** One folder (absolute path, "/" for the root) of a running or stopped container. */
export function browseContainerFiles(container: string, path: string): Promise<ContainerFolder> {
  return call<ContainerFolder>("browse_container_files", { container, path });
}

/** A file's text (up to 1 MiB, UTF-8), or why it is download only. */
export function readContainerFile(container: string, path: string): Promise<FileText> {
  return call<FileText>("read_container_file", { container, path });
}

/** Saves a file, or a folder as .tar, into the Downloads folder. */
export function downloadContainerFile(container: string, path: string, folder: boolean): Promise<FileTransfer> {
  return call<FileTransfer>("download_container_file", { container, path, folder });
}

/** Uploads one file into folder `dir`. The bytes go as the raw request body (not a JSON
 *  array); the names percent-encoded in headers (they may hold any character but NUL). */
export async function uploadContainerFile(container: string, dir: string, name: string, bytes: Uint8Array): Promise<FileTransfer> {
  try {
    return await invoke<FileTransfer>("upload_container_file", bytes, {
      headers: {
        "berth-container": encodeURIComponent(container),
        "berth-dir": encodeURIComponent(dir),
        "berth-name": encodeURIComponent(name),
      },
    });
  } catch (e) {
    throw toIpcError(e);
  }
}
