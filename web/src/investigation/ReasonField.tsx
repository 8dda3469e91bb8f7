/**
 * The required "Reason" every appointing-authority action on an investigation asks for (direct, re-appoint,
 * extend): a labelled textarea marked required, up to the 2,000 characters the server accepts.
 */
export function ReasonField(props: {
  id: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  invalid?: boolean;
  describedBy?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>
        Reason
        <span className="required" aria-hidden="true">
          {" "}
          *
        </span>
      </label>
      <textarea
        id={props.id}
        data-testid={props.testId}
        rows={props.rows ?? 2}
        maxLength={2000}
        aria-required
        aria-invalid={props.invalid}
        aria-describedby={props.describedBy}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
