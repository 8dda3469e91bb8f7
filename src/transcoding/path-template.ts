/**
 * The google.api.http path template grammar, parsed once per binding and matched per request:
 *
 *   Template = "/" Segments [ Verb ] ;
 *   Segments = Segment { "/" Segment } ;
 *   Segment  = "*" | "**" | LITERAL | Variable ;
 *   Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *   Verb     = ":" LITERAL ;
 */

/** One segment of a parsed template: a fixed literal, `*` (exactly one segment) or `**` (zero or more). */
export type TemplateSegment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "single" }
  | { readonly kind: "multi" };

/** A variable: the request field it binds and the half-open range of segments it captures. */
export interface TemplateVariable {
  readonly fieldPath: readonly string[];
  readonly start: number;
  readonly end: number;
}

/** A parsed path template. */
export interface PathTemplate {
  readonly source: string;
  readonly segments: readonly TemplateSegment[];
  readonly variables: readonly TemplateVariable[];
  readonly verb: string | undefined;
}

/** The values a request path gave each variable, keyed by dotted field path. */
export type PathBindings = Map<string, string>;

/** Parses a google.api.http path template; throws with the template text when it is malformed. */
export function parsePathTemplate(source: string): PathTemplate {
  const fail = (why: string): never => {
    throw new Error(`invalid path template "${source}": ${why}`);
  };
  if (!source.startsWith("/")) fail("must start with /");
  let body = source.slice(1);
  let verb: string | undefined;
  // The verb is a colon after the last segment; a colon inside braces (none in the grammar) is not one.
  const lastSlash = body.lastIndexOf("/");
  const lastBrace = body.lastIndexOf("}");
  const colon = body.indexOf(":", Math.max(lastSlash, lastBrace) + 1);
  if (colon >= 0) {
    verb = body.slice(colon + 1);
    body = body.slice(0, colon);
    if (verb === "") fail("empty verb");
  }
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  let i = 0;
  const pushSegments = (text: string) => {
    for (const part of text.split("/")) {
      if (part === "") fail("empty segment");
      else if (part === "*") segments.push({ kind: "single" });
      else if (part === "**") segments.push({ kind: "multi" });
      else if (/[{}=*]/.test(part)) fail(`unexpected character in "${part}"`);
      else segments.push({ kind: "literal", value: part });
    }
  };
  while (i < body.length) {
    if (body[i] === "{") {
      const close = body.indexOf("}", i);
      if (close < 0) fail("unclosed {");
      const inner = body.slice(i + 1, close);
      const eq = inner.indexOf("=");
      const fieldPath = (eq < 0 ? inner : inner.slice(0, eq)).split(".");
      if (fieldPath.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) fail(`bad field path "${inner}"`);
      const start = segments.length;
      pushSegments(eq < 0 ? "*" : inner.slice(eq + 1));
      variables.push({ fieldPath, start, end: segments.length });
      i = close + 1;
    } else {
      const next = body.indexOf("{", i);
      const end = next < 0 ? body.length : next;
      let text = body.slice(i, end);
      // Separators around variables belong to neither side.
      if (text.startsWith("/")) text = text.slice(1);
      if (text.endsWith("/") && next >= 0) text = text.slice(0, -1);
      else if (next >= 0 && text !== "") fail("a variable must fill a whole segment");
      if (text !== "") pushSegments(text);
      i = end;
    }
  }
  if (segments.length === 0) fail("no segments");
  const multi = segments.findIndex((s) => s.kind === "multi");
  if (multi >= 0 && multi !== segments.length - 1) fail("** must be the last segment");
  return { source, segments, variables, verb };
}

/**
 * Matches a raw request path (no query string) against a template; returns the variable bindings
 * or undefined. Literal and `*` segments compare percent-decoded; `**` keeps `%2F` encoded, per the spec.
 */
export function matchPathTemplate(template: PathTemplate, path: string): PathBindings | undefined {
  let rest = path;
  if (template.verb !== undefined) {
    const suffix = `:${template.verb}`;
    if (!rest.endsWith(suffix)) return undefined;
    rest = rest.slice(0, -suffix.length);
  }
  if (!rest.startsWith("/")) return undefined;
  const raw = rest.slice(1).split("/");
  const segs = template.segments;
  const hasMulti = segs.length > 0 && segs[segs.length - 1].kind === "multi";
  if (hasMulti ? raw.length < segs.length - 1 : raw.length !== segs.length) return undefined;
  const decoded: string[] = new Array(raw.length);
  for (let k = 0; k < raw.length; k++) {
    const d = decodeSegment(raw[k]);
    if (d === undefined) return undefined;
    decoded[k] = d;
    const seg = segs[k];
    if (seg === undefined || seg.kind === "multi") continue;
    if (seg.kind === "literal" ? d !== seg.value : d === "") return undefined;
  }
  const bindings: PathBindings = new Map();
  for (const v of template.variables) {
    const capturesMulti = v.end === segs.length && hasMulti;
    const end = capturesMulti ? raw.length : v.end;
    const value = capturesMulti
      ? raw.slice(v.start, end).map(decodeKeepingSlash).join("/")
      : decoded.slice(v.start, end).join("/");
    bindings.set(v.fieldPath.join("."), value);
  }
  return bindings;
}

/**
 * A sort key that puts more specific templates first: per segment literal beats `*` beats `**`,
 * then a verb beats none, then more segments beat fewer.
 */
export function templateSpecificity(template: PathTemplate): number[] {
  const rank = template.segments.map((s) => (s.kind === "literal" ? 2 : s.kind === "single" ? 1 : 0));
  return [...rank, template.verb === undefined ? 0 : 1];
}

/** Compares two specificity keys, most specific first (for Array.prototype.sort). */
export function compareSpecificity(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    if (a[k] !== b[k]) return b[k] - a[k];
  }
  return b.length - a.length;
}

function decodeSegment(s: string): string | undefined {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function decodeKeepingSlash(s: string): string {
  return s
    .split(/%2F/i)
    .map((p) => decodeSegment(p) ?? p)
    .join("%2F");
}
