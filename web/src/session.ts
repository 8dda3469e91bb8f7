import type { CurrentUser } from "../../src/gen/ect/v1/identity_service_pb.js";

/** What the browser keeps about the signed-in user; sessionStorage, so each tab signs in on its own. */
export interface Session {
  token: string;
  username: string;
  displayName: string;
  roleId: number;
  roleName: string;
  unitName: string;
  permissions: string[];
}

const key = "ect.session";

/** The stored session, or undefined when signed out. */
export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(key);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return undefined;
  }
}

/** Stores a session built from a sign-in response. */
export function saveSession(token: string, user: CurrentUser): Session {
  const session: Session = {
    token,
    username: user.username,
    displayName: user.displayName,
    roleId: user.roleId,
    roleName: user.roleName,
    unitName: user.unitName,
    permissions: [...user.permissions],
  };
  sessionStorage.setItem(key, JSON.stringify(session));
  return session;
}

/** Forgets the session (sign out). */
export function clearSession(): void {
  sessionStorage.removeItem(key);
}
