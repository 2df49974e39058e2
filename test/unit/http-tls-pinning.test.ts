/**
 * The transport's TLS paths against a local node:https server with throw-away certificates (sandbox/es/tls.ts, needs
 * `openssl` on PATH): fingerprint pinning over keep-alive reuse and reconnects, and that a wrong pin sends nothing.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConnection } from "../../provider/client/connection";
import { connectionError, responseError } from "../../provider/client/errors";
import { nodeTransport, TransportFailure } from "../../provider/client/http";
import { createTlsMaterial, TlsMaterial } from "../../sandbox/es/tls";

const PASSWORD = "pin-test-secret-7f3a";

// openssl is a prerequisite checked by scripts/setup.sh, so this never skips: without it the test fails loudly.
describe("https transport with a pinned fingerprint", () => {
  let dir: string;
  let m: TlsMaterial;
  let server: https.Server;
  let url: string;
  let closeEach = false;
  const seen: string[] = [];
  let connections = 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-pin-"));
    m = createTlsMaterial(dir, { tool: "openssl" });
    server = https.createServer({ key: fs.readFileSync(m.files.key), cert: fs.readFileSync(m.files.cert) }, (req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      if (closeEach) res.setHeader("connection", "close");
      res.setHeader("content-type", "application/json");
      // As Elasticsearch does: the official client refuses 2xx answers without it.
      res.setHeader("x-elastic-product", "Elasticsearch");
      res.end("{}");
    });
    server.on("secureConnection", () => connections++);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => {
      server?.close(() => r());
      server?.closeAllConnections();
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const transport = (caFingerprint: string) =>
    nodeTransport(resolveConnection({ urls: [url], username: "u", password: PASSWORD, caFingerprint }, "test"));

  it("many requests over one keep-alive socket do not pile up secureConnect listeners", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    closeEach = false;
    connections = 0;
    const t = transport(m.caFingerprint);
    try {
      for (let i = 0; i < 15; i++) expect((await t.request({ method: "GET", path: "/" })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      expect(connections).toBe(1);
      expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
    } finally {
      t.close();
      process.off("warning", onWarning);
    }
  });

  it.each([["CA", () => m.caFingerprint], ["leaf", () => m.certFingerprint]])(
    "a reconnect (no TLS session resumption) is checked again and passes with the %s fingerprint", async (_, fp) => {
      closeEach = true;
      connections = 0;
      const t = transport(fp().toUpperCase().match(/../g)!.join(":"));
      try {
        for (let i = 0; i < 4; i++) expect((await t.request({ method: "GET", path: "/" })).status).toBe(200);
        expect(connections).toBe(4);
      } finally {
        t.close();
        closeEach = false;
      }
    });

  it("a wrong fingerprint fails before anything (credentials included) is sent, naming what the server presented", async () => {
    seen.length = 0;
    const t = transport("ab".repeat(32));
    try {
      const e = await t.request({ method: "PUT", path: "/_cluster/settings", body: { persistent: {} } }).then(() => undefined, (x) => x);
      expect(e).toBeInstanceOf(TransportFailure);
      expect((e as TransportFailure).code).toBe("CERT_FINGERPRINT_MISMATCH");
      expect((e as Error).message).toContain(m.certFingerprint);
      expect((e as Error).message).toContain(m.caFingerprint);
      expect(seen).toEqual([]);
      const mapped = connectionError({ resource: 'RemoteCluster "r"', cluster: url, action: "read" }, (e as TransportFailure).code, (e as Error).message);
      expect(mapped.message).toMatch(/TLS pinning failed: connection\.caFingerprint must be the SHA-256 fingerprint/);
      expect(mapped.message).not.toContain(PASSWORD);
    } finally {
      t.close();
    }
  });
});

describe("TLS and privilege error mapping", () => {
  const ctx = { resource: 'RemoteCluster "leader"', cluster: "https://es:9200", action: "write remote cluster settings" };

  it("a 403 on cluster settings update names the manage privilege, not manage_ccr", () => {
    const reason = "action [cluster:admin/settings/update] is unauthorized for service account [elastic/fleet-server], this action is granted by the cluster privileges [manage,all]";
    const e = responseError(ctx, 403, { error: { root_cause: [{ type: "security_exception", reason }], type: "security_exception", reason }, status: 403 });
    expect(e.message).toMatch(/HTTP 403 security_exception.*cluster:admin\/settings\/update.*Fix: .*cluster privilege manage \(manage_ccr does not include it\)/);
  });

  it("an untrusted certificate names caCert/caFingerprint", () => {
    const e = connectionError(ctx, "SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain");
    expect(e.message).toMatch(/cannot reach cluster https:\/\/es:9200.*set connection\.caCert \(PEM\) or connection\.caFingerprint/);
  });
});
