import type { SweptFolder } from "../storage/sweep.ts";
import { avatarKeys } from "./service.ts";

/** The avatar files the users' rows point to, for the file sweep. */
export const avatarFiles: SweptFolder = {
  name: "avatars",
  rowIds: "userIds",
  rows: async (db, afterId, limit) => {
    const users = await db
      .selectFrom("users")
      .select(["id", "avatarId"])
      .where("avatarId", "is not", null)
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return users.map((u) => ({ id: u.id, keys: u.avatarId ? avatarKeys(u.avatarId) : [] }));
  },
};
