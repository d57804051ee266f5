/** The first run (backend `ipc/first_run.rs`): the demo image built offline. */
import { call } from "./core";
import type { DemoImage } from "./bindings/DemoImage";

export type { DemoImage };

/** Builds `berth-demo/hello:latest` from the bundled Dockerfile and the host's static busybox. */
export function buildDemoImage(): Promise<DemoImage> {
  return call<DemoImage>("build_demo_image");
}
