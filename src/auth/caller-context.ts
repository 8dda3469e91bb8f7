import { createContextKey } from "@connectrpc/connect";
import type { Queryable } from "../db/db.js";

/** The authenticated caller as the auth interceptor resolved it from the bearer token. */
export interface Caller {
  userId: number;
  username: string;
  roleId: number;
  roleName: string;
  unitId: number;
  permissions: ReadonlySet<string>;
}

/** Context value holding the caller of the current RPC; undefined for public calls. */
export const callerKey = createContextKey<Caller | undefined>(undefined, { description: "ect caller" });

/** The bearer token the current call was authenticated with, and how to revoke it (sign-out). */
export interface CallToken {
  /** The token's `jti`, or the SHA-256 of its signed part when it has none. */
  readonly id: string;
  /** When the token expires; a revocation is kept until then. */
  readonly expiresAt: Date;
  /** Refuses this token from now on, on every instance; pass `db` to record it inside a transaction. */
  revoke(db?: Queryable): Promise<void>;
}

/** Context value holding the bearer token of the current RPC; undefined for calls without one. */
export const callTokenKey = createContextKey<CallToken | undefined>(undefined, {
  description: "ect bearer token",
});

/** Context value holding the client's network address, set by the transport layer. */
export const remoteAddressKey = createContextKey<string>("", { description: "client address" });
