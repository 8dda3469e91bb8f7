import type { FormRoleKey, SectionName } from "../../../src/domain/form/form-roles.js";
import type { Form } from "../../../src/gen/ect/v1/form_service_pb.js";
import { api } from "../api.js";
import { formatTime } from "../format.js";
import { sectionTitle } from "./field-labels.js";
import { recordFindingRequest, updateFormRequest } from "./form-draft.js";
import type { FormErrors } from "./form-errors.js";
import { FIELDS_OF, findingRoleOf, isFixedSection } from "./form-tabs.js";
import { type ReferenceChoices, SectionForm } from "./SectionForm.js";

/**
 * One section of a case's form wired to the server: a fixed section saves with UpdateForm and an update mask
 * of its changed fields, a reviewer's finding with RecordFinding. `onSaved` re-reads the case.
 */
export function FormSectionPanel(props: {
  form: Form;
  section: SectionName;
  /** The caller's role on the form, undefined for roles with no part in it. */
  role: FormRoleKey | undefined;
  caseErrors: FormErrors;
  choices: ReferenceChoices;
  onSaved: () => Promise<void>;
}) {
  const { form, section } = props;
  const fields = FIELDS_OF[section];
  const state = form.sections.find((candidate) => candidate.section === section);
  const common = {
    section,
    title: sectionTitle(section),
    role: props.role,
    fields,
    state,
    caseErrors: props.caseErrors,
    choices: props.choices,
  };
  if (isFixedSection(section)) {
    const snapshot = form.member?.snapshotTime;
    return (
      <SectionForm
        {...common}
        message={form[section]}
        note={
          section === "member" &&
          snapshot && (
            <p className="muted">
              As the personnel record stood when the case started ({formatTime(snapshot)}).
            </p>
          )
        }
        save={async (draft, changed) => {
          await api.form.updateForm(updateFormRequest(form.name, section, fields, draft, changed));
          await props.onSaved();
        }}
      />
    );
  }
  const role = findingRoleOf(section);
  const finding = form.findings.find((candidate) => candidate.role === role);
  const caseName = form.name.replace(/\/form$/, "");
  return (
    <SectionForm
      {...common}
      message={finding}
      note={
        finding?.updatedBy && (
          <p className="muted">
            Recorded by {finding.updatedBy}, {formatTime(finding.updateTime)}
          </p>
        )
      }
      save={async (draft) => {
        await api.form.recordFinding(recordFindingRequest(caseName, role, draft));
        await props.onSaved();
      }}
    />
  );
}
