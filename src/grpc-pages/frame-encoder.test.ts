import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  create,
  createFileRegistry,
  type DescField,
  type DescMessage,
  fromBinary,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  file_google_protobuf_wrappers,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  timestampFromMs,
} from "@bufbuild/protobuf/wkt";
import { CaseService, StreamCasesResponseSchema } from "../gen/ect/v1/case_service_pb.js";
import { CaseSchema } from "../gen/ect/v1/resources_pb.js";
import { WorkflowService } from "../gen/workflow/workflow_pb.js";
import { compileBatchPageEncoder, compilePageEncoder } from "./frame-encoder.js";

/** What protobuf-es itself sends for the same items: the reference the compiled encoder must equal. */
function referenceFrames(schema: DescMessage, items: readonly object[]): Buffer {
  return Buffer.concat(
    items.map((item) => {
      const message = toBinary(schema, create(schema, item as never));
      const header = Buffer.alloc(5);
      header.writeUInt32BE(message.length, 1);
      return Buffer.concat([header, message]);
    }),
  );
}

/** Splits frames back into messages, checking each header. */
function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(bytes);
  const messages: Uint8Array[] = [];
  for (let pos = 0; pos < buf.length; ) {
    assert.equal(buf[pos], 0, "frames are uncompressed");
    const length = buf.readUInt32BE(pos + 1);
    messages.push(buf.subarray(pos + 5, pos + 5 + length));
    pos += 5 + length;
  }
  return messages;
}

// Every scalar type, implicit and explicit presence, an enum, and a field number that needs a two-byte tag.
const file = create(FileDescriptorProtoSchema, {
  name: "scalars.proto",
  package: "enc.test",
  syntax: "proto3",
  enumType: [
    {
      name: "Colour",
      value: [
        { name: "COLOUR_UNSPECIFIED", number: 0 },
        { name: "COLOUR_RED", number: 1 },
      ],
    },
  ],
  messageType: [
    {
      name: "Scalars",
      field: [
        { name: "i32", number: 1, type: Type.INT32 },
        { name: "u32", number: 2, type: Type.UINT32 },
        { name: "s32", number: 3, type: Type.SINT32 },
        { name: "f32", number: 4, type: Type.FIXED32 },
        { name: "sf32", number: 5, type: Type.SFIXED32 },
        { name: "flt", number: 6, type: Type.FLOAT },
        { name: "dbl", number: 7, type: Type.DOUBLE },
        { name: "flag", number: 8, type: Type.BOOL },
        { name: "text", number: 9, type: Type.STRING },
        { name: "blob", number: 10, type: Type.BYTES },
        { name: "colour", number: 11, type: Type.ENUM, typeName: ".enc.test.Colour" },
        { name: "opt_i32", number: 12, type: Type.INT32, proto3Optional: true, oneofIndex: 0 },
        { name: "opt_text", number: 13, type: Type.STRING, proto3Optional: true, oneofIndex: 1 },
        { name: "opt_flag", number: 14, type: Type.BOOL, proto3Optional: true, oneofIndex: 2 },
        { name: "far", number: 3000, type: Type.STRING },
      ].map((field) => ({ label: Label.OPTIONAL, ...field, jsonName: field.name })),
      oneofDecl: [{ name: "_opt_i32" }, { name: "_opt_text" }, { name: "_opt_flag" }],
    },
    {
      name: "Wide",
      field: [
        { name: "id", number: 1, type: Type.INT64 },
        { name: "tags", number: 2, type: Type.STRING, label: Label.REPEATED },
        { name: "u64", number: 3, type: Type.UINT64 },
        { name: "s64", number: 4, type: Type.SINT64 },
        { name: "f64", number: 5, type: Type.FIXED64 },
        { name: "sf64", number: 6, type: Type.SFIXED64 },
        { name: "inner", number: 7, type: Type.MESSAGE, typeName: ".enc.test.Scalars" },
        {
          name: "inners",
          number: 8,
          type: Type.MESSAGE,
          typeName: ".enc.test.Scalars",
          label: Label.REPEATED,
        },
        { name: "next", number: 9, type: Type.MESSAGE, typeName: ".enc.test.Wide" },
        { name: "blobs", number: 10, type: Type.BYTES, label: Label.REPEATED },
      ].map((field) => ({ label: Label.OPTIONAL, ...field, jsonName: field.name })),
    },
    {
      name: "Packed",
      field: [
        { name: "ids", number: 1, type: Type.INT32, label: Label.REPEATED, jsonName: "ids" },
        { name: "inner", number: 2, type: Type.MESSAGE, typeName: ".enc.test.Scalars", jsonName: "inner" },
      ].map((field) => ({ label: Label.OPTIONAL, ...field })),
    },
    {
      // The kinds the compiled encoder writes (enum, repeated, message) and a oneof, which it leaves
      // to protobuf-es: a message apart from the map below, so each decides its own message's path.
      name: "Kinds",
      field: [
        { name: "colour", number: 1, type: Type.ENUM, typeName: ".enc.test.Colour" },
        { name: "tags", number: 2, type: Type.STRING, label: Label.REPEATED },
        {
          name: "inners",
          number: 3,
          type: Type.MESSAGE,
          typeName: ".enc.test.Scalars",
          label: Label.REPEATED,
        },
        { name: "text_choice", number: 5, type: Type.STRING, oneofIndex: 0 },
        { name: "inner_choice", number: 6, type: Type.MESSAGE, typeName: ".enc.test.Scalars", oneofIndex: 0 },
        { name: "inner", number: 7, type: Type.MESSAGE, typeName: ".enc.test.Scalars" },
      ].map((field) => ({ label: Label.OPTIONAL, ...field, jsonName: field.name })),
      oneofDecl: [{ name: "choice" }],
    },
    {
      name: "Labelled",
      field: [
        { name: "id", number: 1, type: Type.INT32 },
        {
          name: "labels",
          number: 4,
          type: Type.MESSAGE,
          typeName: ".enc.test.Labelled.LabelsEntry",
          label: Label.REPEATED,
        },
      ].map((field) => ({ label: Label.OPTIONAL, ...field, jsonName: field.name })),
      nestedType: [
        {
          name: "LabelsEntry",
          field: [
            { name: "key", number: 1, type: Type.STRING, label: Label.OPTIONAL, jsonName: "key" },
            { name: "value", number: 2, type: Type.INT32, label: Label.OPTIONAL, jsonName: "value" },
          ],
          options: { mapEntry: true },
        },
      ],
    },
    {
      name: "Batch",
      field: [
        {
          name: "items",
          number: 1,
          type: Type.MESSAGE,
          typeName: ".enc.test.Wide",
          label: Label.REPEATED,
          jsonName: "items",
        },
      ],
    },
  ],
});
const registry = createFileRegistry(file, () => undefined);
const Scalars = registry.getMessage("enc.test.Scalars") as DescMessage;
const Wide = registry.getMessage("enc.test.Wide") as DescMessage;
const Packed = registry.getMessage("enc.test.Packed") as DescMessage;
const Batch = registry.getMessage("enc.test.Batch") as DescMessage;
const Kinds = registry.getMessage("enc.test.Kinds") as DescMessage;
const Labelled = registry.getMessage("enc.test.Labelled") as DescMessage;

