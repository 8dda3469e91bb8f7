import { parseArgs } from "node:util";
import { announceSignIn } from "./auth/announce-sign-in.js";
import { createTokenAuthority } from "./auth/token-issuer.js";
import { ConfigError, loadConfig } from "./config.js";
import { migrate } from "./db/migrate.js";
import { openDb } from "./db/open-db.js";
import { seedIfEmpty } from "./seed/seed.js";
import { seedBenchmarkData } from "./seed/seed-bench.js";
import { startServer } from "./server/start.js";
import { Icd10FileError } from "./services/icd10/cms-code-file.js";
import { importIcd10File } from "./services/icd10/import-icd10.js";
import { createLogger } from "./telemetry/logger.js";

const usage = `ect <command>

  serve                       start the server (default)
  migrate                     apply database migrations
  seed [--cases N] [--users N] [--online N]
                              seed demo data; with --cases, add N benchmark cases set-based
  token --user NAME           print a development bearer token for a seeded user
  link-oidc --user NAME --subject SUB
                              let the OIDC issuer's subject SUB (its "sub" claim) sign in as NAME
  admin import-icd10 FILE     load a CMS ICD-10-CM file (icd10cm_codes_YYYY.txt or
                              icd10cm_order_YYYY.txt) into the diagnosis lookup, all or nothing
`;

async function main(argv: string[]): Promise<void> {
  const [command = "serve", ...rest] = argv;
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  switch (command) {
    case "serve": {
      const server = await startServer(config, logger);
      logger.info(
        {
          url: server.url,
          web: `${server.url}/`,
          docs: `${server.url}/docs`,
          health: `${server.url}/health`,
          database: config.databaseUrl ? "postgresql" : `embedded (${config.dataDir})`,
        },
        "ECT is serving gRPC, gRPC-Web, Connect and REST on one port",
      );
      await announceSignIn(config, {
        logger,
        demoToken: async () => (await server.app.tokens.issue("admin")).token,
        print: (text) => process.stdout.write(text),
      });
      let signals = 0;
      const stop = (signal: string) => {
        if (++signals > 1) process.exit(1);
        logger.info({ signal }, "shutting down");
        server.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
      return;
    }
    case "migrate": {
      const db = await openDb(config);
      logger.info({ applied: await migrate(db) }, "migrations applied");
      await db.close();
      return;
    }
    case "seed": {
      const { values } = parseArgs({
        args: rest,
        options: { cases: { type: "string" }, users: { type: "string" }, online: { type: "string" } },
      });
      const db = await openDb(config);
      await migrate(db);
      await seedIfEmpty(db);
      if (values.cases || values.users) {
        const started = Date.now();
        await seedBenchmarkData(db, {
          cases: Number(values.cases ?? 0),
          users: Number(values.users ?? 0),
          online: Number(values.online ?? 0),
        });
        logger.info({ ms: Date.now() - started, ...values }, "benchmark data seeded");
      }
      await db.close();
      return;
    }
    case "token": {
      const { values } = parseArgs({ args: rest, options: { user: { type: "string" } } });
      if (!values.user) throw new ConfigError("ect token needs --user NAME");
      const tokens = await createTokenAuthority(config);
      process.stdout.write(`${(await tokens.issue(values.user)).token}\n`);
      return;
    }
    case "link-oidc": {
      const { values } = parseArgs({
        args: rest,
        options: { user: { type: "string" }, subject: { type: "string" } },
      });
      if (!values.user || !values.subject)
        throw new ConfigError("ect link-oidc needs --user NAME --subject SUB");
      const db = await openDb(config);
      try {
        await migrate(db);
        const { rows } = await db.query<{ username: string }>(
          `UPDATE users SET oidc_subject = $2 WHERE username = $1
             AND NOT EXISTS (SELECT 1 FROM users WHERE oidc_subject = $2 AND username <> $1)
           RETURNING username`,
          [values.user, values.subject],
        );
        if (rows.length === 0) {
          throw new ConfigError(
            `no user "${values.user}", or subject "${values.subject}" is linked to another user`,
          );
        }
        logger.info({ user: values.user, subject: values.subject }, "OIDC subject linked");
      } finally {
        await db.close();
      }
      return;
    }
    case "admin": {
      const [subcommand, file, ...extra] = rest;
      if (subcommand !== "import-icd10" || !file || extra.length > 0)
        throw new ConfigError(
          "ect admin import-icd10 needs FILE (a CMS icd10cm_codes or icd10cm_order file)",
        );
      const db = await openDb(config);
      try {
        await migrate(db);
        const result = await importIcd10File(db, file);
        logger.info({ file, ...result }, "ICD-10-CM codes imported");
      } catch (error) {
        // A line out of format is the operator's to fix: say which, without a stack trace.
        if (error instanceof Icd10FileError)
          throw new ConfigError(`${file}: ${error.message}; nothing imported`);
        if ((error as NodeJS.ErrnoException).code === "ENOENT")
          throw new ConfigError(`${file}: no such file`);
        throw error;
      } finally {
        await db.close();
      }
      return;
    }
    case "help":
    case "--help":
      process.stdout.write(usage);
      return;
    default:
      process.stderr.write(usage);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `ect: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
});
