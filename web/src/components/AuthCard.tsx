import type { ReactNode } from "react";
import { Layout } from "./Layout.tsx";

/** The frame of the sign-in, code and onboarding screens: one centred card under the brand bar. */
export function AuthCard({ title, lead, children }: { title: string; lead?: ReactNode; children: ReactNode }) {
  return (
    <Layout>
      <section className="card auth" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {lead ? <p className="auth__lead">{lead}</p> : null}
        {children}
      </section>
    </Layout>
  );
}
