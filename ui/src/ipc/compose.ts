/** Compose projects (backend `ipc/compose.rs`, issue #15): the projects found from Compose's
 *  labels, a file checked before it runs, the Compose CLI run with its output streamed (Up,
 *  Down, Scale), and a project's start / stop / restart / remove through the engine. */
import { call } from "./core";
import { subscribe, type Stream } from "./stream";
import type { ComposeFileCheck } from "./bindings/ComposeFileCheck";
import type { ComposeOutputLine } from "./bindings/ComposeOutputLine";
import type { ComposeProject } from "./bindings/ComposeProject";
import type { ComposeRequest } from "./bindings/ComposeRequest";
import type { ComposeRunOutcome } from "./bindings/ComposeRunOutcome";
import type { ProjectAction } from "./bindings/ProjectAction";
import type { ProjectActionOutcome } from "./bindings/ProjectActionOutcome";
import type { ProjectRemoval } from "./bindings/ProjectRemoval";
import type { ProjectRemoved } from "./bindings/ProjectRemoved";

export type {
  ComposeFileCheck,
  ComposeOutputLine,
  ComposeProject,
  ComposeRequest,
  ComposeRunOutcome,
  ProjectAction,
  ProjectActionOutcome,
  ProjectRemoval,
  ProjectRemoved,
};
export type { ComposeFileError } from "./bindings/ComposeFileError";
export type { ComposePreview } from "./bindings/ComposePreview";
export type { ComposeServicePreview } from "./bindings/ComposeServicePreview";

/** Every Compose project on the engine, with its services. */
export function listComposeProjects(): Promise<ComposeProject[]> {
  return call<ComposeProject[]>("list_compose_projects");
}

/** Reads and checks a Compose file (a full path); runs nothing. */
export function checkComposeFile(path: string): Promise<ComposeFileCheck> {
  return call<ComposeFileCheck>("check_compose_file", { path });
}

/** Runs the Compose CLI; each output line goes to `onLine`. `stop()` kills the CLI. */
export function runCompose(request: ComposeRequest, onLine: (line: ComposeOutputLine) => void): Stream<ComposeRunOutcome> {
  return subscribe<ComposeRunOutcome>("run_compose", { request }, { onOutput: onLine }, "cancel_compose");
}

/** Starts, stops or restarts every container of the project (through the engine). */
export function composeProjectAction(project: string, action: ProjectAction): Promise<ProjectActionOutcome> {
  return call<ProjectActionOutcome>("compose_project_action", { project, action });
}

/** What removing the project takes, by name. */
export function composeRemoval(project: string): Promise<ProjectRemoval> {
  return call<ProjectRemoval>("compose_removal", { project });
}

/** Removes the project's containers, then its networks: only those named here. */
export function removeComposeProject(removal: ProjectRemoval): Promise<ProjectRemoved> {
  return call<ProjectRemoved>("remove_compose_project", {
    project: removal.project,
    containers: removal.containers,
    networks: removal.networks,
  });
}
