import type { Route } from "./route.ts";

type Values = Readonly<Record<string, unknown>>;

/**
 * A route's path with its parameters filled in, each percent-encoded as one path segment. A
 * missing or empty parameter, or one that is `.` or `..` (which a URL parser would resolve, even
 * encoded), is a programming error and throws.
 */
export function routePath(route: Pick<Route, "method" | "path">, params?: Values): string {
  return route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_match, name: string) => {
    const value = params?.[name];
    const text = typeof value === "string" || typeof value === "number" ? String(value) : "";
    if (text === "" || text === "." || text === "..")
      throw new Error(`${route.method} ${route.path}: the path parameter ${name} is missing or not a path segment`);
    return encodeURIComponent(text);
  });
}

/** A query string (`?a=1&b=x`, or empty), leaving out undefined and null values; arrays repeat their key. */
export function queryString(query?: Values): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (item === undefined || item === null) continue;
      if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean")
        throw new Error(`the query parameter ${key} is not a string, number or boolean`);
      search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Where to send a call of this route: its path with parameters, then the query string. */
export function routeUrl(route: Pick<Route, "method" | "path">, input: { params?: Values; query?: Values } = {}): string {
  return `${routePath(route, input.params)}${queryString(input.query)}`;
}
