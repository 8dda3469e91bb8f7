import pg from "pg";
import { retryDelayMs } from "../resilience/backoff.js";
import type { RetrySettings } from "../resilience/settings.js";
import type { Db, Queryable } from "./db.js";
import { PG_SESSION_OPTIONS, PgDb } from "./pg-db.js";
import { PgliteDb } from "./pglite-db.js";
import { ReadRoutedDb } from "./read-routed-db.js";

/** Called with each notification's payload on a channel. */
export type OnPayload = (payload: string) => void;

/**
 * Called once a lost connection is listening again: notifications sent while it was down are gone,
 * so the caller re-reads what it may have missed (or tells its clients to).
 */
export type OnResync = () => void;

/** Stops one subscription. */
export type Unlisten = () => Promise<void>;

/**
 * PostgreSQL LISTEN/NOTIFY for one process: every subscription shares one dedicated connection (not a
 * pool connection, which LISTEN would pin and the pool would recycle). On PostgreSQL the connection is
 * re-opened with backoff when lost and every subscription's onResync runs once it listens again; the
 * embedded database delivers in-process and never loses its connection.
 */
export interface DbNotifications {
  /** Subscribes to a channel; resolves once LISTEN is in effect, so a later NOTIFY is delivered. */
  listen(channel: string, onPayload: OnPayload, onResync?: OnResync): Promise<Unlisten>;
  /** Whether notifications are flowing now (false while the connection is being re-opened). */
  readonly connected: boolean;
  /** Ends every subscription and the connection. */
  close(): Promise<void>;
}

/** Sends a notification; inside a transaction it is delivered at COMMIT, and never if it rolls back. */
export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query("SELECT pg_notify($1, $2)", [checkedChannel(channel), payload]);
}

/** The notifications of the database the process opened; the connection shows as applicationName. */
export function dbNotifications(db: Db, applicationName = "ect-listen"): DbNotifications {
  // A replica cannot LISTEN to what the primary's writers NOTIFY.
  if (db instanceof ReadRoutedDb) return dbNotifications(db.primary, applicationName);
  if (db instanceof PgDb) return new PgNotifications(db.connectionString, applicationName);
  if (db instanceof PgliteDb) return new PgliteNotifications(db);
  throw new Error(`no notifications for database kind ${db.kind}`);
}

/** Re-open delays of the listening connection: quick at first, never more than 5 s apart. */
const RECONNECT: RetrySettings = {
  maxRetries: Number.POSITIVE_INFINITY,
  baseDelayMs: 100,
  maxDelayMs: 5000,
  jitter: true,
};

interface Subscription {
  channel: string;
  onPayload: OnPayload;
  onResync?: OnResync;
}

/** LISTEN on a dedicated pg.Client, re-opened with backoff when PostgreSQL drops it. */
export class PgNotifications implements DbNotifications {
  private readonly subscriptions = new Set<Subscription>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  private wasConnected = false;

  constructor(
    private readonly connectionString: string,
    private readonly applicationName = "ect-listen",
  ) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  async listen(channel: string, onPayload: OnPayload, onResync?: OnResync): Promise<Unlisten> {
    const subscription: Subscription = { channel: checkedChannel(channel), onPayload, onResync };
    this.subscriptions.add(subscription);
    try {
      if (this.client) await this.client.query(`LISTEN ${subscription.channel}`);
      else await this.connect();
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw error;
    }
    return async () => {
      this.subscriptions.delete(subscription);
      const stillWanted = [...this.subscriptions].some((other) => other.channel === subscription.channel);
      if (!stillWanted) await this.client?.query(`UNLISTEN ${subscription.channel}`).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.subscriptions.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  /** Opens the connection and LISTENs on every channel; one attempt at a time. */
  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: this.applicationName,
      options: PG_SESSION_OPTIONS,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    // A connection lost at any moment (restart, pg_terminate_backend) must not crash the process.
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    client.on("notification", (message) => {
      for (const subscription of this.subscriptions) {
        if (subscription.channel === message.channel) subscription.onPayload(message.payload ?? "");
      }
    });
    try {
      await client.connect();
      for (const channel of new Set([...this.subscriptions].map((s) => s.channel))) {
        await client.query(`LISTEN ${channel}`);
      }
    } catch (error) {
      await client.end().catch(() => {});
      this.scheduleReconnect();
      if (!this.wasConnected) throw error;
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.attempt = 0;
    const resync = this.wasConnected;
    this.wasConnected = true;
    if (resync) for (const subscription of [...this.subscriptions]) subscription.onResync?.();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.attempt++;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.connect().catch(() => {});
      },
      retryDelayMs(this.attempt, RECONNECT),
    );
    this.retryTimer.unref();
  }
}

/** The embedded database's in-process LISTEN: the same interface, nothing to lose or re-open. */
class PgliteNotifications implements DbNotifications {
  private readonly unlistens = new Set<Unlisten>();
  readonly connected = true;

  constructor(private readonly db: PgliteDb) {}

  async listen(channel: string, onPayload: OnPayload): Promise<Unlisten> {
    const stop = await this.db.listen(checkedChannel(channel), onPayload);
    const unlisten = async () => {
      if (!this.unlistens.delete(unlisten)) return;
      await stop().catch(() => {});
    };
    this.unlistens.add(unlisten);
    return unlisten;
  }

  async close(): Promise<void> {
    await Promise.all([...this.unlistens].map((unlisten) => unlisten()));
  }
}

/** Channel names go into LISTEN unquoted: lower-case identifiers only. */
function checkedChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid notification channel ${channel}`);
  return channel;
}
