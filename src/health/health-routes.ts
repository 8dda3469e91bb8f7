import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { HealthMonitor, HealthReport, HealthTag } from "./health-monitor.js";

/** What the health routes need: the monitor whose checks they report. */
export interface HealthRoutesOptions {
  monitor: HealthMonitor;
}

/**
 * /alive (liveness: the process answers), /health and /healthz (every check) and /health/streaming
 * (streaming checks only); 200 while Healthy or Degraded, 503 when Unhealthy, never cached.
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { monitor }) => {
  const report = async (reply: FastifyReply, tag?: HealthTag): Promise<HealthReport> => {
    const result = await monitor.report(tag);
    reply.header("cache-control", "no-store").code(result.status === "Unhealthy" ? 503 : 200);
    return result;
  };

  app.get("/alive", async (_request, reply) => {
    reply.header("cache-control", "no-store");
    return { status: "Healthy" };
  });
  app.get("/health", (_request, reply) => report(reply));
  app.get("/healthz", (_request, reply) => report(reply));
  app.get("/health/streaming", (_request, reply) => report(reply, "streaming"));
};
