import { useEffect, useState } from "react";
import type { DemoUser, SignInOptions } from "../../../src/gen/ect/v1/identity_service_pb.js";
import { api, errorText } from "../api.js";
import { beginOidcSignIn } from "../oidc.js";
import { type Session, saveSession } from "../session.js";

/** The sign-in page: demo users in development mode, the organisation's OIDC issuer in production. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [options, setOptions] = useState<SignInOptions>();
  const [error, setError] = useState("");
  useEffect(() => {
    api.identity.getSignInOptions({}).then(setOptions, (e) => setError(errorText(e)));
  }, []);
  return (
    <main className="signin">
      <h1>Electronic Case Tracking</h1>
      {error && (
        <p role="alert" className="error" data-testid="signin-error">
          {error}
        </p>
      )}
      {options?.mode === "development" && <DemoUsers onSignedIn={onSignedIn} onError={setError} />}
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
  onSignedIn,
  onError,
}: {
  onSignedIn: (session: Session) => void;
  onError: (message: string) => void;
}) {
  const [users, setUsers] = useState<DemoUser[]>([]);
  useEffect(() => {
    api.identity.listDemoUsers({}).then(
      (response) => setUsers(response.users),
      (e) => onError(errorText(e)),
    );
  }, [onError]);
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
