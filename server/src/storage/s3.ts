import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { StorageConfig } from "../config.ts";
import { assertFolder, assertKey, STORAGE_KEY, type Storage, type StoredKey } from "./types.ts";

export type S3Settings = Extract<StorageConfig, { kind: "s3" }>;

/**
 * Any S3-compatible object store (AWS S3, MinIO, Cloudflare R2, …). Files are served through our server, so the bucket stays private.
 * The AWS SDK is loaded only here: a server that stores files on disk never holds it (~25 MB of memory).
 */
export async function s3Storage(settings: S3Settings): Promise<Storage> {
  const { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } =
    await import("@aws-sdk/client-s3");
  const notFound = (error: unknown) => error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    // Streamed bodies go with a plain Content-Length rather than aws-chunked trailers, which
    // not every S3-compatible store understands.
    requestChecksumCalculation: "WHEN_REQUIRED",
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
  });
  const Bucket = settings.bucket;
  return {
    name: "s3",
    async put(key, data, contentType) {
      assertKey(key);
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: data, ContentType: contentType, CacheControl: "public, max-age=31536000, immutable" }));
    },
    async putFile(key, path, size, contentType) {
      assertKey(key);
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: createReadStream(path), ContentLength: size, ContentType: contentType }));
    },
    async get(key) {
      assertKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!object.Body) return undefined;
        return { data: Buffer.from(await object.Body.transformToByteArray()), contentType: object.ContentType ?? "application/octet-stream" };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    async open(key, range) {
      assertKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
        if (!object.Body || object.ContentLength === undefined) return undefined;
        return { body: object.Body as Readable, size: object.ContentLength, contentType: object.ContentType ?? "application/octet-stream" };
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
    },
    async delete(key) {
      assertKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async has(key) {
      assertKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        if (notFound(error)) return false;
        throw error;
      }
    },
    async *list(folder): AsyncIterable<StoredKey> {
      assertFolder(folder);
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: `${folder}/`, ...(ContinuationToken ? { ContinuationToken } : {}) }));
        for (const object of page.Contents ?? []) {
          if (object.Key && STORAGE_KEY.test(object.Key)) yield { key: object.Key, modifiedAt: object.LastModified?.getTime() ?? Date.now() };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
  };
}
