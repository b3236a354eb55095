package web

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
)

// evaPickMax is the most organizations a select offers; past it a list is
// cut short (the owner form) or replaced by the number field (both forms).
const evaPickMax = 400

// evaOrgOpt is one organization of a select, indented under its parent.
type evaOrgOpt struct {
	Value    string
	Label    string
	Title    string // the full name, when the label is the short one
	Disabled bool
}

// evaOrgPick is an organization field: a select of the organizations a user
// is likely to want and, when those are not every possibility, a number
// field for any other (collapsed, so the select stays the obvious way).
// Only means there were too many to list: the number field alone.
type evaOrgPick struct {
	Opts  []evaOrgOpt
	Other bool
	Only  bool
}

// Has reports whether v is one of the options.
func (p evaOrgPick) Has(v string) bool {
	for _, o := range p.Opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// levelRank orders the levels from the nation down to the village, with
// the organizations of workplaces last.
func levelRank(level string) int {
	for i, l := range org.Levels {
		if l.Key == level {
			return i
		}
	}
	return len(org.Levels)
}

// orgTreeOpts lays organizations out as a tree under roots: each under its
// nearest listed ancestor, territorial ones first and in division-code
// order, every level indented by a full-width space (which, unlike an
// ordinary space, an <option> keeps).
func orgTreeOpts(roots, rest []org.Org) []evaOrgOpt {
	byID := map[int64]org.Org{}
	for _, o := range append(append([]org.Org{}, roots...), rest...) {
		byID[o.ID] = o
	}
	kids := map[int64][]org.Org{}
	for _, o := range rest {
		ids := org.PathIDs(o.Path)
		for i := len(ids) - 2; i >= 0; i-- {
			if _, ok := byID[ids[i]]; ok {
				kids[ids[i]] = append(kids[ids[i]], o)
				break
			}
		}
	}
	var out []evaOrgOpt
	seen := map[int64]bool{}
	var walk func(o org.Org, depth int)
	walk = func(o org.Org, depth int) {
		if seen[o.ID] {
			return
		}
		seen[o.ID] = true
		opt := evaOrgOpt{Value: strconv.FormatInt(o.ID, 10), Label: strings.Repeat("\u3000", depth) + o.Label()}
		if o.Label() != o.Name {
			opt.Title = o.Name
		}
		out = append(out, opt)
		ks := kids[o.ID]
		sort.SliceStable(ks, func(i, j int) bool {
			a, b := ks[i], ks[j]
			if ra, rb := levelRank(a.Level), levelRank(b.Level); ra != rb {
				return ra < rb
			}
			if (a.RegionCode == "") != (b.RegionCode == "") {
				return a.RegionCode != ""
			}
			if a.RegionCode != b.RegionCode {
				return a.RegionCode < b.RegionCode
			}
			return a.ID < b.ID
		})
		for _, k := range ks {
			walk(k, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out
}

// evaScopeRoots returns the organizations at the top of the subtrees in
// which the actor may run campaigns, the actor's own first.
func (h *Handler) evaScopeRoots(ctx context.Context, actor access.Actor) []org.Org {
	if actor.Unrestricted() {
		roots, _ := h.Orgs.Roots(ctx, actor)
		return roots
	}
	var roots []org.Org
	for _, p := range actor.Scopes(access.EvaluationManage) {
		ids := org.PathIDs(p)
		if len(ids) == 0 {
			continue
		}
		if o, err := h.Orgs.Get(ctx, actor, ids[len(ids)-1]); err == nil {
			roots = append(roots, o)
		}
	}
	return roots
}

// evaOwnerPick offers the organizations that may run a campaign: the roots
// of the actor's scope and, below them, the county and township Party
// committees and the committees of workplaces (such as a district's 两新
// committee). A city has some 150 of them; a province has too many
// townships, so it gets the levels above and the number field for the
// rest, and a scope larger still the number field alone.
func (h *Handler) evaOwnerPick(ctx context.Context, actor access.Actor, posted string) evaOrgPick {
	roots := h.evaScopeRoots(ctx, actor)
	if len(roots) == 0 {
		return evaOrgPick{Only: true}
	}
	type query struct{ level, kind string }
	var upper, lower []query
	for _, l := range []string{"province", "city", "county"} {
		upper = append(upper, query{level: l})
	}
	lower = []query{{level: "township"}, {level: "unit", kind: "committee"}, {level: "unit", kind: "work_committee"}}
	collect := func(qs []query, room int) ([]org.Org, bool) {
		var out []org.Org
		for _, r := range roots {
			for _, q := range qs {
				if levelRank(q.level) <= levelRank(r.Level) && q.level != "unit" {
					continue
				}
				rows, total, err := h.Orgs.List(ctx, actor, org.ListQuery{Under: r.ID, Level: q.level, Kind: q.kind, Limit: room + 1})
				if err != nil {
					continue
				}
				if room -= total; room < 0 {
					return nil, false
				}
				out = append(out, rows...)
			}
		}
		return out, true
	}
	pick := evaOrgPick{}
	rest, ok := collect(upper, evaPickMax-len(roots))
	if !ok {
		return evaOrgPick{Only: true}
	}
	if more, ok := collect(lower, evaPickMax-len(roots)-len(rest)); ok {
		rest = append(rest, more...)
	} else {
		pick.Other = true
	}
	pick.Opts = orgTreeOpts(roots, rest)
	h.evaKeepPosted(ctx, actor, &pick, posted)
	return pick
}

// evaKeepPosted adds the organization a form was posted with when the
// select does not offer it, so that showing the form again keeps it.
func (h *Handler) evaKeepPosted(ctx context.Context, actor access.Actor, pick *evaOrgPick, posted string) {
	posted = strings.TrimSpace(posted)
	if posted == "" || pick.Only || pick.Has(posted) {
		return
	}
	id, err := strconv.ParseInt(posted, 10, 64)
	if err != nil {
		return
	}
	if o, err := h.Orgs.Get(ctx, actor, id); err == nil {
		pick.Opts = append([]evaOrgOpt{{Value: posted, Label: o.Label(), Title: o.Name}}, pick.Opts...)
	}
}

// evaSubjectPick offers the owner's direct children as organization
// subjects — the villages and communities of a township, the townships of
// a county — those already rated greyed out; anything deeper in the
// owner's subtree is reached by its number.
func (h *Handler) evaSubjectPick(ctx context.Context, actor access.Actor, owner org.Org, subs []evaluation.Subject, posted string) evaOrgPick {
	if owner.ID == 0 {
		return evaOrgPick{Only: true}
	}
	kids, total, err := h.Orgs.List(ctx, actor, org.ListQuery{Under: owner.ID, ChildrenOnly: true, Limit: evaPickMax + 1})
	if err != nil || total == 0 || total > evaPickMax {
		return evaOrgPick{Only: true}
	}
	rated := map[int64]bool{}
	for _, s := range subs {
		if s.OrgID != nil {
			rated[*s.OrgID] = true
		}
	}
	pick := evaOrgPick{Other: true}
	for _, o := range orgTreeOpts([]org.Org{owner}, kids)[1:] {
		o.Label = strings.TrimPrefix(o.Label, "\u3000")
		id, _ := strconv.ParseInt(o.Value, 10, 64)
		o.Disabled = rated[id]
		pick.Opts = append(pick.Opts, o)
	}
	h.evaKeepPosted(ctx, actor, &pick, posted)
	return pick
}
