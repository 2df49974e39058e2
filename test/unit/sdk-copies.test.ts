import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { duplicateSdkMessage, sdkRootOf, sdkRootsAmong } from "../../provider/core/sdk-copies";
import { assertSingleSdk } from "../../provider/sdk-check";

describe("finding copies of @pulumi/pulumi among loaded modules", () => {
  it("maps a module path to the package root it lies in (the innermost copy)", () => {
    expect(sdkRootOf("/p/node_modules/@pulumi/pulumi/runtime/resource.js")).toBe("/p/node_modules/@pulumi/pulumi");
    expect(sdkRootOf("/p/node_modules/x/node_modules/@pulumi/pulumi/index.js")).toBe("/p/node_modules/x/node_modules/@pulumi/pulumi");
    expect(sdkRootOf("C:\\p\\node_modules\\@pulumi\\pulumi\\index.js")).toBe("C:\\p\\node_modules\\@pulumi\\pulumi");
    expect(sdkRootOf("/p/node_modules/@pulumi/pulumi-foo/index.js")).toBeUndefined();
    expect(sdkRootOf("/p/node_modules/@pulumi/docker/index.js")).toBeUndefined();
    expect(sdkRootOf("/p/src/index.js")).toBeUndefined();
  });

  it("counts a copy once, also when reached through a symlink", () => {
    const real = (p: string) => p.replace("/link/", "/real/");
    expect(sdkRootsAmong([
      "/real/node_modules/@pulumi/pulumi/index.js", "/link/node_modules/@pulumi/pulumi/runtime/settings.js",
      "/other/node_modules/@pulumi/pulumi/index.js", "/real/node_modules/semver/index.js",
    ], real)).toEqual(["/other/node_modules/@pulumi/pulumi", "/real/node_modules/@pulumi/pulumi"]);
  });
});

describe("the duplicate-SDK message", () => {
  const ours = { root: "/src/ccr/node_modules/@pulumi/pulumi", version: "3.270.0" };
  const program = { root: "/proj/node_modules/@pulumi/pulumi", version: "3.276.0" };

  it("is absent when the only copy loaded is ours", () => {
    expect(duplicateSdkMessage("pkg", ours, [])).toBeUndefined();
    expect(duplicateSdkMessage("pkg", ours, [ours])).toBeUndefined();
  });

  it("names both copies, the symptom it prevents and the fix", () => {
    const m = duplicateSdkMessage("pulumi-elasticsearch-ccr", ours, [ours, program])!;
    expect(m).toContain("two copies of @pulumi/pulumi");
    expect(m).toContain("the program's copy:  /proj/node_modules/@pulumi/pulumi (3.276.0)");
    expect(m).toContain("this package's copy: /src/ccr/node_modules/@pulumi/pulumi (3.270.0)");
    expect(m).toContain("Request message serialization failure: Expected argument of type");
    expect(m).toContain("npm install --install-links ../path/to/pulumi-elasticsearch-ccr");
    expect(m).toContain("npm pack");
  });
});

describe("assertSingleSdk (real module resolution)", () => {
  const ourRoot = fs.realpathSync(path.dirname(require.resolve("@pulumi/pulumi/package.json")));

  it("passes when the loaded copy is the one this package resolves", () => {
    expect(() => assertSingleSdk([path.join(ourRoot, "index.js")])).not.toThrow();
    expect(() => assertSingleSdk([])).not.toThrow();
  });

  it("throws naming both copies when a program loaded another one", () => {
    // A second copy on disk, as `npm install ../path` leaves it: the program's own node_modules.
    const proj = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-dup-"));
    const other = path.join(proj, "node_modules", "@pulumi", "pulumi");
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, "package.json"), JSON.stringify({ name: "@pulumi/pulumi", version: "3.276.0" }));
    try {
      expect(() => assertSingleSdk([path.join(ourRoot, "index.js"), path.join(other, "index.js")])).toThrow(
        new RegExp(`the program's copy: +${fs.realpathSync(other).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(3\\.276\\.0\\)`),
      );
    } finally {
      fs.rmSync(proj, { recursive: true, force: true });
    }
  });
});