const wideItems = [
  {},
  { id: 5n, tags: ["a", "", "ü"], u64: 18446744073709551615n, s64: -9223372036854775808n },
  { id: -9n, s64: 9223372036854775807n, f64: 1n, sf64: -1n, u64: 2n ** 53n + 1n },
  {
    id: 1_700_000_000n,
    inner: {},
    inners: [{}, { i32: 1 }],
    blobs: [new Uint8Array(0), new Uint8Array([7])],
  },
  { inner: { text: "x".repeat(200), colour: 1 }, next: { next: { id: 3n, inner: { flag: true } } } },
  { inners: [{ text: "y".repeat(20_000) }, { far: "z" }], next: {} },
];

const edgeItems = [
  {},
  { i32: 0, text: "", flag: false, optI32: 0, optText: "", optFlag: false },
  { i32: -1, u32: 4294967295, s32: -2147483648, f32: 4294967295, sf32: -5, flt: 1.5, dbl: -0.1 },
  { i32: 2147483647, s32: 2147483647, flag: true, colour: 1, optI32: -300 },
  { text: "ascii only", far: "two-byte tag", blob: new Uint8Array([0, 1, 255]) },
  { text: "Zürich — 東京 😀", optText: "é" },
  { text: "x".repeat(127), far: "y".repeat(128) },
  { text: `${"a".repeat(100)}ü${"b".repeat(40)}` },
  { text: "z".repeat(70_000), optI32: null },
  { flt: -0, dbl: -0 },
];

