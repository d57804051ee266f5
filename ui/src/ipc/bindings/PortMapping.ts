// Hand-written to match the ts-rs output; the generated file of the same name replaces it.

export type PortMapping = { host_ip: string | null, host_port: number | null, container_port: number, protocol: string, };
