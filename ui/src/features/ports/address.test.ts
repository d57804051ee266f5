import { describe, expect, it } from "vitest";
import type { PortMapping } from "../../ipc/bindings/PortMapping";
import { engineHost, publishedPorts } from "./address";

const tcp = (host_ip: string | null, host_port: number, container_port = 80): PortMapping => ({
  host_ip,
  host_port,
  container_port,
  protocol: "tcp",
});
const LOCAL = "unix:///var/run/docker.sock";

describe("port addresses", () => {
  it("shows every address and loopback at 127.0.0.1 for a local engine, each port once", () => {
    const shown = publishedPorts([tcp("::", 8080), tcp("0.0.0.0", 8080), tcp("127.0.0.1", 9000)], LOCAL);
    expect(shown.map((p) => [p.address, p.linked])).toEqual([
      ["127.0.0.1:8080", true],
      ["127.0.0.1:9000", true],
    ]);
  });

  it("shows a remote engine's ports at its host, and leaves its loopback unlinked", () => {
    const remote = "tcp://10.1.2.3:2376";
    expect(engineHost(remote)).toEqual({ kind: "remote", host: "10.1.2.3" });
    expect(engineHost("ssh://me@box.lan:22")).toEqual({ kind: "remote", host: "box.lan" });
    expect(engineHost("tcp://localhost:2375")).toEqual({ kind: "local" });
    const shown = publishedPorts([tcp("0.0.0.0", 8080), tcp("127.0.0.1", 9000), tcp("10.1.2.3", 7000)], remote);
    expect(shown.map((p) => [p.address, p.linked])).toEqual([
      ["10.1.2.3:7000", true],
      ["10.1.2.3:8080", true],
      ["127.0.0.1:9000", false],
    ]);
  });

  it("links no UDP port, no other interface and nothing on an unknown engine", () => {
    const udp: PortMapping = { host_ip: "0.0.0.0", host_port: 53, container_port: 53, protocol: "udp" };
    const shown = publishedPorts([udp, tcp("192.168.1.5", 7000), { ...tcp(null, 1), host_port: null }], LOCAL);
    expect(shown.map((p) => [p.address, p.linked])).toEqual([
      ["0.0.0.0:53", false],
      ["192.168.1.5:7000", false],
    ]);
    expect(publishedPorts([tcp("0.0.0.0", 80)], "npipe:////./pipe/docker_engine")[0]!.linked).toBe(false);
  });
});
