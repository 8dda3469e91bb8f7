import { useEffect, useState } from "react";
import type uPlot from "uplot";
import { CaseEventType } from "../../../src/gen/ect/v1/resources_pb.js";
import { Chart } from "../components/Chart.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useCaseWatch } from "../hooks/useCaseWatch.js";

const minutes = 15;

interface Move {
  key: string;
  text: string;
}

/** Case moves per minute over the last 15 minutes from WatchCases, with the latest moves listed. */
export function MovesPanel() {
  const [buckets, setBuckets] = useState<Map<number, number>>(new Map());
  const [recent, setRecent] = useState<Move[]>([]);
  const [now, setNow] = useState(() => Math.floor(Date.now() / 60000));
  useEffect(() => {
    const tick = setInterval(() => setNow(Math.floor(Date.now() / 60000)), 5000);
    return () => clearInterval(tick);
  }, []);
  const error = useCaseWatch((events) => {
    const minute = Math.floor(Date.now() / 60000);
    const moves = events.filter((e) => e.type === CaseEventType.MOVED);
    setBuckets((current) => new Map(current).set(minute, (current.get(minute) ?? 0) + moves.length));
    setRecent((current) =>
      [
        // A resync carries no case: nothing to list.
        ...events
          .filter((e) => e.case)
          .map((e) => ({
            key: `${e.case?.id}-${e.case?.version}-${e.type}`,
            text: `${e.case?.caseNumber}: ${e.previousStatus?.description ?? "new"} → ${e.case?.status?.description} (${e.actor})`,
          })),
        ...current,
      ].slice(0, 8),
    );
  });
  const xs: number[] = [];
  const ys: number[] = [];
  for (let m = now - minutes + 1; m <= now; m++) {
    xs.push(m * 60);
    ys.push(buckets.get(m) ?? 0);
  }
  const data: uPlot.AlignedData = [xs, ys];
  return (
    <section className="panel wide" aria-labelledby="moves-title">
      <h2 id="moves-title">Case moves per minute</h2>
      <Chart title="Moves per minute (last 15 min)" series="moves" data={data} />
      <p data-testid="moves-total">Moves this session: {[...buckets.values()].reduce((a, b) => a + b, 0)}</p>
      <ul className="recent" data-testid="recent-moves" aria-live="polite">
        {recent.map((move) => (
          <li key={move.key}>{move.text}</li>
        ))}
      </ul>
      <ErrorAlert text={error} />
    </section>
  );
}
