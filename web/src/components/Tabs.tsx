import { type KeyboardEvent, type ReactNode, useRef } from "react";

/** One tab: its id (also its panel's), its name, an optional note read with the name, and its panel. */
export interface TabSpec {
  id: string;
  label: string;
  /** e.g. "your part", "2 to fix": shown after the label and part of the tab's accessible name. */
  note?: string;
  panel: () => ReactNode;
}

/**
 * Tabs as the WAI-ARIA Authoring Practices describe them: one tab stop for the list (roving tabindex),
 * Left/Right arrows move to and select the previous/next tab (wrapping), Home/End the first/last; the
 * selected tab controls the one panel rendered, which is focusable so its content is reached by Tab.
 */
export function Tabs(props: {
  /** Names the tab list for screen readers. */
  label: string;
  tabs: readonly TabSpec[];
  selected: string;
  onSelect: (id: string) => void;
}) {
  const { tabs, selected } = props;
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.find((tab) => tab.id === selected) ?? tabs[0];

  function onKeyDown(event: KeyboardEvent) {
    const index = tabs.indexOf(current);
    const target = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = tabs[target];
    props.onSelect(next.id);
    buttons.current.get(next.id)?.focus();
  }

  return (
    <div className="tabs">
      <div role="tablist" aria-label={props.label} className="tablist" onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const isSelected = tab.id === current.id;
          return (
            <button
              key={tab.id}
              ref={(element) => {
                if (element) buttons.current.set(tab.id, element);
                else buttons.current.delete(tab.id);
              }}
              type="button"
              role="tab"
              id={`tab-${tab.id}`}
              aria-selected={isSelected}
              // Only the selected tab's panel exists, so only it is referenced.
              aria-controls={isSelected ? `panel-${tab.id}` : undefined}
              tabIndex={isSelected ? 0 : -1}
              data-testid={`tab-${tab.id}`}
              onClick={() => props.onSelect(tab.id)}
            >
              {tab.label}
              {tab.note && <span className="tab-note"> · {tab.note}</span>}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={`panel-${current.id}`}
        aria-labelledby={`tab-${current.id}`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: APG: a panel is a tab stop so its content is reached.
        tabIndex={0}
        className="tabpanel"
        data-testid={`panel-${current.id}`}
      >
        {current.panel()}
      </div>
    </div>
  );
}
