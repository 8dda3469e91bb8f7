import { useEffect, useState } from "react";
import type { DemoUser } from "../../../src/gen/ect/v1/identity_service_pb.js";
import { api, errorText } from "../api.js";
import { type Session, saveSession } from "../session.js";

/** Development sign-in: pick a seeded demo user; the token lives in sessionStorage. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [users, setUsers] = useState<DemoUser[]>([]);
  const [error, setError] = useState("");
  useEffect(() => {
    api.identity.listDemoUsers({}).then(
      (response) => setUsers(response.users),
      (e) => setError(errorText(e)),
    );
  }, []);
  async function signIn(username: string) {
    try {
      const response = await api.identity.signInDemoUser({ username });
      if (!response.user) throw new Error("sign-in returned no user");
      onSignedIn(saveSession(response.accessToken, response.user));
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <main className="signin">
      <h1>Electronic Case Tracking</h1>
      <p>Development mode: sign in as a demo user. Each role sees its own inbox and actions.</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ul className="user-list" aria-label="Demo users">
        {users.map((user) => (
          <li key={user.username}>
            <button
              type="button"
              data-testid={`signin-${user.username}`}
              onClick={() => signIn(user.username)}
            >
              <strong>{user.roleName}</strong>
              <span>
                {user.displayName} ({user.username}) · {user.unitName}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
