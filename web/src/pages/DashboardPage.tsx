import { CasesByStatusPanel } from "../dashboard/CasesByStatusPanel.js";
import { HealthPanel } from "../dashboard/HealthPanel.js";
import { MovesPanel } from "../dashboard/MovesPanel.js";
import { UsersOnlinePanel } from "../dashboard/UsersOnlinePanel.js";

/** Live operations: each panel owns its streams and cancels them when it unmounts. */
export function DashboardPage() {
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboard</h1>
      <div className="grid">
        <UsersOnlinePanel />
        <HealthPanel />
        <MovesPanel />
        <CasesByStatusPanel />
      </div>
    </section>
  );
}
