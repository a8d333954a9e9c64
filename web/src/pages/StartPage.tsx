import { Link } from "react-router";
import { paths } from "../paths.ts";
import { Layout } from "../components/Layout.tsx";

/**
 * /: sign in to the messenger, or use the scanner without an account. Pure view, free of the app's
 * schemas and state, so the signed-out first visit can show it alone (firstScreen.tsx).
 * `deleted`: the words of an account just deleted on this device.
 */
export function StartPage({ deleted }: { deleted?: string | undefined }) {
  return (
    <Layout>
      <section className="card landing" aria-labelledby="landing-title">
        {deleted ? (
          <p className="notice landing__notice" role="status">
            {deleted}
          </p>
        ) : null}
        <h1 id="landing-title">Chat with people you add by QR code</h1>
        <p className="lead">Sign in with a one-time code to your email or phone. New here? Signing in creates your account.</p>
        <div className="landing__signin">
          <Link className="button button--primary button--large" to={paths.signIn}>
            Sign in
          </Link>
        </div>
        <h2 className="landing__subtitle">Your phone, a wireless scanner for your computer</h2>
        <p className="landing__text">
          No account needed: open EasyQR on the computer, scan its QR code with the phone, and every barcode the phone reads appears on the computer at once.
        </p>
        <div className="landing__choices">
          <Link className="choice" to="/desktop">
            <span className="choice__title">Open desktop</span>
            <span className="choice__text">Show the pairing QR code on this computer</span>
          </Link>
          <Link className="choice" to="/scan">
            <span className="choice__title">Scan with phone</span>
            <span className="choice__text">Use this phone&apos;s camera to link and scan</span>
          </Link>
        </div>
      </section>
    </Layout>
  );
}
