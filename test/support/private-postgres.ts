import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian's PostgreSQL binaries live; ECT_PG_BIN overrides (tests only, not server config). */
const binDir = process.env.ECT_PG_BIN ?? findBinDir();

function findBinDir(): string | undefined {
  for (const version of ["17", "16", "15", "14"]) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, "initdb"))) return dir;
  }
  return undefined;
}

/** Why a private cluster cannot run here, or undefined when it can (the suite skips with this text). */
export function privatePostgresUnavailable(): string | undefined {
  if (!binDir) return "PostgreSQL server binaries not found (install postgresql or set ECT_PG_BIN)";
  if (process.getuid?.() === 0 && !existsSync("/usr/sbin/runuser"))
    return "running as root without runuser to drop to the postgres user";
  return undefined;
}

/** A throwaway PostgreSQL cluster that one test file owns: stop and start it to simulate outages. */
export interface PrivatePostgres {
  /** Connection string of the `postgres` database as superuser (trust auth on 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  /**
   * Stops the server. "fast" (the default) cuts open connections and writes a clean checkpoint, as in
   * an outage; "immediate" quits without one, as in a crash: the restart recovers from the WAL.
   */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts the server again on the same port and data directory and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server and removes its data directory. */
  destroy(): Promise<void>;
}

/** Runs one PostgreSQL binary, as the `postgres` OS user when the test runs as root (initdb refuses root). */
async function pgBin(name: string, args: string[], timeoutMs: number): Promise<string> {
  const binary = join(binDir!, name);
  const [file, argv] =
    process.getuid?.() === 0
      ? ["/usr/sbin/runuser", ["-u", "postgres", "--", binary, ...args]]
      : [binary, args];
  const { stdout } = await run(file, argv, { timeout: timeoutMs, killSignal: "SIGKILL" });
  return stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb into a fresh temporary directory and start the server on a free loopback port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const unavailable = privatePostgresUnavailable();
  if (unavailable) throw new Error(unavailable);
  const root = await mkdtemp(join(tmpdir(), "ect-pg-"));
  const dataDir = join(root, "data");
  const socketDir = root;
  const logFile = join(root, "server.log");
  if (process.getuid?.() === 0) {
    const ids = await run("id", ["-u", "postgres"]).then(async ({ stdout }) => ({
      uid: Number(stdout.trim()),
      gid: Number((await run("id", ["-g", "postgres"])).stdout.trim()),
    }));
    await chown(root, ids.uid, ids.gid);
    await chmod(root, 0o700);
  }
  await pgBin(
    "initdb",
    ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--locale=C"],
    120_000,
  );
  const port = await freePort();
  // Fast and disposable: no fsync (the OS survives an immediate stop, so its page cache keeps the WAL),
  // loopback only, enough connections for 150 streams plus pools. synchronous_commit stays on: a commit
  // is acknowledged only once its WAL is written, so an immediate stop loses no acknowledged write.
  const settings = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${socketDir}'`,
    "max_connections = 300",
    "fsync = off",
    "full_page_writes = off",
    "shared_buffers = 64MB",
  ];
  const conf = join(dataDir, "postgresql.auto.conf");
  await writeFile(conf, `${settings.join("\n")}\n`, { flag: "a" });

  const isReady = async (): Promise<boolean> => {
    try {
      await pgBin("pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-t", "2"], 5_000);
      return true;
    } catch {
      return false;
    }
  };
  const waitReady = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await isReady()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`private PostgreSQL on port ${port} not ready within ${timeoutMs} ms (log: ${logFile})`);
  };
  let running = false;
  const start = async () => {
    // -w waits for the server itself; pg_isready afterwards confirms TCP on the loopback port.
    await pgBin("pg_ctl", ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60"], 90_000);
    running = true;
    await waitReady(30_000);
  };
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    if (!running) return;
    await pgBin("pg_ctl", ["stop", "-D", dataDir, "-m", mode, "-w", "-t", "60"], 90_000);
    running = false;
  };
  try {
    await start();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async destroy() {
      try {
        await stop();
      } catch {
        // A server that will not stop fast is killed with the directory below it.
        await pgBin("pg_ctl", ["stop", "-D", dataDir, "-m", "immediate"], 30_000).catch(() => undefined);
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
