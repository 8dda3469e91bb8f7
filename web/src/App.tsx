import { useEffect, useState } from "react";
import { transport } from "./api.js";
import { InvestigationsPage } from "./investigation/InvestigationsPage.js";
import { NotificationBell } from "./notifications/NotificationBell.js";
import { NotificationsPage } from "./notifications/NotificationsPage.js";
import { callbackPath } from "./oidc.js";
import { AdminPage } from "./pages/AdminPage.js";
import { CasePage } from "./pages/CasePage.js";
import { DashboardPage } from "./pages/DashboardPage.js";
import { InboxPage } from "./pages/InboxPage.js";
import { LogsPage } from "./pages/LogsPage.js";
import { NewCasePage } from "./pages/NewCasePage.js";
import { SignInCallbackPage } from "./pages/SignInCallbackPage.js";
import { SignInPage } from "./pages/SignInPage.js";
import { TracesPage } from "./pages/TracesPage.js";
import { ReportsPage } from "./reports/ReportsPage.js";
import { Link, navigate, usePath } from "./router.js";
import { MemberHistoryPage } from "./search/MemberHistoryPage.js";
import { SearchPage } from "./search/SearchPage.js";
import { loadSession, type Session } from "./session.js";
import { signOut } from "./sign-out.js";

/** The app shell: header navigation by permission, the routed page, and the support-id footer. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const path = usePath();
  if (!session) {
    if (path === callbackPath) return <SignInCallbackPage onSignedIn={setSession} />;
    return <SignInPage onSignedIn={setSession} />;
  }
  const can = (permission: string) => session.permissions.includes(permission);
  const links: [string, string, boolean][] = [
    ["/", "Inbox", true],
    ["/cases/new", "Start new LOD", can("lodCreate")],
    ["/investigations", "Investigations", can("lodView")],
    ["/search", "Search", can("lodView")],
    ["/dashboard", "Dashboard", true],
    ["/reports", "Reports", can("reportView")],
    ["/logs", "Logs", can("logView")],
    ["/traces", "Traces", can("traceView")],
    ["/admin", "Administration", can("userAdmin")],
  ];
  return (
    <div className="shell">
      <header className="top">
        <strong className="brand">ECT</strong>
        <nav aria-label="Main">
          {links
            .filter(([, , allowed]) => allowed)
            .map(([href, label]) => (
              <Link key={href} href={href} aria-current={path === href ? "page" : undefined}>
                {label}
              </Link>
            ))}
        </nav>
        <NotificationBell current={path === "/notifications"} />
        <span className="who" data-testid="current-user">
          {session.displayName} · <span data-testid="current-role">{session.roleName}</span>
        </span>
        <button
          type="button"
          onClick={() => {
            signOut().then(() => {
              setSession(undefined);
              navigate("/");
            });
          }}
        >
          Sign out
        </button>
      </header>
      <main>{route(path, session)}</main>
      <SupportFooter />
    </div>
  );
}

function route(path: string, session: Session) {
  if (path === "/cases/new") return <NewCasePage />;
  const caseMatch = /^\/cases\/(\d+)$/.exec(path);
  if (caseMatch) return <CasePage key={caseMatch[1]} id={caseMatch[1]} session={session} />;
  if (path === "/investigations") return <InvestigationsPage />;
  if (path === "/search") return <SearchPage />;
  const memberMatch = /^\/members\/(\d+)$/.exec(path);
  if (memberMatch) return <MemberHistoryPage key={memberMatch[1]} id={memberMatch[1]} />;
  if (path === "/dashboard") return <DashboardPage />;
  if (path === "/notifications") return <NotificationsPage />;
  if (path === "/reports") return <ReportsPage />;
  if (path === "/logs") return <LogsPage />;
  if (path === "/traces") return <TracesPage />;
  if (path === "/admin") return <AdminPage />;
  return <InboxPage session={session} />;
}

/** Shows the correlation id of the last call, so a user can quote it to support. */
function SupportFooter() {
  const [id, setId] = useState(transport.correlation.last());
  const [breaker, setBreaker] = useState(transport.breakerState());
  useEffect(() => transport.correlation.onCorrelationId(setId), []);
  useEffect(() => transport.onBreakerStateChange(setBreaker), []);
  return (
    <footer className="foot">
      <span>
        Support id: <code data-testid="support-id">{id ?? "–"}</code>
      </span>
      <span>Connection: {breaker === "closed" ? "ok" : `circuit ${breaker}`}</span>
    </footer>
  );
}
