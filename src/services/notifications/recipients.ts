import type { Queryable } from "../../db/db.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";

/** Someone a notification goes to: in-app always, email when they receive email and have an address. */
export interface Recipient {
  userId: number;
  email: string;
  receiveEmail: boolean;
}

interface RecipientRow {
  id: number;
  email: string;
  receive_email: boolean;
}

const toRecipient = (row: RecipientRow): Recipient => ({
  userId: row.id,
  email: row.email,
  receiveEmail: row.receive_email,
});

/**
 * The active users who hold a role for a case: the legacy getMailingListForLOD rule (an approved, active role
 * held in the case's unit or any unit above it), except the Investigating Officer, who holds the role by
 * appointment on this one case (investigations.io_user_id). Users with email turned off are kept: they still get
 * the in-app notice.
 */
export async function roleHolders(tx: Queryable, caseId: number, roleId: number): Promise<Recipient[]> {
  if (roleId === INVESTIGATING_OFFICER_ROLE_ID) {
    const { rows } = await tx.query<RecipientRow>(
      `SELECT u.id, u.email, u.receive_email FROM investigations i JOIN users u ON u.id = i.io_user_id
       WHERE i.case_id = $1 AND u.account_status = 'active'`,
      [caseId],
    );
    return rows.map(toRecipient);
  }
  const { rows } = await tx.query<RecipientRow>(
    `SELECT u.id, u.email, u.receive_email
     FROM cases c JOIN users u ON u.unit_id IN (SELECT ancestor_id FROM unit_tree WHERE descendant_id = c.unit_id)
     WHERE c.id = $1 AND u.account_status = 'active'
       AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role_id = $2
                   AND ur.status = 'approved' AND ur.active)
     ORDER BY u.id`,
    [caseId, roleId],
  );
  return rows.map(toRecipient);
}

/** The active users who worked on a case (started it or completed a step of it): told when it is cancelled. */
export async function caseParticipants(tx: Queryable, caseId: number): Promise<Recipient[]> {
  const { rows } = await tx.query<RecipientRow>(
    `SELECT u.id, u.email, u.receive_email FROM users u
     WHERE u.account_status = 'active' AND u.id IN (
       SELECT created_by FROM cases WHERE id = $1
       UNION SELECT completed_by FROM tracking WHERE case_id = $1 AND completed_by IS NOT NULL)
     ORDER BY u.id`,
    [caseId],
  );
  return rows.map(toRecipient);
}
