/**
 * Pulumi's mocks, with the mock monitor wrapped to record what the engine would receive for each resource (type,
 * name, parent, inputs with secrets unwrapped to `{ value }` objects, dependencies) — the same recording as
 * test/unit/topology-docker.test.ts, for the real-engine proof to compare with what the Docker engine runs.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  type: string;
  name: string;
  parent: string;
  urn?: string;
  object: Record<string, unknown>;
  dependencies: string[];
}

export async function recordMockRegistrations(declare: () => Promise<pulumi.Resource[]>): Promise<Registration[]> {
  const regs: Registration[] = [];
  await pulumi.runtime.setMocks({
    newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs } }),
    call: (a) => a.inputs,
  }, "proj", "stack", false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: (err: unknown, res: any) => void) => {
    const reg: Registration = {
      type: req.getType(), name: req.getName(), parent: req.getParent(),
      object: req.getObject()?.toJavaScript() ?? {},
      dependencies: req.getDependenciesList(),
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
