import { describe, expect, it } from "vitest";

import { UP_STATES, formatBytes, formatPort, formatPorts, humanDuration, isUp, readablePorts, relativeTime } from "./format";

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe("humanDuration (docker's units.HumanDuration)", () => {
  it.each([
    [0, "Less than a second"],
    [999, "Less than a second"],
    [1 * S, "1 second"],
    [59 * S, "59 seconds"],
    [60 * S, "About a minute"],
    [119 * S, "About a minute"],
    [2 * MIN, "2 minutes"],
    [59 * MIN, "59 minutes"],
    [60 * MIN, "About an hour"],
    [89 * MIN, "About an hour"],
    [90 * MIN, "2 hours"],
    [47 * H, "47 hours"],
    [2 * D, "2 days"],
    [13 * D, "13 days"],
    [14 * D, "2 weeks"],
    [59 * D, "8 weeks"],
    [60 * D, "2 months"],
    [729 * D, "24 months"],
    [730 * D, "2 years"],
  ])("%i ms reads %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("relativeTime", () => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0);
  it("reads like docker ps CREATED", () => {
    expect(relativeTime(now / 1000 - 180, now)).toBe("3 minutes ago");
    expect(relativeTime(now / 1000 - 3 * 86400, now)).toBe("3 days ago");
  });
  it("treats a timestamp in the future (clock skew) as just now", () => {
    expect(relativeTime(now / 1000 + 30, now)).toBe("Less than a second ago");
  });
});

describe("formatBytes (docker images SIZE: decimal, 3 significant digits)", () => {
  it.each([
    [0, "0B"],
    [512, "512B"],
    [999, "999B"],
    [1000, "1kB"],
    [1523, "1.52kB"],
    [4_261_000, "4.26MB"],
    [72_800_000, "72.8MB"],
    [187_654_321, "188MB"],
    [1_100_000_000, "1.1GB"],
    [999_999, "1MB"],
    [999_499, "999kB"],
    [2.5e12, "2.5TB"],
  ])("%d bytes is %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
  it("shows a dash for nonsense", () => {
    expect(formatBytes(-1)).toBe("–");
    expect(formatBytes(Number.NaN)).toBe("–");
  });
});

describe("formatPort (docker ps PORTS)", () => {
  it("published on IPv4", () => {
    expect(formatPort({ host_ip: "0.0.0.0", host_port: 8080, container_port: 80, protocol: "tcp" })).toBe(
      "0.0.0.0:8080->80/tcp",
    );
  });
  it("published on IPv6 puts the address in brackets", () => {
    expect(formatPort({ host_ip: "::", host_port: 8080, container_port: 80, protocol: "tcp" })).toBe(
      "[::]:8080->80/tcp",
    );
  });
  it("exposed only", () => {
    expect(formatPort({ host_ip: null, host_port: null, container_port: 53, protocol: "udp" })).toBe("53/udp");
  });
  it("published without a host address", () => {
    expect(formatPort({ host_ip: null, host_port: 9000, container_port: 9000, protocol: "tcp" })).toBe(
      "9000->9000/tcp",
    );
  });
  it("joins ports, published first, without duplicates", () => {
    expect(
      formatPorts([
        { host_ip: null, host_port: null, container_port: 443, protocol: "tcp" },
        { host_ip: "0.0.0.0", host_port: 80, container_port: 80, protocol: "tcp" },
        { host_ip: "0.0.0.0", host_port: 80, container_port: 80, protocol: "tcp" },
      ]),
    ).toBe("0.0.0.0:80->80/tcp, 443/tcp");
    expect(formatPorts([])).toBe("");
  });
});

describe("isUp", () => {
  it("counts running, paused and restarting like the backend", () => {
    expect(UP_STATES.every(isUp)).toBe(true);
    expect(UP_STATES).toEqual(["running", "paused", "restarting"]);
    expect(["created", "exited", "dead", "removing"].some((s) => isUp(s as never))).toBe(false);
  });
});

describe("readablePorts", () => {
  it("reads host→container, once per port, the protocol only when not TCP", () => {
    expect(
      readablePorts([
        { host_ip: "0.0.0.0", host_port: 8081, container_port: 80, protocol: "tcp" },
        { host_ip: "::", host_port: 8081, container_port: 80, protocol: "tcp" },
        { host_ip: null, host_port: null, container_port: 53, protocol: "udp" },
        { host_ip: null, host_port: null, container_port: 443, protocol: "tcp" },
      ]),
    ).toBe("8081→80, 53/udp, 443");
    expect(readablePorts([])).toBe("");
  });
});
