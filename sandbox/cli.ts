#!/usr/bin/env node
/**
 * ccr-sandbox: local Elasticsearch clusters to try CCR on.
 *
 *   ccr-sandbox fetch                 obtain (and cache) the distribution for CCR_ES_VERSION
 *   ccr-sandbox up [--count N]        start N single-node clusters with the EMULATED _ccr layer; Ctrl-C stops them
 *   ccr-sandbox cleanup               kill nodes left behind by processes that died
 */
import { ensureDistribution } from "./es/distribution";
import { reapOrphans } from "./es/process-guard";
import { resolveEsVersion } from "./es/versions";
import { startLocalClusters } from "./local";

const log = (s: string) => console.error(`[ccr-sandbox] ${s}`);

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const cmd = process.argv[2];
  switch (cmd) {
    case "fetch": {
      const v = resolveEsVersion(flag("version"));
      log(`Elasticsearch ${v}: ${ensureDistribution(v, log)}`);
      return;
    }
    case "cleanup": {
      const n = reapOrphans(log);
      log(`cleanup: ${n} orphaned node(s) killed`);
      return;
    }
    case "up": {
      const clusters = await startLocalClusters({ count: Number(flag("count") ?? 2), version: flag("version"), log });
      for (const c of clusters) {
        console.log(JSON.stringify({ name: c.name, url: c.url, node: c.node.httpUrl, transport: c.transportAddress, version: c.node.version, ccr: c.ccrEmulated ? "emulated" : "none" }));
      }
      log("clusters are up; the _ccr API on these URLs is EMULATED by the sandbox (see sandbox/ccr/README.md). Ctrl-C stops them.");
      const stop = async () => {
        await Promise.all(clusters.map((c) => c.stop()));
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      await new Promise(() => {});
      return;
    }
    default:
      console.error("usage: ccr-sandbox fetch|up [--count N] [--version V]|cleanup");
      process.exit(2);
  }
}

main().catch((e) => {
  console.error(`[ccr-sandbox] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
