import type { FormSignature } from "../../../src/gen/ect/v1/form_service_pb.js";
import type { Signature } from "../../../src/gen/ect/v1/resources_pb.js";
import { sectionTitle } from "../form/field-labels.js";
import { formatTime } from "../format.js";

/**
 * Every signature on the case with its title and status, and, from the form, what it covers and whether it
 * is still valid (said in words: valid, or invalid since when and by whom).
 */
export function CaseSignatures(props: {
  signatures: readonly Signature[];
  formSignatures: ReadonlyMap<number, FormSignature>;
}) {
  return (
    <section aria-labelledby="signatures-title" className="panel">
      <h2 id="signatures-title">Signatures</h2>
      {props.signatures.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <ul data-testid="signatures" className="signatures">
          {props.signatures.map((s) => {
            const bound = props.formSignatures.get(s.id);
            return (
              <li key={s.id} data-testid="case-signature" data-valid={bound ? bound.valid : undefined}>
                {bound && (
                  <strong className={bound.valid ? "sig-valid" : "sig-invalid"}>
                    {bound.valid ? "✔ Valid" : "✖ Invalid"}
                    {": "}
                  </strong>
                )}
                {s.nameAndRank}, {s.title} ({s.roleName}) at {s.statusDescription} · {formatTime(s.signTime)}
                {bound &&
                  bound.sections.length > 0 &&
                  ` · covers ${bound.sections.map(sectionTitle).join(", ")}`}
                {bound && !bound.valid && (
                  <>
                    {" "}
                    · invalidated {formatTime(bound.invalidateTime)}
                    {bound.invalidatedBy && ` by ${bound.invalidatedBy}`}: a covered section changed after
                    signing
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
