import type { FormErrors } from "./form-errors.js";
import { fieldTitle } from "./form-tabs.js";

/**
 * The fields a refused forward named, each a button that opens its tab and focuses the field (the GOV.UK
 * error summary pattern); nothing when the refusal named no field.
 */
export function FormErrorSummary(props: { errors: FormErrors; onGoTo: (path: string) => void }) {
  const paths = Object.keys(props.errors.fields);
  if (paths.length === 0) return null;
  return (
    <section aria-labelledby="form-errors-title" className="panel error-summary" data-testid="form-errors">
      <h2 id="form-errors-title">Before the case can move on</h2>
      <ul>
        {paths.map((path) => (
          <li key={path}>
            <button
              type="button"
              className="link"
              data-testid="go-to-field"
              onClick={() => props.onGoTo(path)}
            >
              {fieldTitle(path)}
            </button>
            : {props.errors.fields[path]}
          </li>
        ))}
      </ul>
    </section>
  );
}
