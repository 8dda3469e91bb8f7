import { useEffect, useState } from "react";
import { CaseState } from "../../../src/gen/ect/v1/resources_pb.js";
import { api, errorText, isAbort } from "../api.js";

interface Stats {
  byCase: Map<number, string>;
  firstItemMs?: number;
  totalMs?: number;
  items: number;
}

/** Open cases by status from StreamCases, kept current by WatchCases; shows time to first item and throughput. */
export function CasesByStatusPanel() {
  const [stats, setStats] = useState<Stats>({ byCase: new Map(), items: 0 });
  const [error, setError] = useState("");
  useEffect(() => {
    const abort = new AbortController();
    const byCase = new Map<number, string>();
    const started = performance.now();
    let firstItemMs: number | undefined;
    let items = 0;
    let totalMs: number | undefined;
    const publish = () => setStats({ byCase: new Map(byCase), firstItemMs, totalMs, items });
    (async () => {
      for await (const batch of api.cases.streamCases(
        { filter: { state: CaseState.OPEN } },
        { signal: abort.signal },
      )) {
        firstItemMs ??= performance.now() - started;
        for (const item of batch.cases) byCase.set(item.id, item.status?.description ?? "?");
        items += batch.cases.length;
      }
      totalMs = performance.now() - started;
      publish();
      for await (const response of api.cases.watchCases({}, { signal: abort.signal })) {
        for (const event of response.events) {
          const item = event.case;
          if (!item) continue;
          if (item.state === CaseState.OPEN) byCase.set(item.id, item.status?.description ?? "?");
          else byCase.delete(item.id);
        }
        publish();
      }
    })().catch((e) => {
      if (!isAbort(e, abort.signal)) setError(errorText(e));
    });
    return () => abort.abort();
  }, []);
  const counts = new Map<string, number>();
  for (const status of stats.byCase.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
  const rows = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <section className="panel" aria-labelledby="bystatus-title">
      <h2 id="bystatus-title">Open cases by status</h2>
      <p className="muted" data-testid="stream-stats">
        {stats.totalMs === undefined
          ? "Streaming…"
          : `${stats.items} cases · first item ${Math.round(stats.firstItemMs ?? 0)} ms · ${Math.round(
              stats.items / Math.max(0.001, stats.totalMs / 1000),
            )} cases/s`}
      </p>
      <ul className="bars" data-testid="cases-by-status">
        {rows.map(([status, n]) => (
          <li key={status}>
            <span className="bar-label">{status}</span>
            <span className="bar" style={{ width: `${(n / max) * 100}%` }} />
            <span className="bar-value">{n}</span>
          </li>
        ))}
      </ul>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
