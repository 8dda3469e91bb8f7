/**
 * The proximate causes the unit commander picks from (legacy core_lkupProximateCause), by id. Migration
 * 010_af348_form.sql seeds the same rows into `proximate_causes`, which the server checks every id against;
 * test/af348-form.test.ts keeps the two equal. The web client offers this list.
 */
export const PROXIMATE_CAUSES: readonly { readonly id: number; readonly description: string }[] = [
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
].map((description, index) => ({ id: index + 1, description }));