describe("compiled page encoder", () => {
  it("writes every scalar type byte for byte as protobuf-es does", () => {
    const encode = compilePageEncoder(Scalars);
    assert.deepEqual(Buffer.from(encode(edgeItems)), referenceFrames(Scalars, edgeItems));
  });

  it("keeps pages independent: a small page after a large one is still exact", () => {
    const encode = compilePageEncoder(Scalars);
    encode(Array.from({ length: 500 }, (_, i) => ({ text: "long ".repeat(50), i32: i })));
    const small = [{ i32: 7, text: "after" }];
    assert.deepEqual(Buffer.from(encode(small)), referenceFrames(Scalars, small));
  });

  it("frames every message so a gRPC client decodes the same items", () => {
    const encode = compilePageEncoder(Scalars);
    const decoded = splitFrames(encode(edgeItems)).map((bytes) => fromBinary(Scalars, bytes));
    assert.equal(decoded.length, edgeItems.length);
    assert.equal((decoded[5] as unknown as { text: string }).text, "Zürich — 東京 😀");
    assert.equal((decoded[3] as unknown as { optI32: number }).optI32, -300);
  });

  it("writes 64-bit integers, nested and recursive messages and repeated fields as protobuf-es does", () => {
    const encode = compilePageEncoder(Wide);
    assert.deepEqual(Buffer.from(encode(wideItems)), referenceFrames(Wide, wideItems));
  });

  it("falls back to protobuf-es for messages it does not specialise (packed lists)", () => {
    const encode = compilePageEncoder(Packed);
    const items = [{ ids: [1, -2, 300], inner: { i32: 4 } }, {}];
    assert.deepEqual(Buffer.from(encode(items)), referenceFrames(Packed, items));
  });

  it("leaves wrapper fields, proto2 messages and groups to protobuf-es", () => {
    const wrapped = create(FileDescriptorProtoSchema, {
      name: "wrapped.proto",
      package: "enc.test",
      syntax: "proto3",
      dependency: ["google/protobuf/wrappers.proto"],
      messageType: [
        {
          name: "Wrapped",
          field: [
            {
              name: "note",
              number: 1,
              type: Type.MESSAGE,
              typeName: ".google.protobuf.StringValue",
              jsonName: "note",
            },
            { name: "id", number: 2, type: Type.INT32, jsonName: "id" },
          ].map((field) => ({ label: Label.OPTIONAL, ...field })),
        },
      ],
    });
    const legacy = create(FileDescriptorProtoSchema, {
      name: "legacy.proto",
      package: "enc.test",
      syntax: "proto2",
      messageType: [
        {
          name: "Legacy",
          field: [
            { name: "count", number: 1, type: Type.INT32, defaultValue: "7", jsonName: "count" },
            { name: "label", number: 2, type: Type.STRING, jsonName: "label" },
            // Groups: start/end tags around the fields instead of a length prefix.
            {
              name: "block",
              number: 3,
              type: Type.GROUP,
              typeName: ".enc.test.Legacy.Block",
              jsonName: "block",
            },
            {
              name: "rows",
              number: 5,
              type: Type.GROUP,
              typeName: ".enc.test.Legacy.Rows",
              label: Label.REPEATED,
              jsonName: "rows",
            },
          ].map((field) => ({ label: Label.OPTIONAL, ...field })),
          nestedType: [
            {
              name: "Block",
              field: [{ name: "x", number: 4, type: Type.INT32, label: Label.OPTIONAL, jsonName: "x" }],
            },
            {
              name: "Rows",
              field: [{ name: "y", number: 6, type: Type.STRING, label: Label.OPTIONAL, jsonName: "y" }],
            },
          ],
        },
      ],
    });
    const more = createFileRegistry(
      createFileRegistry(wrapped, (name) =>
        name === "google/protobuf/wrappers.proto" ? file_google_protobuf_wrappers : undefined,
      ),
      createFileRegistry(legacy, () => undefined),
    );
    const Wrapped = more.getMessage("enc.test.Wrapped") as DescMessage;
    const wrappedItems = [{ note: "hi", id: 1 }, { note: { value: "" } }, {}];
    assert.deepEqual(
      Buffer.from(compilePageEncoder(Wrapped)(wrappedItems)),
      referenceFrames(Wrapped, wrappedItems),
    );
    const Legacy = more.getMessage("enc.test.Legacy") as DescMessage;
    const legacyItems = [
      {},
      { count: 7 },
      { count: 0, label: "" },
      { block: { x: 5 } },
      { block: {}, rows: [{ y: "a" }, {}, { y: "é" }] },
    ];
    const legacyFrames = compilePageEncoder(Legacy)(legacyItems);
    assert.deepEqual(Buffer.from(legacyFrames), referenceFrames(Legacy, legacyItems));
    // The groups decode as groups: their start tag (field 3, wire type 3) is on the wire, and they read back.
    const [, , , withBlock, withRows] = splitFrames(legacyFrames);
    assert.equal(withBlock[0], (3 << 3) | 3);
    const decoded = fromBinary(Legacy, withRows) as unknown as { rows: { y: string }[] };
    assert.deepEqual(
      decoded.rows.map((row) => row.y),
      ["a", "", "é"],
    );
  });

  it("writes a batch page as one frame holding every item in the repeated field", () => {
    const encode = compileBatchPageEncoder(Batch, Batch.fields[0]);
    assert.deepEqual(Buffer.from(encode(wideItems)), referenceFrames(Batch, [{ items: wideItems }]));
    assert.deepEqual(Buffer.from(encode([])), referenceFrames(Batch, [{}]));
    const [message] = splitFrames(encode(wideItems));
    assert.equal(
      (fromBinary(Batch, message) as unknown as { items: unknown[] }).items.length,
      wideItems.length,
    );
  });

  it("encodes an ect.v1 case page exactly as protobuf-es encodes StreamCasesResponse", () => {
    const cases = [
      create(CaseSchema, {
        name: "cases/1",
        id: 1,
        caseNumber: "20261126-000001",
        module: 2,
        status: { workStatusId: 3, description: "Medical Technician Review", isFinal: false },
        state: 1,
        member: { id: 9, lastName: "Ållen", unit: { id: 4, name: "927 ARW", pasCode: "AB12" } },
        unit: { id: 4, name: "927 ARW", pasCode: "AB12" },
        incidentDescription: "d".repeat(300),
        lock: { userId: 2, username: "medtech", lockTime: timestampFromMs(1_790_000_000_123) },
        createTime: timestampFromMs(1_780_000_000_000),
        version: 7,
      }),
      create(CaseSchema, { name: "cases/2", id: 2 }),
    ];
    const list = StreamCasesResponseSchema.fields[0];
    assert.deepEqual(
      Buffer.from(compileBatchPageEncoder(StreamCasesResponseSchema, list)(cases)),
      referenceFrames(StreamCasesResponseSchema, [{ cases }]),
    );
  });

  it("encodes an empty page as no bytes", () => {
    assert.equal(compilePageEncoder(Scalars)([]).length, 0);
  });

  it("matches protobuf-es for the item of every stream, with every field of every kind filled", () => {
    const schemas = [
      ...[...WorkflowService.methods, ...CaseService.methods]
        .filter((method) => method.methodKind === "server_streaming")
        .map((method) => method.output),
      Kinds,
      Labelled,
    ];
    const kinds = new Set<string>();
    for (const schema of schemas) {
      const items = [sampleOf(schema, kinds), {}];
      assert.deepEqual(
        Buffer.from(compilePageEncoder(schema)(items)),
        referenceFrames(schema, items),
        schema.typeName,
      );
    }
    assert.deepEqual([...kinds].sort(), ["enum", "list", "map", "message", "oneof", "scalar"]);
  });
});

