import type { ReactNode } from "react";
import type { Witness } from "../../../src/domain/form/field-declarations.js";
import { OtherPersonList } from "../investigation/OtherPersonList.js";
import type { OtherPersonDraft } from "../investigation/other-persons.js";
import { fieldErrorId, fieldId } from "./field-ids.js";
import type { DraftValue } from "./form-draft.js";
import type { Choice, FormField } from "./form-fields.js";
import { Icd10Picker } from "./Icd10Picker.js";
import { WitnessList } from "./WitnessList.js";

/** What every input of the form carries for assistive technology: required, invalid, and why. */
export interface FieldA11y {
  id: string;
  "aria-required": boolean;
  "aria-invalid": boolean;
  "aria-describedby"?: string;
  "data-testid": string;
}

/** One field being edited: its label (with the required marker), its input by kind, and its error under it. */
export function FieldControl(props: {
  field: FormField;
  value: DraftValue;
  onChange: (value: DraftValue) => void;
  required: boolean;
  error?: string;
  /** reference fields: the seeded list to pick from. */
  choices?: readonly Choice[];
}) {
  const { field, error, required } = props;
  const id = fieldId(field.path);
  const a11y: FieldA11y = {
    id,
    "aria-required": required,
    "aria-invalid": Boolean(error),
    "aria-describedby": error ? fieldErrorId(field.path) : undefined,
    "data-testid": `field-${field.path}`,
  };
  const label = (
    <>
      {field.label}
      {required && (
        <span className="required" aria-hidden="true">
          {" "}
          *
        </span>
      )}
    </>
  );
  const errorText = error && (
    <p id={fieldErrorId(field.path)} className="field-error">
      <span aria-hidden="true">⚠ </span>
      {error}
    </p>
  );
  if (field.kind === "boolean" || field.kind === "witnesses" || field.kind === "persons") {
    // Groups: the label names the group (radiogroup, or the list's fieldset), not one input.
    return (
      <div className={field.kind === "boolean" ? "field" : "field field-wide"}>
        {field.kind === "boolean" && (
          <YesNo a11y={a11y} label={label} value={props.value} onChange={props.onChange} />
        )}
        {field.kind === "witnesses" && (
          <WitnessList
            a11y={a11y}
            label={label}
            witnesses={(props.value as readonly Witness[] | null) ?? []}
            onChange={props.onChange}
          />
        )}
        {field.kind === "persons" && (
          <OtherPersonList
            a11y={a11y}
            label={label}
            persons={(props.value as readonly OtherPersonDraft[] | null) ?? []}
            onChange={props.onChange}
          />
        )}
        {errorText}
      </div>
    );
  }
  return (
    <div className={field.kind === "longText" ? "field field-wide" : "field"}>
      <label htmlFor={id}>{label}</label>
      <Input {...props} a11y={a11y} />
      {errorText}
    </div>
  );
}

/** The input of a single-valued field. */
function Input(props: {
  field: FormField;
  value: DraftValue;
  onChange: (value: DraftValue) => void;
  choices?: readonly Choice[];
  a11y: FieldA11y;
}) {
  const { field, a11y, onChange } = props;
  const text = props.value === null ? "" : String(props.value);
  const setText = (value: string) => onChange(value === "" ? null : value);
  switch (field.kind) {
    case "longText":
      return (
        <textarea
          {...a11y}
          rows={4}
          maxLength={field.maxLength}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      );
    case "date":
      return <input {...a11y} type="date" value={text} onChange={(e) => setText(e.target.value)} />;
    case "enum":
    case "reference": {
      const choices = field.kind === "enum" ? (field.choices ?? []) : (props.choices ?? []);
      return (
        <select
          {...a11y}
          value={text}
          onChange={(e) => {
            const value = e.target.value;
            onChange(value === "" ? null : field.kind === "reference" ? Number(value) : value);
          }}
        >
          <option value="">Choose…</option>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      );
    }
    case "icd10Code":
      return <Icd10Picker a11y={a11y} value={text} onChange={setText} />;
    case "seventhCharacter":
      return (
        <input
          {...a11y}
          className="narrow"
          maxLength={1}
          value={text}
          onChange={(e) => setText(e.target.value.toUpperCase())}
        />
      );
    default:
      return (
        <input
          {...a11y}
          type="text"
          maxLength={field.maxLength}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      );
  }
}

/** A yes/no question that may be left unanswered: a radio group carrying the field's required and error state. */
function YesNo(props: {
  a11y: FieldA11y;
  label: ReactNode;
  value: DraftValue;
  onChange: (value: boolean) => void;
}) {
  const { id, "data-testid": testId, ...state } = props.a11y;
  return (
    <div role="radiogroup" aria-labelledby={`${id}-label`} {...state} className="yes-no">
      <span id={`${id}-label`} className="group-label">
        {props.label}
      </span>
      {[true, false].map((answer) => (
        <label key={String(answer)} className="check">
          <input
            type="radio"
            name={id}
            id={answer ? id : undefined}
            data-testid={`${testId}-${answer ? "yes" : "no"}`}
            checked={props.value === answer}
            onChange={() => props.onChange(answer)}
          />
          {answer ? "Yes" : "No"}
        </label>
      ))}
    </div>
  );
}
