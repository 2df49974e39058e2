import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { runRoot } from "../paths";
import { ensureDistribution } from "./distribution";
import { findJdk } from "./java";
import { esRequest, HttpAuth } from "./http";
import { groupRunning, isAlive, track, untrack } from "./process-guard";
import { minimumJava, resolveEsVersion } from "./versions";
import { chownTree, nodeRunAs } from "./run-as";
import { createTlsMaterial, TlsMaterial } from "./tls";

export interface StartNodeOptions {
  /** Exact version or major; default from CCR_ES_VERSION. */
  version?: string;
  /** Cluster name; must be unique among the clusters a test connects. Default: generated. */
  clusterName?: string;
  /** Security on: basic auth (a superuser from the file realm) and API keys over plain HTTP. Default off. */
  security?: boolean;
  /** License after start-up. "trial" starts the 30-day trial through the real API; "basic" leaves the default. */
  license?: "trial" | "basic";
  /**
   * TLS on the HTTP layer (needs `security: true`): a throw-away CA and a node certificate for 127.0.0.1/localhost
   * (sandbox/es/tls.ts); `httpUrl` becomes https and `caCertPem`/`caFingerprint`/`certFingerprint` are set.
   * Transport TLS stays off (single-node discovery does not require it). Default off.
   */
  tls?: boolean;
  heapMb?: number;
  /**
   * The JVM's just-in-time compilers. "quick" (the default; env CCR_ES_JIT) stops at the first tier (C1,
   * `-XX:TieredStopAtLevel=1`): these nodes live for one test file or one sandbox session and serve light loads, and
   * on 2 cores the second tier's compile threads were most of a node's start-up CPU (8.19.21: 19–22 CPU-s to ready
   * with both tiers, 11.5–12 with the first only). "full" keeps the JVM's default of both tiers, for long or heavy
   * runs where peak throughput matters more than start-up.
   */
  jit?: "quick" | "full";
  /** Extra elasticsearch.yml settings. */
  settings?: Record<string, string | number | boolean>;
  startTimeoutMs?: number;
  log?: (s: string) => void;
}

export interface EsNode {
  version: string;
  clusterName: string;
  httpUrl: string;
  httpPort: number;
  transportPort: number;
  /** host:port of the transport layer, what `cluster.remote.<alias>.seeds` points at. */
  transportAddress: string;
  pid: number;
  dir: string;
  /** Present when security is on: a superuser of the file realm. */
  auth?: { username: string; password: string };
  /**
   * Present when security is on: a file-based service-account token (elastic/fleet-server) for bearer auth.
   * API keys cannot be issued here: they live in the .security index, whose mapping needs the analysis-common
   * module that the integ-test-zip lacks ("Unknown filter type [pattern_capture]").
   */
  bearerToken?: string;
  /** Present with `tls: true`: PEM of the throw-away CA that signed the node's HTTP certificate. */
  caCertPem?: string;
  /** Present with `tls: true`: SHA-256 of the CA certificate (DER), lower-case hex. */
  caFingerprint?: string;
  /** Present with `tls: true`: SHA-256 of the node's HTTP (leaf) certificate (DER), lower-case hex. */
  certFingerprint?: string;
  startupMs: number;
  /** `timeoutMs`: how long this client waits for the answer (default 30 s, esRequest's). */
  request<T = any>(method: string, p: string, body?: unknown, auth?: HttpAuth, timeoutMs?: number): Promise<{ status: number; body: T }>;
  logTail(lines?: number): string;
  /**
   * Fault injection for tests: SIGKILL of the node's process group (launcher and JVM), no shutdown of any kind; the
   * data directory stays. Resolves once every process of the group is gone.
   */
  kill(): Promise<void>;
  /** Starts the node again after `kill()`, on the same data, config and ports; resolves when it is ready again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether `port` can be bound on loopback right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral port range (what `listen(0)` and outgoing connections get). */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch { /* not Linux */ }
  return [32768, 60999];
}

/**
 * Ports that Node's `fetch` (undici, after the Fetch standard's "bad port" list) refuses to connect to, whatever
 * listens there: "fetch failed … bad port". Of that list only 10080 lies at or above freePort's base of 10000; a
 * front picked it once in CI (2026-12-02, test/ccr/integration/lifecycle.test.ts on 8.19.21) and every request of that
 * file failed.
 */
export function fetchRefusesPort(port: number): boolean {
  return port === 10080;
}

/**
 * A port that is free now, for a process that binds it later (a node's http/transport port). Picked BELOW the
 * ephemeral range: a port from `listen(0)` is in that range, so between our check and the node's bind any outgoing
 * connection on the machine may take it as its local port (seen in CI: a 9.5.4 node failed to start in
 * Netty4Transport.bind while the other version's suite ran beside it).
 */