/** A value for a scalar field: non-default, negative where the type allows it, 64-bit as its type wants. */
function scalarSample(
  field: { name: string; scalar: ScalarType; longAsString?: boolean },
  n: number,
): unknown {
  const long = (value: number) => (field.longAsString ? String(value) : BigInt(value));
  switch (field.scalar) {
    case ScalarType.STRING:
      return `v-${field.name}-ä`;
    case ScalarType.BOOL:
      return true;
    case ScalarType.BYTES:
      return new Uint8Array([n & 255, 0, 255]);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return n * 7;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return long(n * -7);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return long(n * 7);
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return n + 0.5;
    default:
      return n * -7;
  }
}

/**
 * An item of `schema` with every field set: scalars, enums (their last value), messages (filled one
 * level deep, so recursive types end), repeated fields with two elements, maps with two entries, and
 * each oneof's first member. Records which kinds it filled.
 */
function sampleOf(schema: DescMessage, kinds: Set<string>, depth = 0): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  if (depth > 1) return item;
  const sample = (field: DescField): unknown => {
    switch (field.fieldKind) {
      case "scalar":
        return scalarSample(field, field.number);
      case "enum":
        return field.enum.values[field.enum.values.length - 1].number;
      case "message":
        return sampleOf(field.message, kinds, depth + 1);
      case "list":
        return [0, 1].map((i) =>
          field.listKind === "scalar"
            ? scalarSample(field, field.number + i)
            : field.listKind === "enum"
              ? field.enum.values[i % field.enum.values.length].number
              : sampleOf(field.message, kinds, depth + 1),
        );
      case "map": {
        const value = (i: number) =>
          field.mapKind === "scalar"
            ? scalarSample(field, field.number + i)
            : field.mapKind === "enum"
              ? field.enum.values[i % field.enum.values.length].number
              : sampleOf(field.message, kinds, depth + 1);
        return { a: value(0), b: value(1) };
      }
    }
  };
  for (const member of schema.members) {
    if (member.kind === "oneof") {
      kinds.add("oneof");
      const [field] = member.fields;
      item[member.localName] = { case: field.localName, value: sample(field) };
      continue;
    }
    kinds.add(member.fieldKind);
    item[member.localName] = sample(member);
  }
  return item;
}
