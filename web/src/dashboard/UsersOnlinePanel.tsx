import { useEffect, useState } from "react";
import { api, errorText, isAbort } from "../api.js";

/** Users with a live session, counted from GetUsersOnlineStream every 5 seconds. */
export function UsersOnlinePanel() {
  const [count, setCount] = useState<number>();
  const [names, setNames] = useState<string[]>([]);
  const [error, setError] = useState("");
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const seen: string[] = [];
        for await (const item of api.workflow.getUsersOnlineStream({}, { signal: abort.signal })) {
          seen.push(item.userName);
        }
        setCount(seen.length);
        setNames(seen.slice(0, 8));
        setError("");
      } catch (e) {
        if (isAbort(e, abort.signal)) return;
        setError(errorText(e));
      }
      if (!abort.signal.aborted) timer = setTimeout(poll, 5000);
    };
    poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, []);
  return (
    <section className="panel" aria-labelledby="online-title">
      <h2 id="online-title">Users online</h2>
      <p className="big" data-testid="users-online">
        {count ?? "…"}
      </p>
      <p className="muted">{names.join(", ")}</p>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
