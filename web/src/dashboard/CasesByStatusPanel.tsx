import { useState } from "react";
import { CaseState } from "../../../src/gen/ect/v1/resources_pb.js";
import { api } from "../api.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { mustResync, watchCaseEvents } from "../hooks/useCaseWatch.js";

interface Stats {
  byCase: Map<number, string>;
  firstItemMs?: number;
  totalMs?: number;
  items: number;
}

/** Open cases by status from StreamCases, kept current by WatchCases; shows time to first item and throughput. */
export function CasesByStatusPanel() {
  const [stats, setStats] = useState<Stats>({ byCase: new Map(), items: 0 });
  // The watch starts once the stream has ended, so no event is overwritten by an older streamed row.
  const { error, reload } = useAbortable(async (signal) => {
    const byCase = new Map<number, string>();
    const started = performance.now();
    let firstItemMs: number | undefined;
    let items = 0;
    let totalMs: number | undefined;
    const publish = () => setStats({ byCase: new Map(byCase), firstItemMs, totalMs, items });
    for await (const batch of api.cases.streamCases({ filter: { state: CaseState.OPEN } }, { signal })) {
      firstItemMs ??= performance.now() - started;
      for (const item of batch.cases) byCase.set(item.id, item.status?.description ?? "?");
      items += batch.cases.length;
    }
    totalMs = performance.now() - started;
    publish();
    await watchCaseEvents(signal, (events) => {
      // Events were missed: count again from a fresh stream (the reload aborts this watch).
      if (mustResync(events)) {
        void reload();
        return;
      }
      for (const event of events) {
        const item = event.case;
        if (!item) continue;
        if (item.state === CaseState.OPEN) byCase.set(item.id, item.status?.description ?? "?");
        else byCase.delete(item.id);
      }
      publish();
    });
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
      <ErrorAlert text={error} />
    </section>
  );
}
