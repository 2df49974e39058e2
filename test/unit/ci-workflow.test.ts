/**
 * The ready-to-copy GitHub Actions workflow (docs/ci/github-actions.yml) passes actionlint, the workflow linter
 * (built from its Go module by scripts/build-actionlint.sh, which scripts/setup.sh runs; cached by version), and a
 * broken copy of it does not (so the lint can fail). Also checks the three jobs the docs promise.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../sandbox/paths";

const WORKFLOW = path.join(repoRoot(), "docs", "ci", "github-actions.yml");

function actionlint(): string {
  const out = execFileSync("bash", [path.join(repoRoot(), "scripts", "build-actionlint.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return out.trim().split("\n").pop()!;
}

function lint(file: string): { code: number; out: string } {
  const r = spawnSync(actionlint(), ["-no-color", file], { encoding: "utf8" });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("docs/ci/github-actions.yml", () => {
  it("passes actionlint", () => {
    const r = lint(WORKFLOW);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);

  it("a broken copy fails actionlint (the lint is real)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-workflow-"));
    try {
      const broken = path.join(dir, "broken.yml");
      fs.writeFileSync(broken, fs.readFileSync(WORKFLOW, "utf8").replace("github.event_name == 'schedule'", "github.event_nme == 'schedule'").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latst\n    timeout-minutes: soon"));
      const r = lint(broken);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/timeout-minutes/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("has the three jobs: preview on pull requests with a comment, up on main, scheduled drift check", () => {
    const text = fs.readFileSync(WORKFLOW, "utf8");
    expect(text).toMatch(/pull_request:/);
    expect(text).toMatch(/pulumi preview --stack "\$PULUMI_STACK" --diff --refresh/);
    expect(text).toMatch(/github\.rest\.issues\.(create|update)Comment/);
    expect(text).toMatch(/github\.ref == 'refs\/heads\/main'[\s\S]*pulumi up --stack/);
    expect(text).toMatch(/schedule:\s*\n\s*- cron:/);
    expect(text).toMatch(/npx pulumi-elasticsearch-ccr drift --stack "\$PULUMI_STACK"/);
  });
});
