import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { pidsMentioning } from "../../sandbox/es/process-guard";

// A test run that dies outright (SIGKILL: no exit hook runs) must not leave Java behind: the watchdog started with
// each node notices that its owner is gone and kills the node's process group.
describe("crash safety", () => {
  it("kills a node whose owning process was SIGKILLed", async () => {
    const script = `
      const { startNode } = require(${JSON.stringify(path.resolve(__dirname, "../../sandbox/es/node"))});
      // Stay alive like a test runner would; otherwise the exit hook (not the watchdog) would stop the node.
      setInterval(() => {}, 1000);
      startNode({ clusterName: "orphan-${process.pid}" }).then((n) => { console.log("READY " + n.dir); });
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"], cwd: path.resolve(__dirname, "../..") });
    const dir = await new Promise<string>((resolve, reject) => {
      let buf = "";
      child.stdout!.on("data", (d) => {
        buf += String(d);
        const m = /READY (\S+)/.exec(buf);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
    });
    expect(pidsMentioning(dir).length).toBeGreaterThan(0);
    child.kill("SIGKILL");
    const deadline = Date.now() + 60_000;
    while (pidsMentioning(dir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(pidsMentioning(dir)).toEqual([]);
  });
});
