package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// The rule of the contact points: the visits a year each needs. A county's
// or a city's organization department sets it for its subtree; the
// nearest setting at or above a contact point's organization wins, and
// DefaultMinVisits holds where none is set.

// ContactRule is a rule set on an organization.
type ContactRule struct {
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Level     string `json:"level"`
	MinVisits int    `json:"min_visits"`
	UpdatedAt string `json:"updated_at"`
	Actor     string `json:"actor"`
	Version   int    `json:"version"`
	path      string
}

// ContactRuleInput sets the rule of an organization's subtree; MinVisits 0
// removes the organization's own setting, so that the one above holds.
type ContactRuleInput struct {
	OrgID     int64 `json:"org_id"`
	MinVisits int   `json:"min_visits"`
}

// RuleLevelOK reports whether a rule may be set on an organization: a
// committee of a county or above.
func RuleLevelOK(o org.Org) bool {
	switch o.Level {
	case "national", "province", "city", "county":
		return true
	}
	return false
}

// contactRuleTable reads every rule, by organization: a handful of rows.
func (s *Service) contactRuleTable(ctx context.Context, q db.Querier) (map[int64]int, error) {
	rows, err := q.Query(ctx, "SELECT org_id, min_visits FROM contact_rules")
	if err != nil {
		return nil, errs.Wrap(err, "contact rules")
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, errs.Wrap(err, "scan contact rule")
		}
		out[id] = n
	}
	return out, errs.Wrap(rows.Err(), "contact rules")
}

// requiredVisits is the rule in force at the organization at path: the
// nearest setting at or above it.
func requiredVisits(path string, rules map[int64]int) int {
	ids := org.PathIDs(path)
	for i := len(ids) - 1; i >= 0; i-- {
		if n, ok := rules[ids[i]]; ok {
			return n
		}
	}
	return DefaultMinVisits
}

// ContactRules are the rules set in the subtree of under (0: the actor's
// scope) and above it, nearest first for those above, and the rule in
// force at under itself.
func (s *Service) ContactRules(ctx context.Context, actor access.Actor, under int64) ([]ContactRule, int, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看领导干部联系点的权限", "you may not read leaders' contact points")
	}
	scope, args := actor.ScopeSQL("o.path", ProgramsRead)
	where := scope
	inForce := DefaultMinVisits
	if under != 0 {
		o, err := s.orgs.Check(ctx, actor, under, ProgramsRead)
		if err != nil {
			return nil, 0, err
		}
		rules, err := s.contactRuleTable(ctx, s.db)
		if err != nil {
			return nil, 0, err
		}
		inForce = requiredVisits(o.Path, rules)
		// The subtree's own rules, and those above it that reach it.
		above := org.PathIDs(o.Path)
		where, args = access.InSubtree("o.path", o.Path), nil
		if len(above) > 0 {
			where = "(" + where + " OR o.id IN (" + db.Marks(len(above)) + "))"
			for _, id := range above {
				args = append(args, id)
			}
		}
	}
	rows, err := s.db.Query(ctx, "SELECT r.org_id, "+org.LabelCol("o")+", o.level, o.path, r.min_visits, r.updated_at, r.actor_name, r.version FROM contact_rules r JOIN orgs o ON o.id = r.org_id WHERE "+where+" ORDER BY o.path", args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "contact rules")
	}
	defer rows.Close()
	var out []ContactRule
	for rows.Next() {
		var r ContactRule
		if err := rows.Scan(&r.OrgID, &r.OrgName, &r.Level, &r.path, &r.MinVisits, &r.UpdatedAt, &r.Actor, &r.Version); err != nil {
			return nil, 0, errs.Wrap(err, "scan contact rule")
		}
		out = append(out, r)
	}
	return out, inForce, errs.Wrap(rows.Err(), "contact rules")
}

// SetContactRule sets (or, with MinVisits 0, removes) the visits a year
// that the contact points of an organization's subtree need. Only a
// committee of a county or above carries a rule.
func (s *Service) SetContactRule(ctx context.Context, actor access.Actor, in ContactRuleInput) (ContactRule, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return ContactRule{}, errs.New(errs.Forbidden, "您没有设置联系点走访要求的权限", "you may not set the contact points' rule")
	}
	if in.OrgID == 0 {
		return ContactRule{}, errs.Field("org_id", "请选择设置要求的县（市、区）或市级党委", "choose the county or city committee the rule is for")
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsManage)
	if err != nil {
		return ContactRule{}, contactAsField("org_id", err)
	}
	var f errs.Fields
	if !RuleLevelOK(o) {
		f.Add("org_id", fmt.Sprintf("“%s”不是县（市、区）级或市级党委：走访要求由县级以上党委为其下级统一设置", o.Label()),
			fmt.Sprintf("%s is not a county or city committee: a county or a city sets the rule for its subtree", o.Label()))
	}
	if in.MinVisits < 0 || in.MinVisits > MaxMinVisits {
		f.Add("min_visits", fmt.Sprintf("每个联系点每年走访次数应为 1–%d 次（留空则沿用上级要求）", MaxMinVisits), fmt.Sprintf("the visits a year must be 1 to %d (leave it empty to follow the rule above)", MaxMinVisits))
	}
	if err := f.Err(); err != nil {
		return ContactRule{}, err
	}
	out := ContactRule{OrgID: o.ID, OrgName: o.Label(), Level: o.Level, MinVisits: in.MinVisits, Actor: actor.Username, path: o.Path}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var before int
		err := tx.QueryRow(ctx, "SELECT min_visits FROM contact_rules WHERE org_id = ?"+tx.Lock(db.ForUpdate), o.ID).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "contact rule")
		}
		now := db.FormatTime(tx.Now())
		out.UpdatedAt = now
		var sum i18n.Text
		switch {
		case in.MinVisits == 0 && before == 0:
			return nil // nothing set, nothing to remove
		case in.MinVisits == 0:
			if _, err := tx.Exec(ctx, "DELETE FROM contact_rules WHERE org_id = ?", o.ID); err != nil {
				return errs.Wrap(err, "remove contact rule")
			}
			sum = i18n.Text{ZH: fmt.Sprintf("取消%s单独设置的联系点走访要求（原为每年 %d 次），沿用上级要求", o.Label(), before),
				EN: fmt.Sprintf("removed the contact points' rule of %s (was %d visits a year): the rule above holds", o.Label(), before)}
		default:
			if err := tx.QueryRow(ctx, `INSERT INTO contact_rules (org_id, min_visits, updated_at, actor_name) VALUES (?, ?, ?, ?)
				ON CONFLICT (org_id) DO UPDATE SET min_visits = excluded.min_visits, updated_at = excluded.updated_at, actor_name = excluded.actor_name, version = contact_rules.version + 1
				RETURNING version`, o.ID, in.MinVisits, now, actor.Username).Scan(&out.Version); err != nil {
				return errs.Wrap(err, "set contact rule")
			}
			sum = i18n.Text{ZH: fmt.Sprintf("设置%s及下级领导干部联系点每年至少走访 %d 次", o.Label(), in.MinVisits),
				EN: fmt.Sprintf("set the contact points of %s and below to at least %d visits a year", o.Label(), in.MinVisits)}
		}
		b := map[string]any{"min_visits": nil}
		if before != 0 {
			b["min_visits"] = before
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "contact.rule", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: sum, Before: b, After: map[string]any{"min_visits": in.MinVisits}})
	})
	return out, err
}
