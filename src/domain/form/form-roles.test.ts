import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findings, Module, Role, statusCodes } from "../../seed/reference-data.js";
import { SECTIONS } from "./af348-sections.js";
import { DETERMINATIONS, FORMAL_INVESTIGATION } from "./finding-rules.js";
import { FINDING_ROLE_KEYS, FORM_ROLES, formRoleOf, SECTION_NAMES } from "./form-roles.js";

describe("the AF 348 declarations", () => {
  it("name the seeded role ids and the LOD statuses each role holds", () => {
    const seeded = new Map<number, number[]>();
    for (const [statusId, , moduleId, holder] of statusCodes) {
      if (moduleId === Module.Lod && holder !== null)
        seeded.set(holder, [...(seeded.get(holder) ?? []), statusId]);
    }
    for (const role of FORM_ROLES) {
      assert.ok(Object.values(Role).includes(role.roleId as never), `${role.key} names a seeded role`);
      assert.deepEqual(
        role.writesAtStatusCodeIds,
        seeded.get(role.roleId),
        `${role.key} writes where it holds the case`,
      );
    }
    assert.equal(formRoleOf(Role.SystemAdmin), undefined, "administrators have no part in the form");
    assert.equal(formRoleOf(Role.WingJA)?.key, "wingJa");
  });

  it("cover with each signature the sections its role writes, and every section is written by someone", () => {
    for (const role of FORM_ROLES) {
      for (const section of role.signatureCovers) {
        assert.ok(SECTION_NAMES.includes(section), `${role.key} covers a declared section`);
      }
      const writes = SECTION_NAMES.filter((section) =>
        SECTIONS[section].fields.some((field) => field.writers.includes(role.key)),
      );
      assert.deepEqual(
        writes.filter((section) => !role.signatureCovers.includes(section)),
        [],
        `${role.key}'s signature covers everything it writes`,
      );
    }
  });

  it("offer seeded finding codes only, and the approving authority determinations only", () => {
    const codes = new Set(findings.map(([, code]) => code));
    for (const key of FINDING_ROLE_KEYS) {
      const field = SECTIONS[`findings.${key}`].fields.find((candidate) => candidate.name === "finding");
      for (const value of field?.values ?? []) assert.ok(codes.has(value), `${key} offers seeded ${value}`);
    }
    const approver = SECTIONS["findings.approvingAuthority"].fields.find((field) => field.name === "finding");
    assert.deepEqual([...(approver?.values ?? [])].sort(), [...DETERMINATIONS].sort());
    assert.ok(!approver?.values?.includes(FORMAL_INVESTIGATION));
    const wingCommander = SECTIONS["findings.wingCommander"].fields.find((field) => field.name === "finding");
    assert.ok(
      wingCommander?.values?.includes(FORMAL_INVESTIGATION),
      "the appointing authority may direct a formal investigation",
    );
  });

  it("declare conditions on fields of the same section, with the values those fields can take", () => {
    for (const section of SECTION_NAMES) {
      const fields = SECTIONS[section].fields;
      for (const field of fields) {
        for (const other of [field.requiredWhen?.field, field.notBefore].filter(Boolean)) {
          assert.ok(
            fields.some((candidate) => candidate.name === other),
            `${section}.${field.name} refers to ${other}`,
          );
        }
        const condition = field.requiredWhen;
        const target = fields.find((candidate) => candidate.name === condition?.field);
        if (condition && target?.type === "enum") {
          for (const value of condition.equals)
            assert.ok(target.values?.includes(value as string), `${value} is a value of ${target.name}`);
        }
        if (field.type === "enum")
          assert.ok(field.values && field.values.length > 0, `${field.name} lists its values`);
        if (field.requiredOf) {
          for (const role of field.requiredOf)
            assert.ok(
              field.writers.includes(role),
              `${section}.${field.name}: ${role} writes what it must fill`,
            );
        }
      }
    }
  });
});
