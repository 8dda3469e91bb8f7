import { useState } from "react";
import type { User } from "../../../src/gen/ect/v1/admin_service_pb.js";
import type { StatusCodeByWorkflowItem, StepByWorkflowItem } from "../../../src/gen/workflow/workflow_pb.js";
import { api } from "../api.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";

/** Administration: users with roles and account status; the workflow's statuses and options, read-only. */
export function AdminPage() {
  const [users, setUsers] = useState<User[]>([]);
  const [workflowId, setWorkflowId] = useState(1);
  const [statuses, setStatuses] = useState<StatusCodeByWorkflowItem[]>([]);
  const [steps, setSteps] = useState<StepByWorkflowItem[]>([]);
  const { error: usersError } = useAbortable(async (signal) => {
    setUsers((await api.admin.listUsers({ pageSize: 200 }, { signal })).users);
  }, []);
  const { error: workflowError } = useAbortable(
    async (signal) => {
      const [s, o] = await Promise.all([
        api.workflow.getStatusCodesByWorkflow({ workflowId }, { signal }),
        api.workflow.getStepsByWorkflow({ workflow: workflowId }, { signal }),
      ]);
      setStatuses(s.items);
      setSteps(o.items);
    },
    [workflowId],
  );
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <ErrorAlert text={usersError || workflowError} />
      <h2>Users</h2>
      <div className="table-wrap">
        <table data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Name</th>
              <th scope="col">Unit</th>
              <th scope="col">Roles</th>
              <th scope="col">Account</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.username}</td>
                <td>{u.displayName}</td>
                <td>{u.unitName}</td>
                <td>
                  {u.roles
                    .map((r) => `${r.roleName}${r.roleId === u.currentRoleId ? " (current)" : ""}`)
                    .join(", ")}
                </td>
                <td>{u.accountStatus}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Workflow configuration (read-only)</h2>
      <label>
        Workflow{" "}
        <select value={workflowId} onChange={(e) => setWorkflowId(Number(e.target.value))}>
          <option value={1}>Line of Duty</option>
          <option value={2}>Reinvestigation</option>
        </select>
      </label>
      <div className="grid">
        <section className="panel">
          <h3>Statuses</h3>
          <ol data-testid="workflow-statuses">
            {statuses.map((s) => (
              <li key={s.statusId}>
                {s.statusName} <span className="muted">#{s.statusId}</span>
              </li>
            ))}
          </ol>
        </section>
        <section className="panel">
          <h3>Options (steps)</h3>
          <ol>
            {steps.map((s) => (
              <li key={s.stepId}>
                {s.stepName} <span className="muted">order {s.stepOrder}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </section>
  );
}
