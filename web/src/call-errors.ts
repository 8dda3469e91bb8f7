/** A readable message for any error a call throws. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True for the error an aborted call or stream throws, which a page that moved on should ignore. */
export function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && error.name === "AbortError");
}
