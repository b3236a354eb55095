package people

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// What the member counts say about an organization's kind
// (《中国共产党支部工作条例（试行）》: a branch has at least three full
// members; with 50 or more members a general branch, with 100 or more a
// basic-level committee may be set up with approval).
const (
	CheckFewFull   = "few_full"  // a branch with members registered, fewer than 3 of them full
	CheckNone      = "none"      // a branch with no member registered
	CheckGeneral   = "general"   // a branch of 50 to 99 members
	CheckCommittee = "committee" // a branch or general branch of 100 or more
)

// OrgChecks are the checks with their labels, in the order pages show them.
var OrgChecks = []org.Choice{
	{Key: CheckFewFull, Text: i18n.Text{ZH: "正式党员不足 3 名的党支部", EN: "Branches with fewer than 3 full members"}},
	{Key: CheckNone, Text: i18n.Text{ZH: "尚未登记党员的党支部", EN: "Branches with no member registered"}},
	{Key: CheckGeneral, Text: i18n.Text{ZH: "党员 50 名以上、可成立党总支的党支部", EN: "Branches of 50 or more: a general branch may be formed"}},
	{Key: CheckCommittee, Text: i18n.Text{ZH: "党员 100 名以上、可设立党委的党支部（总支）", EN: "Branches of 100 or more: a committee may be formed"}},
}

// KindCheck is what the counts of an organization of kind say, "" when
// nothing: one of the Check constants.
func KindCheck(kind string, total, full int) string {
	branch := kind == "branch" || kind == "joint_branch" || kind == "temp_branch"
	switch {
	case branch && total == 0:
		return CheckNone
	case branch && full < 3:
		return CheckFewFull
	case (branch || kind == "general_branch") && total >= 100:
		return CheckCommittee
	case branch && total >= 50:
		return CheckGeneral
	}
	return ""
}

// OrgCheck is an organization a check lists, with its counts.
type OrgCheck struct {
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Check string `json:"check"`
	Total int    `json:"total"`
	Full  int    `json:"full"`
	path  string
}

// CheckCounts lists the active organizations of the subtree of under that
// the actor may read and a check (or, for "", any check) lists, in the
// order of the tree, with how many each check lists.
func (s *Service) CheckCounts(ctx context.Context, actor access.Actor, under int64, check string) ([]OrgCheck, map[string]int, error) {
	if check != "" {
		if _, ok := org.KeyOf(OrgChecks, check); !ok {
			return nil, nil, errs.Field("check", "检查项只能是 few_full、none、general 或 committee", "check must be few_full, none, general or committee")
		}
	}
	o, err := s.orgs.Check(ctx, actor, under, PeopleRead)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, `+org.LabelCol("o")+`, o.kind, o.path, COALESCE(a.n, 0), COALESCE(f.n, 0) FROM orgs o
		LEFT JOIN people_agg a ON a.org_id = o.id AND a.dim = 'all' AND a.val = ''
		LEFT JOIN people_agg f ON f.org_id = o.id AND f.dim = 'kind' AND f.val = 'full'
		WHERE `+access.InSubtree("o.path", o.Path)+` AND o.status = ? AND o.kind IN ('branch', 'joint_branch', 'temp_branch', 'general_branch')
		ORDER BY o.path`, org.StatusActive)
	if err != nil {
		return nil, nil, errs.Wrap(err, "organization checks")
	}
	defer rows.Close()
	var out []OrgCheck
	counts := map[string]int{}
	for rows.Next() {
		var c OrgCheck
		if err := rows.Scan(&c.OrgID, &c.Name, &c.Kind, &c.path, &c.Total, &c.Full); err != nil {
			return nil, nil, errs.Wrap(err, "scan organization check")
		}
		if c.Check = KindCheck(c.Kind, c.Total, c.Full); c.Check == "" || !actor.Can(PeopleRead, c.path) {
			continue
		}
		counts[c.Check]++
		if check == "" || c.Check == check {
			out = append(out, c)
		}
	}
	return out, counts, errs.Wrap(rows.Err(), "organization checks")
}
