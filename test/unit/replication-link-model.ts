/**
 * A small model of the two clusters for the link's property tests: the leader's indexes, the follower's indexes, and
 * Elasticsearch's auto-follow semantics (TransportPutAutoFollowPatternAction.innerPut marks the existing matching
 * leader indexes as followed on a new pattern, and only those matching newly added leader patterns on an update;
 * AutoFollower follows open, matching, unrecorded leader indexes while the pattern is active, records an index whose
 * target is already a follower of the same leader UUID, fails (and retries) when the name is taken otherwise, and
 * prunes recorded UUIDs of vanished leaders only for active patterns). The link's steps are the executor's order,
 * split into sub-steps so that leader changes and auto-follow rounds can interleave with them.
 */
import { followerTarget, patternExclusions, patternMatches, planLink, recordedAfter } from "../../provider/components/replication-link/plan";
import type { FollowerInfo, LeaderIndexInfo, LinkDeclaration, LinkedFollower } from "../../provider/components/replication-link/types";

export interface ModelFollower { leaderIndex: string; leaderUuid: string; uuid: string; remote: string }

export class World {
  private seq = 0;
  leaders = new Map<string, LeaderIndexInfo>();
  followers = new Map<string, ModelFollower>();
  regular = new Set<string>();
  pattern: { active: boolean; followed: string[]; patterns: string[]; exclusions: string[] } | undefined;
  recorded: LinkedFollower[] = [];
  autoFollowErrors = 0;

  constructor(readonly d: LinkDeclaration) {}

  uuid(): string {
    return `u${++this.seq}`;
  }

  createLeader(name: string, hidden = false): void {
    if (this.leaders.has(name)) return;
    this.leaders.set(name, { name, uuid: this.uuid(), open: true, hidden, system: false });
  }

  deleteLeader(name: string): void {
    this.leaders.delete(name);
  }

  /** PUT _ccr/auto_follow/<name>. */
  putPattern(exclusions: string[]): void {
    const patterns = this.d.leaderIndexPatterns;
    const prev = this.pattern;
    const newPatterns = prev ? patterns.filter((p) => !prev.patterns.includes(p)) : patterns;
    const followed = [...(prev?.followed ?? [])];
    const probe = { ...this.d, leaderIndexPatterns: newPatterns };
    // markExistingIndicesAsAutoFollowed: regardless of open/closed.
    for (const l of this.leaders.values()) if (newPatterns.length && patternMatches(probe, l, exclusions)) followed.push(l.uuid);
    this.pattern = { active: true, followed, patterns: [...patterns], exclusions };
  }

  /** One AutoFollower round. */
  autoFollowTick(): void {
    const p = this.pattern;
    if (!p || !p.active) return;
    const probe = { ...this.d, leaderIndexPatterns: p.patterns };
    for (const l of [...this.leaders.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (!l.open || p.followed.includes(l.uuid) || !patternMatches(probe, l, p.exclusions)) continue;
      const t = followerTarget(this.d, l).name;
      const f = this.followers.get(t);
      if (f && f.leaderUuid === l.uuid) p.followed.push(l.uuid);
      else if (f || this.regular.has(t)) this.autoFollowErrors++;
      else {
        this.followers.set(t, { leaderIndex: l.name, leaderUuid: l.uuid, uuid: this.uuid(), remote: this.d.remoteCluster });
        p.followed.push(l.uuid);
      }
    }
    const live = new Set([...this.leaders.values()].map((l) => l.uuid));
    p.followed = p.followed.filter((u) => live.has(u));
  }

  /** PUT follow by leader NAME (as Elasticsearch does): follows whatever index has that name now. */
  follow(name: string, leaderIndex: string): boolean {
    const l = this.leaders.get(leaderIndex);
    if (!l || !l.open) return false; // index_not_found / closed: the follow fails
    const f = this.followers.get(name);
    if (f || this.regular.has(name)) return f?.leaderUuid === l.uuid; // resource_already_exists: fine when it is the same leader
    this.followers.set(name, { leaderIndex, leaderUuid: l.uuid, uuid: this.uuid(), remote: this.d.remoteCluster });
    return true;
  }

  listLeaders(): LeaderIndexInfo[] {
    return [...this.leaders.values()].map((l) => ({ ...l }));
  }

  observeFollowers(): { followers: FollowerInfo[]; regularIndexes: string[] } {
    return {
      followers: [...this.followers.entries()].map(([name, f]) => ({ name, uuid: f.uuid, remoteCluster: f.remote, leaderIndex: f.leaderIndex, leaderUuid: f.leaderUuid, status: "active" as const, fatalErrors: [] })),
      regularIndexes: [...this.regular],
    };
  }

  /**
   * The link's `up` as sub-steps. `order: "pattern-first"` is what the executor does (PUT the pattern, then list the
   * leader, then follow); `"list-first"` lists before the pattern exists, the order that leaves a window.
   */
  *linkUp(order: "pattern-first" | "list-first" = "pattern-first"): Generator<string, void> {
    let leaders: LeaderIndexInfo[] | undefined;
    if (order === "list-first") {
      leaders = this.listLeaders();
      yield "listed";
    }
    // As the executor does: refusals known before any write go into the pattern's first PUT, new ones found after
    // the listing into a second PUT (an update that adds no leader pattern records nothing new).
    const before = planLink(this.d, { leaders: this.listLeaders(), ...this.observeFollowers(), recorded: this.recorded });
    this.putPattern(patternExclusions(this.d, before.refusedLeaders));
    yield "pattern installed";
    if (order === "pattern-first") {
      leaders = this.listLeaders();
      yield "listed";
    }
    const plan = planLink(this.d, { leaders, ...this.observeFollowers(), recorded: this.recorded });
    const refused = [...new Set([...before.refusedLeaders, ...plan.refusedLeaders])];
    if (refused.length > before.refusedLeaders.length) this.putPattern(patternExclusions(this.d, refused));
    const failed = new Set<string>();
    for (const a of plan.actions) {
      if (a.do === "follow") {
        if (!this.follow(a.follower, a.leaderIndex)) failed.add(a.follower);
      } else if (a.do === "recreate") {
        this.followers.delete(a.follower);
        if (!this.follow(a.follower, a.leaderIndex)) failed.add(a.follower);
      } else if (a.do === "release" && a.policy !== "leave") {
        this.followers.delete(a.follower);
        if (a.policy === "promote") this.regular.add(a.follower);
      }
      yield `${a.do} ${"follower" in a ? a.follower : ""}`;
    }
    this.recorded = recordedAfter(plan, this.recorded).filter((r) => !failed.has(r.name));
  }

  /** Leader UUIDs that the link must have followed: live, open, wanted. */
  followCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const f of this.followers.values()) counts.set(f.leaderUuid, (counts.get(f.leaderUuid) ?? 0) + 1);
    return counts;
  }
}
