import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import { migrate } from "../db/migrate.js";
import { openDb } from "../db/open-db.js";
import { seedIcd10IfEmpty, seedIfEmpty, seedReferenceIfEmpty } from "../seed/seed.js";
import { type App, createApp } from "./app.js";
import { trustedProxyCheck } from "./client-address.js";
import { ConnectionGuard } from "./connection-guard.js";
import { createDualListener } from "./listener.js";

/** A started server: its address, app and the way to stop it. */
export interface RunningServer {
  app: App;
  db: Db;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Opens and migrates the database, seeds reference (and demo) data on first start, and listens on one port. */
export async function startServer(config: Readonly<Config>, logger: Logger): Promise<RunningServer> {
  // Parsed first: a bad ECT_TRUSTED_PROXIES stops start-up before the database is touched.
  const isTrustedProxy = trustedProxyCheck(config.trustedProxies);
  const db = await openDb(config);
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ applied }, "database migrated");
  if (config.seedDemo && (await seedIfEmpty(db))) logger.info("demo data seeded");
  else if (!config.seedDemo && (await seedReferenceIfEmpty(db))) logger.info("reference data seeded");
  if (await seedIcd10IfEmpty(db)) logger.info("curated ICD-10-CM codes loaded");
  const app = await createApp(config, db, logger);
  const { maxPerIp, maxTotal, ...timeouts } = config.connections;
  // A trusted proxy carries many clients: it is held to the total cap only.
  const guard = new ConnectionGuard({ maxPerIp, maxTotal, exempt: isTrustedProxy });
  // A flood of refusals is one log line per 10 s, with the count; the metric counts each.
  let refusedSinceLog = 0;
  let lastLogAt = 0;
  guard.onRefused(({ address, reason }) => {
    app.metrics.rejections.inc({ kind: reason === "per_ip" ? "connections_per_ip" : "connections_total" });
    refusedSinceLog++;
    if (Date.now() - lastLogAt < 10_000) return;
    logger.warn({ address, reason, refused: refusedSinceLog }, "connections refused: too many open");
    lastLogAt = Date.now();
    refusedSinceLog = 0;
  });
  const listener = createDualListener(app.handler, {
    ...timeouts,
    guard,
    maxStreamsPerSession: config.streaming.maxTotal,
  });
  const { server } = listener;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  let stopping: Promise<void> | undefined;
  return {
    app,
    db,
    port,
    url: `http://${host}:${port}`,
    stop() {
      stopping ??= (async () => {
        // Stop accepting, let calls in flight finish for the grace period, then cut what remains.
        await listener.drain(config.shutdownGraceMs, () => app.beginShutdown());
        await app.close();
        await db.close();
      })();
      return stopping;
    },
  };
}
