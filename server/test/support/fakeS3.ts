import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type S3Request = { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders };
export type S3Object = { data: Buffer; contentType: string; cacheControl: string; modifiedAt: number };

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Just enough of the S3 REST API (path style) to hold objects in memory, recording every request:
 * PUT, GET, HEAD, DELETE of an object and ListObjectsV2 of a bucket, which answers `pageSize`
 * keys a page (real S3 answers up to 1,000), so clients must follow continuation tokens.
 * Objects are keyed by path, `/<bucket>/<key>`.
 */
export function fakeS3(pageSize = 3) {
  const objects = new Map<string, S3Object>();
  const requests: S3Request[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://s3");
      const path = decodeURIComponent(url.pathname);
      requests.push({ method: request.method ?? "", path, query: url.searchParams, headers: request.headers });
      if (request.method === "GET" && url.searchParams.get("list-type") === "2") {
        return response.writeHead(200, { "content-type": "application/xml" }).end(listPage(path.replace(/\/$/, ""), url.searchParams));
      }
      if (request.method === "PUT") {
        objects.set(path, {
          data: Buffer.concat(chunks),
          contentType: request.headers["content-type"] ?? "",
          cacheControl: String(request.headers["cache-control"] ?? ""),
          modifiedAt: Date.now(),
        });
        return response.writeHead(200, { etag: '"1"' }).end();
      }
      if (request.method === "GET" || request.method === "HEAD") {
        const object = objects.get(path);
        if (!object) {
          return response
            .writeHead(404, { "content-type": "application/xml" })
            .end(request.method === "HEAD" ? undefined : '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>missing</Message></Error>');
        }
        const headers = {
          "content-type": object.contentType,
          "content-length": object.data.length,
          "last-modified": new Date(object.modifiedAt).toUTCString(),
        };
        return response.writeHead(200, headers).end(request.method === "HEAD" ? undefined : object.data);
      }
      if (request.method === "DELETE") {
        objects.delete(path);
        return response.writeHead(204).end();
      }
      response.writeHead(405).end();
    });
  });

  function listPage(bucketPath: string, query: URLSearchParams): string {
    const prefix = query.get("prefix") ?? "";
    const after = query.get("continuation-token") ?? "";
    const keys = [...objects.keys()]
      .filter((path) => path.startsWith(`${bucketPath}/`))
      .map((path) => path.slice(bucketPath.length + 1))
      .filter((key) => key.startsWith(prefix) && key > after)
      .sort();
    const page = keys.slice(0, pageSize);
    const truncated = keys.length > page.length;
    const contents = page.map((key) => {
      const object = objects.get(`${bucketPath}/${key}`);
      return `<Contents><Key>${xml(key)}</Key><LastModified>${new Date(object?.modifiedAt ?? 0).toISOString()}</LastModified><ETag>"1"</ETag><Size>${object?.data.length ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    });
    return (
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${xml(bucketPath.slice(1))}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys>` +
      `<IsTruncated>${truncated}</IsTruncated>${contents.join("")}` +
      (truncated ? `<NextContinuationToken>${xml(page.at(-1) ?? "")}</NextContinuationToken>` : "") +
      `</ListBucketResult>`
    );
  }

  return {
    server,
    objects,
    requests,
    /** Listens on a random port of 127.0.0.1; returns the endpoint URL. */
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The environment that points a test server's storage at a fake S3 endpoint. */
export function s3Env(endpoint: string, bucket: string): Record<string, string> {
  return {
    STORAGE_DRIVER: "s3",
    S3_BUCKET: bucket,
    S3_REGION: "eu-west-1",
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: "AKIDEXAMPLE",
    S3_SECRET_ACCESS_KEY: "wJalrXUtnFEMI-secret",
    S3_FORCE_PATH_STYLE: "1",
  };
}
