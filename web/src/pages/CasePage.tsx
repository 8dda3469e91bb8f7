import { useCallback, useEffect, useState } from "react";
import type { AuditEvent } from "../../../src/gen/ect/v1/admin_service_pb.js";
import type { GetNextActionsResponse } from "../../../src/gen/ect/v1/case_service_pb.js";
import type { Case, Signature, TrackingEntry } from "../../../src/gen/ect/v1/resources_pb.js";
import { api, errorText, isAbort } from "../api.js";
import { stateText } from "../caseStream.js";
import { CaseActions } from "../components/CaseActions.js";
import { CaseHistory } from "../components/CaseHistory.js";
import { formatTime } from "../format.js";
import type { Session } from "../session.js";

interface CaseData {
  item: Case;
  next: GetNextActionsResponse;
  tracking: TrackingEntry[];
  signatures: Signature[];
  audit: AuditEvent[] | undefined;
}

/** One case: member, status, holder, lock, next actions, timeline, signatures and audit history. */
export function CasePage({ id, session }: { id: string; session: Session }) {
  const name = `cases/${id}`;
  const [data, setData] = useState<CaseData>();
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      const [item, next, tracking, signatures, audit] = await Promise.all([
        api.cases.getCase({ name }),
        api.cases.getNextActions({ name }),
        api.cases.listTracking({ name }),
        api.cases.listSignatures({ name }),
        session.permissions.includes("auditView")
          ? api.admin.listAuditEvents({ entityType: "case", entityId: id, pageSize: 100 })
          : undefined,
      ]);
      setData({
        item,
        next,
        tracking: tracking.entries,
        signatures: signatures.signatures,
        audit: audit?.events,
      });
      setError("");
    } catch (e) {
      setError(errorText(e));
    }
  }, [name, id, session]);

  useEffect(() => {
    load();
  }, [load]);

  // Another user moving this case refreshes the page.
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      for await (const response of api.cases.watchCases({}, { signal: abort.signal })) {
        if (response.events.some((event) => event.case?.name === name)) load();
      }
    })().catch((e) => {
      if (!isAbort(e, abort.signal)) setError(errorText(e));
    });
    return () => abort.abort();
  }, [name, load]);

  if (!data) return <p role={error ? "alert" : "status"}>{error || "Loading case…"}</p>;
  const { item } = data;
  const lock = item.lock;
  return (
    <section aria-labelledby="case-title" className="case">
      <h1 id="case-title">
        Case <span data-testid="case-number">{item.caseNumber}</span>
      </h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <dl className="facts">
        <dt>Member</dt>
        <dd>
          {item.member?.grade} {item.member?.lastName}, {item.member?.firstName} ({item.member?.maskedSsn})
        </dd>
        <dt>Unit</dt>
        <dd>{item.unit?.name}</dd>
        <dt>Status</dt>
        <dd data-testid="case-status">{item.status?.description}</dd>
        <dt>State</dt>
        <dd data-testid="case-state">
          {stateText(item.state)}
          {item.finding && ` · finding ${item.finding}`}
        </dd>
        <dt>Held by</dt>
        <dd data-testid="case-holder">{item.status?.holderRoleName || "–"}</dd>
        <dt>Lock</dt>
        <dd data-testid="case-lock">
          {lock?.username ? `🔒 Locked by ${lock.username} since ${formatTime(lock.lockTime)}` : "Unlocked"}
        </dd>
        <dt>Incident</dt>
        <dd>{item.incidentDescription}</dd>
        {item.rwoaReason && (
          <>
            <dt>Last return</dt>
            <dd>{item.rwoaReason}</dd>
          </>
        )}
        {item.cancelReason && (
          <>
            <dt>Cancelled</dt>
            <dd>{item.cancelReason}</dd>
          </>
        )}
      </dl>
      <CaseActions item={item} next={data.next} session={session} onChanged={load} />
      <CaseHistory tracking={data.tracking} signatures={data.signatures} audit={data.audit} />
    </section>
  );
}
