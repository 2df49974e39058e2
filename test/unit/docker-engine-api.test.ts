import { describe, expect, it } from "vitest";
import { demuxLogs, parseEngineLine } from "../../sandbox/docker/engine";

describe("Docker engine helpers (sandbox/docker/engine.ts)", () => {
  it("parses scripts/docker-engine.sh's last line, and refuses anything else", () => {
    expect(parseEngineLine("noise\nDOCKER_HOST=unix:///run/es-ccr-docker/docker.sock PID=42 STARTED=1\n"))
      .toEqual({ socketPath: "/run/es-ccr-docker/docker.sock", pid: 42, started: true });
    expect(parseEngineLine("DOCKER_HOST=unix:///s PID=7 STARTED=0").started).toBe(false);
    expect(() => parseEngineLine("[docker-engine] ERROR: dockerd must run as root")).toThrow(/printed no engine line.*must run as root/);
  });

  it("decodes Docker's multiplexed log stream (stdout and stderr frames) and passes plain text through", () => {
    const frame = (stream: number, s: string) => {
      const p = Buffer.from(s);
      const h = Buffer.alloc(8);
      h[0] = stream;
      h.writeUInt32BE(p.length, 4);
      return Buffer.concat([h, p]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, "started\n"), frame(2, "WARN x\n"), frame(1, "ready")]))).toBe("started\nWARN x\nready");
    expect(demuxLogs(Buffer.from("plain text log"))).toBe("plain text log");
  });
});
