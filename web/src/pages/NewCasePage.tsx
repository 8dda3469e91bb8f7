import { useState } from "react";
import type { Member } from "../../../src/gen/ect/v1/resources_pb.js";
import { api } from "../api.js";
import { errorText } from "../call-errors.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { navigate } from "../router.js";

/** Start new LOD: a streamed member search, the incident description, then CreateCase. */
export function NewCasePage() {
  const [query, setQuery] = useState("");
  const [members, setMembers] = useState<Member[]>([]);
  const [memberId, setMemberId] = useState(0);
  const [description, setDescription] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [requestId] = useState(() => crypto.randomUUID());

  // The search streams 250 ms after the last key; each key empties the list at once (in onChange).
  const { error: searchError } = useAbortable(
    async (signal) => {
      if (!query.trim()) return;
      for await (const batch of api.members.searchMembers({ query: query.trim(), limit: 50 }, { signal })) {
        setMembers((current) => [...current, ...batch.members]);
      }
    },
    [query],
    { delayMs: 250 },
  );

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      const created = await api.cases.createCase({ memberId, incidentDescription: description, requestId });
      navigate(`/cases/${created.id}`);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">Start new LOD</h1>
      <form onSubmit={create} className="stack">
        <label>
          Member search (last name or last 4 of SSN)
          <input
            type="search"
            data-testid="member-search"
            value={query}
            autoComplete="off"
            onChange={(e) => {
              setQuery(e.target.value);
              setMembers([]);
            }}
          />
        </label>
        <fieldset>
          <legend>Member ({members.length} found)</legend>
          <div className="member-list">
            {members.map((m) => (
              <label key={m.id} className="check" data-testid="member-option">
                <input
                  type="radio"
                  name="member"
                  value={m.id}
                  checked={memberId === m.id}
                  onChange={() => setMemberId(m.id)}
                />{" "}
                {m.grade} {m.lastName}, {m.firstName} · {m.maskedSsn} · {m.unit?.name}
              </label>
            ))}
          </div>
        </fieldset>
        <label>
          Incident description
          <textarea
            data-testid="incident"
            rows={4}
            maxLength={2000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <ErrorAlert text={error || searchError} />
        <button
          type="submit"
          className="primary"
          data-testid="create-case"
          disabled={busy || !memberId || !description.trim()}
        >
          Create case
        </button>
      </form>
    </section>
  );
}
