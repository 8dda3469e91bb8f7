import { type ReactNode, useState } from "react";

/** A fixed-row-height list that renders only the rows in view, so 100,000 rows stay fast. */
export function VirtualList<T>(props: {
  items: readonly T[];
  rowHeight: number;
  height: number;
  label: string;
  renderRow: (item: T, index: number) => ReactNode;
}) {
  const { items, rowHeight, height } = props;
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 5);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + 5);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <li key={i} className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>
        {props.renderRow(items[i], i)}
      </li>,
    );
  }
  return (
    <div
      className="vlist"
      style={{ height }}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <ul aria-label={props.label} style={{ height: items.length * rowHeight }}>
        {rows}
      </ul>
    </div>
  );
}
