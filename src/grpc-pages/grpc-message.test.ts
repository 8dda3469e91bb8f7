import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { grpcMessageEncode } from "./grpc-message.js";

describe("grpc-message encoding", () => {
  it("keeps printable ASCII, punctuation included, as it is", () => {
    assert.equal(grpcMessageEncode('user_id: must be > 0 (got "x/y")'), 'user_id: must be > 0 (got "x/y")');
  });

  it("escapes percent signs, control characters and UTF-8 bytes", () => {
    assert.equal(grpcMessageEncode("100%"), "100%25");
    assert.equal(grpcMessageEncode("a\nb"), "a%0Ab");
    assert.equal(grpcMessageEncode("Zürich"), "Z%C3%BCrich");
    assert.equal(decodeURIComponent(grpcMessageEncode("Zürich 100% ✓")), "Zürich 100% ✓");
  });
});
