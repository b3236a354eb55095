package people

import (
	"context"
	"fmt"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// PeopleTrainingSet sets the yearly training requirement of posts for a
// subtree: an organization department's decision.
const PeopleTrainingSet access.Action = "people.training_set"

// maxRequirementHalves caps a requirement at 200 学时 a year.
const maxRequirementHalves = 400

// Requirement is the yearly hours a post must reach in an organization's
// subtree, and where the figure comes from.
type Requirement struct {
	Post  string  `json:"post"` // "member" or a post
	Hours float64 `json:"hours"`
	// Source is "default" (the 2019 rule), "here" (set for this
	// organization) or "above" (set by an organization above, named by
	// SetByName).
	Source    string `json:"source"`
	SetByID   int64  `json:"set_by_id,omitempty"`
	SetByName string `json:"set_by_name,omitempty"`
	halves    int
}

// requirements are every setting: organization → post → halves.
type requirements map[int64]map[string]int

// requirementTable reads every setting; there are a few per organization
// department at most.
func (s *Service) requirementTable(ctx context.Context, q db.Querier) (requirements, error) {
	rows, err := q.Query(ctx, "SELECT org_id, post, halves FROM training_requirements")
	if err != nil {
		return nil, errs.Wrap(err, "training requirements")
	}
	defer rows.Close()
	out := requirements{}
	for rows.Next() {
		var id int64
		var post string
		var h int
		if err := rows.Scan(&id, &post, &h); err != nil {
			return nil, errs.Wrap(err, "scan requirement")
		}
		if out[id] == nil {
			out[id] = map[string]int{}
		}
		out[id][post] = h
	}
	return out, errs.Wrap(rows.Err(), "training requirements")
}

// at is the requirement of post in the organization at path: the setting
// nearest above it, or the default; and the organization that set it (0
// for the default).
func (r requirements) at(path, post string) (int, int64) {
	ids := org.PathIDs(path)
	for i := len(ids) - 1; i >= 0; i-- {
		if h, ok := r[ids[i]][post]; ok {
			return h, ids[i]
		}
	}
	return defaultHalves(post), 0
}

// of is the requirement of a member of the organization at memberPath
// holding posts: the highest of the member's and of each post's where it
// is held; and which applies ("member" when no post asks more).
func (r requirements) of(memberPath string, posts []heldPost) (int, string) {
	need, _ := r.at(memberPath, MemberRequirement)
	which := MemberRequirement
	for _, p := range posts {
		if h, _ := r.at(p.path, p.post); h > need {
			need, which = h, p.post
		}
	}
	return need, which
}

// Requirements are the requirements in force in an organization's subtree,
// for every member and each post, in the order of RequirementPosts.
func (s *Service) Requirements(ctx context.Context, actor access.Actor, orgID int64) ([]Requirement, error) {
	o, err := s.orgs.Check(ctx, actor, orgID, PeopleRead)
	if err != nil {
		return nil, err
	}
	table, err := s.requirementTable(ctx, s.db)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]Requirement, 0, len(RequirementPosts))
	for _, k := range RequirementPosts {
		h, by := table.at(o.Path, k.Key)
		r := Requirement{Post: k.Key, Hours: Hours(h), halves: h, Source: "default"}
		switch {
		case by == o.ID:
			r.Source, r.SetByID, r.SetByName = "here", o.ID, o.Label()
		case by != 0:
			r.Source, r.SetByID = "above", by
			if _, ok := names[by]; !ok {
				if a, err := s.orgs.Get(ctx, access.SystemActor("people"), by); err == nil {
					names[by] = a.Label()
				}
			}
			r.SetByName = names[by]
		}
		out = append(out, r)
	}
	return out, nil
}

// RequirementInput sets (or, with Clear, removes) the requirement of a
// post for an organization's subtree.
type RequirementInput struct {
	OrgID int64   `json:"org_id"`
	Post  string  `json:"post"`
	Hours float64 `json:"hours"`
	Clear bool    `json:"clear"` // go back to what applies above
}

// SetRequirement sets the yearly hours a post must reach in the subtree of
// an organization whose department the actor is; audited.
func (s *Service) SetRequirement(ctx context.Context, actor access.Actor, in RequirementInput) (Requirement, error) {
	if !actor.CanAnywhere(PeopleTrainingSet) {
		return Requirement{}, errs.New(errs.Forbidden, "您没有设置培训学时要求的权限", "you may not set training requirements")
	}
	var f errs.Fields
	post, ok := org.KeyOf(RequirementPosts, in.Post)
	if !ok {
		f.Add("post", "请选择适用对象：全体党员或某一职务", "choose whom it applies to: every member or a post")
	}
	halves := 0
	if !in.Clear {
		if in.Hours == 0 {
			f.Add("hours", "请填写每年应完成的学时，如 32", "enter the hours a year, such as 32")
		} else {
			halves = halvesOf(in.Hours, maxRequirementHalves, "hours", &f)
		}
	}
	if in.OrgID == 0 {
		f.Add("org_id", "请选择党组织", "choose the organization")
		return Requirement{}, f.Err()
	}
	// The organization first: outside the scope, nothing else is said.
	o, err := s.orgs.Check(ctx, actor, in.OrgID, PeopleTrainingSet)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			return Requirement{}, errs.Field("org_id", e.ZH, e.EN)
		}
		return Requirement{}, err
	}
	if err := f.Err(); err != nil {
		return Requirement{}, err
	}
	label := org.LabelOf(RequirementPosts, post, "")
	labelEN := org.LabelOf(RequirementPosts, post, i18n.EN)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var before any
		var old int
		if err := tx.QueryRow(ctx, "SELECT halves FROM training_requirements WHERE org_id = ? AND post = ?", o.ID, post).Scan(&old); err == nil {
			before = map[string]any{"post": post, "hours": FormatHours(old)}
		}
		var after any
		var sum i18n.Text
		if in.Clear {
			if before == nil {
				return errs.New(errs.Conflict, o.Label()+"未设置"+label+"的学时要求", o.Label()+" set no requirement for "+labelEN)
			}
			if _, err := tx.Exec(ctx, "DELETE FROM training_requirements WHERE org_id = ? AND post = ?", o.ID, post); err != nil {
				return errs.Wrap(err, "clear requirement")
			}
			sum = i18n.Text{ZH: o.Label() + "取消" + label + "的培训学时要求，沿用上级或条例规定", EN: o.Label() + " cleared its training requirement for " + labelEN + ": the one above or the rule's applies"}
		} else {
			if _, err := tx.Exec(ctx, `INSERT INTO training_requirements (org_id, post, halves, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (org_id, post) DO UPDATE SET halves = excluded.halves, updated_at = excluded.updated_at`, o.ID, post, halves, db.FormatTime(tx.Now())); err != nil {
				return errs.Wrap(err, "set requirement")
			}
			after = map[string]any{"post": post, "hours": FormatHours(halves)}
			sum = i18n.Text{ZH: fmt.Sprintf("%s规定%s每年培训不少于 %s 学时", o.Label(), label, FormatHours(halves)),
				EN: fmt.Sprintf("%s requires at least %s hours of training a year of %s", o.Label(), FormatHours(halves), labelEN)}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "training.requirement", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: sum, Before: before, After: after})
	})
	if err != nil {
		return Requirement{}, err
	}
	s.trained.forget()
	reqs, err := s.Requirements(ctx, actor, o.ID)
	if err != nil {
		return Requirement{}, err
	}
	for _, r := range reqs {
		if r.Post == post {
			return r, nil
		}
	}
	return Requirement{}, nil
}
