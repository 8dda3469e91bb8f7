import { type KeyboardEvent, useState } from "react";
import type { Icd10Code } from "../../../src/gen/ect/v1/icd10_service_pb.js";
import { api } from "../api.js";
import { useAbortable } from "../hooks/useAbortable.js";
import type { FieldA11y } from "./FieldControl.js";

/** Codes offered at a time while typing. */
const OFFERED = 12;

/**
 * The ICD-10-CM diagnosis code as a WAI-ARIA combobox: typing a code prefix or words lists matching codes
 * (ListIcd10Codes, a quarter second after the last key), arrow keys move through them, Enter or a click picks
 * one, Escape closes the list. What is typed is the value until a code is picked; the server checks it.
 */
export function Icd10Picker(props: { a11y: FieldA11y; value: string; onChange: (code: string) => void }) {
  const { a11y } = props;
  const listId = `${a11y.id}-codes`;
  const [query, setQuery] = useState("");
  const [codes, setCodes] = useState<Icd10Code[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [chosen, setChosen] = useState<Icd10Code>();

  const search = useAbortable(
    async (signal) => {
      if (!query.trim()) return setCodes([]);
      const found = await api.icd10.listIcd10Codes({ query, pageSize: OFFERED }, { signal });
      setCodes(found.codes);
      setActive(-1);
    },
    [query],
    { delayMs: 250 },
  );
  // The saved code's description, read once per code; a code typed by hand is described (when it exists)
  // once the list closes, not at every key.
  useAbortable(
    async (signal) => {
      if (open || !props.value || chosen?.displayCode === props.value) return;
      const found = await api.icd10.listIcd10Codes({ query: props.value, pageSize: 1 }, { signal });
      setChosen(found.codes.find((code) => code.displayCode === props.value.toUpperCase()));
    },
    [props.value, open],
    { delayMs: 250 },
  );

  const expanded = open && codes.length > 0;
  const pick = (code: Icd10Code) => {
    setChosen(code);
    setOpen(false);
    setQuery("");
    props.onChange(code.displayCode);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((index) => (index + step + codes.length) % Math.max(codes.length, 1));
    } else if (event.key === "Enter" && expanded && active >= 0) {
      event.preventDefault();
      pick(codes[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
    }
  };
  const described = [a11y["aria-describedby"], `${a11y.id}-chosen`].filter(Boolean).join(" ");

  return (
    <div className="combo">
      <input
        {...a11y}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        aria-describedby={described}
        placeholder="Code or words, e.g. S93.4 or ankle sprain"
        value={props.value}
        onChange={(event) => {
          props.onChange(event.target.value);
          setQuery(event.target.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <div
        id={listId}
        role="listbox"
        aria-label="Matching ICD-10-CM codes"
        className="options"
        hidden={!expanded}
      >
        {codes.map((code, index) => (
          // The keyboard stays in the input (aria-activedescendant), as the APG combobox pattern has it.
          // biome-ignore lint/a11y/useFocusableInteractive: options are not focused; the input is.
          // biome-ignore lint/a11y/useKeyWithClickEvents: Arrow keys and Enter are handled on the input.
          <div
            key={code.code}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            data-testid="icd10-option"
            // Picking with the mouse must not blur the input first, which would close the list.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(code)}
          >
            <strong>{code.displayCode}</strong> {code.description}
          </div>
        ))}
      </div>
      <span id={`${a11y.id}-chosen`} className="muted" data-testid="icd10-chosen">
        {chosen && chosen.displayCode === props.value ? chosen.description : ""}
      </span>
      {search.error && <span className="field-error">ICD-10 lookup failed: {search.error}</span>}
      <span role="status" className="sr-only">
        {open && query.trim() && !search.error ? `${codes.length} matching codes` : ""}
      </span>
    </div>
  );
}
