import assert from "node:assert/strict";
import { test } from "node:test";
import { AVATAR_MAX_BYTES, avatarFileProblem } from "./avatarFile.ts";

test("JPEG, PNG and WebP up to 5 MB may be sent; the rest is refused before uploading", () => {
  assert.equal(avatarFileProblem({ size: 1000, type: "image/png" }), undefined);
  assert.equal(avatarFileProblem({ size: AVATAR_MAX_BYTES, type: "image/webp" }), undefined);
  assert.equal(avatarFileProblem({ size: 1000, type: "" }), undefined, "no type: the server judges the content");
  assert.equal(avatarFileProblem({ size: AVATAR_MAX_BYTES + 1, type: "image/jpeg" }), "UPLOAD_TOO_LARGE");
  assert.equal(avatarFileProblem({ size: 1000, type: "image/svg+xml" }), "UPLOAD_UNSUPPORTED");
  assert.equal(avatarFileProblem({ size: 1000, type: "image/gif" }), "UPLOAD_UNSUPPORTED");
});
