/**
 * The connect-es internals the page-framed gRPC path calls, in one place. connect-es marks them
 * `@private` ("does not follow semantic versioning"), so an upgrade may change them without notice:
 * connect-internals.test.ts pins the behaviour this path relies on and fails when they change.
 */
export { readAllBytes } from "@connectrpc/connect/protocol";
export { parseTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
