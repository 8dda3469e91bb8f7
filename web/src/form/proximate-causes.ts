import type { Choice } from "./form-fields.js";

/**
 * The seeded proximate causes the unit commander picks from (src/db/migrations/010_af348_form.sql, legacy
 * core_lkupProximateCause). ect.v1 has no lookup RPC for this list yet, so the web client carries a copy;
 * the server still checks every id against its table (INVALID_ARGUMENT naming unit.proximateCauseId).
 */
export const PROXIMATE_CAUSES: readonly Choice[] = [
  "Motor vehicle accident",
  "Sports or physical training",
  "Aircraft or flight operations mishap",
  "Workplace or equipment accident while on duty",
  "Fall, slip or trip",
  "Assault by another person",
  "Alcohol or drug use by the member",
  "Intentional self-injury",
  "Condition existed prior to service",
  "Illness or disease contracted or exposure",
  "Environmental exposure (heat, cold, noise)",
  "Recreational activity off duty",
  "Other (specify)",
].map((label, index) => ({ value: String(index + 1), label }));
