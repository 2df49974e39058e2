/**
 * The distribution cache under concurrency: several processes that unpack the same Elasticsearch version at the
 * same moment all end up with the same complete tree (two `npm test`/sandbox processes on a fresh machine used to
 * fail with ENOTEMPTY on the final rename). Uses a small fake integ-test-zip in a throw-away Maven repository
 * (MAVEN_REPO_LOCAL) and cache (CCR_CACHE_DIR), so no download and no real distribution is involved.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const VERSION = "0.0.1";
const tsx = path.resolve(__dirname, "../../node_modules/.bin/tsx");
const distribution = path.resolve(__dirname, "../../sandbox/es/distribution.ts");

// ------------------------------------------------------------------ a minimal zip writer (stored entries)
const CRC = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc32 = (b: Buffer) => { let c = 0xffffffff; for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };

function writeZip(file: string, entries: Array<{ name: string; data: string; mode?: number }>): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(10, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(0x031e, 4); central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28); central.writeUInt32LE(((e.mode ?? 0o644) | 0o100000) << 16 >>> 0, 38); central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  fs.writeFileSync(file, Buffer.concat([...locals, cd, end]));
}

// ------------------------------------------------------------------
let tmp: string;
let m2: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-dist-"));
  m2 = path.join(tmp, "m2");
  const dir = path.join(m2, "org", "elasticsearch", "distribution", "integ-test-zip", "elasticsearch", VERSION);
  fs.mkdirSync(dir, { recursive: true });
  const root = `elasticsearch-${VERSION}`;
  // Enough files that unpacking takes a while, so concurrent unpackers overlap.
  const files = Array.from({ length: 1500 }, (_, i) => ({ name: `${root}/lib/part-${i}.txt`, data: `part ${i}\n`.repeat(20) }));
  writeZip(path.join(dir, `elasticsearch-${VERSION}.zip`), [...files, { name: `${root}/bin/elasticsearch`, data: "#!/bin/sh\n", mode: 0o755 }]);
  fs.writeFileSync(path.join(tmp, "child.ts"), [
    `import * as fs from "node:fs";`,
    `import { ensureDistribution } from ${JSON.stringify(distribution)};`,
    `const go = process.argv[2];`,
    `console.log("ready");`,
    `while (!fs.existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);`,
    `console.log("home=" + ensureDistribution(${JSON.stringify(VERSION)}));`,
  ].join("\n"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function child(cache: string, go: string) {
  const p = spawn(tsx, [path.join(tmp, "child.ts"), go], { env: { ...process.env, MAVEN_REPO_LOCAL: m2, CCR_CACHE_DIR: cache } });
  let out = "";
  let err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  const ready = new Promise<void>((resolve) => { const t = setInterval(() => { if (out.includes("ready") || p.exitCode !== null) { clearInterval(t); resolve(); } }, 10); });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => p.on("close", (code) => resolve({ code, out, err })));
  return { ready, done };
}

describe("ensureDistribution under concurrency", () => {
  it("two processes unpacking the same version at once all succeed with one complete tree (3 rounds)", async () => {
    for (let round = 0; round < 3; round++) {
      const cache = path.join(tmp, `cache-${round}`);
      const go = path.join(tmp, `go-${round}`);
      const kids = [child(cache, go), child(cache, go)];
      await Promise.all(kids.map((k) => k.ready));
      fs.writeFileSync(go, "");
      const results = await Promise.all(kids.map((k) => k.done));
      const home = path.join(cache, "es", `elasticsearch-${VERSION}`);
      for (const r of results) {
        if (r.code !== 0) throw new Error(`round ${round}: exit ${r.code}: ${r.err.split("\n").filter((l) => /Error|ENOTEMPTY|EEXIST/.test(l)).slice(0, 3).join(" | ")}`);
        expect(r.out).toContain(`home=${home}`);
      }
      expect(fs.existsSync(path.join(home, "bin", "elasticsearch"))).toBe(true);
      expect(fs.readdirSync(path.join(home, "lib"))).toHaveLength(1500);
      expect(fs.readdirSync(path.join(cache, "es")), "no temporary unpack directory left").toEqual([`elasticsearch-${VERSION}`]);
    }
  }, 180_000);
});
