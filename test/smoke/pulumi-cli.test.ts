import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { inlineStack, offlineEnv, OfflineEnv, pulumiCli, PULUMI_CLI_VERSION } from "../../sandbox/pulumi/engine";
import { startLocalClusters, LocalCluster, stopAll } from "../../sandbox/local";

// A deliberately tiny dynamic provider (an index on a real local node), enough to prove that the real CLI, the
// engine and the dynamic-provider shim run offline here. The product's providers live in provider/.
const indexProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    const r = await fetch(`${inputs.url}/${inputs.name}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ settings: { number_of_replicas: inputs.replicas } }) });
    if (!r.ok) throw new Error(`create ${inputs.name}: ${r.status} ${await r.text()}`);
    return { id: inputs.name, outs: { ...inputs } };
  },
  async read(id, props) {
    const r = await fetch(`${props.url}/${id}/_settings?flat_settings=true`);
    if (r.status === 404) return { id: "", props: {} };
    const body = (await r.json()) as Record<string, { settings: Record<string, string> }>;
    const replicas = Number(body[id].settings["index.number_of_replicas"]);
    return { id, props: { ...props, replicas }, inputs: { url: props.url, name: props.name, replicas } };
  },
  async diff(_id, olds, news) {
    const replaces = olds.name !== news.name ? ["name"] : [];
    return { changes: replaces.length > 0 || olds.replicas !== news.replicas || olds.url !== news.url, replaces, deleteBeforeReplace: true };
  },
  async update(_id, _olds, news) {
    const r = await fetch(`${news.url}/${news.name}/_settings`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ index: { number_of_replicas: news.replicas } }) });
    if (!r.ok) throw new Error(`update: ${r.status}`);
    return { outs: { ...news } };
  },
  async delete(id, props) {
    await fetch(`${props.url}/${id}`, { method: "DELETE" });
  },
};

class SmokeIndex extends pulumi.dynamic.Resource {
  constructor(name: string, args: { url: pulumi.Input<string>; name: pulumi.Input<string>; replicas: pulumi.Input<number> }) {
    super(indexProvider, name, args, {}, "smoke", "Index");
  }
}

describe("the real Pulumi CLI, offline", () => {
  let env: OfflineEnv;
  let clusters: LocalCluster[] = [];
  beforeAll(async () => {
    env = offlineEnv();
    clusters = await startLocalClusters({ count: 1, ccr: false, names: ["smoke"] });
  });
  afterAll(async () => stopAll(clusters));

  it("prints the pinned version", () => {
    expect(pulumiCli(["version"], env).stdout.trim()).toBe(PULUMI_CLI_VERSION);
  });

  it("takes a dynamic resource through preview, up, refresh, an update and destroy", async () => {
    const url = clusters[0].node.httpUrl;
    let replicas = 0;
    const stack = await inlineStack({
      projectName: "smoke",
      stackName: `smoke${process.pid}`,
      env,
      program: async () => {
        const idx = new SmokeIndex("idx", { url, name: "smoke-index", replicas });
        return { replicas: idx.id.apply(() => replicas) };
      },
    });
    const exists = async () => (await fetch(`${url}/smoke-index`, { method: "HEAD" })).status === 200;

    const preview = await stack.preview();
    expect(preview.changeSummary.create).toBe(2); // the stack and the index
    expect(await exists()).toBe(false); // preview wrote nothing

    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges?.create).toBe(2);
    expect(await exists()).toBe(true);

    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.update ?? 0).toBe(0);
    const again = await stack.up({ expectNoChanges: true });
    expect(again.summary.resourceChanges?.same).toBe(2);

    replicas = 1;
    const changed = await stack.up();
    expect(changed.summary.resourceChanges?.update).toBe(1);
    const s = await fetch(`${url}/smoke-index/_settings?flat_settings=true`).then((r) => r.json() as Promise<any>);
    expect(s["smoke-index"].settings["index.number_of_replicas"]).toBe("1");

    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges?.delete).toBe(2);
    expect(await exists()).toBe(false);
    await stack.workspace.removeStack(stack.name);
  });
});
