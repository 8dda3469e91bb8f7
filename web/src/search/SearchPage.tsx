import { useRef, useState } from "react";
import { type Case, CaseState, Module } from "../../../src/gen/ect/v1/resources_pb.js";
import { SearchSort } from "../../../src/gen/ect/v1/search_service_pb.js";
import { stateText } from "../caseStream.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { VirtualList } from "../components/VirtualList.js";
import { downloadCsv } from "../download.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { Link } from "../router.js";
import { emptySearch, isFullSsn, type SearchValues, searchClient, searchRequest } from "./search-client.js";

const rowHeight = 44;

/** Case search: one box and the filters, results streamed into a virtualised list with a live count, and CSV. */
export function SearchPage() {
  const [form, setForm] = useState<SearchValues>(emptySearch);
  // The search that runs: the form as it was submitted (typing does not search on every key).
  const [submitted, setSubmitted] = useState<SearchValues | undefined>(undefined);
  const rows = useRef<Case[]>([]);
  const [, setVersion] = useState(0);
  const [status, setStatus] = useState("Enter a case number, a member name or SSN digits, or filter.");
  const [download, setDownload] = useState({ note: "", error: "" });

  const { error } = useAbortable(
    async (signal) => {
      if (!submitted) return;
      rows.current = [];
      setVersion((v) => v + 1);
      setStatus("Searching… 0 cases so far");
      try {
        for await (const batch of searchClient.searchCases(searchRequest(submitted), { signal })) {
          rows.current.push(...batch.cases);
          setVersion((v) => v + 1);
          setStatus(`Searching… ${rows.current.length} cases so far`);
        }
        setStatus(`Found ${rows.current.length} ${rows.current.length === 1 ? "case" : "cases"}`);
      } catch (e) {
        setStatus("Search failed");
        throw e;
      }
    },
    [submitted],
  );

  const set = <K extends keyof SearchValues>(key: K, value: SearchValues[K]) =>
    setForm({ ...form, [key]: value });
  const fullSsn = isFullSsn(form.query);
  const items = rows.current;
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search cases</h1>
      <form
        className="filters"
        aria-label="Case search"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted({ ...form });
        }}
      >
        <label>
          Case number, member name or SSN{" "}
          <input
            type="search"
            name="query"
            value={form.query}
            autoComplete="off"
            aria-describedby="search-hint"
            onChange={(e) => set("query", e.target.value)}
          />
        </label>
        {fullSsn && (
          <label>
            Reason for a full-SSN search (required, audited){" "}
            <input
              name="reason"
              required
              value={form.reason}
              onChange={(e) => set("reason", e.target.value)}
            />
          </label>
        )}
        <label>
          State{" "}
          <select name="state" value={form.state} onChange={(e) => set("state", Number(e.target.value))}>
            <option value={0}>Any</option>
            <option value={CaseState.OPEN}>Open</option>
            <option value={CaseState.COMPLETED}>Completed</option>
            <option value={CaseState.CANCELLED}>Cancelled</option>
          </select>
        </label>
        <label>
          Module{" "}
          <select name="module" value={form.module} onChange={(e) => set("module", Number(e.target.value))}>
            <option value={0}>Any</option>
            <option value={Module.LOD}>Line of Duty</option>
            <option value={Module.REINVESTIGATION}>Reinvestigation</option>
          </select>
        </label>
        <label>
          Investigation{" "}
          <select
            name="formal"
            value={form.formal}
            onChange={(e) => set("formal", e.target.value as SearchValues["formal"])}
          >
            <option value="">Formal or informal</option>
            <option value="informal">Informal</option>
            <option value="formal">Formal</option>
          </select>
        </label>
        <label>
          Determination{" "}
          <select
            name="determination"
            value={form.determination}
            onChange={(e) => set("determination", e.target.value)}
          >
            <option value="">Any</option>
            <option value="ILOD">ILOD</option>
            <option value="NILOD-MISCONDUCT">NILOD, misconduct</option>
            <option value="NILOD-NOT-MISCONDUCT">NILOD, not misconduct</option>
            <option value="EPTS-LOD-NA">EPTS, LOD not applicable</option>
            <option value="EPTS-SA">EPTS, service aggravated</option>
          </select>
        </label>
        <label>
          Unit id{" "}
          <input
            name="unitId"
            inputMode="numeric"
            pattern="[0-9]*"
            size={6}
            value={form.unitId}
            onChange={(e) => set("unitId", e.target.value)}
          />
        </label>
        <label>
          Created from{" "}
          <input
            type="date"
            name="createdFrom"
            value={form.createdFrom}
            onChange={(e) => set("createdFrom", e.target.value)}
          />
        </label>
        <label>
          Created to{" "}
          <input
            type="date"
            name="createdTo"
            value={form.createdTo}
            onChange={(e) => set("createdTo", e.target.value)}
          />
        </label>
        <label>
          Completed from{" "}
          <input
            type="date"
            name="completedFrom"
            value={form.completedFrom}
            onChange={(e) => set("completedFrom", e.target.value)}
          />
        </label>
        <label>
          Completed to{" "}
          <input
            type="date"
            name="completedTo"
            value={form.completedTo}
            onChange={(e) => set("completedTo", e.target.value)}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={form.myCases} onChange={(e) => set("myCases", e.target.checked)} />{" "}
          My cases
        </label>
        <label className="check">
          <input type="checkbox" checked={form.overdue} onChange={(e) => set("overdue", e.target.checked)} />{" "}
          Overdue
        </label>
        <label>
          Sort{" "}
          <select
            name="sort"
            value={form.sort}
            onChange={(e) => set("sort", Number(e.target.value) as SearchSort)}
          >
            <option value={SearchSort.UNSPECIFIED}>Newest first</option>
            <option value={SearchSort.OLDEST}>Oldest first</option>
            <option value={SearchSort.CASE_NUMBER}>Case number</option>
          </select>
        </label>
        <button type="submit">Search</button>
        <button
          type="button"
          disabled={!submitted}
          data-testid="search-csv"
          onClick={() => {
            if (!submitted) return;
            setDownload({ note: "Downloading…", error: "" });
            downloadCsv("/ect/v1/cases:search", "SearchCases.csv", searchRequest(submitted)).then(
              (count) => setDownload({ note: `Downloaded ${count} cases as SearchCases.csv`, error: "" }),
              (e: unknown) => setDownload({ note: "", error: String((e as Error).message ?? e) }),
            );
          }}
        >
          Download CSV
        </button>
      </form>
      <p id="search-hint">
        Four digits search the last four of an SSN; all nine need a reason and are audited.
      </p>
      <p aria-live="polite" data-testid="search-status">
        {status}
      </p>
      <p role="status" data-testid="search-csv-status">
        {download.note}
      </p>
      <ErrorAlert text={error || download.error} />
      <div className="row head" aria-hidden="true">
        <span>Case</span>
        <span>Member</span>
        <span>Status</span>
        <span>State</span>
        <span>Determination · created</span>
      </div>
      <VirtualList
        items={items}
        rowHeight={rowHeight}
        height={Math.min(520, Math.max(rowHeight * 3, items.length * rowHeight))}
        label="Search results"
        renderRow={(item) => (
          <div className="row" data-testid="search-row" data-case={item.caseNumber}>
            <Link href={`/cases/${item.id}`}>{item.caseNumber}</Link>
            <Link href={`/members/${item.member?.id}`}>
              <span className="sr-only">LOD history of </span>
              {memberName(item)} · {item.member?.maskedSsn}
            </Link>
            <span>{item.status?.description}</span>
            <span>{stateText(item.state)}</span>
            <span>
              {item.finding || "–"} · {createdDate(item)}
            </span>
          </div>
        )}
      />
    </section>
  );
}

/** "Last, First" of a case's member, on one line. */
export function memberName(item: Case): string {
  return `${item.member?.lastName ?? ""}, ${item.member?.firstName ?? ""}`.replace(/\s+/g, " ");
}

/** The day a case was created (YYYY-MM-DD, UTC). */
export function createdDate(item: Case): string {
  const seconds = item.createTime ? Number(item.createTime.seconds) : 0;
  return seconds ? new Date(seconds * 1000).toISOString().slice(0, 10) : "–";
}
