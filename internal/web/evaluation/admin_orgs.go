package evaluation

import (
	"context"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// evaScopeRoots returns the organizations at the top of the subtrees in
// which the actor may run campaigns, the actor's own first.
func (h *Pages) evaScopeRoots(ctx context.Context, actor access.Actor) []org.Org {
	if actor.Unrestricted() {
		roots, _ := h.Orgs.Roots(ctx, actor)
		return roots
	}
	var roots []org.Org
	for _, p := range actor.Scopes(evaluation.EvaluationManage) {
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
func (h *Pages) evaOwnerPick(ctx context.Context, actor access.Actor, posted string) web.OrgPick {
	roots := h.evaScopeRoots(ctx, actor)
	if len(roots) == 0 {
		return web.OrgPick{Only: true}
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
				if web.LevelRank(q.level) <= web.LevelRank(r.Level) && q.level != "unit" {
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
	pick := web.OrgPick{}
	rest, ok := collect(upper, web.PickMax-len(roots))
	if !ok {
		return web.OrgPick{Only: true}
	}
	if more, ok := collect(lower, web.PickMax-len(roots)-len(rest)); ok {
		rest = append(rest, more...)
	} else {
		pick.Other = true
	}
	pick.Opts = web.OrgTreeOpts(roots, rest)
	h.KeepPosted(ctx, actor, &pick, posted)
	return pick
}

// evaSubjectPick offers the owner's direct children as organization
// subjects — the villages and communities of a township, the townships of
// a county — those already rated greyed out; anything deeper in the
// owner's subtree is reached by its number.
func (h *Pages) evaSubjectPick(ctx context.Context, actor access.Actor, owner org.Org, subs []evaluation.Subject, posted string) web.OrgPick {
	if owner.ID == 0 {
		return web.OrgPick{Only: true}
	}
	kids, total, err := h.Orgs.List(ctx, actor, org.ListQuery{Under: owner.ID, ChildrenOnly: true, Limit: web.PickMax + 1})
	if err != nil || total == 0 || total > web.PickMax {
		return web.OrgPick{Only: true}
	}
	rated := map[int64]bool{}
	for _, s := range subs {
		if s.OrgID != nil {
			rated[*s.OrgID] = true
		}
	}
	pick := web.OrgPick{Other: true}
	for _, o := range web.OrgTreeOpts([]org.Org{owner}, kids)[1:] {
		o.Label = strings.TrimPrefix(o.Label, "\u3000")
		id, _ := strconv.ParseInt(o.Value, 10, 64)
		o.Disabled = rated[id]
		pick.Opts = append(pick.Opts, o)
	}
	h.KeepPosted(ctx, actor, &pick, posted)
	return pick
}
