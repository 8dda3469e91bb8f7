import { useState } from "react";
import { api } from "../api.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";

/** Users with a live session, counted from GetUsersOnlineStream every 5 seconds. */
export function UsersOnlinePanel() {
  const [count, setCount] = useState<number>();
  const [names, setNames] = useState<string[]>([]);
  const { error } = useAbortable(
    async (signal) => {
      const seen: string[] = [];
      for await (const item of api.workflow.getUsersOnlineStream({}, { signal })) seen.push(item.userName);
      setCount(seen.length);
      setNames(seen.slice(0, 8));
    },
    [],
    { repeatMs: 5000 },
  );
  return (
    <section className="panel" aria-labelledby="online-title">
      <h2 id="online-title">Users online</h2>
      <p className="big" data-testid="users-online">
        {count ?? "…"}
      </p>
      <p className="muted">{names.join(", ")}</p>
      <ErrorAlert text={error} />
    </section>
  );
}
