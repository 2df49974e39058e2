import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { randomBytes, X509Certificate } from "node:crypto";

/**
 * Throw-away TLS material for one sandbox node's HTTP layer: a self-signed CA and a node certificate for
 * 127.0.0.1 / localhost signed by it, written under `<config>/tls/`. Generated with the system's `openssl` when it is
 * on PATH, otherwise with the distribution's `bin/elasticsearch-certutil` (which needs `unzip`, as the sandbox does).
 *
 * The node certificate file holds the chain (node certificate, then the CA), as Elasticsearch's own
 * auto-configuration does, so a client that pins the CA by fingerprint sees the CA in the presented chain.
 */
export interface TlsMaterial {
  /** PEM of the CA: what a client passes as `caCert`. */
  caCertPem: string;
  /** SHA-256 of the CA certificate's DER, lower-case hex without colons. */
  caFingerprint: string;
  /** SHA-256 of the node (leaf) certificate's DER, lower-case hex without colons. */
  certFingerprint: string;
  /** Absolute paths of the files written. */
  files: { caCert: string; cert: string; key: string };
  /** elasticsearch.yml settings that turn TLS on for HTTP (paths relative to the config directory). */
  settings: Record<string, string | boolean>;
  tool: "openssl" | "elasticsearch-certutil";
}

export interface TlsOptions {
  /** Elasticsearch home, for the certutil fallback. */
  home?: string;
  /** Environment for the certutil fallback (needs ES_JAVA_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Force one generator (tests); default: openssl when on PATH. */
  tool?: TlsMaterial["tool"];
  /** Validity in days (default 7). */
  days?: number;
}

const SAN_IPS = ["127.0.0.1"];
const SAN_DNS = ["localhost"];

/** SHA-256 fingerprint of the first certificate in `pem`, lower-case hex without colons. */
export function sha256Fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();
}

function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0] ?? ""} failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error ?? "")).trim()}`);
}

function withOpenssl(dir: string, days: number): void {
  const f = (n: string) => path.join(dir, n);
  const serial = () => `0x${randomBytes(8).toString("hex")}`;
  run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.crt"),
    "-days", String(days), "-sha256", "-set_serial", serial(), "-subj", `/CN=ccr-sandbox throw-away CA ${randomBytes(3).toString("hex")}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run("openssl", ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f("node.key"), "-out", f("node.csr"), "-subj", "/CN=localhost"]);
  const san = [...SAN_IPS.map((i) => `IP:${i}`), ...SAN_DNS.map((d) => `DNS:${d}`)].join(",");
  fs.writeFileSync(f("node.ext"), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  run("openssl", ["x509", "-req", "-in", f("node.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-set_serial", serial(),
    "-days", String(days), "-sha256", "-extfile", f("node.ext"), "-out", f("node.leaf.crt")]);
  for (const n of ["node.csr", "node.ext"]) fs.rmSync(f(n), { force: true });
}

function withCertutil(dir: string, days: number, home: string | undefined, env: NodeJS.ProcessEnv | undefined): void {
  if (!home) throw new Error("no openssl on PATH and no Elasticsearch home given for elasticsearch-certutil");
  const certutil = path.join(home, "bin", "elasticsearch-certutil");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-certutil-"));
  try {
    const e = { ...(env ?? process.env), ES_PATH_CONF: path.join(home, "config") };
    run(certutil, ["ca", "--pem", "--silent", "--days", String(days), "--out", path.join(tmp, "ca.zip")], { env: e });
    run("unzip", ["-q", "-o", path.join(tmp, "ca.zip"), "-d", tmp]);
    run(certutil, ["cert", "--pem", "--silent", "--days", String(days), "--ca-cert", path.join(tmp, "ca", "ca.crt"), "--ca-key", path.join(tmp, "ca", "ca.key"),
      "--name", "node", ...SAN_IPS.flatMap((i) => ["--ip", i]), ...SAN_DNS.flatMap((d) => ["--dns", d]), "--out", path.join(tmp, "node.zip")], { env: e });
    run("unzip", ["-q", "-o", path.join(tmp, "node.zip"), "-d", tmp]);
    fs.copyFileSync(path.join(tmp, "ca", "ca.crt"), path.join(dir, "ca.crt"));
    fs.copyFileSync(path.join(tmp, "ca", "ca.key"), path.join(dir, "ca.key"));
    fs.copyFileSync(path.join(tmp, "node", "node.crt"), path.join(dir, "node.leaf.crt"));
    fs.copyFileSync(path.join(tmp, "node", "node.key"), path.join(dir, "node.key"));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes CA + node certificate into `<configDir>/tls/` and returns the settings and fingerprints. */
export function createTlsMaterial(configDir: string, opts: TlsOptions = {}): TlsMaterial {
  const dir = path.join(configDir, "tls");
  fs.mkdirSync(dir, { recursive: true });
  const days = opts.days ?? 7;
  const tool = opts.tool ?? (onPath("openssl") ? "openssl" : "elasticsearch-certutil");
  if (tool === "openssl") withOpenssl(dir, days);
  else withCertutil(dir, days, opts.home, opts.env);
  const caCertPem = fs.readFileSync(path.join(dir, "ca.crt"), "utf8");
  const leafPem = fs.readFileSync(path.join(dir, "node.leaf.crt"), "utf8");
  const files = { caCert: path.join(dir, "ca.crt"), cert: path.join(dir, "node.crt"), key: path.join(dir, "node.key") };
  fs.writeFileSync(files.cert, leafPem.trimEnd() + "\n" + caCertPem.trimEnd() + "\n");
  // The CA key is not needed by the node; keep nothing around that could sign more certificates.
  fs.rmSync(path.join(dir, "ca.key"), { force: true });
  return {
    caCertPem,
    caFingerprint: sha256Fingerprint(caCertPem),
    certFingerprint: sha256Fingerprint(leafPem),
    files,
    settings: {
      "xpack.security.http.ssl.enabled": true,
      "xpack.security.http.ssl.key": "tls/node.key",
      "xpack.security.http.ssl.certificate": "tls/node.crt",
      "xpack.security.http.ssl.certificate_authorities": "tls/ca.crt",
    },
    tool,
  };
}
