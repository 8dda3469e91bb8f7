/** An error announced to screen readers as it appears; renders nothing while there is none. */
export function ErrorAlert({ text, testId }: { text: string; testId?: string }) {
  if (!text) return null;
  return (
    <p role="alert" className="error" data-testid={testId}>
      {text}
    </p>
  );
}
