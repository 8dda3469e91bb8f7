import { contentSha256 } from "./content-hash.js";
import type { FormContent } from "./form-content.js";
import { type FormRoleKey, formRoleOf, SECTION_NAMES, type SectionName } from "./form-roles.js";

/** A signature as stored, with what binds it to the form. */
export interface BoundSignature {
  id: number;
  roleId: number;
  /** The sections it covers as recorded when signing; null for a signature recorded without them. */
  sections: readonly string[] | null;
  /** SHA-256 of the canonical content of those sections when signed; null when not recorded. */
  contentSha256: string | null;
  invalidatedAt: Date | null;
}

/** The sections a signature covers: as recorded, else those its role's signature covers (form-roles.ts). */
export function coveredSections(signature: Pick<BoundSignature, "roleId" | "sections">): SectionName[] {
  const recorded = signature.sections?.filter((name): name is SectionName =>
    (SECTION_NAMES as readonly string[]).includes(name),
  );
  return recorded ?? [...(formRoleOf(signature.roleId)?.signatureCovers ?? [])];
}

/**
 * Whether a signature still signs the form as it stands: not invalidated, and (when it recorded a hash)
 * the content it covers still hashes to what was signed.
 */
export function signatureValid(signature: BoundSignature, form: FormContent): boolean {
  if (signature.invalidatedAt !== null) return false;
  if (signature.contentSha256 === null) return true;
  return contentSha256(form, coveredSections(signature), signerOf(signature)) === signature.contentSha256;
}

/**
 * The signatures an edit invalidates: those still valid before it that cover a changed section and no longer
 * sign the content after it (a signature without a hash is invalidated by any change to what it covers).
 */
export function signaturesInvalidatedBy(
  signatures: readonly BoundSignature[],
  changed: readonly SectionName[],
  before: FormContent,
  after: FormContent,
): BoundSignature[] {
  return signatures.filter((signature) => {
    if (!signatureValid(signature, before)) return false;
    const covered = coveredSections(signature);
    if (!covered.some((section) => changed.includes(section))) return false;
    return (
      signature.contentSha256 === null ||
      contentSha256(after, covered, signerOf(signature)) !== signature.contentSha256
    );
  });
}

/** The form role whose entries a signature attests to (content-hash.ts); undefined for a role outside the form. */
export function signerOf(signature: Pick<BoundSignature, "roleId">): FormRoleKey | undefined {
  return formRoleOf(signature.roleId)?.key;
}
