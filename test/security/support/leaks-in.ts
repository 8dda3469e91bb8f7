/** Internals a response must never show a client, each with the pattern that finds it. */
const ANY_BODY: [string, RegExp][] = [
  ["a stack frame", /\n\s*at \S+.*[(\s](?:file:|node:|\/)\S*:\d+/],
  ["a stack frame", /\(\S+\.(?:ts|js|mjs|cjs):\d+:\d+\)/],
  ["a server file path", /\/work\/|\/home\/|node_modules\/|file:\/\/\/|\.tsx?:\d+/],
];

/** SQL and PostgreSQL's own error texts: only error messages are checked (data may say "from"). */
const ERROR_BODY: [string, RegExp][] = [
  ["SQL text", /\b(?:SELECT|INSERT|UPDATE|DELETE)\b[\s\S]{0,400}\b(?:FROM|INTO|SET|WHERE)\b/],
  ["SQL text", /\bWHERE\b[\s\S]{0,200}(?:=|\bIN\b|\bIS\b)/],
  [
    "protobuf parser details",
    /premature EOF|illegal tag|cant skip wire type|invalid wire type|varint overflows|parse binary/,
  ],
  [
    "a PostgreSQL error",
    /syntax error at or near|violates (?:not-null|foreign key|unique|check) constraint|invalid input syntax for|out of range for type|relation "\w+"|column "\w+"|current transaction is aborted|PGlite|pg_catalog/,
  ],
];

/** The kinds of internals a response body shows ([] when none); `isError` adds the SQL checks. */
export function leaksIn(text: string, isError: boolean): string[] {
  const checks = isError ? [...ANY_BODY, ...ERROR_BODY] : ANY_BODY;
  return [...new Set(checks.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind))];
}
