import type { ReactNode } from "react";
import type { FieldA11y } from "../form/FieldControl.js";
import type { OtherPersonDraft } from "./other-persons.js";

const blank: OtherPersonDraft = { name: "", grade: "", unit: "", involvement: "" };

/** The report's other persons involved: name (required), grade, unit and involvement each, added and removed by button. */
export function OtherPersonList(props: {
  a11y: FieldA11y;
  label: ReactNode;
  persons: readonly OtherPersonDraft[];
  onChange: (persons: OtherPersonDraft[]) => void;
}) {
  const { a11y, persons } = props;
  const set = (index: number, change: Partial<OtherPersonDraft>) =>
    props.onChange(persons.map((person, at) => (at === index ? { ...person, ...change } : person)));
  return (
    <fieldset
      className="witnesses"
      id={a11y.id}
      data-testid={a11y["data-testid"]}
      aria-invalid={a11y["aria-invalid"]}
      aria-describedby={a11y["aria-describedby"]}
      tabIndex={-1}
    >
      <legend>{props.label}</legend>
      {persons.length === 0 && <p className="muted">No other persons listed.</p>}
      {persons.map((person, index) => {
        const id = `${a11y.id}-${index}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: persons have no id; the list is edited in place.
          <fieldset key={index} className="witness">
            <legend>Person {index + 1}</legend>
            <label htmlFor={`${id}-name`}>
              Name
              <span className="required" aria-hidden="true">
                {" "}
                *
              </span>
            </label>
            <input
              id={`${id}-name`}
              aria-required
              maxLength={100}
              value={person.name}
              onChange={(e) => set(index, { name: e.target.value })}
            />
            <label htmlFor={`${id}-grade`}>Grade (or civilian)</label>
            <input
              id={`${id}-grade`}
              maxLength={20}
              value={person.grade}
              onChange={(e) => set(index, { grade: e.target.value })}
            />
            <label htmlFor={`${id}-unit`}>Unit or organisation</label>
            <input
              id={`${id}-unit`}
              maxLength={200}
              value={person.unit}
              onChange={(e) => set(index, { unit: e.target.value })}
            />
            <label htmlFor={`${id}-involvement`}>How involved</label>
            <textarea
              id={`${id}-involvement`}
              rows={2}
              maxLength={1000}
              value={person.involvement}
              onChange={(e) => set(index, { involvement: e.target.value })}
            />
            <button type="button" onClick={() => props.onChange(persons.filter((_, at) => at !== index))}>
              Remove person {index + 1}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        disabled={persons.length >= 20}
        onClick={() => props.onChange([...persons, { ...blank }])}
      >
        Add a person
      </button>
    </fieldset>
  );
}
