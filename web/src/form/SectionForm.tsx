import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import type { FormSectionState } from "../../../src/gen/ect/v1/form_service_pb.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { FieldControl } from "./FieldControl.js";
import { FieldView } from "./FieldView.js";
import { fieldId } from "./field-ids.js";
import { changedFields, type Draft, draftOf, requiredNow } from "./form-draft.js";
import { type FormErrors, formErrors, NO_FORM_ERRORS } from "./form-errors.js";
import type { Choice, FormField, WriterKey } from "./form-fields.js";
import { SectionSignatures } from "./SignatureLine.js";

/** The seeded lists reference fields pick from. */
export type ReferenceChoices = Partial<Record<NonNullable<FormField["reference"]>, readonly Choice[]>>;

/** The fields of `draft` the user changed since `base`, to keep across a new reading of the section. */
function keepChanged(fields: readonly FormField[], base: Draft, draft: Draft): Draft {
  const changed = changedFields(fields, base, draft);
  return Object.fromEntries(changed.map((name) => [name, draft[name]]));
}

/**
 * One section of the AF 348 (or one reviewer's finding): read-only for a caller who may not edit it now,
 * else a form of its fields with required markers and the server's errors at the fields, saved with exactly
 * the changed fields. A new reading of the case keeps what the user is typing and takes the rest.
 */
export function SectionForm(props: {
  /** "medical", "findings.wingJa". */
  section: string;
  title: string;
  fields: readonly FormField[];
  /** The section's message as last read (MedicalSection, ReviewerFinding…). */
  message: object | undefined;
  state: FormSectionState | undefined;
  /** The caller's role on the form: in an editable section it edits the fields it writes, sees the rest. */
  role: WriterKey | undefined;
  /** The server's errors for the whole case (a refused forward), shown at their fields too. */
  caseErrors: FormErrors;
  choices: ReferenceChoices;
  /** Saves the changed fields of the draft; rejects with the server's error. */
  save: (draft: Draft, changed: string[]) => Promise<unknown>;
  /** What comes under the title: who recorded a finding, when. */
  note?: ReactNode;
}) {
  const { fields, state, section } = props;
  const saved = useMemo(() => draftOf(props.message, fields), [props.message, fields]);
  const [draft, setDraft] = useState(saved);
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");
  const base = useRef(saved);
  const replaceNext = useRef(false);
  useEffect(() => {
    setDraft((current) =>
      replaceNext.current ? saved : { ...saved, ...keepChanged(fields, base.current, current) },
    );
    base.current = saved;
    replaceNext.current = false;
  }, [saved, fields]);
  // After a refused save, focus goes to the first field the server named, so its error is read out.
  useEffect(() => {
    const first = fields.find((field) => errors.fields[field.path]);
    if (first) document.getElementById(fieldId(first.path))?.focus();
  }, [errors, fields]);

  const headingId = `${fieldId(section)}-title`;
  const fieldErrors = { ...props.caseErrors.fields, ...errors.fields };
  const header = (
    <>
      <h2 id={headingId}>{props.title}</h2>
      {props.note}
      <SectionSignatures signatures={state?.signatures ?? []} />
    </>
  );
  const choicesOf = (field: FormField) => (field.reference ? props.choices[field.reference] : undefined);

  if (!state?.readable) {
    return (
      <section aria-labelledby={headingId} className="panel" data-testid={`section-${section}`}>
        {header}
        <p className="muted">Your role does not see this section while the case is at its current status.</p>
      </section>
    );
  }
  if (!state.editable) {
    return (
      <section aria-labelledby={headingId} className="panel" data-testid={`section-${section}`}>
        {header}
        <dl className="facts wide-terms">
          {fields.map((field) => (
            <FieldView
              key={field.path}
              field={field}
              value={saved[field.name]}
              choices={choicesOf(field)}
              error={fieldErrors[field.path]}
            />
          ))}
        </dl>
      </section>
    );
  }

  const missing = fields.filter((field) => state.missingFields.includes(field.path));
  const role = props.role;
  const mine = fields.filter((field) => role !== undefined && field.writers.includes(role));
  const recorded = fields.filter((field) => field.readOnly);
  const others = fields.filter((field) => !field.readOnly && !mine.includes(field));
  const view = (field: FormField) => (
    <FieldView
      key={field.path}
      field={field}
      value={saved[field.name]}
      choices={choicesOf(field)}
      error={fieldErrors[field.path]}
    />
  );
  async function submit(event: FormEvent) {
    event.preventDefault();
    const changed = changedFields(mine, saved, draft);
    setNotice("");
    if (changed.length === 0) return setNotice("Nothing changed since the last save.");
    setBusy(true);
    setErrors(NO_FORM_ERRORS);
    replaceNext.current = true;
    try {
      await props.save(draft, changed);
      setNotice(`Saved ${changed.length} field${changed.length === 1 ? "" : "s"}.`);
    } catch (error) {
      replaceNext.current = false;
      setErrors(formErrors(error, section.startsWith("findings.") ? section : undefined));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby={headingId} className="panel" data-testid={`section-${section}`}>
      {header}
      {recorded.length > 0 && <dl className="facts wide-terms">{recorded.map(view)}</dl>}
      <form className="stack section-form" aria-labelledby={headingId} noValidate onSubmit={submit}>
        <p className="muted">
          Fields marked <span className="required">*</span> are required before you forward the case.
          {missing.length > 0 && ` Still empty: ${missing.map((field) => field.label).join(", ")}.`}
        </p>
        <ErrorAlert
          text={errors.summary && `Not saved: ${errors.summary}`}
          testId={`save-error-${section}`}
        />
        {mine.map((field) => (
          <FieldControl
            key={field.path}
            field={field}
            value={draft[field.name]}
            onChange={(value) => setDraft((current) => ({ ...current, [field.name]: value }))}
            required={requiredNow(field, state.requiredFields, draft)}
            error={fieldErrors[field.path]}
            choices={choicesOf(field)}
          />
        ))}
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy} data-testid={`save-${section}`}>
            Save {props.title}
          </button>
          <span role="status" data-testid={`save-status-${section}`}>
            {notice}
          </span>
        </div>
      </form>
      {others.length > 0 && (
        <>
          <h3>Filled by another role</h3>
          <dl className="facts wide-terms">{others.map(view)}</dl>
        </>
      )}
    </section>
  );
}
