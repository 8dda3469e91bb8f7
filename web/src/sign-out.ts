import { api } from "./api.js";
import { clearSession, loadSession } from "./session.js";

/** Signs out: the server revokes the token (on every instance, until it expires), then the tab forgets it. */
export async function signOut(): Promise<void> {
  try {
    if (loadSession()) await api.identity.signOut({});
  } catch {
    // Already expired or revoked, or the server is unreachable: the tab forgets the token all the same.
  } finally {
    clearSession();
  }
}
