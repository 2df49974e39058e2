/**
 * The TLS variant of a sandbox node (startNode({ security: true, tls: true })): HTTPS with a throw-away CA on the HTTP
 * layer, transport TLS off. Checks what the node presents and that clients without the CA or without TLS fail.
 */
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { esRequest } from "../../sandbox/es/http";
import { startNode, EsNode } from "../../sandbox/es/node";
import { sha256Fingerprint } from "../../sandbox/es/tls";
import { resolveEsVersion } from "../../sandbox/es/versions";

interface Presented { authorized: boolean; authorizationError?: string; chain: string[]; san?: string }

/** Handshake only; the fingerprints the node presents, leaf first, lower-case hex. */
function handshake(port: number, ca?: string): Promise<Presented> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port, ca, rejectUnauthorized: false }, () => {
      const chain: string[] = [];
      let c: tls.DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
      const san = c?.subjectaltname;
      while (c?.fingerprint256 && !chain.includes(c.fingerprint256.replace(/:/g, "").toLowerCase())) {
        chain.push(c.fingerprint256.replace(/:/g, "").toLowerCase());
        c = c.issuerCertificate;
      }
      resolve({ authorized: s.authorized, authorizationError: s.authorizationError ? String(s.authorizationError) : undefined, chain, san });
      s.end();
    });
    s.on("error", reject);
  });
}

describe(`TLS variant on Elasticsearch ${resolveEsVersion()}`, () => {
  let node: EsNode;
  beforeAll(async () => {
    node = await startNode({ security: true, tls: true, clusterName: `tls-${process.pid}`, log: (s) => console.log(s) });
  });
  afterAll(async () => node?.stop());

  it("answers over https with its CA (superuser and bearer token)", async () => {
    expect(node.httpUrl).toBe(`https://127.0.0.1:${node.httpPort}`);
    expect(node.caCertPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const me = await node.request("GET", "/_security/_authenticate");
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(node.auth!.username);
    const svc = await node.request("GET", "/_security/_authenticate", undefined, { bearer: node.bearerToken });
    expect(svc.body.username).toBe("elastic/fleet-server");
    const anon = await esRequest(node.httpUrl, "GET", "/_cluster/health", undefined, { ca: node.caCertPem });
    expect(anon.status).toBe(401);
  });

  it("presents the generated node certificate and CA; fingerprints match the exposed ones", async () => {
    const p = await handshake(node.httpPort, node.caCertPem);
    expect(p.authorized).toBe(true);
    expect(p.chain).toEqual([node.certFingerprint, node.caFingerprint]);
    expect(p.san).toContain("IP Address:127.0.0.1");
    expect(p.san).toContain("DNS:localhost");
    expect(sha256Fingerprint(node.caCertPem!)).toBe(node.caFingerprint);
    const certs = await node.request("GET", "/_ssl/certificates");
    expect(certs.status).toBe(200);
    expect(certs.body.map((c: { path: string }) => c.path)).toEqual(expect.arrayContaining(["tls/node.crt", "tls/ca.crt"]));
  });

  it("is not trusted without the CA", async () => {
    const p = await handshake(node.httpPort);
    expect(p.authorized).toBe(false);
    expect(p.authorizationError).toBe("SELF_SIGNED_CERT_IN_CHAIN");
    await expect(esRequest(node.httpUrl, "GET", "/_cluster/health", undefined, { auth: node.auth })).rejects.toMatchObject({ code: "SELF_SIGNED_CERT_IN_CHAIN" });
    await expect(fetch(`${node.httpUrl}/_cluster/health`)).rejects.toThrow();
  });

  it("plain http on the same port fails (the node closes the connection)", async () => {
    const plain = `http://127.0.0.1:${node.httpPort}`;
    await expect(esRequest(plain, "GET", "/_cluster/health", undefined, { auth: node.auth, timeoutMs: 10_000 })).rejects.toThrow();
    await expect(fetch(`${plain}/`, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow();
  });

  it("transport TLS stays off; HTTP TLS is on", async () => {
    const s = await node.request("GET", "/_nodes/_local/settings?flat_settings=true");
    const settings = Object.values(s.body.nodes as Record<string, { settings: Record<string, string> }>)[0].settings;
    expect(settings["xpack.security.http.ssl.enabled"]).toBe("true");
    expect(settings["xpack.security.transport.ssl.enabled"] ?? "false").toBe("false");
  });
});
