import type { ReactNode } from "react";
import type { Witness } from "../../../src/domain/form/field-declarations.js";
import type { FieldA11y } from "./FieldControl.js";

const blank: Witness = { name: "", contact: "", statement: "" };

/** The unit commander's witnesses: name (required), contact and statement each, added and removed by button. */
export function WitnessList(props: {
  a11y: FieldA11y;
  label: ReactNode;
  witnesses: readonly Witness[];
  onChange: (witnesses: Witness[]) => void;
}) {
  const { a11y, witnesses } = props;
  const set = (index: number, change: Partial<Witness>) =>
    props.onChange(witnesses.map((witness, at) => (at === index ? { ...witness, ...change } : witness)));
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
      {witnesses.length === 0 && <p className="muted">No witnesses listed.</p>}
      {witnesses.map((witness, index) => {
        const id = `${a11y.id}-${index}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: witnesses have no id; the list is edited in place.
          <fieldset key={index} className="witness">
            <legend>Witness {index + 1}</legend>
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
              value={witness.name}
              onChange={(e) => set(index, { name: e.target.value })}
            />
            <label htmlFor={`${id}-contact`}>Contact</label>
            <input
              id={`${id}-contact`}
              maxLength={200}
              value={witness.contact}
              onChange={(e) => set(index, { contact: e.target.value })}
            />
            <label htmlFor={`${id}-statement`}>Statement</label>
            <textarea
              id={`${id}-statement`}
              rows={3}
              maxLength={4000}
              value={witness.statement}
              onChange={(e) => set(index, { statement: e.target.value })}
            />
            <button type="button" onClick={() => props.onChange(witnesses.filter((_, at) => at !== index))}>
              Remove witness {index + 1}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        disabled={witnesses.length >= 20}
        onClick={() => props.onChange([...witnesses, { ...blank }])}
      >
        Add a witness
      </button>
    </fieldset>
  );
}
