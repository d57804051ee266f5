import { describe, expect, it } from "vitest";

import type { HostPoint } from "../../ipc/stats";
import { cpuShare, hostLines, memShare } from "./host";

const host: HostPoint = {
  t: 0,
  cpu: 23.456,
  mem_used: 3 * 1024 ** 3,
  mem_total: 8 * 1024 ** 3,
  load1: 0.5,
  load5: 0.25,
  load15: 1,
  cores: 2,
};

describe("host panel", () => {
  it("reads a container's CPU (of one core) against all cores", () => {
    expect(cpuShare(100, 2)).toBe(50);
    expect(cpuShare(100, 0)).toBe(0);
    expect(memShare(1024, 4096)).toBe(25);
    expect(memShare(5, 0)).toBe(0);
  });

  it("words the figures", () => {
    const l = hostLines(host, { cpu: 100, mem: 64 * 1024 ** 2, label: "These 2 containers" });
    expect(l.cpu).toBe("23.46%");
    expect(l.mem).toBe("3.00GiB / 8.00GiB");
    expect(l.load).toBe("0.50 0.25 1.00");
    expect(l.cores).toBe("2 cores");
    expect(l.usage).toBe("These 2 containers: CPU 100.0% = 50.00% of this computer · memory 64.0MiB = 0.78%");
    expect(hostLines({ ...host, cores: 1 }).cores).toBe("1 core");
    expect(hostLines(host).usage).toBeNull();
  });
});
