import { useAtomValue } from "jotai";
import { Link } from "react-router";
import { Layout } from "../components/Layout.tsx";
import { sessionAtom } from "../features/session/state.ts";
import { StartPage } from "./StartPage.tsx";

/** /: the start page, with the notice of an account just deleted here. */
export function LandingPage() {
  const session = useAtomValue(sessionAtom);
  return <StartPage deleted={session.status === "signedOut" && session.deleted ? session.notice : undefined} />;
}

export function NotFoundPage() {
  return (
    <Layout>
      <section className="card landing">
        <h1>Page not found</h1>
        <p className="lead">
          <Link to="/">Go to the start page</Link>
        </p>
      </section>
    </Layout>
  );
}
