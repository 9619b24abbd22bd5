import type { PageContext } from "./context";

/** The 404 page an app gets unless it sets `notFound`. */
export function NotFoundPage({ url }: PageContext): JSX.Element {
  return (
    <main class="hs-not-found">
      <h1>Page not found</h1>
      <p>
        There is no page at <code safe>{url.pathname}</code>.
      </p>
      <a href="/">Go to the start page</a>
    </main>
  );
}
