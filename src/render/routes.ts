// The page table: paths (with `:name` parameters) to pages, their titles and
// heads, compiled once; `match` finds the page for a request path.

import type { Page, PageContext } from "./context";

/** A page with its own document title and extra <head> content. */
export interface PageRoute {
  page: Page;
  /** The document title: text, or made from the page's context (its params, its state). */
  title?: string | ((ctx: PageContext) => string);
  /** More for the <head>: meta tags, a stylesheet. */
  head?: (ctx: PageContext) => JSX.Element;
}

/** What `pages` maps a path to: a page function, or a page with its title and head. */
export type PageEntry = Page | PageRoute;

export interface RouteMatch {
  /** The path pattern as the app wrote it: "/items/:id". */
  pattern: string;
  route: PageRoute;
  /** The values of the pattern's parameters, percent-decoded. */
  params: Record<string, string>;
}

interface CompiledRoute {
  pattern: string;
  route: PageRoute;
  /** Per segment: a literal, or the name of a parameter. */
  segments: ({ literal: string } | { param: string })[];
}

const PARAM = /^:([A-Za-z_$][\w$]*)$/;

export class Routes {
  readonly #routes: CompiledRoute[];

  constructor(pages: Record<string, PageEntry>) {
    // Literal segments win over parameters: "/items/new" before "/items/:id".
    this.#routes = Object.entries(pages)
      .map(([pattern, entry]) => compile(pattern, typeof entry === "function" ? { page: entry } : entry))
      .sort((a, b) => specificity(b) - specificity(a));
  }

  /** The patterns, to register with the HTTP router. */
  patterns(): string[] {
    return this.#routes.map((route) => route.pattern);
  }

  match(pathname: string): RouteMatch | undefined {
    const parts = pathname.split("/").slice(1);
    for (const { pattern, route, segments } of this.#routes) {
      if (segments.length !== parts.length) continue;
      const params = matchSegments(segments, parts);
      if (params) return { pattern, route, params };
    }
    return undefined;
  }
}

function compile(pattern: string, route: PageRoute): CompiledRoute {
  if (!pattern.startsWith("/")) throw new Error(`Page path ${JSON.stringify(pattern)} must start with "/"`);
  if (typeof route.page !== "function") throw new Error(`The page at ${pattern} must be a function of its context`);
  const names = new Set<string>();
  const segments = pattern
    .split("/")
    .slice(1)
    .map((segment) => {
      if (!segment.startsWith(":")) return { literal: segment };
      const name = PARAM.exec(segment)?.[1];
      if (!name) throw new Error(`Page path ${pattern}: ${JSON.stringify(segment)} is not a parameter name (":id")`);
      if (names.has(name)) throw new Error(`Page path ${pattern} names the parameter ${name} twice`);
      names.add(name);
      return { param: name };
    });
  return { pattern, route, segments };
}

function matchSegments(segments: CompiledRoute["segments"], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    const part = parts[index]!;
    if ("literal" in segment) {
      if (segment.literal !== part) return undefined;
      continue;
    }
    if (part === "") return undefined;
    try {
      params[segment.param] = decodeURIComponent(part);
    } catch {
      return undefined; // malformed percent-encoding names no page
    }
  }
  return params;
}

function specificity(route: CompiledRoute): number {
  return route.segments.reduce((score, segment, index) => score + ("literal" in segment ? 2 ** (32 - Math.min(index, 31)) : 0), 0);
}
