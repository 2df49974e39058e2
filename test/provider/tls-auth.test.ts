/**
 * The provider's transport against a REAL Elasticsearch node with security and HTTPS on (startNode({ security: true,
 * tls: true })), through the RemoteCluster ResourceProvider the dynamic-provider shim calls: TLS verification with a
 * CA, with pinned fingerprints (CA and leaf), without verification, and basic / bearer / wrong credentials.
 *
 * The node is addressed directly (not through the sandbox's emulated `_ccr` front, which speaks plain HTTP to its
 * node): RemoteCluster create/read/delete use only `_cluster/settings` and `_remote/info`, which the real node serves.
 * The remote alias points at the node's own transport address, which Elasticsearch connects to like any remote.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import type { ConnectionInputs } from "../../provider/client/connection";
import { provider } from "../../provider/dynamic";
import { EsNode, startNode } from "../../sandbox/es/node";
import { resolveEsVersion } from "../../sandbox/es/versions";

const rc = provider("RemoteCluster");
let node: EsNode;
/** Every secret the tests use, and the Authorization header values they would produce. */
let secrets: string[] = [];
const WRONG_PASSWORD = `wrong-${Math.random().toString(16).slice(2)}-pw`;

/** Console output captured while each test runs (the provider must not log secrets either). */
let logged: string[] = [];
const spies: Array<{ mockRestore(): void }> = [];

function expectNoSecrets(text: string): void {
  for (const s of secrets) expect(text, "a secret leaked").not.toContain(s);
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e, "expected the call to fail").toBeInstanceOf(Error);
  const err = e as Error;
  expectNoSecrets(err.message);
  expectNoSecrets(String(err.stack));
  expectNoSecrets(JSON.stringify(err));
  return err;
}

async function persistentRemote(alias: string): Promise<Record<string, unknown>> {
  const s = await node.request("GET", "/_cluster/settings?flat_settings=true");
  return Object.fromEntries(Object.entries(s.body.persistent as Record<string, unknown>).filter(([k]) => k.startsWith(`cluster.remote.${alias}.`)));
}

const args = (alias: string, connection: ConnectionInputs) => ({ alias, seeds: [node.transportAddress], waitTimeoutSeconds: 60, connection });
const basic = () => ({ urls: [node.httpUrl], username: node.auth!.username, password: node.auth!.password });

/** Every error names the resource (also when a shared per-cluster read failed on its behalf) and the cluster. */
function expectClusterNamed(message: string): void {
  expect(message).toMatch(/^RemoteCluster "/);
  expect(message).toMatch(new RegExp(`(on|reach) cluster ${node.httpUrl.replace(/[.]/g, "\\.")}[ :]`));
}

/** create → read (no drift) → delete → read (gone), all with `connection`. */
async function lifecycle(alias: string, connection: ConnectionInputs): Promise<void> {
  const c = await rc.create(args(alias, connection));
  expect(c.id).toBe(alias);
  expect(c.outs).toMatchObject({ alias, mode: "sniff", connected: true, seeds: [node.transportAddress] });
  expect(await persistentRemote(alias)).toMatchObject({ [`cluster.remote.${alias}.seeds`]: [node.transportAddress] });
  const r = await rc.read!(alias, c.outs);
  expect(r.id).toBe(alias);
  expect(r.props).toMatchObject({ alias, connected: true });
  expect((await rc.diff!(alias, r.props, args(alias, connection))).changes).toBe(false);
  // force: the real node has no `_ccr` APIs to ask whether followers use the alias (the emulated front has them).
  await rc.delete!(alias, { ...r.props, force: true });
  expect(await persistentRemote(alias)).toEqual({});
  expect((await rc.read!(alias, r.props)).id).toBe("");
}

beforeAll(async () => {
  node = await startNode({ security: true, tls: true, clusterName: `tls-auth-${process.pid}`, log: (s) => console.log(s) });
  const { username, password } = node.auth!;
  secrets = [password, node.bearerToken!, WRONG_PASSWORD, Buffer.from(`${username}:${password}`).toString("base64"),
    Buffer.from(`${username}:${WRONG_PASSWORD}`).toString("base64")];
  // Every read goes to the server (no reuse of shared reads between steps); no retries to wait through.
  setTransportFactory(undefined, { readCacheMs: 0, retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 100 } });
}, 300_000);

afterAll(async () => {
  setTransportFactory(undefined);
  await node?.stop();
}, 120_000);

beforeEach(() => {
  logged = [];
  for (const m of ["log", "info", "warn", "error", "debug"] as const) {
    spies.push(vi.spyOn(console, m).mockImplementation((...a: unknown[]) => { logged.push(a.map(String).join(" ")); }));
  }
});

afterEach(() => {
  for (const s of spies.splice(0)) s.mockRestore();
  expectNoSecrets(logged.join("\n"));
});

