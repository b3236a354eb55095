package evaluation

import (
	"context"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
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

// evaOrgOpt is an organization of the "add every organization under" select.
type evaOrgOpt struct{ Value, Label, Title string }

// evaUnderPick offers, for "add every organization under", the owner and
// its direct children in the tree's order.
func (h *Pages) evaUnderPick(ctx context.Context, actor access.Actor, owner org.Org) []evaOrgOpt {
	if owner.ID == 0 {
		return nil
	}
	opts := []evaOrgOpt{{Value: strconv.FormatInt(owner.ID, 10), Label: owner.Label()}}
	kids, _, err := h.Orgs.List(ctx, actor, org.ListQuery{Under: owner.ID, ChildrenOnly: true, Limit: 400, Sort: "tree"})
	if err != nil {
		return opts
	}
	for _, o := range kids {
		opt := evaOrgOpt{Value: strconv.FormatInt(o.ID, 10), Label: "\u3000" + o.Label()}
		if o.Label() != o.Name {
			opt.Title = o.Name
		}
		opts = append(opts, opt)
	}
	return opts
}
