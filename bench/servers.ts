import type { ChildProcess } from "node:child_process";
import type { BenchData } from "./database.js";
import type { Measured, Task } from "./driver.js";
import { type Children, freePort, readyPort, waitHttp } from "./processes.js";

/** A started ECT server process. */
export interface EctServer {
  url: string;
  child: ChildProcess;
}

/** The ECT settings every benchmark server shares (see bench/README.md). */
export function ectEnv(data: BenchData, secret: string): NodeJS.ProcessEnv {
  return {
    ECT_HOST: "127.0.0.1",
    ECT_DATABASE_URL: data.url,
    ECT_JWT_SECRET: secret,
    ECT_LOG_LEVEL: "warn",
    ECT_STREAM_ITEMS_PER_SECOND: "0",
    // 1,000 concurrent streams come from one benchmark caller; the per-caller default (100) would refuse them.
    ECT_STREAM_MAX_PER_CALLER: "1000",
    // …over as many connections, all from 127.0.0.1 (the default allows 256 per address).
    ECT_MAX_CONNECTIONS_PER_IP: "2000",
    // The buffered response of every active case (~35 MB at 1,000,000 cases) is the memory comparison.
    ECT_MAX_MESSAGE_BYTES: String(64 * 1024 * 1024),
    // The memory scenario buffers every active case in one unary GetActiveCases on purpose.
    ECT_UNARY_LOOKUP_MAX_ITEMS: "10000000",
    ECT_SHUTDOWN_GRACE_MS: "1000",
    // Two ECT servers, the peers and the driver share PostgreSQL's default max_connections (100).
    ECT_DB_POOL_MAX: "40",
    OTEL_EXPORTER_OTLP_ENDPOINT: "",
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "",
  };
}

/** Starts `ect serve` as its own process and waits for /health. */
export async function startEct(
  children: Children,
  name: string,
  env: NodeJS.ProcessEnv,
  flags: string[] = [],
): Promise<EctServer> {
  const port = await freePort();
  const child = children.spawn(name, "src/cli.ts", {
    env: { ...env, ECT_PORT: String(port) },
    flags: ["--import", "./src/telemetry/preload.ts", ...flags],
    args: ["serve"],
  });
  child.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    waitHttp(`${url}/health`),
    new Promise((_, reject) =>
      child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`))),
    ),
  ]);
  return { url, child };
}

/** Starts a peer script that prints `ready <port>`. */
export async function startPeer(children: Children, name: string, script: string, env: NodeJS.ProcessEnv) {
  const child = children.spawn(name, script, { env });
  return { url: `http://127.0.0.1:${await readyPort(child)}`, child };
}

type TaskBody = Task extends infer T ? (T extends { id: number } ? Omit<T, "id"> : never) : never;

/** The forked load driver; `run` sends one task and waits for its measurement. */
export class Driver {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(m: Measured): void; reject(e: Error): void }>();

  constructor(readonly child: ChildProcess) {
    child.on("message", (message: { id?: number; result?: Measured; error?: string }) => {
      const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result!);
    });
    child.once("exit", (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`driver exited with ${code}`));
    });
  }

  /** Waits for the driver's first message. */
  ready(): Promise<void> {
    return new Promise((resolve) => this.child.once("message", () => resolve()));
  }

  run(task: TaskBody): Promise<Measured> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...task, id });
    });
  }
}
