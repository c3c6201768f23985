// A minimal path router: literal segments and ":param" captures, telling 404 (no path) from 405 (wrong method).
import { ApiError } from "./errors";

/** A route: its path pattern (e.g. "/contacts/:uuid") and a handler per HTTP method. */
export interface Route<Handler> {
  pattern: string;
  methods: Partial<Record<string, Handler>>;
}

/** The handler chosen for a request and the captured path parameters. */
export interface RouteMatch<Handler> {
  handler: Handler;
  params: Record<string, string>;
}

/** Compiled routes; match() throws 404 route_not_found or 405 method_not_allowed. */
export class Router<Handler> {
  private readonly compiled: Array<{ segments: string[]; methods: Partial<Record<string, Handler>> }>;

  /** prefix is only used to name the full path in error messages (e.g. "/v1"). */
  constructor(
    routes: Route<Handler>[],
    private readonly prefix = "",
  ) {
    this.compiled = routes.map((route) => ({ segments: route.pattern.split("/").slice(1), methods: route.methods }));
  }

  /** Finds the handler for method + path (path relative to the router's prefix, without query). */
  match(method: string, path: string): RouteMatch<Handler> {
    const segments = path.split("/").slice(1);
    const allowed: string[] = [];
    for (const route of this.compiled) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      const handler = route.methods[method];
      if (handler) return { handler, params };
      allowed.push(...Object.keys(route.methods));
    }
    if (allowed.length > 0) {
      throw new ApiError(405, "method_not_allowed", `${method} is not allowed on ${this.prefix}${path}; use ${allowed.join(", ")}`, undefined, undefined, {
        allow: allowed.join(", "),
      });
    }
    throw new ApiError(404, "route_not_found", `no route ${method} ${this.prefix}${path}`);
  }
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(":")) {
      if (segments[i] === "") return undefined;
      params[pattern[i].slice(1)] = decodeSegment(segments[i]);
    } else if (pattern[i] !== segments[i]) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, "bad_request", `malformed percent-encoding in path segment '${segment}'`);
  }
}
