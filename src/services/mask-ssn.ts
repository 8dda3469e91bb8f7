/** Masks an SSN to its last four digits, the only part shown anywhere in ECT. */
export function maskSsn(ssn: string | null | undefined): string {
  const digits = (ssn ?? "").replace(/\D/g, "");
  return digits.length >= 4 ? `***-**-${digits.slice(-4)}` : "";
}
