// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

export type ImageSummary = { id: string, short_id: string, tags: Array<string>, digests: Array<string>, dangling: boolean, size: number, created: number, containers_running: number, containers_total: number, };
