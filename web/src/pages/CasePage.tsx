import { useState } from "react";
import type { AuditEvent } from "../../../src/gen/ect/v1/admin_service_pb.js";
import type { GetNextActionsResponse } from "../../../src/gen/ect/v1/case_service_pb.js";
import type { Case, Signature, TrackingEntry } from "../../../src/gen/ect/v1/resources_pb.js";
import { api } from "../api.js";
import { CaseActions } from "../components/CaseActions.js";
import { CaseFacts } from "../components/CaseFacts.js";
import { CaseHistory } from "../components/CaseHistory.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { useCaseWatch } from "../hooks/useCaseWatch.js";
import type { Session } from "../session.js";

/** Everything the case page shows, read in one go. */
interface CaseData {
  item: Case;
  next: GetNextActionsResponse;
  tracking: TrackingEntry[];
  signatures: Signature[];
  audit: AuditEvent[] | undefined;
}

/** Reads a case with its next actions, tracking, signatures and (for auditors) its audit events. */
async function readCase(id: string, session: Session, signal: AbortSignal): Promise<CaseData> {
  const name = `cases/${id}`;
  const [item, next, tracking, signatures, audit] = await Promise.all([
    api.cases.getCase({ name }, { signal }),
    api.cases.getNextActions({ name }, { signal }),
    api.cases.listTracking({ name }, { signal }),
    api.cases.listSignatures({ name }, { signal }),
    session.permissions.includes("auditView")
      ? api.admin.listAuditEvents({ entityType: "case", entityId: id, pageSize: 100 }, { signal })
      : undefined,
  ]);
  return { item, next, tracking: tracking.entries, signatures: signatures.signatures, audit: audit?.events };
}

/** One case: its facts, the actions open to the caller, and its history; kept current by WatchCases. */
export function CasePage({ id, session }: { id: string; session: Session }) {
  const [data, setData] = useState<CaseData>();
  const { error, reload } = useAbortable(
    async (signal) => setData(await readCase(id, session, signal)),
    [id, session],
  );
  // Another user moving this case refreshes the page.
  const watchError = useCaseWatch((events) => {
    if (events.some((event) => event.case?.name === `cases/${id}`)) reload();
  });

  const shown = error || watchError;
  if (!data) return <p role={shown ? "alert" : "status"}>{shown || "Loading case…"}</p>;
  return (
    <section aria-labelledby="case-title" className="case">
      <h1 id="case-title">
        Case <span data-testid="case-number">{data.item.caseNumber}</span>
      </h1>
      <ErrorAlert text={shown} />
      <CaseFacts item={data.item} />
      <CaseActions item={data.item} next={data.next} session={session} onChanged={reload} />
      <CaseHistory tracking={data.tracking} signatures={data.signatures} audit={data.audit} />
    </section>
  );
}
