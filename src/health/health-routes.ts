import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { HealthMonitor, HealthReport, HealthTag } from "./health-monitor.js";

/** What the health routes need: the monitor whose checks they report, and who may read the checks. */
export interface HealthRoutesOptions {
  monitor: HealthMonitor;
  /**
   * Whether a request gets the full report (checks, pool and stream figures, versions) or the bare
   * status: resolves false for a request that asks for no details, true for one allowed them, and
   * throws (401/403) for one that asks without the right to.
   */
  details(request: FastifyRequest): Promise<boolean>;
}

/**
 * /alive (liveness: the process answers), /health and /healthz (every check) and /health/streaming
 * (streaming checks only); 200 while Healthy or Degraded, 503 when Unhealthy, never cached. The bare
 * `{status}` is public; the checks behind it are operator data (see `details`).
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { monitor, details }) => {
  const report = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tag?: HealthTag,
  ): Promise<HealthReport | Pick<HealthReport, "status">> => {
    const full = await details(request);
    const result = await monitor.report(tag);
    reply.header("cache-control", "no-store").code(result.status === "Unhealthy" ? 503 : 200);
    return full ? result : { status: result.status };
  };

  app.get("/alive", async (_request, reply) => {
    reply.header("cache-control", "no-store");
    return { status: "Healthy" };
  });
  app.get("/health", (request, reply) => report(request, reply));
  app.get("/healthz", (request, reply) => report(request, reply));
  app.get("/health/streaming", (request, reply) => report(request, reply, "streaming"));
};
