import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useState } from "react";
import { formRoleOf } from "../../../src/domain/form/form-roles.js";
import type { AuditEvent } from "../../../src/gen/ect/v1/admin_service_pb.js";
import type { GetNextActionsResponse } from "../../../src/gen/ect/v1/case_service_pb.js";
import type { Form } from "../../../src/gen/ect/v1/form_service_pb.js";
import type { Investigation } from "../../../src/gen/ect/v1/investigation_service_pb.js";
import {
  type Case,
  CaseState,
  type Signature,
  type TrackingEntry,
} from "../../../src/gen/ect/v1/resources_pb.js";
import { api } from "../api.js";
import { CaseActions } from "../components/CaseActions.js";
import { CaseAudit } from "../components/CaseAudit.js";
import { CaseFacts } from "../components/CaseFacts.js";
import { CaseSignatures } from "../components/CaseSignatures.js";
import { CaseTimeline } from "../components/CaseTimeline.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { type TabSpec, Tabs } from "../components/Tabs.js";
import { CasePrintLinks } from "../documents/CasePrintLinks.js";
import { DocumentsPanel } from "../documents/DocumentsPanel.js";
import { FormErrorSummary } from "../form/FormErrorSummary.js";
import { FormSectionPanel } from "../form/FormSectionPanel.js";
import { fieldId } from "../form/field-ids.js";
import { errorsIn, type FormErrors, formErrors, NO_FORM_ERRORS } from "../form/form-errors.js";
import type { Choice } from "../form/form-fields.js";
import { formSignatures } from "../form/form-signatures.js";
import { FORM_TABS, firstTab, tabOfPath } from "../form/form-tabs.js";
import { PROXIMATE_CAUSES } from "../form/proximate-causes.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { mustResync, useCaseWatch } from "../hooks/useCaseWatch.js";
import { DirectFormalInvestigation } from "../investigation/DirectFormalInvestigation.js";
import { ExtendSuspense } from "../investigation/ExtendSuspense.js";
import { InvestigationPanel } from "../investigation/InvestigationPanel.js";
import { INVESTIGATION_SECTIONS, investigationSectionOf } from "../investigation/investigation-fields.js";
import { ReappointOfficer } from "../investigation/ReappointOfficer.js";
import { SuspenseBadge } from "../investigation/SuspenseBadge.js";
import { CaseNotificationsLog } from "../notifications/CaseNotificationsLog.js";
import { Link } from "../router.js";
import type { Session } from "../session.js";

/** Everything the case page shows, read in one go. */
interface CaseData {
  item: Case;
  next: GetNextActionsResponse;
  tracking: TrackingEntry[];
  signatures: Signature[];
  audit: AuditEvent[] | undefined;
  /** The AF 348; undefined for a reinvestigation request, which has none. */
  form: Form | undefined;
  /** The formal investigation; undefined on an informal case. */
  investigation: Investigation | undefined;
}

/** Whether a case is on the formal path: it has an investigating officer and a suspense. */
function isFormal(item: Case): boolean {
  return item.investigatingOfficer !== "" || item.suspenseDate !== "";
}

/** The case's AF 348, or undefined when the case has none (FAILED_PRECONDITION: a reinvestigation request). */
async function readForm(id: string, signal: AbortSignal): Promise<Form | undefined> {
  try {
    return await api.form.getForm({ name: `cases/${id}/form` }, { signal });
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.FailedPrecondition) return undefined;
    throw error;
  }
}

/**
 * Reads a case with its form, its investigation when formal, next actions, tracking, signatures and (for
 * auditors) its audit events.
 */
