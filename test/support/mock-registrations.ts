/**
 * Pulumi's mocks, with the mock monitor wrapped to record what the engine would receive for each resource: type,
 * name, parent, inputs (secrets still marked, see `isMarkedSecret`), retainOnDelete and dependencies. Shared by the
 * mock tests of the Docker declarations, example (b), and the real-engine proof that compares the two.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  type: string;
  name: string;
  parent: string;
  urn?: string;
  object: Record<string, any>;
  retainOnDelete: boolean | undefined;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

export interface MockOptions {
  project?: string;
  stack?: string;
  preview?: boolean;
  /** The state the mock returns for a new resource (default: its inputs). */
  state?: (a: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
}

/** A `RemoteImage`'s mocked state also has an `imageId`, as the Docker provider's would. */
export const withImageId = (a: pulumi.runtime.MockResourceArgs): Record<string, unknown> =>
  a.type === "docker:index/remoteImage:RemoteImage" ? { ...a.inputs, imageId: `sha256:image-of-${a.inputs.name}` } : { ...a.inputs };

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** Whether a recorded input value is a secret (Pulumi's wire marker). */
export const isMarkedSecret = (v: unknown): boolean =>
  typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270";

/**
 * Installs the mocks, runs `declare`, waits until the resources it returns have URNs, and returns every
 * registration recorded meanwhile (in the order the engine would see them).
 */
export async function recordMockRegistrations(declare: () => Promise<pulumi.Resource[]> | pulumi.Resource[], o: MockOptions = {}): Promise<Registration[]> {
  const regs: Registration[] = [];
  await pulumi.runtime.setMocks({
    newResource: (a) => ({ id: `${a.name}-id`, state: (o.state ?? ((x) => ({ ...x.inputs })))(a) }),
    call: (a) => a.inputs,
  }, o.project ?? "proj", o.stack ?? "stack", o.preview ?? false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: (err: unknown, res: any) => void) => {
    const reg: Registration = {
      type: req.getType(), name: req.getName(), parent: req.getParent(),
      object: req.getObject()?.toJavaScript() ?? {},
      retainOnDelete: req.getRetainondelete(),
      dependencies: req.getDependenciesList(),
      propertyDependencies: Object.fromEntries(req.getPropertydependenciesMap().toArray().map(([k, v]: [string, any[]]) => [k, v[0] as string[]])),
    };
    regs.push(reg);
    return register(req, (err: unknown, res: any) => {
      if (res) reg.urn = res.getUrn();
      cb(err, res);
    });
  };
  const resources = await declare();
  await new Promise<void>((resolve) => pulumi.all(resources.map((r) => r.urn)).apply(() => resolve()));
  return regs;
}
