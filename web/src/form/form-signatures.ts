import type { Form, FormSignature } from "../../../src/gen/ect/v1/form_service_pb.js";

/** Every signature the form reports (each section lists those covering it), once each, by id. */
export function formSignatures(form: Form | undefined): Map<number, FormSignature> {
  const byId = new Map<number, FormSignature>();
  for (const state of form?.sections ?? [])
    for (const signature of state.signatures) byId.set(signature.id, signature);
  return byId;
}

/** True when the role has signed the form and none of its signatures still signs it: it must sign again. */
export function signatureBroken(form: Form | undefined, roleId: number): boolean {
  const mine = [...formSignatures(form).values()].filter((signature) => signature.roleId === roleId);
  return mine.length > 0 && !mine.some((signature) => signature.valid);
}
