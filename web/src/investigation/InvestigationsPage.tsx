import { useState } from "react";
import type { Investigation } from "../../../src/gen/ect/v1/investigation_service_pb.js";
import { api } from "../api.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { mustResync, useCaseWatch } from "../hooks/useCaseWatch.js";
import { Link } from "../router.js";
import { SuspenseBadge } from "./SuspenseBadge.js";

/** The most investigations the page lists (pages of 200); the inbox of one officer holds far fewer. */
const maxPages = 10;

/** Reads the investigations page by page, in the server's order (overdue first, then by days to suspense). */
async function readInvestigations(
  filter: { includeUnitCases: boolean; includeClosed: boolean },
  signal: AbortSignal,
): Promise<Investigation[]> {
  const all: Investigation[] = [];
  let pageToken = "";
  for (let page = 0; page < maxPages; page += 1) {
    const found = await api.investigations.listInvestigations(
      { ...filter, pageSize: 200, pageToken },
      { signal },
    );
    all.push(...found.investigations);
    pageToken = found.nextPageToken;
    if (!pageToken) break;
  }
  return all;
}

/**
 * The IO inbox: the formal investigations appointed to me, overdue first and badged as such in words, with
 * the days to each suspense; optionally my units' investigations too (the appointing authority's view).
 * Kept current by WatchCases.
 */
export function InvestigationsPage() {
  const [filter, setFilter] = useState({ includeUnitCases: false, includeClosed: false });
  const [rows, setRows] = useState<Investigation[]>();
  const { error, reload } = useAbortable(
    async (signal) => setRows(await readInvestigations(filter, signal)),
    [filter],
  );
  const watchError = useCaseWatch((events) => {
    const names = new Set(rows?.map((row) => row.case));
    const touched = events.some(
      (event) => event.case && (names.has(event.case.name) || event.case.suspenseDate),
    );
    if (touched || mustResync(events)) reload();
  });
  const overdue = rows?.filter((row) => row.suspenseOverdue).length ?? 0;
  return (
    <section aria-labelledby="investigations-title">
      <h1 id="investigations-title">Investigations</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="check">
          <input
            type="checkbox"
            data-testid="include-unit-cases"
            checked={filter.includeUnitCases}
            onChange={(e) => setFilter({ ...filter, includeUnitCases: e.target.checked })}
          />{" "}
          Also my units' investigations
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filter.includeClosed}
            onChange={(e) => setFilter({ ...filter, includeClosed: e.target.checked })}
          />{" "}
          Include closed
        </label>
      </form>
      <ErrorAlert text={error || (watchError && `Live updates stopped: ${watchError}`)} />
      <p aria-live="polite" data-testid="investigations-status">
        {rows
          ? `${rows.length} investigation${rows.length === 1 ? "" : "s"}${overdue ? `, ${overdue} overdue` : ""}`
          : "Loading…"}
      </p>
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="investigations">
            <caption className="sr-only">Investigations, overdue first, then by days to suspense</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Member</th>
                <th scope="col">Status</th>
                <th scope="col">Investigating officer</th>
                <th scope="col">Suspense</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={row.name}
                  data-testid="investigation-row"
                  data-case={row.caseNumber}
                  data-overdue={row.suspenseOverdue}
                >
                  <td>
                    <Link href={`/${row.case}`}>{row.caseNumber}</Link>
                  </td>
                  <td>
                    {row.member?.grade} {row.member?.lastName}, {row.member?.firstName}
                  </td>
                  <td>{row.status?.description}</td>
                  <td>{row.investigatingOfficer?.displayName}</td>
                  <td>
                    <SuspenseBadge suspense={row} closed={row.status?.isFinal} testId="row-suspense" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows && rows.length === 0 && <p className="muted">No investigations appointed to you.</p>}
    </section>
  );
}
