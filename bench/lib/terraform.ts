import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { repoRoot } from "../../sandbox/paths";
import { esRequest } from "../../sandbox/es/http";
import { repeat } from "./stats";
import { dropFollowers, World } from "./world";

/**
 * OpenTofu with Elastic's Terraform provider (terraform-provider-elasticstack), as built and cached by
 * scripts/build-terraform.sh, driving the same resources as lib/project.ts's program: a remote cluster (cluster
 * settings), an auto-follow pattern and N follower indexes. Found only when already built: `npm run bench` never
 * starts a Go build (run `bash scripts/build-terraform.sh` first).
 */
export interface Tofu {
  tofu: string;
  provider: string;
  versions: string;
}

const TOFU_VERSION = process.env.TOFU_VERSION ?? "v1.12.6";
const PROVIDER_VERSION = process.env.ELASTICSTACK_VERSION ?? "v0.16.2";

export function findTofu(): Tofu | undefined {
  const cache = process.env.CCR_CACHE_DIR ?? path.join(os.homedir(), ".cache", "es-ccr");
  const tofu = path.join(cache, "opentofu", TOFU_VERSION, "tofu");
  const provider = path.join(cache, "terraform-provider-elasticstack", PROVIDER_VERSION, "terraform-provider-elasticstack");
  if (!fs.existsSync(tofu) || !fs.existsSync(provider)) return undefined;
  return { tofu, provider, versions: `OpenTofu ${TOFU_VERSION}, terraform-provider-elasticstack ${PROVIDER_VERSION}` };
}

export class TofuProject {
  readonly dir: string;
  private readonly env: Record<string, string>;

  constructor(private readonly t: Tofu, name: string, o: { followerUrl: string; leaderSeeds: string; followers: number }) {
    this.dir = path.join(repoRoot(), ".pulumi-work", "bench", `tofu-${name}`);
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    // dev_overrides: the provider binary is used from its build directory; no registry, no `tofu init`.
    const rc = path.join(this.dir, "tofurc");
    fs.writeFileSync(rc, `provider_installation {\n  dev_overrides {\n    "elastic/elasticstack" = "${path.dirname(t.provider)}"\n  }\n  direct {}\n}\n`);
    this.env = { TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
    fs.writeFileSync(path.join(this.dir, "main.tf"), `
terraform {
  required_providers {
    elasticstack = { source = "elastic/elasticstack" }
  }
}
provider "elasticstack" {
  elasticsearch {
    endpoints = ["${o.followerUrl}"]
  }
}
resource "elasticstack_elasticsearch_cluster_settings" "remote" {
  persistent {
    setting {
      name       = "cluster.remote.leader.seeds"
      value_list = ["${o.leaderSeeds}"]
    }
    setting {
      name  = "cluster.remote.leader.skip_unavailable"
      value = "false"
    }
  }
}
resource "elasticstack_elasticsearch_ccr_auto_follow_pattern" "new" {
  name                  = "bench-new"
  remote_cluster        = "leader"
  leader_index_patterns = ["new-*"]
  depends_on            = [elasticstack_elasticsearch_cluster_settings.remote]
}
resource "elasticstack_elasticsearch_ccr_follower_index" "f" {
  count          = ${o.followers}
  name           = "t-\${count.index}"
  remote_cluster = "leader"
  leader_index   = "l-\${count.index}"
  depends_on     = [elasticstack_elasticsearch_cluster_settings.remote]
}
`);
  }

  run(args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.t.tofu, args, { cwd: this.dir, env: { ...process.env, ...this.env }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, out }));
    });
  }

  async must(args: string[]): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0 && !(args[0] === "plan" && r.code === 2)) throw new Error(`tofu ${args.join(" ")} exited ${r.code}:\n${r.out.slice(-3000)}`);
    return r.out;
  }

  apply(parallelism = 8): Promise<string> {
    return this.must(["apply", "-auto-approve", "-input=false", "-no-color", `-parallelism=${parallelism}`]);
  }

  /** `tofu plan -detailed-exitcode`; true when it found no changes. */
  async plan(refresh: boolean): Promise<boolean> {
    const r = await this.run(["plan", "-lock=false", "-input=false", "-no-color", "-detailed-exitcode", "-parallelism=8", `-refresh=${refresh}`]);
    if (r.code === 1) throw new Error(`tofu plan failed:\n${r.out.slice(-3000)}`);
    return r.code === 0;
  }

  refresh(): Promise<string> {
    return this.must(["apply", "-refresh-only", "-lock=false", "-auto-approve", "-input=false", "-no-color", "-parallelism=8"]);
  }

  destroy(): Promise<string> {
    return this.must(["destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=8"]);
  }

  /** State bytes per resource instance (terraform.tfstate). */
  stateFigures(): { resources: number; perResourceBytes: number } {
    const s = JSON.parse(fs.readFileSync(path.join(this.dir, "terraform.tfstate"), "utf8"));
    const instances = (s.resources ?? []).flatMap((r: { instances: unknown[] }) => r.instances);
    const total = instances.reduce((a: number, i: unknown) => a + JSON.stringify(i).length, 0);
    return { resources: instances.length, perResourceBytes: Math.round(total / Math.max(1, instances.length)) };
  }
}

