import type { DescField, DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { stringify } from "csv-stringify/sync";
import type { RestRoute } from "./route-table.js";
import type { StatusJson } from "./status-mapping.js";
import type { StreamFormat } from "./stream-writers.js";

/** Well-known types whose proto3 JSON is one string or number: one column, not flattened. */
const scalarMessages = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
  "google.protobuf.DoubleValue",
  "google.protobuf.FloatValue",
  "google.protobuf.Int64Value",
  "google.protobuf.UInt64Value",
  "google.protobuf.Int32Value",
  "google.protobuf.UInt32Value",
  "google.protobuf.BoolValue",
  "google.protobuf.StringValue",
  "google.protobuf.BytesValue",
  "google.protobuf.Value",
  "google.protobuf.Struct",
  "google.protobuf.ListValue",
  "google.protobuf.Any",
]);

/** Nested messages deeper than this (recursive types) become one JSON column. */
const maxDepth = 4;

/** Separator of a repeated field's values inside one cell. */
export const repeatedSeparator = "; ";

/** One CSV column: its header, the JSON path to its value, and the value when the JSON omits it. */
export interface CsvColumn {
  readonly header: string;
  readonly path: readonly string[];
  readonly fallback: string;
}

/** The CSV layout of a message type: its columns, and the repeated field whose elements are the rows. */
export interface CsvLayout {
  readonly columns: readonly CsvColumn[];
  /** Set when the message is a batch (its only field is a repeated message): one row per element. */
  readonly batchField: string | undefined;
}

/**
 * Derives the columns of a message type: scalars and enums by JSON name, nested messages flattened as
 * `parent.child`, well-known types (Timestamp: RFC 3339) as one column. A message whose only field is a
 * repeated message (StreamCasesResponse.cases) is a batch: its elements are the rows.
 */
export function csvLayout(message: DescMessage): CsvLayout {
  const only = message.fields.length === 1 ? message.fields[0] : undefined;
  if (
    only?.fieldKind === "list" &&
    only.listKind === "message" &&
    !scalarMessages.has(only.message.typeName)
  ) {
    return { columns: columnsOf(only.message, [], 1), batchField: only.jsonName };
  }
  return { columns: columnsOf(message, [], 0), batchField: undefined };
}

function columnsOf(message: DescMessage, prefix: readonly string[], depth: number): CsvColumn[] {
  const columns: CsvColumn[] = [];
  for (const field of message.fields) {
    const path = [...prefix, field.jsonName];
    const nested = nestedMessage(field);
    if (nested && depth < maxDepth) columns.push(...columnsOf(nested, path, depth + 1));
    else columns.push({ header: path.join("."), path, fallback: fallbackOf(field) });
  }
  return columns;
}

/** The message a field flattens into, if any (lists of messages flatten too; maps never do). */
function nestedMessage(field: DescField): DescMessage | undefined {
  const message =
    field.fieldKind === "message" ? field.message : field.fieldKind === "list" ? field.message : undefined;
  return message && !scalarMessages.has(message.typeName) ? message : undefined;
}

/** What the CSV shows for a field the JSON left out: proto3's default, or empty when presence is explicit. */
function fallbackOf(field: DescField): string {
  if (field.fieldKind === "enum" && field.presence !== 1) return field.enum.values[0]?.name ?? "";
  if (field.fieldKind !== "scalar" || field.presence === 1) return "";
  if (field.scalar === ScalarType.BOOL) return "false";
  if (field.scalar === ScalarType.STRING || field.scalar === ScalarType.BYTES) return "";
  return "0";
}

/** One cell: the value at `path`, lists (at any level) joined with `; `, objects as JSON. */
export function cellValue(json: JsonValue | undefined, path: readonly string[], fallback: string): string {
  const values = collect(json, path);
  if (values.length === 0) return fallback;
  return values.map(text).join(repeatedSeparator);
}

function collect(json: JsonValue | undefined, path: readonly string[]): JsonValue[] {
  if (json === undefined || json === null) return [];
  if (Array.isArray(json)) return json.flatMap((element) => collect(element, path));
  if (path.length === 0) return [json];
  if (typeof json !== "object") return [];
  return collect((json as JsonObject)[path[0]], path.slice(1));
}

function text(value: JsonValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** The name of a gRPC code as the error line shows it (`PERMISSION_DENIED`). */
function codeName(code: number): string {
  const name = Code[code] ?? "Unknown";
  return name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

/** RFC 4180 text of rows (CRLF line ends, fields quoted only when they must be). */
function csvText(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { record_delimiter: "\r\n" });
}

/**
 * The CSV stream format for a message type: a header row, then one row per message (or per element of
 * a batch). A failure after the header row is a last line that no reader can take for data: its first
 * field is `#error` and it has one field more than the header (`#error,<CODE>,<message>` padded), so a
 * strict parser (csv-parse's default, Python's csv with a field count check) rejects the file instead of
 * reading a truncated export as complete, and a lenient one sees a row no data row can look like. A
 * failure before the first row keeps its HTTP status (serveStream holds the headers back).
 */
export function csvFormat(message: DescMessage, fileName: string): StreamFormat {
  const layout = csvLayout(message);
  const rowOf = (json: JsonValue | undefined) =>
    layout.columns.map((column) => cellValue(json, column.path, column.fallback));
  return {
    contentType: "text/csv; charset=utf-8",
    headers: { "content-disposition": `attachment; filename="${fileName.replace(/[^\w.-]/g, "_")}"` },
    preamble: csvText([layout.columns.map((column) => column.header)]),
    message: (json) => {
      if (!layout.batchField) return csvText([rowOf(json)]);
      const elements = (json as JsonObject | null)?.[layout.batchField];
      return Array.isArray(elements) && elements.length > 0 ? csvText(elements.map(rowOf)) : "";
    },
    error: (status: StatusJson) => {
      const fields = ["#error", codeName(status.code), status.message];
      while (fields.length < layout.columns.length + 1) fields.push("");
      return csvText([fields]);
    },
    heartbeat: undefined,
  };
}

const routeFormats = new WeakMap<RestRoute, StreamFormat>();

/** The CSV format of a streaming route's responses (`<Rpc>.csv`), derived once per route. */
export function csvFormatOf(route: RestRoute): StreamFormat {
  let format = routeFormats.get(route);
  if (!format) {
    const body = route.responseBodyField;
    const message = body?.fieldKind === "message" ? body.message : route.method.output;
    format = csvFormat(message, `${route.method.name}.csv`);
    routeFormats.set(route, format);
  }
  return format;
}
