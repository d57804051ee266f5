// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

import type { IpcErrorKind } from "./IpcErrorKind";

export type IpcError = { kind: IpcErrorKind, message: string, };
