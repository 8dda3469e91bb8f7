import type net from "node:net";
import { Emitter, type Subscribe } from "../resilience/events.js";
import { normaliseAddress } from "./client-address.js";

/** Why a connection was refused: its address already holds `maxPerIp`, or the server holds `maxTotal`. */
export type ConnectionRefusal = { readonly address: string; readonly reason: "per_ip" | "total" };

/** Settings for {@link ConnectionGuard}. */
export interface ConnectionCaps {
  readonly maxPerIp: number;
  readonly maxTotal: number;
  /** Addresses the per-IP cap does not apply to (trusted proxies carry many clients each). */
  readonly exempt?: (address: string) => boolean;
}

/**
 * Counts the open connections of each peer address and of the whole server and refuses (destroys)
 * a new one past either cap. Admitted sockets are counted until they close.
 */
export class ConnectionGuard {
  private readonly perIp = new Map<string, number>();
  private readonly open = new Set<net.Socket>();
  private readonly refused = new Emitter<ConnectionRefusal>();

  /** Fires for every refused connection. */
  readonly onRefused: Subscribe<ConnectionRefusal> = this.refused.subscribe;

  constructor(private readonly caps: ConnectionCaps) {}

  /** Connections open now. */
  get total(): number {
    return this.open.size;
  }

  /** Connections open now from one address. */
  countFor(address: string): number {
    return this.perIp.get(normaliseAddress(address)) ?? 0;
  }

  /** Counts the socket in, or destroys it and returns false when a cap is reached. */
  admit(socket: net.Socket): boolean {
    const address = normaliseAddress(socket.remoteAddress ?? "");
    const count = this.perIp.get(address) ?? 0;
    const reason =
      this.open.size >= this.caps.maxTotal
        ? "total"
        : count >= this.caps.maxPerIp && !this.caps.exempt?.(address)
          ? "per_ip"
          : undefined;
    if (reason) {
      socket.destroy();
      this.refused.emit({ address, reason });
      return false;
    }
    this.open.add(socket);
    this.perIp.set(address, count + 1);
    socket.once("close", () => {
      this.open.delete(socket);
      const left = (this.perIp.get(address) ?? 1) - 1;
      if (left > 0) this.perIp.set(address, left);
      else this.perIp.delete(address);
    });
    return true;
  }

  /** Destroys every open connection (the end of a shutdown). */
  destroyAll(): void {
    for (const socket of this.open) socket.destroy();
  }
}
