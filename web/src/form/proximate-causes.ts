import { PROXIMATE_CAUSES as CAUSES } from "../../../src/domain/form/proximate-causes.js";
import type { Choice } from "./form-fields.js";

/** The proximate causes (src/domain/form/proximate-causes.ts) as the unit section's choices. */
export const PROXIMATE_CAUSES: readonly Choice[] = CAUSES.map(({ id, description }) => ({
  value: String(id),
  label: description,
}));
