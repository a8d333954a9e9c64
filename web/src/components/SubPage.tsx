import type { ReactNode } from "react";
import { BackLink } from "./BackLink.tsx";
import { paths } from "../paths.ts";
import { BackIcon } from "./icons.tsx";
import { Layout } from "./Layout.tsx";

/** A page one level below home (settings, My QR, add a contact): a back link and a title over its cards. */
export function SubPage({ title, className, children }: { title: string; className?: string; children: ReactNode }) {
  return (
    <Layout>
      <div className={className ? `settings ${className}` : "settings"}>
        <div className="settings__header">
          <BackLink parent={paths.home} className="back-link" label="Back to chats">
            <BackIcon />
          </BackLink>
          <h1 className="settings__title">{title}</h1>
        </div>
        {children}
      </div>
    </Layout>
  );
}
