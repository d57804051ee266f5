/** The words and layout of a foreign group's review. */
import { describe, expect, it } from "vitest";

import { hostBinds, portText, removedBy } from "./trust";

describe("trust", () => {
  it("writes ports as the launch form takes them", () => {
    expect(portText({ host_ip: null, host_port: null, container_port: 80, protocol: "tcp" })).toBe("80/tcp");
    expect(portText({ host_ip: "127.0.0.1", host_port: 8080, container_port: 80, protocol: "udp" })).toBe("127.0.0.1:8080:80/udp");
    expect(portText({ host_ip: "127.0.0.1", host_port: null, container_port: 80, protocol: "tcp" })).toBe("127.0.0.1::80/tcp");
  });

  it("lists host paths only, and nothing without a spec", () => {
    expect(hostBinds(null)).toEqual([]);
    expect(
      hostBinds({
        volumes: [
          { source: { kind: "bind", source: "/etc" }, target: "/e", read_only: true },
          { source: { kind: "shared", source: "cache" }, target: "/c", read_only: false },
        ],
      } as Parameters<typeof hostBinds>[0]),
    ).toEqual(["/etc:/e:ro"]);
  });

  it("removes the highest replicas first", () => {
    expect(removedBy(["a", "b", "c"], 1)).toEqual(["b", "c"]);
    expect(removedBy(["a", "b", "c"], 3)).toEqual([]);
  });
});
