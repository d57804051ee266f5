/**
 * Deterministic fake inventories for the dev mock and the unit tests. Not imported by the app.
 */
import type { EngineInfo, EngineProblem, EngineProblemKind, Inventory } from "../ipc/commands";
import type { ContainerState, ContainerSummary, PortMapping } from "../ipc/containers";
import type { ComposeLabel, Group } from "../ipc/groups";
import type { ImageSummary } from "../ipc/images";
import { isUp } from "../lib/format";

export const engineInfo: EngineInfo = {
  endpoint: "unix:///var/run/docker.sock",
  endpoint_source: "default socket",
  product: "Docker Engine - Community",
  version: "20.10.24",
  api_version: "1.41",
  os: "linux",
  arch: "amd64",
  kernel: "6.1.0-18-amd64",
  host_name: "workstation",
  engine_name: "local",
  transport: "unix",
  flavor: "docker",
  swarm: { state: "inactive", manager: false, node_id: "", node_addr: "", error: "" },
};

const PROBLEMS: Record<EngineProblemKind, Omit<EngineProblem, "kind" | "endpoint">> = {
  unreachable: {
    message: "Nothing is listening on /var/run/docker.sock: connection refused.",
    hint: "Start the Docker engine, e.g. `sudo systemctl start docker`, or point DOCKER_HOST at a running one.",
  },
  permission_denied: {
    message: "Permission denied while opening /var/run/docker.sock.",
    hint: "Add yourself to the docker group with `sudo usermod -aG docker $USER`, then log out and back in.",
  },
  bad_endpoint: {
    message: "DOCKER_HOST is set to \"tcp//localhost:2375\", which is not a valid address.",
    hint: "Fix or unset DOCKER_HOST. Berth understands unix://, tcp:// and npipe:// endpoints.",
  },
  protocol: {
    message: "The endpoint answered, but not like a Docker engine (HTTP 404 on /_ping).",
    hint: "Check that DOCKER_HOST points at the Docker API and not at another service.",
  },
};

export function problem(kind: EngineProblemKind, endpoint = engineInfo.endpoint): EngineProblem {
  return { kind, endpoint, ...PROBLEMS[kind] };
}

const hex = (seed: number, len = 64): string => {
  let out = "";
  let x = (seed * 2654435761) >>> 0 || 1;
  while (out.length < len) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += x.toString(16).padStart(8, "0");
  }
  return out.slice(0, len);
};

interface ImageSeed {
  tags: string[];
  size: number;
  ageHours: number;
}

const IMAGE_SEEDS: ImageSeed[] = [
  { tags: ["nginx:1.25", "nginx:latest"], size: 187_654_321, ageHours: 240 },
  { tags: ["postgres:16"], size: 431_234_567, ageHours: 500 },
  { tags: ["redis:7-alpine"], size: 41_200_000, ageHours: 90 },
  { tags: ["busybox:1.36", "busybox:latest", "localhost:5000/busybox:1.36"], size: 4_261_000, ageHours: 2000 },
  { tags: ["ghcr.io/acme/api:2.3.1"], size: 98_760_000, ageHours: 3 },
  { tags: ["ghcr.io/acme/worker:2.3.1"], size: 112_400_000, ageHours: 3 },
  { tags: ["traefik:v3.0"], size: 168_300_000, ageHours: 700 },
  { tags: ["grafana/grafana:10.4.2"], size: 412_000_000, ageHours: 1200 },
  { tags: [], size: 98_000_000, ageHours: 30 },
  { tags: ["node:20-bookworm-slim"], size: 212_000_000, ageHours: 400 },
  { tags: [], size: 1_523, ageHours: 9000 },
];

const NAMES = ["web", "db", "cache", "api", "worker", "proxy", "metrics", "queue", "search", "auth", "mail", "cron"];
const STATES: ContainerState[] = ["running", "running", "running", "exited", "running", "paused", "created", "exited", "restarting", "dead"];

