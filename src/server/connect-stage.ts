import { type ConnectNodeAdapterOptions, connectNodeAdapter } from "@connectrpc/connect-node";
import type { Stage } from "./request-cascade.js";

/**
 * connect-node's adapter (Connect, gRPC and gRPC-Web for every registered RPC) as a cascade stage.
 * The adapter cannot be asked whether a path is one of its RPCs; it says "not mine" only by calling its
 * `fallback`, and connect-node 2.x does so synchronously, before its handler returns (one Map lookup
 * of the path). So the stage passes that fallback and reports the request passed when it was called.
 * connect-stage.test.ts fails if connect-node ever calls it later.
 */
export function connectStage(options: Omit<ConnectNodeAdapterOptions, "fallback">): Stage {
  let passed = false;
  const handle = connectNodeAdapter({
    ...options,
    fallback: () => {
      passed = true;
    },
  });
  return (req, res) => {
    passed = false;
    handle(req, res);
    return !passed;
  };
}
