import { useState } from "react";
import type { DemoUser, SignInOptions } from "../../../src/gen/ect/v1/identity_service_pb.js";
import { api } from "../api.js";
import { errorText } from "../call-errors.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { beginOidcSignIn } from "../oidc.js";
import { type Session, saveSession } from "../session.js";

/** The sign-in page: demo users in development mode, the organisation's OIDC issuer in production. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [options, setOptions] = useState<SignInOptions>();
  const [users, setUsers] = useState<DemoUser[]>([]);
  const [error, setError] = useState("");
  const { error: loadError } = useAbortable(async (signal) => {
    const loaded = await api.identity.getSignInOptions({}, { signal });
    setOptions(loaded);
    if (loaded.mode === "development") setUsers((await api.identity.listDemoUsers({}, { signal })).users);
  }, []);
  return (
    <main className="signin">
      <h1>Electronic Case Tracking</h1>
      <ErrorAlert text={error || loadError} testId="signin-error" />
      {options?.mode === "development" && (
        <DemoUsers users={users} onSignedIn={onSignedIn} onError={setError} />
      )}
      {options?.mode === "oidc" && options.oidc && (
        <>
          <p>Sign in with the account your organisation gave you.</p>
          <button
            type="button"
            className="primary"
            data-testid="signin-oidc"
            onClick={() => beginOidcSignIn(options.oidc!).catch((e) => setError(errorText(e)))}
          >
            Sign in with your organisation
          </button>
        </>
      )}
    </main>
  );
}

/** Development sign-in: pick a seeded demo user; the token lives in sessionStorage. */
function DemoUsers({
  users,
  onSignedIn,
  onError,
}: {
  users: DemoUser[];
  onSignedIn: (session: Session) => void;
  onError: (message: string) => void;
}) {
  async function signIn(username: string) {
    try {
      const response = await api.identity.signInDemoUser({ username });
      if (!response.user) throw new Error("sign-in returned no user");
      onSignedIn(saveSession(response.accessToken, response.user));
    } catch (e) {
      onError(errorText(e));
    }
  }
  return (
    <>
      <p>Development mode: sign in as a demo user. Each role sees its own inbox and actions.</p>
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
    </>
  );
}
