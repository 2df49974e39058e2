import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { FakeEs } from "./fake-es";

/**
 * The provider exactly as the engine stores and runs it: the resource constructor serializes it (captured through
 * mocks), and a separate process with the project as cwd loads it with require-from-string, as the
 * dynamic-provider shim does, and calls it against a fake cluster over HTTP.
 */
const root = path.resolve(__dirname, "../..");
const SECRET = "p4ssw0rd-never-in-state";

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const captured: Record<string, Record<string, unknown>> = {};
let serializeCalls = 0;

beforeAll(async () => {
  const dist = path.join(root, "dist/provider/dynamic/index.js");
  if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < newestMtime(path.join(root, "provider"))) {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  }
  const link = path.join(root, "node_modules/pulumi-elasticsearch-ccr");
  if (!fs.existsSync(link)) fs.symlinkSync("..", link);

  pulumi.runtime.setMocks({
    newResource: (a) => {
      captured[a.type] = a.inputs;
      return { id: `${a.name}-id`, state: a.inputs };
    },
    call: (a) => a.inputs,
  }, "proj", "stack", false);
  // Counts the SDK's closure serializations (the first resource of each kind would run one; later ones are cached).
  const sc = createRequire(require.resolve("@pulumi/pulumi"))("./runtime/closure/serializeClosure");
  const original = sc.serializeFunction;
  sc.serializeFunction = (...a: unknown[]) => (serializeCalls++, original(...a));
  const { FollowerIndex, RemoteCluster, AutoFollowPattern } = await import("../../provider");
  const connection = { urls: ["http://127.0.0.1:1"], username: "elastic", password: SECRET };
  const resources = [
    new RemoteCluster("r", { alias: "leader", seeds: ["127.0.0.1:9300"], connection }),
    new FollowerIndex("f", { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection }),
    new AutoFollowPattern("p", { name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection }),
  ];
  await Promise.all(resources.map((r) => new Promise((res) => r.urn.apply(res))));
}, 120_000);

function runInShim(providerText: string, script: string, env: Record<string, string> = {}): Promise<string> {
  const code = `
    const p = require("require-from-string")(process.env.PROVIDER_TEXT).handler();
    (async () => { ${script} })().then((r) => process.stdout.write(JSON.stringify(r)), (e) => { process.stderr.write(String(e && e.message)); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", code], { cwd: root, env: { ...process.env, PROVIDER_TEXT: providerText, ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (c) => (c === 0 ? resolve(out) : reject(new Error(err))));
  });
}

describe("serialized provider", () => {
  it.each(["RemoteCluster", "FollowerIndex", "AutoFollowPattern"])("%s: ≤ 4 KB, no secrets, loads the implementation by name", (kind) => {
    const text = captured[`pulumi-nodejs:dynamic/elasticsearch-ccr:${kind}`].__provider as string;
    expect(typeof text).toBe("string");
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('require("pulumi-elasticsearch-ccr/dynamic")');
    expect(text).toContain(`const kind = "${kind}";`);
    console.log(`serialized ${kind} provider: ${text.length} bytes`);
  });

  it("declaring resources does not run the SDK's closure serializer", () => {
    // It inspects every function of the provider through the V8 inspector and parses it with the TypeScript compiler
    // (bench/preview-time.ts). Our provider text is written out (resources/stub.ts providerModule) instead.
    expect(serializeCalls).toBe(0);
  });

  it("check and diff (a preview without refresh) do not load Elasticsearch's client in the provider process", async () => {
    const text = captured["pulumi-nodejs:dynamic/elasticsearch-ccr:FollowerIndex"].__provider as string;
    const out = await runInShim(text, `
      const args = { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection: { urls: ["http://127.0.0.1:1"] } };
      const c = await p.check({}, args);
      const d = await p.diff("orders-copy", { ...c.inputs, status: "active" }, c.inputs);
      return { failures: c.failures.length, changes: d.changes, loaded: Object.keys(require.cache).filter((k) => k.includes("@elastic")).length };
    `);
    expect(JSON.parse(out)).toEqual({ failures: 0, changes: false, loaded: 0 });
  }, 60_000);

  it("the deserialized provider runs check, diff, create, read, update and delete", async () => {
    const es = new FakeEs();
    es.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
    const server = await es.listen();
    try {
      const text = captured["pulumi-nodejs:dynamic/elasticsearch-ccr:FollowerIndex"].__provider as string;
      const out = await runInShim(text, `
        const conn = { urls: [process.env.ES_URL] };
        const check = await p.check({}, { name: "Bad", remoteCluster: "leader", leaderIndex: "orders" });
        const args = { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection: conn };
        const c = await p.create(args);
        const r = await p.read(c.id, c.outs);
        const d = await p.diff(c.id, r.props, { ...args, maxReadRequestSize: "64mb" });
        const u = await p.update(c.id, r.props, { ...args, maxReadRequestSize: "64mb" });
        await p.delete(c.id, u.outs);
        return { failures: check.failures.map((f) => f.property), id: c.id, status: c.outs.status, diff: d, readStatus: r.props.status, updated: u.outs.maxReadRequestSize };
      `, { ES_URL: server.url });
      expect(JSON.parse(out)).toEqual({
        // No connection and no stack config: check says so too (the connection it would use has no URL).
        failures: ["name", "connection"], id: "orders-copy", status: "active", readStatus: "active", updated: "64mb",
        diff: { changes: true, replaces: [], deleteBeforeReplace: false },
      });
      expect(es.indices.get("orders-copy")?.follower).toBeUndefined();
    } finally {
      await server.close();
    }
  }, 60_000);

  it("wraps the connection input as a secret and asks for the output to stay secret", async () => {
    const { secretConnection, withSecretConnection } = await import("../../provider/resources/args");
    const c = secretConnection({ urls: ["http://x:9200"], password: SECRET })!;
    expect(await pulumi.isSecret(c)).toBe(true);
    expect(withSecretConnection({}).additionalSecretOutputs).toEqual(["connection"]);
  });
});
