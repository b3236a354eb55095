package cases

import (
	"context"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Escalate marks every open case whose deadline has passed and that was
// never escalated as escalated (督办) to the organization above the
// responsible one, once: the event shows on the case, the superior's
// handlers are told, and lists show the mark. It returns how many cases it
// escalated. The background job runs it every few minutes; it is exact
// under any clock, since it compares stored deadlines with s.now().
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now()
	var ids []int64
	rows, err := s.db.Query(ctx, `SELECT id FROM cases WHERE deadline IS NOT NULL AND deadline <= ? AND escalated_at IS NULL ORDER BY deadline, id LIMIT 500`, db.FormatTime(now))
	if err != nil {
		return 0, errs.Wrap(err, "overdue cases")
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "scan overdue")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "overdue cases")
	}
	n := 0
	for _, id := range ids {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			if err := tx.LockRow(ctx, "cases", id, db.ForUpdate); err != nil {
				return err
			}
			c, err := s.load(ctx, tx, id)
			if err != nil {
				return err
			}
			if c.Deadline.IsZero() || now.Before(c.Deadline) || !c.EscalatedAt.IsZero() {
				return nil // handled, extended or escalated meanwhile
			}
			to := c.OrgID
			if c.parentID != 0 {
				to = c.parentID
			}
			if err := s.update(ctx, tx, c, now, map[string]any{"escalated_at": db.FormatTime(now), "escalated_org_id": to}); err != nil {
				return err
			}
			what := "受理"
			if c.State != Submitted {
				what = "办理"
			}
			ev := event{caseID: id, at: now, typ: "escalate", actor: actorSystem, orgID: to, body: "超过" + what + "时限，提请上级督办"}
			if _, err := addEvent(ctx, tx, ev); err != nil {
				return err
			}
			ref, err := org.Lookup(ctx, tx, to)
			if err != nil {
				return errs.Wrap(err, "escalate to")
			}
			if err := s.notifyStaff(ctx, tx, id, c.Kind, ref, now, NoticeEscalated); err != nil {
				return err
			}
			n++
			return audit.Write(ctx, tx, access.SystemActor("escalation"), audit.Entry{Action: "case.escalate", TargetType: auditType(c.Kind), TargetID: strconv.FormatInt(id, 10),
				OrgPath: c.orgPath, Summary: i18n.Textf("案件第 %d 号：超期督办", "case %d: overdue, escalated", id)})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
