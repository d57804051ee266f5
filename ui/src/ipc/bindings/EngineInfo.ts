// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

export type EngineInfo = { endpoint: string, endpoint_source: string, product: string, version: string, api_version: string, os: string, arch: string, kernel: string, host_name: string, };
