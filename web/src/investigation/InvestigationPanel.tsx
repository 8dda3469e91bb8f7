import type { Investigation } from "../../../src/gen/ect/v1/investigation_service_pb.js";
import { api } from "../api.js";
import type { FormErrors } from "../form/form-errors.js";
import { SectionForm } from "../form/SectionForm.js";
import { formatTime } from "../format.js";
import {
  INVESTIGATION_FIELDS,
  INVESTIGATION_SECTIONS,
  type InvestigationSection,
  investigationSectionTitle,
  investigationWriter,
  sectionStateOf,
  updateInvestigationRequest,
} from "./investigation-fields.js";
import { SuspenseBadge } from "./SuspenseBadge.js";

/** An officer as "Capt Erin Walsh (O-3), 452nd Operations Group". */
function officerText(officer: Investigation["investigatingOfficer"]): string {
  if (!officer) return "–";
  return `${officer.displayName} (${officer.grade})${officer.unitName ? `, ${officer.unitName}` : ""}`;
}

/**
 * The "Report of investigation" tab of a formal case: who investigates, why and to which suspense (with the
 * appointment and extension history), then the IO's report and the formal wing JA and appointing authority
 * reviews, each editable only by its writer while the case waits on it and read-only for everyone else.
 */
export function InvestigationPanel(props: {
  investigation: Investigation;
  /** The case is completed or cancelled. */
  closed: boolean;
  caseErrors: FormErrors;
  onSaved: () => Promise<void>;
}) {
  const { investigation } = props;
  const { appointments, suspenseExtensions } = investigation;
  return (
    <>
      <section aria-labelledby="appointment-title" className="panel" data-testid="investigation-appointment">
        <h2 id="appointment-title">Appointment</h2>
        <dl className="facts wide-terms">
          <dt>Investigating officer</dt>
          <dd data-testid="investigating-officer">{officerText(investigation.investigatingOfficer)}</dd>
          <dt>Directed by</dt>
          <dd>
            {investigation.directedBy}, {formatTime(investigation.directTime)}
          </dd>
          <dt>Reason</dt>
          <dd data-testid="direct-reason">{investigation.directReason}</dd>
          <dt>Suspense</dt>
          <dd>
            <SuspenseBadge suspense={investigation} closed={props.closed} testId="investigation-suspense" />
          </dd>
        </dl>
        {appointments.length > 1 && (
          <>
            <h3>Appointments</h3>
            <ul className="plain" data-testid="appointments">
              {appointments.map((appointment) => (
                <li
                  key={`${appointment.investigatingOfficer?.username}-${formatTime(appointment.appointTime)}`}
                >
                  {officerText(appointment.investigatingOfficer)}: appointed by {appointment.appointedBy},{" "}
                  {formatTime(appointment.appointTime)}
                  {appointment.endTime && `, replaced ${formatTime(appointment.endTime)}`} ·{" "}
                  {appointment.reason}
                </li>
              ))}
            </ul>
          </>
        )}
        {suspenseExtensions.length > 0 && (
          <>
            <h3>Suspense extensions</h3>
            <ul className="plain" data-testid="suspense-extensions">
              {suspenseExtensions.map((extension) => (
                <li key={`${extension.suspenseDate}-${formatTime(extension.extendTime)}`}>
                  {extension.previousSuspenseDate} → {extension.suspenseDate} by {extension.extendedBy},{" "}
                  {formatTime(extension.extendTime)}: {extension.reason}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {INVESTIGATION_SECTIONS.map((section) => (
        <InvestigationSectionForm
          key={section}
          investigation={investigation}
          section={section}
          caseErrors={props.caseErrors}
          onSaved={props.onSaved}
        />
      ))}
    </>
  );
}

/** One section of the investigation, saved with UpdateInvestigation and a mask of its changed fields. */
function InvestigationSectionForm(props: {
  investigation: Investigation;
  section: InvestigationSection;
  caseErrors: FormErrors;
  onSaved: () => Promise<void>;
}) {
  const { investigation, section } = props;
  const state = sectionStateOf(investigation.sections, section);
  const message = investigation[section];
  return (
    <SectionForm
      section={section}
      title={investigationSectionTitle(section)}
      fields={INVESTIGATION_FIELDS[section]}
      message={message}
      state={state}
      // The server decides who may edit the section now; whoever may, writes all of its fields.
      role={state?.editable ? investigationWriter(section) : undefined}
      caseErrors={props.caseErrors}
      choices={{}}
      note={
        message && "updatedBy" in message && message.updatedBy ? (
          <p className="muted">
            Recorded by {message.updatedBy}, {formatTime(message.updateTime)}
          </p>
        ) : undefined
      }
      save={async (draft, changed) => {
        await api.investigations.updateInvestigation(
          updateInvestigationRequest(investigation.name, section, draft, changed),
        );
        await props.onSaved();
      }}
    />
  );
}