/**
 * The same work as bench/run.ts's `ours` with OpenTofu + terraform-provider-elasticstack on `w` (N followers `t-<i>`
 * of the leader's `l-<i>`, remote, pattern): create, no-change plan without refresh, refresh, plan with refresh,
 * state bytes, destroy. Undefined when not built (or when it fails: the reason is logged).
 */
export async function tofuBench(w: World, n: number, RUNS: number, say: (s: string) => void, parallel?: number): Promise<Record<string, number> | undefined> {
  const t = findTofu();
  if (!t) return undefined;
  const tp = new TofuProject(t, `${n}`, { followerUrl: w.followerUrl, leaderSeeds: w.leader.transportAddress, followers: n });
  const out: Record<string, number> = {};
  try {
    w.followerProxy.reset();
    w.leaderProxy.reset();
    let s = Date.now();
    await tp.apply();
    out.upS = (Date.now() - s) / 1000;
    out.upRequests = w.followerProxy.total() + w.leaderProxy.total();
    out.upBytesPerResource = Math.round(w.followerProxy.bytes() / (n + 2));
    out.fixedS = (await repeat("tofu no-change plan -refresh=false", RUNS, () => tp.plan(false))).medianS;
    let req = 0;
    out.refreshS = (await repeat("tofu refresh", RUNS, async () => {
      w.followerProxy.reset();
      await tp.refresh();
      req = w.followerProxy.total();
    })).medianS;
    out.refreshRequests = req;
    out.previewRefreshS = (await repeat("tofu plan", RUNS, async () => {
      if (!(await tp.plan(true))) throw new Error("tofu plan found changes on an unchanged configuration");
    })).medianS;
    w.followerProxy.reset();
    s = Date.now();
    await tp.plan(false);
    out.previewS = (Date.now() - s) / 1000;
    out.previewRequests = w.followerProxy.total();
    out.stateBytesPerResource = tp.stateFigures().perResourceBytes;
    await tp.destroy();
    if (parallel) {
      // The create again at the parallelism ours is measured with (bench/run.ts BENCH_PARALLEL).
      await dropFollowers(w.follower, "t-");
      s = Date.now();
      await tp.apply(parallel);
      out.upParallelS = (Date.now() - s) / 1000;
      await tp.destroy();
    }
    say(`terraform @${n}: ${JSON.stringify(out)}`);
    return out;
  } catch (e) {
    say(`terraform @${n} failed: ${(e as Error).message.slice(0, 2000)}`);
    return undefined;
  } finally {
    await dropFollowers(w.follower, "t-");
    await esRequest(w.follower.url, "DELETE", "/t-*?expand_wildcards=all", undefined, { auth: w.follower.auth }).catch(() => undefined);
    await esRequest(w.follower.url, "DELETE", "/_ccr/auto_follow/bench-new", undefined, { auth: w.follower.auth }).catch(() => undefined);
    await esRequest(w.follower.url, "PUT", "/_cluster/settings", { persistent: { "cluster.remote.leader.*": null } }, { auth: w.follower.auth }).catch(() => undefined);
  }
}
