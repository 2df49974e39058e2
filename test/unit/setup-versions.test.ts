/** `npm run setup` sets up only the Elasticsearch versions asked for (scripts/setup.sh --versions prints them). */
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const setup = path.resolve(__dirname, "../../scripts/setup.sh");
const versions = (env: Record<string, string>) => {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ["CCR_ES_VERSION", "CCR_ES_VERSIONS"]) if (!(k in env)) delete e[k];
  const r = spawnSync("bash", [setup, "--versions"], { env: e, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
};

describe("scripts/setup.sh versions", () => {
  it("CCR_ES_VERSIONS, else CCR_ES_VERSION, else 8 and 9", () => {
    expect(versions({})).toBe("8 9");
    expect(versions({ CCR_ES_VERSION: "9" })).toBe("9");
    expect(versions({ CCR_ES_VERSION: "8.19.21" })).toBe("8.19.21");
    expect(versions({ CCR_ES_VERSIONS: "8", CCR_ES_VERSION: "9" })).toBe("8");
  });
  it("refuses unknown arguments", () => {
    const r = spawnSync("bash", [setup, "--bogus"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown argument --bogus/);
  });
});
