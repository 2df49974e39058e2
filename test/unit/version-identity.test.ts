import { describe, expect, it } from "vitest";
import { compareVersions, EsVersion, followerVersionProblem, parseVersion, unsupportedVersionProblem } from "../../provider/core/version";
import { clusterMovedProblem } from "../../provider/core/identity";

const v = (t: string) => parseVersion(t)!;

describe("followerVersionProblem (follower ≥ leader incl. patch, within the CCR matrix)", () => {
  it.each([
    ["9.4.3", "9.4.3", true], ["9.4.3", "9.4.4", true], ["9.4.3", "9.4.1", false], ["9.4.3", "9.3.9", false],
    ["8.19.21", "9.5.4", true], ["8.19.0", "9.1.0", true], ["8.18.2", "9.0.5", true], ["8.18.2", "9.1.0", false],
    ["8.17.0", "9.0.0", false], ["9.0.0", "8.19.21", false], ["7.17.20", "8.0.0", true], ["7.16.3", "8.19.0", false],
    ["7.17.20", "9.0.0", false], ["8.19.21", "8.19.21", true], ["8.2.0", "8.19.21", true],
  ])("leader %s, follower %s → allowed %s", (leader, follower, ok) => {
    const p = followerVersionProblem(v(leader), v(follower));
    if (ok) expect(p).toBeUndefined();
    else expect(p).toMatch(new RegExp(`leader cluster ${leader.replace(/\./g, "\\.")}, follower cluster ${follower.replace(/\./g, "\\.")}: .*(upgrade|matrix)`));
  });

  // Properties over a grid of versions (exhaustive rather than random: the grid is small).
  const grid: EsVersion[] = [];
  for (const major of [7, 8, 9, 10]) for (const minor of [0, 1, 16, 17, 18, 19]) for (const patch of [0, 1, 21]) grid.push(v(`${major}.${minor}.${patch}`));

  it("never allows a follower older than its leader", () => {
    for (const l of grid) for (const f of grid) if (compareVersions(f, l) < 0) expect(followerVersionProblem(l, f), `${l.text} → ${f.text}`).toMatch(/same or a newer version/);
  });

  it("always allows the same version, and any newer version of the same major", () => {
    for (const l of grid) for (const f of grid) {
      if (l.major === f.major && compareVersions(f, l) >= 0) expect(followerVersionProblem(l, f), `${l.text} → ${f.text}`).toBeUndefined();
    }
  });

  it("is monotonic: if a follower may follow a leader, an older leader of the same major.minor may be followed too", () => {
    for (const l of grid) for (const f of grid) {
      if (followerVersionProblem(l, f) !== undefined) continue;
      for (const older of grid) {
        if (older.major === l.major && older.minor === l.minor && older.patch < l.patch) expect(followerVersionProblem(older, f), `${older.text} → ${f.text}`).toBeUndefined();
      }
    }
  });

  it("never spans two majors", () => {
    for (const l of grid) for (const f of grid) if (f.major - l.major >= 2) expect(followerVersionProblem(l, f)).toBeDefined();
  });
});

describe("supported versions", () => {
  it("refuses 7.x and unknown majors with a message that says what to do", () => {
    expect(unsupportedVersionProblem(v("7.17.9"))).toMatch(/7\.17\.9.*supports 8\.x and 9\.x.*upgrade the cluster/);
    expect(unsupportedVersionProblem(v("10.0.0"))).toMatch(/supports 8\.x and 9\.x/);
    expect(unsupportedVersionProblem(v("8.0.0"))).toBeUndefined();
    expect(unsupportedVersionProblem(v("9.5.4"))).toBeUndefined();
  });
});

describe("clusterMovedProblem", () => {
  it("is a problem only when both UUIDs are known and differ", () => {
    expect(clusterMovedProblem("a", "a")).toBeUndefined();
    expect(clusterMovedProblem(undefined, "a")).toBeUndefined();
    expect(clusterMovedProblem("a", undefined)).toBeUndefined();
    expect(clusterMovedProblem("a", "_na_")).toBeUndefined();
    expect(clusterMovedProblem("a", "b")).toMatch(/reaches cluster b, but this resource lives on cluster a/);
  });
});