describe(`provider transport against HTTPS + security on Elasticsearch ${resolveEsVersion()}`, () => {
  it("(a) basic auth over https with caCert: create, read, delete", async () => {
    await lifecycle("tls-ca", { ...basic(), caCert: node.caCertPem });
  }, 120_000);

  it("(b) https without a CA fails, naming the cluster and caCert/caFingerprint; nothing is sent", async () => {
    const e = await failure(rc.create(args("tls-noca", basic())));
    expectClusterNamed(e.message);
    expect(e.message).toMatch(/SELF_SIGNED_CERT_IN_CHAIN/);
    expect(e.message).toMatch(/Fix: TLS verification failed: set connection\.caCert \(PEM\) or connection\.caFingerprint \(SHA-256\)/);
    const r = await failure(rc.read!("tls-noca", { alias: "tls-noca", connection: basic() }));
    expect(r.message).toMatch(/caCert.*caFingerprint/);
    expect(await persistentRemote("tls-noca")).toEqual({});
  }, 60_000);

  it("(c) caFingerprint of the CA (colon form) and of the leaf certificate: create, read, delete", async () => {
    const colons = node.caFingerprint!.toUpperCase().match(/../g)!.join(":");
    await lifecycle("tls-fp-ca", { ...basic(), caFingerprint: colons });
    await lifecycle("tls-fp-leaf", { ...basic(), caFingerprint: node.certFingerprint });
  }, 180_000);

  it("(c) a wrong caFingerprint fails clearly before any request (the write never reaches the node)", async () => {
    const wrong = "0".repeat(64);
    const e = await failure(rc.create(args("tls-fp-wrong", { ...basic(), caFingerprint: wrong })));
    expectClusterNamed(e.message);
    expect(e.message).toMatch(/CERT_FINGERPRINT_MISMATCH: the server certificate does not match connection\.caFingerprint/);
    expect(e.message).toContain(node.certFingerprint);
    expect(e.message).toMatch(/Fix: TLS pinning failed/);
    expect(await persistentRemote("tls-fp-wrong")).toEqual({});
  }, 60_000);

  it("(d) insecureSkipTlsVerify: create, read, delete", async () => {
    await lifecycle("tls-insecure", { ...basic(), insecureSkipTlsVerify: true });
  }, 120_000);

  it("(e) bearer token (elastic/fleet-server, cluster privilege monitor only): reads work; writing settings is a clear 403", async () => {
    const bearer = { urls: [node.httpUrl], bearerToken: node.bearerToken, caCert: node.caCertPem };
    const e = await failure(rc.create(args("tls-bearer", bearer)));
    // The write itself failed, so this one does name the resource.
    expect(e.message).toContain('RemoteCluster "tls-bearer": write remote cluster settings failed');
    expectClusterNamed(e.message);
    expect(e.message).toMatch(/HTTP 403 security_exception: action \[cluster:admin\/settings\/update\] is unauthorized for service account \[elastic\/fleet-server\]/);
    expect(e.message).toMatch(/Fix: .*cluster privilege manage/);
    expect(await persistentRemote("tls-bearer")).toEqual({});

    // Read path with the bearer token: an alias made with basic auth is seen, connected, without drift.
    const made = await rc.create(args("tls-bearer", { ...basic(), caCert: node.caCertPem }));
    try {
      const r = await rc.read!("tls-bearer", { alias: "tls-bearer", connection: bearer });
      expect(r.id).toBe("tls-bearer");
      expect(r.props).toMatchObject({ alias: "tls-bearer", seeds: [node.transportAddress], connected: true, mode: "sniff" });
      expect(r.inputs).toMatchObject({ alias: "tls-bearer", seeds: [node.transportAddress] });
    } finally {
      await rc.delete!("tls-bearer", { ...made.outs, force: true });
    }
    expect(await persistentRemote("tls-bearer")).toEqual({});
  }, 120_000);

  it("(f) a wrong password is a clear 401 without the password", async () => {
    const bad = { urls: [node.httpUrl], username: node.auth!.username, password: WRONG_PASSWORD, caCert: node.caCertPem };
    const e = await failure(rc.create(args("tls-401", bad)));
    expectClusterNamed(e.message);
    expect(e.message).toMatch(/HTTP 401 security_exception: unable to authenticate user \[ccr-admin\].*Fix: Authentication failed: check the connection's apiKey, username\/password or bearer token/);
    const r = await failure(rc.read!("tls-401", { alias: "tls-401", connection: bad }));
    expect(r.message).toMatch(/HTTP 401/);
    const d = await failure(rc.delete!("tls-401", { alias: "tls-401", force: true, connection: bad } as never));
    expect(d.message).toMatch(/HTTP 401/);
    // The node's own log (where authentication failures are reported) must not hold the password either.
    expectNoSecrets(node.logTail(2000));
  }, 60_000);
});
