package web

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/org"
)

// PickMax is the most organizations a select offers; past it a list is
// cut short (the owner form) or replaced by the number field (both forms).
const PickMax = 400

// OrgOpt is one organization of a select, indented under its parent.
type OrgOpt struct {
	Value    string
	Label    string
	Title    string // the full name, when the label is the short one
	Disabled bool
}

// OrgPick is an organization field: a select of the organizations a user
// is likely to want and, when those are not every possibility, a number
// field for any other (collapsed, so the select stays the obvious way).
// Only means there were too many to list: the number field alone.
type OrgPick struct {
	Opts  []OrgOpt
	Other bool
	Only  bool
}

// Has reports whether v is one of the options.
func (p OrgPick) Has(v string) bool {
	for _, o := range p.Opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// LevelRank orders the levels from the nation down to the village, with
// the organizations of workplaces last.
func LevelRank(level string) int {
	for i, l := range org.Levels {
		if l.Key == level {
			return i
		}
	}
	return len(org.Levels)
}

// OrgTreeOpts lays organizations out as a tree under roots: each under its
// nearest listed ancestor, territorial ones first and in division-code
// order, every level indented by a full-width space (which, unlike an
// ordinary space, an <option> keeps).
func OrgTreeOpts(roots, rest []org.Org) []OrgOpt {
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
	var out []OrgOpt
	seen := map[int64]bool{}
	var walk func(o org.Org, depth int)
	walk = func(o org.Org, depth int) {
		if seen[o.ID] {
			return
		}
		seen[o.ID] = true
		opt := OrgOpt{Value: strconv.FormatInt(o.ID, 10), Label: strings.Repeat("\u3000", depth) + o.Label()}
		if o.Label() != o.Name {
			opt.Title = o.Name
		}
		out = append(out, opt)
		ks := kids[o.ID]
		sort.SliceStable(ks, func(i, j int) bool {
			a, b := ks[i], ks[j]
			if ra, rb := LevelRank(a.Level), LevelRank(b.Level); ra != rb {
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

// KeepPosted adds the organization a form was posted with when the
// select does not offer it, so that showing the form again keeps it.
func (k *Kit) KeepPosted(ctx context.Context, actor access.Actor, pick *OrgPick, posted string) {
	posted = strings.TrimSpace(posted)
	if posted == "" || pick.Only || pick.Has(posted) {
		return
	}
	id, err := strconv.ParseInt(posted, 10, 64)
	if err != nil {
		return
	}
	if o, err := k.Orgs.Get(ctx, actor, id); err == nil {
		pick.Opts = append([]OrgOpt{{Value: posted, Label: o.Label(), Title: o.Name}}, pick.Opts...)
	}
}
