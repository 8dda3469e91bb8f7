import type { Witness } from "../../../src/domain/form/field-declarations.js";
import type { OtherPersonDraft } from "../investigation/other-persons.js";
import type { DraftValue } from "./form-draft.js";
import type { Choice, FormField } from "./form-fields.js";

/** A value in words: the choice's label, Yes/No, the witness or persons list, or "Not answered". */
function shown(field: FormField, value: DraftValue, choices: readonly Choice[] | undefined) {
  if (value === null || value === "" || (Array.isArray(value) && value.length === 0))
    return <span className="muted">Not answered</span>;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (field.kind === "witnesses") {
    return (
      <ul className="plain">
        {(value as readonly Witness[]).map((witness, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: witnesses have no id and are shown in order.
          <li key={index}>
            <strong>{witness.name}</strong>
            {witness.contact && ` (${witness.contact})`}
            {witness.statement && `: ${witness.statement}`}
          </li>
        ))}
      </ul>
    );
  }
  if (field.kind === "persons") {
    return (
      <ul className="plain">
        {(value as readonly OtherPersonDraft[]).map((person, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: persons have no id and are shown in order.
          <li key={index}>
            <strong>
              {person.grade && `${person.grade} `}
              {person.name}
            </strong>
            {person.unit && ` (${person.unit})`}
            {person.involvement && `: ${person.involvement}`}
          </li>
        ))}
      </ul>
    );
  }
  const list = field.kind === "enum" ? field.choices : choices;
  return list?.find((choice) => choice.value === String(value))?.label ?? String(value);
}

/** One field shown read-only as a term and its value (the list is the section's <dl>). */
export function FieldView(props: {
  field: FormField;
  value: DraftValue;
  choices?: readonly Choice[];
  error?: string;
}) {
  const { field } = props;
  return (
    <>
      <dt>{field.label}</dt>
      <dd data-testid={`value-${field.path}`}>
        {shown(field, props.value, props.choices)}
        {props.error && <span className="field-error"> ⚠ {props.error}</span>}
      </dd>
    </>
  );
}
