import type { ConnectRouter, HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { notFound } from "../errors.js";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.js";
import { type HealthMonitor, type HealthReport, toServingStatus } from "./health-monitor.js";

/** Which names the gRPC health service answers for, beside "" (the whole server) and each check's name. */
export interface GrpcHealthOptions {
  /** Fully-qualified gRPC service names (e.g. "ect.v1.CaseService"); each reports the whole server's state. */
  services?: readonly string[];
}

/**
 * grpc.health.v1.Health backed by `monitor`: "" and every listed service report the worst of all
 * checks, a check's own name reports that check; Healthy and Degraded serve, Unhealthy does not.
 */
export function healthServiceImpl(
  monitor: HealthMonitor,
  options: GrpcHealthOptions = {},
): ServiceImpl<typeof Health> {
  const checks = new Set(monitor.names());
  const whole = new Set(["", ...(options.services ?? [])]);
  /** The monitor's name for what a health service name reports: "" for the whole server. */
  const scopeOf = (service: string): string | undefined =>
    whole.has(service) ? "" : checks.has(service) ? service : undefined;
  const statusIn = (report: HealthReport, scope: string) =>
    toServingStatus(scope === "" ? report.status : report.checks[scope].status);

  return {
    async check({ service }) {
      const scope = scopeOf(service);
      if (scope === undefined) throw notFound("service", JSON.stringify(service));
      return { status: statusIn(await monitor.report(), scope) };
    },

    async list() {
      const report = await monitor.report();
      const statuses: Record<string, { status: ServingStatus }> = {};
      for (const name of [...whole, ...checks]) statuses[name] = { status: statusIn(report, scopeOf(name)!) };
      return { statuses };
    },

    async *watch({ service }, context) {
      const scope = scopeOf(service);
      if (scope === undefined) {
        // Per the protocol: report SERVICE_UNKNOWN and keep the call open, not an error.
        yield { status: ServingStatus.SERVICE_UNKNOWN };
        await aborted(context);
        return;
      }
      let latest: ServingStatus | undefined;
      let wake: (() => void) | undefined;
      const unsubscribe = monitor.subscribe((change) => {
        if (change.name !== scope) return;
        latest = toServingStatus(change.status);
        wake?.();
      });
      const onAbort = () => wake?.();
      context.signal.addEventListener("abort", onAbort);
      try {
        let sent = statusIn(await monitor.report(), scope);
        yield { status: sent };
        while (!context.signal.aborted) {
          if (latest !== undefined && latest !== sent) {
            sent = latest;
            yield { status: sent };
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        context.signal.removeEventListener("abort", onAbort);
        unsubscribe();
      }
    },
  };
}

/** Registers grpc.health.v1.Health backed by `monitor` on `router`. */
export function registerHealth(
  router: ConnectRouter,
  monitor: HealthMonitor,
  options?: GrpcHealthOptions,
): void {
  router.service(Health, healthServiceImpl(monitor, options));
}

function aborted(context: HandlerContext): Promise<void> {
  if (context.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => context.signal.addEventListener("abort", () => resolve(), { once: true }));
}
