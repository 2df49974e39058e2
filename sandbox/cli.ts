#!/usr/bin/env node
/**
 * ccr-sandbox: local Elasticsearch clusters to try CCR on (`ccr-sandbox --help`; arguments in cli-args.ts).
 *
 * Ctrl-C: the process guard's signal handler (es/process-guard.ts) runs the graceful stop registered here (fronts,
 * then nodes: front records and node directories removed) and only then exits; anything still running after
 * 30 s, or on a second Ctrl-C, is killed and its directory removed synchronously.
 */
import { ensureDistribution } from "./es/distribution";
import { onShutdown, reapOrphans } from "./es/process-guard";
import { resolveEsVersion } from "./es/versions";
import { reapStaleRecords } from "./ccr/registry";
import { parseCliArgs, USAGE, UsageError } from "./cli-args";
import { LocalCluster, startLocalClusters, stopAll } from "./local";

const log = (s: string) => console.error(`[ccr-sandbox] ${s}`);

function table(clusters: LocalCluster[]): string {
  const rows = [["cluster", "connection URL (the _ccr front)", "remote seed (transport)", "node HTTP (no _ccr)"],
    ...clusters.map((c) => [c.name, c.url, c.transportAddress, c.node.httpUrl])];
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((x, i) => x.padEnd(w[i])).join("  ").trimEnd()).join("\n");
}

async function main(): Promise<void> {
  let cmd;
  try {
    cmd = parseCliArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`ccr-sandbox: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  switch (cmd.cmd) {
    case "help":
      console.log(USAGE);
      return;
    case "fetch": {
      const v = resolveEsVersion(cmd.version);
      log(`Elasticsearch ${v}: ${ensureDistribution(v, log)}`);
      return;
    }
    case "cleanup": {
      const n = reapOrphans(log);
      const r = reapStaleRecords();
      log(`cleanup: ${n} orphaned node(s) killed, ${r} stale front record(s) removed`);
      return;
    }
    case "up": {
      let clusters: LocalCluster[] = [];
      // Registered before the nodes start, so a Ctrl-C during start-up is handled by the same path.
      onShutdown(async () => {
        log("stopping (Ctrl-C again to kill at once)");
        await stopAll(clusters);
        log("stopped: nodes, node directories and front records removed");
      });
      clusters = await startLocalClusters({ names: cmd.names, version: cmd.version, log });
      for (const c of clusters) {
        console.log(JSON.stringify({
          name: c.name, connection_url: c.url, remote_seed: c.transportAddress, node_url: c.node.httpUrl,
          version: c.node.version, ccr: c.ccrEmulated ? "emulated" : "none", pid: c.node.pid, dir: c.node.dir,
        }));
      }
      console.error(table(clusters));
      log("clusters are up. Connect Pulumi and clients to the connection URL; point RemoteCluster seeds at the remote seed. " +
        "The _ccr API there is EMULATED by the sandbox (sandbox/ccr/README.md). Ctrl-C stops everything.");
      await new Promise(() => {});
      return;
    }
  }
}

main().catch((e) => {
  console.error(`[ccr-sandbox] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
