import assert from "node:assert/strict";
import { Code, ConnectError } from "@connectrpc/connect";

/** Awaits a call that must fail with `code` (and a raw message matching `pattern`); returns the error. */
export async function rejects(
  promise: Promise<unknown>,
  code: Code,
  pattern?: RegExp,
): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    const connectError = ConnectError.from(error);
    assert.equal(Code[connectError.code], Code[code], connectError.message);
    if (pattern) assert.match(connectError.rawMessage, pattern);
    return connectError;
  }
  assert.fail(`expected ${Code[code]}`);
}
