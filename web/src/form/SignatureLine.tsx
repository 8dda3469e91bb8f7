import type { FormSignature } from "../../../src/gen/ect/v1/form_service_pb.js";
import { formatTime } from "../format.js";

/** One signature and whether it still signs the form, said in words (not colour alone). */
export function SignatureLine({ signature }: { signature: FormSignature }) {
  return (
    <li data-testid="signature" data-valid={signature.valid}>
      <strong className={signature.valid ? "sig-valid" : "sig-invalid"}>
        {signature.valid ? "✔ Valid signature" : "✖ Invalid signature"}
      </strong>
      {": "}
      {signature.nameAndRank || signature.signer} ({signature.roleName}), {formatTime(signature.signTime)}
      {!signature.valid && (
        <>
          {" "}
          · invalidated {formatTime(signature.invalidateTime)}
          {signature.invalidatedBy && ` by ${signature.invalidatedBy}`}: the section changed after signing
        </>
      )}
    </li>
  );
}

/** The signatures covering a section, oldest first, or a line saying there are none. */
export function SectionSignatures({ signatures }: { signatures: readonly FormSignature[] }) {
  if (signatures.length === 0) return <p className="muted">Not signed yet.</p>;
  return (
    <ul className="signatures">
      {signatures.map((signature) => (
        <SignatureLine key={signature.id} signature={signature} />
      ))}
    </ul>
  );
}
