import { useState } from "react";
import type { LogItem } from "../../../src/gen/workflow/workflow_pb.js";
import { api } from "../api.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";

const columns: [string, string][] = [
  ["Id", "Id"],
  ["Name", "Process"],
  ["ExecutionDate", "Executed"],
  ["Message", "Message"],
];

/** The process log grid: server paging, sorting by column and filters (GetAllLogsPagination). */
export function LogsPage() {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [sort, setSort] = useState({ by: "ExecutionDate", order: "DESC" });
  const [processName, setProcessName] = useState("");
  const [message, setMessage] = useState("");
  const [items, setItems] = useState<LogItem[]>([]);
  const [total, setTotal] = useState(0);
  // Typing in a filter waits 200 ms for the next key before asking.
  const { error } = useAbortable(
    async (signal) => {
      const response = await api.workflow.getAllLogsPagination(
        {
          pageNumber: page,
          pageSize,
          sortBy: sort.by,
          sortOrder: sort.order,
          processName: processName || undefined,
          messageFilter: message || undefined,
        },
        { signal },
      );
      setItems(response.items);
      setTotal(response.totalCount);
    },
    [page, pageSize, sort, processName, message],
    { delayMs: 200 },
  );

  const pages = Math.max(1, Math.ceil(total / pageSize));
  const toggleSort = (by: string) =>
    setSort((s) => ({ by, order: s.by === by && s.order === "DESC" ? "ASC" : "DESC" }));
  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title">Process logs</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Process{" "}
          <input
            value={processName}
            onChange={(e) => {
              setProcessName(e.target.value);
              setPage(1);
            }}
          />
        </label>
        <label>
          Message contains{" "}
          <input
            value={message}
            onChange={(e) => {
              setMessage(e.target.value);
              setPage(1);
            }}
          />
        </label>
        <label>
          Page size{" "}
          <select
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setPage(1);
            }}
          >
            {[10, 25, 50, 100].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </form>
      <ErrorAlert text={error} />
      <div className="table-wrap">
        <table data-testid="logs-table">
          <thead>
            <tr>
              {columns.map(([key, label]) => (
                <th
                  key={key}
                  scope="col"
                  aria-sort={sort.by === key ? (sort.order === "ASC" ? "ascending" : "descending") : "none"}
                >
                  <button type="button" className="link" onClick={() => toggleSort(key)}>
                    {label} {sort.by === key ? (sort.order === "ASC" ? "▲" : "▼") : ""}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.logId}>
                <td>{item.logId}</td>
                <td>{item.processName}</td>
                <td>{new Date(item.executionDate).toLocaleString()}</td>
                <td>{item.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Log pages">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span data-testid="logs-page">
          Page {page} of {pages} · {total} entries
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </nav>
    </section>
  );
}
