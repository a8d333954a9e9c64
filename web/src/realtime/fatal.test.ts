import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode } from "@easyqr/protocol";
import { isFatalCode } from "./fatal.ts";

test("dead credentials are fatal, passing trouble is not", () => {
  const fatal = ErrorCode.options.filter(isFatalCode).sort();
  assert.deepEqual(fatal, [
    "HANDSHAKE_INVALID",
    "ORIGIN_FORBIDDEN",
    "PAIR_CODE_INVALID",
    "PAIR_DESKTOP_TOKEN_INVALID",
    "PAIR_PHONE_TOKEN_INVALID",
    "PAIR_SESSION_CLOSED",
    "PAIR_SESSION_EXPIRED",
    "PAIR_SESSION_FULL",
    "PAIR_SESSION_NOT_FOUND",
    "PAIR_TOKEN_EXPIRED",
    "PAIR_TOKEN_INVALID",
    "PAIR_TOKEN_ROTATED",
    "PAIR_TOKEN_USED",
  ]);
});