function statusText(state: ContainerState, ageMinutes: number, i: number): string {
  const h = ageMinutes >= 120 ? `${Math.floor(ageMinutes / 60)} hours` : `${ageMinutes} minutes`;
  switch (state) {
    case "running":
      return i % 7 === 0 ? `Up ${h} (healthy)` : `Up ${h}`;
    case "paused":
      return `Up ${h} (Paused)`;
    case "restarting":
      return "Restarting (1) 4 seconds ago";
    case "exited":
      return `Exited (${i % 3 === 0 ? 137 : 0}) ${h} ago`;
    case "created":
      return "Created";
    case "dead":
      return "Dead";
    case "removing":
      return "Removal In Progress";
  }
}

function ports(i: number, state: ContainerState): PortMapping[] {
  const up = isUp(state);
  switch (i % 5) {
    case 0:
      return up
        ? [
            { host_ip: "0.0.0.0", host_port: 8000 + i, container_port: 80, protocol: "tcp" },
            { host_ip: "::", host_port: 8000 + i, container_port: 80, protocol: "tcp" },
          ]
        : [{ host_ip: null, host_port: null, container_port: 80, protocol: "tcp" }];
    case 1:
      return [{ host_ip: null, host_port: null, container_port: 5432, protocol: "tcp" }];
    case 2:
      return up ? [{ host_ip: "127.0.0.1", host_port: 6300 + i, container_port: 6379, protocol: "tcp" }] : [];
    case 3:
      return [
        { host_ip: null, host_port: null, container_port: 53, protocol: "udp" },
        { host_ip: null, host_port: null, container_port: 53, protocol: "tcp" },
      ];
    default:
      return [];
  }
}

/** An inventory with `count` containers spread over a dozen images, in every state. */
export function makeInventory(count: number, nowSeconds = Math.floor(Date.now() / 1000)): Inventory {
  const images: ImageSummary[] = IMAGE_SEEDS.map((seed, i) => {
    const id = `sha256:${hex(1000 + i)}`;
    return {
      id,
      short_id: id.slice(7, 19),
      tags: seed.tags,
      digests: seed.tags.length ? [`${seed.tags[0]!.split(":")[0]}@sha256:${hex(5000 + i)}`] : [],
      dangling: seed.tags.length === 0,
      size: seed.size,
      created: nowSeconds - seed.ageHours * 3600,
      containers_running: 0,
      containers_total: 0,
    };
  });
  // Images 6, 7, 9 and 10 have no containers, so empty detail panes get seen too.
  const used = [0, 1, 2, 3, 4, 5, 8];
  const containers: ContainerSummary[] = [];
  for (let i = 0; i < count; i++) {
    const image = images[used[i % used.length]!]!;
    const state = STATES[(i * 7 + Math.floor(i / 10)) % STATES.length]!;
    const id = hex(i + 1);
    const base = NAMES[i % NAMES.length]!;
    const ageMinutes = 2 + ((i * 37) % 3000);
    containers.push({
      id,
      short_id: id.slice(0, 12),
      name: count <= NAMES.length ? base : `${base}-${Math.floor(i / NAMES.length) + 1}`,
      image: image.tags[0] ?? image.short_id,
      image_id: image.id,
      command: '"/docker-entrypoint.sh"',
      state,
      status: statusText(state, ageMinutes, i),
      ports: ports(i, state),
      created: nowSeconds - ageMinutes * 60 - 5,
      labels: i % 4 === 0 ? { [PROJECT]: "acme" } : {},
    });
  }
  for (const image of images) {
    for (const c of containers) {
      if (c.image_id !== image.id) continue;
      image.containers_total++;
      if (isUp(c.state)) image.containers_running++;
    }
  }
  return { containers, images, groups: projectGroups(containers) };
}

const PROJECT: ComposeLabel = "com.docker.compose.project";

/** The fixtures' Compose projects as the backend's group finder reports them. */
function projectGroups(containers: readonly ContainerSummary[]): Group[] {
  const acme = containers.filter((c) => c.labels[PROJECT] === "acme");
  if (acme.length === 0) return [];
  return [
    {
      kind: "compose_project",
      reference: { kind: "compose_project", project: "acme" },
      key: "compose:acme",
      name: "acme",
      image: "",
      selector: { has: [], equal: { [PROJECT]: "acme" }, not_equal: {} },
      members: acme.map((c) => c.id),
      running: acme.filter((c) => isUp(c.state)).length,
      total: acme.length,
      scaling: "not_scalable",
      spec: null,
    },
  ];
}
