import { useState } from "react";
import type { Case } from "../../../src/gen/ect/v1/resources_pb.js";
import { stateText } from "../caseStream.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { downloadCsv } from "../download.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { Link } from "../router.js";
import { createdDate, memberName } from "./SearchPage.js";
import { searchClient } from "./search-client.js";

/** A member's LOD history: every case of theirs the caller may see, newest first, with its outcome and dates. */
export function MemberHistoryPage({ id }: { id: string }) {
  const [cases, setCases] = useState<Case[] | undefined>(undefined);
  const [download, setDownload] = useState({ note: "", error: "" });
  const { error } = useAbortable(
    async (signal) => {
      const found: Case[] = [];
      for await (const batch of searchClient.listMemberCases({ member: `members/${id}` }, { signal })) {
        found.push(...batch.cases);
      }
      setCases(found);
    },
    [id],
  );
  const member = cases?.[0]?.member;
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">LOD history{member ? ` of ${memberName(cases[0])}` : ""}</h1>
      {member && (
        <p data-testid="history-member">
          {member.grade} · SSN {member.maskedSsn} · {member.unit?.name}
        </p>
      )}
      <p aria-live="polite" data-testid="history-status">
        {cases === undefined
          ? "Loading…"
          : `${cases.length} ${cases.length === 1 ? "case" : "cases"} in your units`}
      </p>
      <button
        type="button"
        data-testid="history-csv"
        onClick={() => {
          setDownload({ note: "Downloading…", error: "" });
          downloadCsv(`/ect/v1/members/${id}/cases`, `member-${id}-cases.csv`).then(
            (count) => setDownload({ note: `Downloaded ${count} cases`, error: "" }),
            (e: unknown) => setDownload({ note: "", error: String((e as Error).message ?? e) }),
          );
        }}
      >
        Download CSV
      </button>{" "}
      <span role="status">{download.note}</span>
      <ErrorAlert text={error || download.error} />
      {cases && cases.length > 0 && (
        <div className="table-wrap">
          <table data-testid="history-table">
            <caption className="sr-only">Cases of this member, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Status</th>
                <th scope="col">State</th>
                <th scope="col">Investigation</th>
                <th scope="col">Determination</th>
                <th scope="col">Created</th>
                <th scope="col">In status since</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((item) => (
                <tr key={item.id} data-testid="history-row" data-case={item.caseNumber}>
                  <td>
                    <Link href={`/cases/${item.id}`}>{item.caseNumber}</Link>
                  </td>
                  <td>{item.status?.description}</td>
                  <td>{stateText(item.state)}</td>
                  <td>{item.formalInvestigation ? "Formal" : "Informal"}</td>
                  <td>{item.finding || "–"}</td>
                  <td>{createdDate(item)}</td>
                  <td>
                    {item.statusStartTime
                      ? new Date(Number(item.statusStartTime.seconds) * 1000).toISOString().slice(0, 10)
                      : "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
