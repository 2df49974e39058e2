// Example policy pack (Pulumi CrossGuard) with two CCR rules; run it with
//   pulumi preview --policy-pack <this directory>
// See README.md beside this file.
import { PolicyPack } from "@pulumi/policy";
import { topologyContainers, uncheckedVersion, versionProblems, wildcardProblem, AUTO_FOLLOW_PATTERN } from "./rules";

new PolicyPack("elasticsearch-ccr", {
  policies: [
    {
      name: "no-wildcard-auto-follow",
      description: "Auto-follow patterns follow the application's indexes, not '*', and name followers without '*'.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        if (args.type !== AUTO_FOLLOW_PATTERN) return;
        const problem = wildcardProblem(args.props);
        if (problem) reportViolation(problem);
      },
    },
    {
      name: "follower-version-at-least-leader",
      description: "Every follower cluster runs the same or a newer Elasticsearch version than its leader.",
      enforcementLevel: "mandatory",
      configSchema: {
        properties: {
          leaders: { type: "object", additionalProperties: { type: "string" }, description: "topology name → its leader cluster" },
        },
      },
      validateStack: (args, reportViolation) => {
        const { leaders = {} } = args.getConfig<{ leaders?: Record<string, string> }>();
        for (const p of versionProblems(topologyContainers(args.resources), leaders)) reportViolation(p);
      },
    },
    {
      name: "follower-version-checked-at-up",
      description: "Followers and patterns declare leaderConnection, so the provider checks the version rule before following.",
      enforcementLevel: "advisory",
      validateResource: (args, reportViolation) => {
        const problem = uncheckedVersion(args.type, args.props);
        if (problem) reportViolation(problem);
      },
    },
  ],
});