export async function freePort(): Promise<number> {
  const [lo] = ephemeralRange();
  const base = 10_000;
  if (lo - base > 1_000) {
    for (let i = 0; i < 100; i++) {
      const port = base + Math.floor(Math.random() * (lo - base));
      if (!fetchRefusesPort(port) && (await canBind(port))) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function yaml(settings: Record<string, string | number | boolean>): string {
  return Object.entries(settings).map(([k, v]) => `${k}: ${typeof v === "string" ? JSON.stringify(v) : v}`).join("\n") + "\n";
}

function tailOf(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** JVM flags for `StartNodeOptions.jit` (default from CCR_ES_JIT, else "quick"). */
export function jvmJitOptions(jit: StartNodeOptions["jit"] = (process.env.CCR_ES_JIT as StartNodeOptions["jit"]) || "quick"): string[] {
  if (jit === "quick") return ["-XX:TieredStopAtLevel=1"];
  if (jit === "full") return [];
  throw new Error(`jit (CCR_ES_JIT) must be "quick" or "full", not ${JSON.stringify(jit)}`);
}

/** Starts one single-node cluster on loopback and resolves once it answers and is at least yellow. */
export async function startNode(opts: StartNodeOptions = {}): Promise<EsNode> {
  const log = opts.log ?? (() => {});
  if (opts.tls && !opts.security) throw new Error("startNode: tls: true needs security: true (Elasticsearch serves HTTPS only with security on)");
  const version = resolveEsVersion(opts.version);
  const home = ensureDistribution(version, log);
  const jdk = findJdk(minimumJava(version));
  const clusterName = opts.clusterName ?? `ccr-${randomBytes(3).toString("hex")}`;
  fs.mkdirSync(runRoot(), { recursive: true });
  const dir = fs.mkdtempSync(path.join(runRoot(), `${clusterName}-`));
  const conf = path.join(dir, "config");
  fs.cpSync(path.join(home, "config"), conf, { recursive: true });
  for (const d of ["data", "logs", "tmp"]) fs.mkdirSync(path.join(dir, d));
  const [httpPort, transportPort] = [await freePort(), await freePort()];
  let tls: TlsMaterial | undefined;
  try {
    tls = opts.tls ? createTlsMaterial(conf, { home, env: { ...process.env, ES_JAVA_HOME: jdk.home } }) : undefined;
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const settings: Record<string, string | number | boolean> = {
    "cluster.name": clusterName,
    "node.name": `${clusterName}-0`,
    "path.data": path.join(dir, "data"),
    "path.logs": path.join(dir, "logs"),
    "network.host": "127.0.0.1",
    "http.port": httpPort,
    "transport.port": transportPort,
    "discovery.type": "single-node",
    // Test machines run with little free disk at times; the watermarks would flip indexes to read-only.
    "cluster.routing.allocation.disk.threshold_enabled": false,
    "xpack.security.enabled": !!opts.security,
    "xpack.license.self_generated.type": "basic",
    "action.destructive_requires_name": false,
    ...(tls?.settings ?? {}),
    ...(opts.settings ?? {}),
  };
  fs.writeFileSync(path.join(conf, "elasticsearch.yml"), yaml(settings));
  const jitOpts = jvmJitOptions(opts.jit);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ES_JAVA_HOME: jdk.home,
    ES_PATH_CONF: conf,
    ES_TMPDIR: path.join(dir, "tmp"),
    ES_JAVA_OPTS: [`-Xms${opts.heapMb ?? 384}m`, `-Xmx${opts.heapMb ?? 384}m`, ...jitOpts].join(" "),
    // The launcher JVM (server-cli, alive as long as the node) and the elasticsearch-users/-service-tokens tools.
    CLI_JAVA_OPTS: jitOpts.join(" "),
  };
  delete env.JAVA_HOME;
  const runAs = nodeRunAs();
  let auth: EsNode["auth"];
  let bearerToken: string | undefined;
  if (opts.security) {
    auth = { username: "ccr-admin", password: randomBytes(12).toString("hex") };
    const r = spawnSync(path.join(home, "bin", "elasticsearch-users"), ["useradd", auth.username, "-p", auth.password, "-r", "superuser"], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`elasticsearch-users useradd failed (exit ${r.status}): ${r.stderr || r.stdout}`);
    const t = spawnSync(path.join(home, "bin", "elasticsearch-service-tokens"), ["create", "elastic/fleet-server", `ccr-${randomBytes(3).toString("hex")}`], { env, encoding: "utf8" });
    bearerToken = /=\s*(\S+)\s*$/m.exec(t.stdout ?? "")?.[1];
    if (t.status !== 0 || !bearerToken) throw new Error(`elasticsearch-service-tokens create failed (exit ${t.status}): ${t.stderr || t.stdout}`);
  }
  chownTree(dir, runAs);
  const consoleLog = path.join(dir, "logs", "console.log");
  const t0 = Date.now();
  log(`starting ${clusterName} (Elasticsearch ${version}, Java ${jdk.feature}) http=${httpPort} transport=${transportPort}`);
  let pid = 0;
  let exitCode: number | null | undefined;
  const launch = () => {
    const out = fs.openSync(consoleLog, "a");
    if (runAs.uid !== undefined) fs.fchownSync(out, runAs.uid, runAs.gid!);
    // detached: the node gets its own process group, so one kill reaches the launcher and the server JVM.
    const [cmd, ...args] = [...runAs.prefix, path.join(home, "bin", "elasticsearch")];
    const child: ChildProcess = spawn(cmd, args, { env, detached: true, stdio: ["ignore", out, out] });
    fs.closeSync(out);
    pid = child.pid!;
    track(pid, dir);
    exitCode = undefined;
    const mine = pid;
    child.on("exit", (code, signal) => {
      // The exit of a launch killed earlier must not mark the relaunched node as exited.
      if (mine === pid) exitCode = code ?? (signal ? -1 : 0);
    });
    child.unref();
  };
  launch();
  const httpUrl = `${tls ? "https" : "http"}://127.0.0.1:${httpPort}`;
  const ca = tls?.caCertPem;
  const request = <T = any>(method: string, p: string, body?: unknown, a?: HttpAuth, timeoutMs?: number) => esRequest<T>(httpUrl, method, p, body, { auth: a ?? auth, ca, timeoutMs });
  const logTail = (lines = 40) => {
    const main = tailOf(path.join(dir, "logs", `${clusterName}.log`), lines);
    return main || tailOf(path.join(dir, "logs", "console.log"), lines);
  };
  let stopped = false;
  const killGroup = async () => {
    try { process.kill(-pid, "SIGKILL"); } catch { /* gone */ }
    // Death after SIGKILL is asynchronous: wait for the whole group (launcher and server JVM) before removing the
    // directory it may still write to, or starting it again on the same data.
    // 30 s, not 10: on a loaded machine a SIGKILLed JVM took longer to leave /proc (seen in CI on 9.5.4).
    const killDeadline = Date.now() + 30_000;
    while (groupRunning(pid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 100));
    untrack(pid);
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try { process.kill(-pid, "SIGTERM"); } catch { /* already gone */ }
    const deadline = Date.now() + 20_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await killGroup();
    if (!process.env.CCR_KEEP_NODE_DIRS) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  const waitReady = async (since: number) => {
    const deadline = since + (opts.startTimeoutMs ?? 180_000);
    for (;;) {
      if (exitCode !== undefined) {
        const tail = logTail(30);
        await stop();
        throw new Error(`Elasticsearch ${version} (${clusterName}) exited with code ${exitCode} during start-up. Last log lines:\n${tail}`);
      }
      if (Date.now() > deadline) {
        const tail = logTail(30);
        await stop();
        throw new Error(`Elasticsearch ${version} (${clusterName}) did not become ready within ${(opts.startTimeoutMs ?? 180_000) / 1000}s. Last log lines:\n${tail}`);
      }
      try {
        const h = await esRequest(httpUrl, "GET", "/_cluster/health?wait_for_status=yellow&timeout=2s", undefined, { auth, timeoutMs: 5_000, ca });
        if (h.status === 200) break;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  await waitReady(t0);
  if ((opts.license ?? "trial") === "trial") {
    const r = await request("POST", "/_license/start_trial?acknowledge=true");
    if (r.status !== 200 || r.body?.trial_was_started !== true) {
      await stop();
      throw new Error(`starting the trial license on ${clusterName} failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  const startupMs = Date.now() - t0;
  log(`${clusterName} ready in ${(startupMs / 1000).toFixed(1)}s at ${httpUrl}`);
  return {
    version, clusterName, httpUrl, httpPort, transportPort, transportAddress: `127.0.0.1:${transportPort}`,
    get pid() {
      return pid;
    },
    dir, auth, bearerToken, startupMs, request, logTail, stop,
    kill: async () => {
      if (stopped) throw new Error(`${clusterName} was stopped; kill() is for a running node`);
      await killGroup();
      exitCode = -1;
    },
    restart: async () => {
      if (stopped) throw new Error(`${clusterName} was stopped; restart() follows kill()`);
      if (groupRunning(pid)) throw new Error(`${clusterName} is still running; kill() it first`);
      const t1 = Date.now();
      launch();
      await waitReady(t1);
      log(`${clusterName} restarted in ${((Date.now() - t1) / 1000).toFixed(1)}s`);
    },
    ...(tls ? { caCertPem: tls.caCertPem, caFingerprint: tls.caFingerprint, certFingerprint: tls.certFingerprint } : {}),
  };
}
