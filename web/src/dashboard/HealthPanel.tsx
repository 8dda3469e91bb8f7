import { useState } from "react";
import { transport } from "../api.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { loadSession } from "../session.js";

interface Health {
  status: string;
  checks: Record<string, { status: string; description?: string }>;
}

/** Sums every sample of a Prometheus metric in a text exposition. */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(" ").pop()) || 0;
  }
  return sum;
}

/**
 * Health state (GET /health every 5 s) and the client circuit; for operators (operatorView), the health
 * checks, server rejections and active streams, which the server shows only to them.
 */
export function HealthPanel() {
  const [health, setHealth] = useState<Health>();
  const [metrics, setMetrics] = useState<{ rejections: number; activeStreams: number }>();
  const session = loadSession();
  const operatorToken = session?.permissions.includes("operatorView") ? session.token : undefined;
  const operator = operatorToken !== undefined;
  const { error } = useAbortable(
    async (signal) => {
      const headers: Record<string, string> = operatorToken
        ? { authorization: `Bearer ${operatorToken}` }
        : {};
      const response = await fetch("/health", { signal, headers });
      setHealth((await response.json()) as Health);
      if (operatorToken) {
        const text = await (await fetch("/metrics", { signal, headers })).text();
        setMetrics({
          rejections: metricSum(text, "ect_rejections_total"),
          activeStreams: metricSum(text, "ect_active_streams"),
        });
      }
    },
    [operatorToken],
    { repeatMs: 5000 },
  );
  return (
    <section className="panel" aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      <p className={`big status-${health?.status ?? "unknown"}`} data-testid="health-status">
        {health?.status ?? "…"}
      </p>
      <ul>
        {Object.entries(health?.checks ?? {}).map(([name, check]) => (
          <li key={name}>
            {name}: {check.status}
            {check.description && ` (${check.description})`}
          </li>
        ))}
        <li>Client circuit: {transport.breakerState()}</li>
        {metrics && <li>Rate-limit and load rejections: {metrics.rejections}</li>}
        {metrics && <li>Active server streams: {metrics.activeStreams}</li>}
      </ul>
      {!operator && <p>Health checks and server metrics are shown to operators (operatorView).</p>}
      <ErrorAlert text={error} />
    </section>
  );
}
