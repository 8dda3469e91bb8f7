import { useRef, useState } from "react";
import type { Case } from "../../../src/gen/ect/v1/resources_pb.js";
import { CaseState, Module } from "../../../src/gen/ect/v1/resources_pb.js";
import { type InboxFilter, matchesInbox, stateText, streamCasesPerFrame } from "../caseStream.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { VirtualList } from "../components/VirtualList.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { mustResync, useCaseWatch } from "../hooks/useCaseWatch.js";
import { SuspenseBadge } from "../investigation/SuspenseBadge.js";
import { StatusAgeBadge } from "../notifications/StatusAgeBadge.js";
import { Link } from "../router.js";
import type { Session } from "../session.js";

const rowHeight = 44;

/** Cases waiting on my role: streamed, rendered per frame, virtualised, kept live by WatchCases. */
export function InboxPage({ session }: { session: Session }) {
  const [filter, setFilter] = useState<InboxFilter>({
    state: CaseState.OPEN,
    module: 0,
    waitingOnMyRole: true,
  });
  const rows = useRef<Case[]>([]);
  const [, setVersion] = useState(0);
  const [status, setStatus] = useState("Loading…");

  const { error: streamError, reload } = useAbortable(
    (signal) => {
      rows.current = [];
      setVersion((v) => v + 1);
      setStatus("Loading…");
      const started = performance.now();
      return streamCasesPerFrame(filter, signal, (batch, done) => {
        for (const item of batch) rows.current.push(item);
        setVersion((v) => v + 1);
        if (done)
          setStatus(`Streamed ${rows.current.length} cases in ${Math.round(performance.now() - started)} ms`);
      });
    },
    [filter],
  );

  // A case that moves into or out of this inbox, as filtered now, is added or dropped without a reload.
  const watchError = useCaseWatch((events) => {
    if (mustResync(events)) {
      void reload();
      return;
    }
    for (const event of events) {
      const item = event.case;
      if (!item) continue;
      const without = rows.current.filter((row) => row.id !== item.id);
      rows.current = matchesInbox(item, filter, session) ? [item, ...without] : without;
    }
    setVersion((v) => v + 1);
  });

  const items = rows.current;
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          State{" "}
          <select
            value={filter.state}
            onChange={(e) => setFilter({ ...filter, state: Number(e.target.value) })}
          >
            <option value={0}>Any</option>
            <option value={CaseState.OPEN}>Open</option>
            <option value={CaseState.COMPLETED}>Completed</option>
            <option value={CaseState.CANCELLED}>Cancelled</option>
          </select>
        </label>
        <label>
          Module{" "}
          <select
            value={filter.module}
            onChange={(e) => setFilter({ ...filter, module: Number(e.target.value) })}
          >
            <option value={0}>Any</option>
            <option value={Module.LOD}>Line of Duty</option>
            <option value={Module.REINVESTIGATION}>Reinvestigation</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filter.waitingOnMyRole}
            onChange={(e) => setFilter({ ...filter, waitingOnMyRole: e.target.checked })}
          />{" "}
          Waiting on {session.roleName}
        </label>
      </form>
      <p aria-live="polite" data-testid="inbox-status">
        {status} · {items.length} in view, live
      </p>
      <ErrorAlert text={streamError || (watchError && `Live updates stopped: ${watchError}`)} />
      <div className="row head" aria-hidden="true">
        <span>Case</span>
        <span>Member</span>
        <span>Status</span>
        <span>State</span>
        <span>Suspense</span>
      </div>
      <VirtualList
        items={items}
        rowHeight={rowHeight}
        height={Math.min(520, Math.max(rowHeight * 3, items.length * rowHeight))}
        label="Cases"
        renderRow={(item) => (
          <div className="row" data-testid="inbox-row" data-case={item.caseNumber}>
            <Link href={`/cases/${item.id}`}>{item.caseNumber}</Link>
            <span>
              {item.member?.lastName}, {item.member?.firstName}
            </span>
            <span>
              {item.status?.description} <StatusAgeBadge item={item} />
            </span>
            <span>{stateText(item.state)}</span>
            <span>
              <SuspenseBadge suspense={item} closed={item.state !== CaseState.OPEN} testId="row-suspense" />
            </span>
          </div>
        )}
      />
    </section>
  );
}
