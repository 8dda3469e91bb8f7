import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";

/** How a call ended, in the forms metrics, logs and spans need. */
export interface RpcOutcome {
  code: Code | 0;
  /** "ok", "not_found", "internal", …, as the Connect protocol spells codes. */
  name: string;
  /** The server is at fault (OpenTelemetry marks only these server spans as errors). */
  serverFault: boolean;
  error: ConnectError | undefined;
}

const SERVER_FAULTS = new Set<Code>([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);

const OK: RpcOutcome = { code: 0, name: "ok", serverFault: false, error: undefined };

/** Classifies a call's error (undefined for success). */
export function rpcOutcome(error: unknown): RpcOutcome {
  if (error === undefined) return OK;
  const connectError = ConnectError.from(error);
  return {
    code: connectError.code,
    name: codeToString(connectError.code),
    serverFault: SERVER_FAULTS.has(connectError.code),
    error: connectError,
  };
}

/** The outcome of a stream its consumer abandoned: cancelled if the call was aborted, otherwise ok. */
export function abandonedOutcome(signal: AbortSignal): RpcOutcome {
  return signal.aborted
    ? rpcOutcome(signal.reason ?? new ConnectError("stream abandoned", Code.Canceled))
    : OK;
}
