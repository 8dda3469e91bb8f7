import { type ChildProcess, fork, spawn } from "node:child_process";
import { createServer } from "node:net";

/**
 * Every process the benchmark starts, so each one is stopped by its PID at the end, on an error and on
 * SIGINT. Children are plain `node --import tsx` processes (no npm or shell in between), so the PID is
 * the process itself.
 */
export class Children {
  private readonly running = new Set<ChildProcess>();

  /** Starts `node --import tsx [flags] script args` with env; stderr is prefixed and forwarded. */
  spawn(
    name: string,
    script: string,
    options: { env?: NodeJS.ProcessEnv; flags?: string[]; args?: string[] },
  ) {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", ...(options.flags ?? []), script, ...(options.args ?? [])],
      { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.track(name, child);
    return child;
  }

  /** Forks the load driver with an IPC channel. */
  fork(name: string, script: string, env: NodeJS.ProcessEnv = {}) {
    const child = fork(script, [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    this.track(name, child);
    return child;
  }

  private track(name: string, child: ChildProcess) {
    this.running.add(child);
    child.stderr?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n"))
        if (line.trim()) process.stderr.write(`[${name}] ${line}\n`);
    });
    child.once("exit", () => this.running.delete(child));
  }

  /** Stops one child by PID: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(child: ChildProcess, graceMs = 5000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(child.pid!, "SIGTERM");
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
    }, graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops every child still running. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((child) => this.stop(child).catch(() => {})));
  }
}

/** Waits for a `ready <port>` line on the child's stdout. */
export function readyPort(child: ChildProcess, timeoutMs = 120_000): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error("no 'ready <port>' within the timeout")), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /ready (\d+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before it was ready`)));
  });
}

/** Resolves when the child exits with 0; rejects otherwise. */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}`)))),
  );
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200 (or the timeout passes). */
export async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
