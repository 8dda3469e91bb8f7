import { useState } from "react";
import type { Span, Trace, TraceSummary } from "../../../src/gen/ect/v1/telemetry_service_pb.js";
import { TraceStatus } from "../../../src/gen/ect/v1/telemetry_service_pb.js";
import { api, transport } from "../api.js";
import { errorText } from "../call-errors.js";
import { ErrorAlert } from "../components/ErrorAlert.js";

/**
 * Search recent traces by correlation id (or method) and show one as a waterfall of spans. Spans
 * posted to /v1/traces are marked external with who sent them: what they claim is not ECT's record.
 */
export function TracesPage() {
  const [correlationId, setCorrelationId] = useState(() => transport.correlation.last() ?? "");
  const [method, setMethod] = useState("");
  const [traces, setTraces] = useState<TraceSummary[]>([]);
  const [trace, setTrace] = useState<Trace>();
  const [error, setError] = useState("");

  async function search(event: React.FormEvent) {
    event.preventDefault();
    try {
      const response = await api.telemetry.searchTraces({
        correlationId: correlationId.trim(),
        method,
        pageSize: 50,
      });
      setTraces(response.traces);
      setTrace(undefined);
      setError("");
    } catch (e) {
      setError(errorText(e));
    }
  }
  async function open(traceId: string) {
    try {
      setTrace(await api.telemetry.getTrace({ traceId }));
    } catch (e) {
      setError(errorText(e));
    }
  }

  const total = trace?.summary?.durationMs || 1;
  return (
    <section aria-labelledby="traces-title">
      <h1 id="traces-title">Traces</h1>
      <form className="filters" onSubmit={search}>
        <label>
          Correlation id{" "}
          <input
            data-testid="trace-correlation"
            value={correlationId}
            onChange={(e) => setCorrelationId(e.target.value)}
          />
        </label>
        <label>
          Method contains <input value={method} onChange={(e) => setMethod(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <ErrorAlert text={error} />
      <ul className="trace-list" data-testid="trace-results">
        {traces.map((t) => (
          <li key={t.traceId}>
            <button type="button" className="link" onClick={() => open(t.traceId)}>
              {t.rootSpanName}
            </button>{" "}
            · {t.durationMs.toFixed(1)} ms · {t.spanCount} spans ·{" "}
            {t.status === TraceStatus.ERROR ? "error" : "ok"} · <code>{t.correlationId}</code>
            {t.externalSpanCount > 0 && (
              <>
                {" "}
                ·{" "}
                <span className="error" data-testid="trace-external">
                  {externalText(t)}
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
      {trace && (
        <section className="waterfall" data-testid="waterfall" aria-label="Trace waterfall">
          <h2>{trace.summary?.rootSpanName}</h2>
          {trace.spans.map((span) => (
            <div key={span.spanId} className="span-row">
              <span className="span-name" title={spanTitle(span)}>
                {span.external && (
                  <span className="error" data-testid="span-external">
                    external{" "}
                  </span>
                )}
                {span.name}
              </span>
              <span className="span-track">
                <span
                  className={`span-bar ${span.status === TraceStatus.ERROR ? "err" : ""}`}
                  style={{
                    left: `${(span.startOffsetMs / total) * 100}%`,
                    width: `${Math.max(0.5, (span.durationMs / total) * 100)}%`,
                  }}
                />
              </span>
              <span className="span-ms">{span.durationMs.toFixed(1)} ms</span>
            </div>
          ))}
        </section>
      )}
    </section>
  );
}

function externalText(summary: TraceSummary): string {
  const senders = summary.submittedBy.map((name) => name || "an unnamed sender").join(", ");
  return `external: ${summary.externalSpanCount} of ${summary.spanCount} spans sent by ${senders}`;
}

/** The hover text of a span: its name, its user, and for a received span who sent it. */
function spanTitle(span: Span): string {
  const user = span.attributes["enduser.id"];
  const lines = [span.name];
  if (user) lines.push(`user ${user}${span.external ? " (claimed by the sender)" : ""}`);
  if (span.external) lines.push(`received over /v1/traces from ${span.submittedBy || "an unnamed sender"}`);
  return lines.join("\n");
}
