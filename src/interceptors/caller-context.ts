import { createContextKey } from "@connectrpc/connect";

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

/** Context value holding the client's network address, set by the transport layer. */
export const remoteAddressKey = createContextKey<string>("", { description: "client address" });
