import type { SweptFolder } from "../storage/sweep.ts";

/** The attachment files the attachments' rows point to, for the file sweep. */
export const attachmentFiles: SweptFolder = {
  name: "attachments",
  rowIds: "attachmentIds",
  rows: async (db, afterId, limit) => {
    const rows = await db.selectFrom("attachments").select(["id", "storageKey", "thumbKey"]).where("id", ">", afterId).orderBy("id").limit(limit).execute();
    return rows.map((r) => ({ id: r.id, keys: r.thumbKey ? [r.storageKey, r.thumbKey] : [r.storageKey] }));
  },
};
