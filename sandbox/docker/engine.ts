/**
 * The project's own Docker engine (scripts/docker-engine.sh) and a minimal Docker Engine API client: plain HTTP over
 * the engine's unix socket, JSON in and out, no client library (the handful of calls the real-engine proof makes).
 */
import { execFileSync } from "node:child_process";
import * as http from "node:http";
import * as path from "node:path";
import { repoRoot } from "../paths";

export class EngineError extends Error {
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly body: string) {
    super(`Docker Engine API ${method} ${path}: HTTP ${status} ${body.trim().slice(0, 500)}`);
  }
}

export interface EngineApi {
  socketPath: string;
  /** JSON request; throws EngineError on a status >= 400 unless `allow` lists it. */
  request<T = any>(method: string, p: string, body?: unknown, allow?: number[]): Promise<{ status: number; body: T }>;
  /** A container's log tail (stdout and stderr, Docker's multiplexed stream decoded). */
  logs(container: string, tail?: number): Promise<string>;
}

function raw(socketPath: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request({
      socketPath, method, path: p, timeout: 120_000,
      headers: { host: "engine", ...(data ? { "content-type": "application/json", "content-length": data.length } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`Docker Engine API ${method} ${p}: no answer within 120 s`)));
    req.on("error", reject);
    req.end(data);
  });
}

/** Docker's log stream without a TTY: frames of [stream, 0, 0, 0, size (4 bytes, big-endian)] + payload. */
export function demuxLogs(b: Buffer): string {
  let out = "";
  let i = 0;
  while (i + 8 <= b.length && b[i] <= 2 && b[i + 1] === 0) {
    const n = b.readUInt32BE(i + 4);
    out += b.subarray(i + 8, i + 8 + n).toString("utf8");
    i += 8 + n;
  }
  return i === 0 ? b.toString("utf8") : out;
}

export function engineApi(socketPath: string): EngineApi {
  return {
    socketPath,
    async request<T = any>(method: string, p: string, body?: unknown, allow: number[] = []) {
      const r = await raw(socketPath, method, p, body);
      const text = r.body.toString("utf8");
      if (r.status >= 400 && !allow.includes(r.status)) throw new EngineError(method, p, r.status, text);
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { /* plain text answer */ }
      return { status: r.status, body: parsed as T };
    },
    async logs(container, tail = 40) {
      const r = await raw(socketPath, "GET", `/containers/${encodeURIComponent(container)}/logs?stdout=1&stderr=1&tail=${tail}`);
      return demuxLogs(r.body);
    },
  };
}

export interface Engine extends EngineApi {
  /** dockerd's PID. */
  pid: number;
  /** True when this process started it (and `stop` stops it); false when it was running already. */
  started: boolean;
  /** Stops dockerd, by PID, only if this process started it. */
  stop(): void;
}

/** Parses scripts/docker-engine.sh's last line: `DOCKER_HOST=unix://… PID=<pid> STARTED=1|0`. */
export function parseEngineLine(out: string): { socketPath: string; pid: number; started: boolean } {
  const line = out.trim().split("\n").pop() ?? "";
  const m = /^DOCKER_HOST=unix:\/\/(\S+) PID=(\d+) STARTED=([01])$/.exec(line);
  if (!m) throw new Error(`scripts/docker-engine.sh start printed no engine line: ${out.trim().slice(-500)}`);
  return { socketPath: m[1], pid: Number(m[2]), started: m[3] === "1" };
}

/** Starts our dockerd unless it runs already (scripts/docker-engine.sh explains why it cannot: not root, …). */
export function startEngine(): Engine {
  const script = path.join(repoRoot(), "scripts", "docker-engine.sh");
  let out: string;
  try {
    out = execFileSync("bash", [script, "start"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`cannot start the Docker engine (bash scripts/docker-engine.sh start): ${(err.stderr || err.stdout || err.message).trim()}`);
  }
  const { socketPath, pid, started } = parseEngineLine(out);
  let stopped = false;
  return {
    ...engineApi(socketPath), pid, started,
    stop() {
      if (!started || stopped) return;
      stopped = true;
      execFileSync("bash", [script, "stop", String(pid)], { stdio: ["ignore", "inherit", "inherit"] });
    },
  };
}
