/**
 * The program-wide registry of declared links (components/replication-graph.ts) through Pulumi's mocks: what makes two
 * connections one cluster, that a loop reaches both links' resources as check input (and so their check), and that a
 * registry lives for one program run only.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { connectionOrigins } from "../../provider/components/replication-graph";
import { ReplicationLink } from "../../provider/components/replication-link/component";
import { checkLink } from "../../provider/components/replication-link/inputs";

describe("connectionOrigins", () => {
  const none = () => undefined;
  it("identifies a cluster by its URL origins, without credentials or paths", () => {
    expect(connectionOrigins({ urls: ["https://ES1.example:9200/base", "https://es2.example"] }, none)).toEqual(["https://es1.example:9200", "https://es2.example"]);
    expect(connectionOrigins({ urls: ["http://u:p@127.0.0.1:9200"] }, none)).toEqual(["http://127.0.0.1:9200"]);
    expect(connectionOrigins({ urls: ["not a url"] }, none)).toEqual([]);
    const cloudId = `dep:${Buffer.from("eu.example.io$abc123$kib").toString("base64")}`;
    expect(connectionOrigins({ cloudId }, none)).toEqual(["https://abc123.eu.example.io"]);
  });

  it("falls back on stack config only when the connection names no cluster", () => {
    const cfg = (v: Record<string, string>) => (k: string) => v[k];
    expect(connectionOrigins(undefined, cfg({ urls: '["http://a:9200","http://b:9200"]' }))).toEqual(["http://a:9200", "http://b:9200"]);
    expect(connectionOrigins({ apiKey: "k" } as never, cfg({ urls: "http://a:9200, http://b:9200" }))).toEqual(["http://a:9200", "http://b:9200"]);
    expect(connectionOrigins({ urls: ["http://c:9200"] }, cfg({ urls: "http://a:9200" }))).toEqual(["http://c:9200"]);
  });
});

interface Registration { type: string; name: string; object: Record<string, unknown> }

describe("the registry of one program run (Pulumi mocks)", () => {
  const regs: Registration[] = [];
  const A = { urls: ["http://127.0.0.1:1"] };
  const B = { urls: ["http://127.0.0.1:2", "http://127.0.0.1:3"] };
  const B2 = { urls: ["http://127.0.0.1:3"] };

  async function program(declare: () => ReplicationLink[]): Promise<void> {
    await pulumi.runtime.runInPulumiStack(async () => {
      const links = declare();
      await new Promise<void>((resolve) => pulumi.all(links.map((l) => l.urn)).apply(() => resolve()));
      await new Promise((r) => setTimeout(r, 100));
      return {};
    });
  }
  const followers = () => regs.filter((r) => r.type.endsWith(":ReplicationLinkFollowers"));

  beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "proj", "stack", true);
    const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: (err: unknown, res: any) => void) => {
      regs.push({ type: req.getType(), name: req.getName(), object: req.getObject()?.toJavaScript() ?? {} });
      return register(req, cb);
    };
  }, 60_000);

  it("a loop reaches both links' resources, and their check refuses it on leaderIndexPatterns", async () => {
    await program(() => [
      new ReplicationLink("ab", { remoteCluster: "a", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", connection: B, leaderConnection: A }),
      // B2 shares an origin with B: the same cluster.
      new ReplicationLink("ba", { remoteCluster: "b", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", connection: A, leaderConnection: B2 }),
    ]);
    const got = followers();
    expect(got.map((r) => r.name).sort()).toEqual(["ab", "ba"]);
    for (const r of got) {
      const problems = r.object.crossLinkProblems as Array<{ property: string; reason: string }>;
      expect(problems).toHaveLength(1);
      expect(problems[0].property).toBe("leaderIndexPatterns");
      expect(problems[0].reason).toMatch(/^replication loop: "logs-x" on the cluster at http:\/\/127\.0\.0\.1:[12].* a new copy every round without end/);
      expect(problems[0].reason).toContain("the cluster at http://127.0.0.1:2, http://127.0.0.1:3");
      // The same failure through the resource's check (what the engine runs at preview), and never stored.
      const checked = checkLink(r.object);
      expect(checked.failures).toContainEqual(problems[0]);
      expect(checked.inputs).not.toHaveProperty("crossLinkProblems");
      // No preview plan for a refused link: no request to either cluster.
      expect(r.object.plan).toEqual([]);
    }
  }, 60_000);

  it("a link with malformed patterns takes no part (check reports them) and breaks nothing", async () => {
    regs.length = 0;
    await program(() => [
      new ReplicationLink("ab", { remoteCluster: "a", leaderIndexPatterns: ["logs-*"], connection: B, leaderConnection: A, planInProgram: false }),
      new ReplicationLink("ba", { remoteCluster: "b", leaderIndexPatterns: "logs-*" as never, connection: A, leaderConnection: B, planInProgram: false }),
    ]);
    expect(followers().map((r) => [r.name, r.object.crossLinkProblems]).sort()).toEqual([["ab", undefined], ["ba", undefined]]);
    expect(checkLink(followers().find((r) => r.name === "ba")!.object).failures.map((f) => f.property)).toEqual(["leaderIndexPatterns"]);
  }, 60_000);

  it("starts afresh in the next program run", async () => {
    regs.length = 0;
    await program(() => [
      new ReplicationLink("ab", { remoteCluster: "a", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", connection: B, leaderConnection: A, planInProgram: false }),
    ]);
    expect(followers()).toHaveLength(1);
    expect(followers()[0].object.crossLinkProblems).toBeUndefined();
  }, 60_000);
});
