import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { itemCount, withItemCount } from "./item-count.js";

describe("item count", () => {
  it("is what a message was marked with, else one", () => {
    const batch = withItemCount({ cases: [1, 2, 3] }, 3);
    assert.equal(itemCount(batch), 3);
    assert.equal(itemCount(withItemCount({}, 0)), 0);
    assert.equal(itemCount({ cases: [1, 2, 3] }), 1, "an unmarked message is one item");
    assert.equal(itemCount("text"), 1);
    assert.equal(itemCount(null), 1);
  });
});
