import { api } from "../api.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { completeOidcSignIn } from "../oidc.js";
import { navigate } from "../router.js";
import { type Session, saveSession } from "../session.js";

// One exchange per callback URL: React's development double-mount must not spend the code twice.
let exchange: { url: string; session: Promise<Session> } | undefined;

async function signInFromCallback(url: string): Promise<Session> {
  const token = await completeOidcSignIn(new URL(url));
  const user = await api.identity.getCurrentUser({}, { headers: { authorization: `Bearer ${token}` } });
  return saveSession(token, user);
}

/** Where the issuer sends the browser back: finishes the OIDC sign-in, or says plainly why it failed. */
export function SignInCallbackPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  // The exchange itself is never aborted (the code is spent once); an unmounted page just stops listening.
  const { error } = useAbortable(async (signal) => {
    const url = window.location.href;
    if (exchange?.url !== url) exchange = { url, session: signInFromCallback(url) };
    const session = await exchange.session;
    if (signal.aborted) return;
    // The code and state must not stay in the address bar or the history.
    navigate("/", { replace: true });
    onSignedIn(session);
  }, []);
  return (
    <main className="signin">
      <h1>Electronic Case Tracking</h1>
      {error ? (
        <>
          <p role="alert" className="error" data-testid="signin-error">
            Sign-in failed: {error}
          </p>
          <button type="button" className="primary" onClick={() => navigate("/", { replace: true })}>
            Back to sign in
          </button>
        </>
      ) : (
        <p aria-live="polite">Signing you in…</p>
      )}
    </main>
  );
}
