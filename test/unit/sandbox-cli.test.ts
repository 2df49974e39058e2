/**
 * ccr-sandbox's command line: parsing (pure), and `--help` printing help without starting anything (the CLI once
 * started two clusters on `--help`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseCliArgs, UsageError } from "../../sandbox/cli-args";

describe("parseCliArgs", () => {
  it("help in every spelling, also after a command", () => {
    for (const a of [[], ["--help"], ["-h"], ["help"], ["up", "--help"], ["up", "primary", "-h"]]) expect(parseCliArgs(a)).toEqual({ cmd: "help" });
  });

  it("up: positional names, --names, --count, default leader/follower", () => {
    expect(parseCliArgs(["up", "primary", "replica1", "replica2"])).toEqual({ cmd: "up", names: ["primary", "replica1", "replica2"] });
    expect(parseCliArgs(["up", "--names", "primary,replica1"])).toEqual({ cmd: "up", names: ["primary", "replica1"] });
    expect(parseCliArgs(["up", "--names=a,b", "--version", "9"])).toEqual({ cmd: "up", names: ["a", "b"], version: "9" });
    expect(parseCliArgs(["up", "--count", "3"])).toEqual({ cmd: "up", names: ["leader", "follower", "follower-2"] });
    expect(parseCliArgs(["up"])).toEqual({ cmd: "up", names: ["leader", "follower"] });
  });

  it("refuses what it cannot do, saying what to do instead", () => {
    const msg = (a: string[]) => { try { parseCliArgs(a); return "parsed"; } catch (e) { expect(e).toBeInstanceOf(UsageError); return (e as Error).message; } };
    expect(msg(["up", "a", "a"])).toMatch(/"a" is given twice/);
    expect(msg(["up", "Primary"])).toMatch(/lower-case letters/);
    expect(msg(["up", "a", "--count", "2"])).toMatch(/either as arguments, with --names or with --count/);
    expect(msg(["up", "--count", "0"])).toMatch(/whole number from 1 to 9/);
    expect(msg(["up", "--bogus"])).toMatch(/unknown option --bogus/);
    expect(msg(["up", "--version"])).toMatch(/--version needs a value/);
    expect(msg(["start"])).toMatch(/unknown command "start"/);
    expect(msg(["fetch", "x"])).toMatch(/takes no names/);
  });
});

describe("the ccr-sandbox process", () => {
  const tsx = path.resolve(__dirname, "../../node_modules/.bin/tsx");
  const cli = path.resolve(__dirname, "../../sandbox/cli.ts");

  it("--help prints help, exits 0 and starts nothing", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-cli-help-"));
    try {
      for (const args of [["--help"], ["up", "--help"], ["-h"]]) {
        const t0 = Date.now();
        const r = spawnSync(tsx, [cli, ...args], { env: { ...process.env, CCR_CACHE_DIR: cache }, encoding: "utf8", timeout: 30_000 });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^usage: ccr-sandbox <command>/);
        expect(r.stdout).toContain("connection_url");
        expect(r.stderr).not.toMatch(/starting/);
        expect(Date.now() - t0).toBeLessThan(30_000);
      }
      expect(fs.readdirSync(cache)).toEqual([]); // no node directory, no distribution, no front record
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  }, 120_000);

  it("a usage error exits 2 with the help on stderr", () => {
    const r = spawnSync(tsx, [cli, "up", "Bad"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cluster name "Bad"/);
    expect(r.stderr).toContain("usage: ccr-sandbox");
  }, 60_000);
});
