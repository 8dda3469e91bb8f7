/**
 * Where email links point: the web client's public address (config.notifications.publicUrl). Enqueuing runs
 * inside the case move's transaction, which is handed a Queryable and a row, not the services' dependencies, so
 * the address is installed once at start-up (startNotifications) instead of threaded to each move.
 */
const links = { publicUrl: "http://localhost:8080" };

/** Installs the public address email links start with. */
export function installPublicUrl(publicUrl: string): void {
  links.publicUrl = publicUrl.replace(/\/+$/, "");
}

/** The web client's path of a case (in-app links are relative). */
export function casePath(caseId: number): string {
  return `/cases/${caseId}`;
}

/** The absolute link to a case, for email. */
export function caseUrl(caseId: number): string {
  return `${links.publicUrl}${casePath(caseId)}`;
}