async function readCase(id: string, session: Session, signal: AbortSignal): Promise<CaseData> {
  const name = `cases/${id}`;
  const reading = api.cases.getCase({ name }, { signal });
  const [item, next, tracking, signatures, audit, form, investigation] = await Promise.all([
    reading,
    api.cases.getNextActions({ name }, { signal }),
    api.cases.listTracking({ name }, { signal }),
    api.cases.listSignatures({ name }, { signal }),
    session.permissions.includes("auditView")
      ? api.admin.listAuditEvents({ entityType: "case", entityId: id, pageSize: 100 }, { signal })
      : undefined,
    readForm(id, signal),
    reading.then((item) =>
      isFormal(item)
        ? api.investigations.getInvestigation({ name: `${name}/investigation` }, { signal })
        : undefined,
    ),
  ]);
  return {
    item,
    next,
    tracking: tracking.entries,
    signatures: signatures.signatures,
    audit: audit?.events,
    form,
    investigation,
  };
}

/**
 * One case: its facts and the actions open to the caller above the AF 348 as tabs (Member … Determination),
 * then its timeline, signatures and audit; kept current by WatchCases.
 */
export function CasePage({ id, session }: { id: string; session: Session }) {
  const [data, setData] = useState<CaseData>();
  const [tab, setTab] = useState<string>();
  const [caseErrors, setCaseErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const [focusPath, setFocusPath] = useState<string>();
  const [reasons, setReasons] = useState<readonly Choice[]>([]);
  const { error, reload } = useAbortable(
    async (signal) => setData(await readCase(id, session, signal)),
    [id, session],
  );
  const reasonsError = useAbortable(async (signal) => {
    const found = await api.workflow.getAllFindingByReasonOf({}, { signal });
    setReasons(found.items.map((item) => ({ value: String(item.findingId), label: item.description })));
  }, []).error;
  // Another user moving or editing this case refreshes the page.
  const watchError = useCaseWatch((events) => {
    if (mustResync(events) || events.some((event) => event.case?.name === `cases/${id}`)) reload();
  });
  // A saved change (a new form version) makes the last refused forward's list stale.
  const version = data?.form?.version;
  useEffect(() => {
    if (version !== undefined) setCaseErrors(NO_FORM_ERRORS);
  }, [version]);
  // "Go to field": once its tab is shown, focus the field.
  useEffect(() => {
    if (!focusPath) return;
    document.getElementById(fieldId(focusPath))?.focus();
    setFocusPath(undefined);
  }, [focusPath]);

  const shown = error || watchError || reasonsError;
  if (!data) return <p role={shown ? "alert" : "status"}>{shown || "Loading case…"}</p>;
  const { form, investigation, item } = data;
  const choices = { proximate_causes: PROXIMATE_CAUSES, finding_reasons: reasons };
  const bound = formSignatures(form);
  const validity = new Map([...bound].map(([signatureId, s]) => [signatureId, s.valid]));

  const formTabs: TabSpec[] = form
    ? FORM_TABS.map((formTab) => {
        const mine = formTab.sections.some(
          (section) => form.sections.find((state) => state.section === section)?.editable,
        );
        const toFix = formTab.sections.reduce((sum, section) => sum + errorsIn(caseErrors, section), 0);
        const notes = [mine ? "your part" : "", toFix ? `${toFix} to fix` : ""].filter(Boolean);
        return {
          id: formTab.id,
          label: formTab.label,
          note: notes.join(", ") || undefined,
          panel: () =>
            formTab.sections.map((section) => (
              <FormSectionPanel
                key={section}
                form={form}
                section={section}
                role={formRoleOf(session.roleId)?.key}
                caseErrors={caseErrors}
                choices={choices}
                onSaved={reload}
              />
            )),
        };
      })
    : [];
  const investigationTabs: TabSpec[] = investigation
    ? [
        {
          id: "investigation",
          label: "Report of investigation",
          note:
            [
              INVESTIGATION_SECTIONS.some(
                (section) =>
                  investigation.sections.find((state) => state.section === `investigation.${section}`)
                    ?.editable,
              )
                ? "your part"
                : "",
              ...[INVESTIGATION_SECTIONS.reduce((sum, section) => sum + errorsIn(caseErrors, section), 0)]
                .filter(Boolean)
                .map((toFix) => `${toFix} to fix`),
            ]
              .filter(Boolean)
              .join(", ") || undefined,
          panel: () => (
            <InvestigationPanel
              investigation={investigation}
              closed={item.state !== CaseState.OPEN}
              caseErrors={caseErrors}
              onSaved={reload}
            />
          ),
        },
      ]
    : [];
  const tabs: TabSpec[] = [
    ...formTabs,
    ...investigationTabs,
    {
      id: "timeline",
      label: "Timeline",
      panel: () => <CaseTimeline tracking={data.tracking} signatures={data.signatures} validity={validity} />,
    },
    {
      id: "signatures",
      label: "Signatures",
      panel: () => <CaseSignatures signatures={data.signatures} formSignatures={bound} />,
    },
    {
      id: "documents",
      label: "Documents",
      panel: () => (
        <DocumentsPanel caseName={item.name} mayWithdraw={session.permissions.includes("documentWithdraw")} />
      ),
    },
    {
      id: "notifications",
      label: "Notifications",
      panel: () => <CaseNotificationsLog caseName={item.name} />,
    },
    ...(data.audit
      ? [{ id: "audit", label: "Audit", panel: () => <CaseAudit audit={data.audit ?? []} /> }]
      : []),
  ];
  const investigating = investigation?.sections.some((state) => state.editable);
  const selected = tab ?? (investigating ? "investigation" : form ? firstTab(form) : "timeline");
  const open = item.state === CaseState.OPEN;
  const appointingAuthority = formRoleOf(session.roleId)?.key === "wingCommander";
  // The appointing authority directs one while it holds the case (at Wing Commander Review).
  const mayDirect =
    open &&
    appointingAuthority &&
    !isFormal(item) &&
    item.status?.holderRoleId === session.roleId &&
    data.next.actions.length > 0;

  return (
    <section aria-labelledby="case-title" className="case">
      <h1 id="case-title">
        Case <span data-testid="case-number">{item.caseNumber}</span>
      </h1>
      {item.suspenseDate && (
        <p className="case-badges">
          Formal investigation: <SuspenseBadge suspense={item} closed={!open} testId="case-suspense" />
        </p>
      )}
      <ErrorAlert text={shown} />
      <CaseFacts item={item} />
      {form && <CasePrintLinks caseName={item.name} caseNumber={item.caseNumber} />}
      <p>
        <Link href={`/members/${item.member?.id}`} data-testid="member-history-link">
          LOD history of this member
        </Link>
      </p>
      {mayDirect && <DirectFormalInvestigation caseName={item.name} onDirected={reload} />}
      {open && appointingAuthority && investigation && (
        <section aria-labelledby="suspense-title" className="panel" data-testid="aa-investigation">
          <h2 id="suspense-title">Formal investigation</h2>
          <p>
            Investigating officer: {investigation.investigatingOfficer?.displayName} · Suspense:{" "}
            <SuspenseBadge suspense={investigation} testId="aa-suspense" />
          </p>
          <ExtendSuspense caseName={item.name} current={investigation.suspenseDate} onExtended={reload} />
          <ReappointOfficer
            caseName={item.name}
            current={investigation.investigatingOfficer?.username ?? ""}
            onAppointed={reload}
          />
        </section>
      )}
      <CaseActions
        item={item}
        next={data.next}
        form={form}
        session={session}
        onChanged={reload}
        onRefused={(refusal) => setCaseErrors(formErrors(refusal))}
      />
      <FormErrorSummary
        errors={caseErrors}
        onGoTo={(path) => {
          const target = investigationSectionOf(path) ? { id: "investigation" } : tabOfPath(path);
          if (target) setTab(target.id);
          setFocusPath(path);
        }}
      />
      <Tabs
        label={form ? "AF 348 and case history" : "Case history"}
        tabs={tabs}
        selected={selected}
        onSelect={setTab}
      />
    </section>
  );
}
