import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SECTIONS } from "../../domain/form/af348-sections.js";
import { snakeCase } from "../../domain/form/field-declarations.js";
import { FormSchema, ReviewerFindingSchema } from "../../gen/ect/v1/form_service_pb.js";
import { SECTION_MESSAGES } from "./form-message.js";

/** The proto type a declared field type travels as. */
const protoTypeOf: Record<string, string> = {
  text: "string",
  enum: "string",
  date: "string",
  icd10Code: "string",
  seventhCharacter: "string",
  boolean: "bool",
  reference: "int32",
  witnesses: "ect.v1.Witness[]",
};

describe("the FormService messages", () => {
  it("carry every declared field of the fixed sections, under its JSON and snake_case names, with its type", () => {
    for (const [section, schema] of Object.entries(SECTION_MESSAGES)) {
      assert.ok(
        FormSchema.fields.some((field) => field.name === section),
        `Form.${section}`,
      );
      for (const declared of SECTIONS[section as keyof typeof SECTION_MESSAGES].fields) {
        const field = schema.fields.find((candidate) => candidate.jsonName === declared.name);
        assert.ok(field, `${schema.typeName} has ${declared.name}`);
        assert.equal(
          field.name,
          snakeCase(declared.name),
          `${declared.name}: the proto name is its snake_case`,
        );
        assert.equal(
          field.localName,
          declared.name,
          `${declared.name}: the generated property is its JSON name`,
        );
        const type =
          field.fieldKind === "list"
            ? `${field.message?.typeName}[]`
            : field.fieldKind === "scalar"
              ? ["string", "bool", "int32"][[9, 8, 5].indexOf(field.scalar)]
              : field.fieldKind;
        assert.equal(
          type,
          protoTypeOf[declared.type],
          `${section}.${declared.name} travels as ${protoTypeOf[declared.type]}`,
        );
        const editable = declared.writers.length > 0;
        if (field.fieldKind === "scalar")
          assert.equal(field.proto.proto3Optional, editable, `${declared.name}: optional iff editable`);
      }
    }
  });

  it("carry every field of a reviewer's finding", () => {
    for (const declared of SECTIONS["findings.wingJa"].fields) {
      assert.ok(
        ReviewerFindingSchema.fields.some((field) => field.jsonName === declared.name),
        declared.name,
      );
    }
  });
});
