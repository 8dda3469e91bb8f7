import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { baseMediaType, contentTypeProblem, TextCheck } from "./content-type.js";

const allowed = ["application/pdf", "image/jpeg", "image/png", "image/tiff", "text/plain"];

describe("contentTypeProblem", () => {
  test("accepts bytes that are what they were declared, parameters and case aside", () => {
    assert.equal(
      contentTypeProblem({ declared: "application/pdf", detected: "application/pdf", allowed }),
      undefined,
    );
    assert.equal(
      contentTypeProblem({ declared: "Image/PNG; x=1", detected: "image/png", allowed }),
      undefined,
    );
  });

  test("refuses a detected type the server does not accept, naming it", () => {
    assert.match(
      contentTypeProblem({ declared: "application/pdf", detected: "application/x-elf", allowed }) ?? "",
      /^application\/x-elf files are not accepted/,
    );
    assert.match(
      contentTypeProblem({
        declared: "application/pdf",
        detected: "image/png",
        allowed: ["application/pdf"],
      }) ?? "",
      /image\/png files are not accepted/,
    );
  });

  test("refuses an accepted type declared as another", () => {
    assert.equal(
      contentTypeProblem({ declared: "application/pdf", detected: "image/jpeg", allowed }),
      "the content is image/jpeg but was declared application/pdf",
    );
  });

  test("bytes without a signature pass only as declared plain text", () => {
    assert.equal(
      contentTypeProblem({ declared: "text/plain; charset=utf-8", detected: undefined, allowed }),
      undefined,
    );
    assert.match(
      contentTypeProblem({ declared: "application/pdf", detected: undefined, allowed }) ?? "",
      /not a recognised file type/,
    );
    assert.match(
      contentTypeProblem({ declared: "text/plain", detected: undefined, allowed: ["application/pdf"] }) ?? "",
      /text\/plain files are not accepted/,
    );
    assert.equal(
      contentTypeProblem({ declared: "", detected: "application/pdf", allowed }),
      "the content type is required",
    );
  });

  test("baseMediaType drops parameters and case", () => {
    assert.equal(baseMediaType(" Text/Plain ; charset=UTF-8"), "text/plain");
  });
});

describe("TextCheck", () => {
  test("accepts UTF-8 split anywhere across chunks", () => {
    const bytes = new TextEncoder().encode("Zeuge: Jörg ✓ — ok");
    const check = new TextCheck();
    for (let i = 0; i < bytes.length; i++) check.push(bytes.subarray(i, i + 1));
    check.push(new Uint8Array(0), true);
    assert.equal(check.problem, undefined);
  });

  test("refuses NUL bytes, invalid UTF-8 and a sequence cut at the end", () => {
    const nul = new TextCheck();
    nul.push(new Uint8Array([0x61, 0x00]));
    assert.match(nul.problem ?? "", /NUL/);
    const invalid = new TextCheck();
    invalid.push(new Uint8Array([0xc3, 0x28]));
    assert.match(invalid.problem ?? "", /valid UTF-8/);
    const cut = new TextCheck();
    cut.push(new Uint8Array([0xe2, 0x9c]));
    cut.push(new Uint8Array(0), true);
    assert.match(cut.problem ?? "", /valid UTF-8/);
  });
});
