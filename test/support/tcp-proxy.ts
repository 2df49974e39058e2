/**
 * TEST TOOL, not part of the library: a TCP forwarder between two Elasticsearch nodes' transport layers (the follower
 * node's remote-cluster connection in proxy mode dials it instead of the leader's transport port), so a test can cut
 * the network between the clusters without stopping a node: `partition()` closes every open connection and resets
 * each new one until `heal()`. It listens on 127.0.0.1 (a free port) and forwards bytes unchanged.
 */
import * as net from "node:net";

export interface TcpProxy {
  /** host:port to use as `proxy_address`. */
  address: string;
  /** Connections accepted so far (refused ones included). */
  readonly accepted: number;
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
  const open = new Set<net.Socket>();
  let cut = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host, port });
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    address,
    get accepted() {
      return accepted;
    },
    partition: () => {
      cut = true;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    heal: () => void (cut = false),
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
