package org

import (
	"context"
	"sort"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// ListQuery selects organizations. Under restricts to a subtree (0: all of
// the actor's scopes); ChildrenOnly to the direct children of Under.
type ListQuery struct {
	Under        int64
	ChildrenOnly bool
	Q            string
	RegionCode   string
	Kind         string
	Category     string
	Level        string
	Status       string // "" or "active", "dissolved", "all"
	Unconfirmed  bool
	Sort         string // "code" (default), "name", "-name", "kind", "created", "-created", "tree", "relevance"
	Limit        int
	Offset       int
}

// pinyinSortMax is the largest result that is sorted by pinyin in Go; larger
// results fall back to the database's code-point order.
const pinyinSortMax = 5000

// List returns the organizations matching q that the actor may read, and
// their total count.
func (s *Service) List(ctx context.Context, actor access.Actor, q ListQuery) ([]Org, int, error) {
	scope, args := actor.ScopeSQL("path", access.OrgRead)
	where := []string{scope}
	add := func(cond string, vs ...any) { where = append(where, cond); args = append(args, vs...) }
	if q.Under != 0 {
		root, err := s.Get(ctx, actor, q.Under)
		if err != nil {
			return nil, 0, err
		}
		if q.ChildrenOnly {
			add("parent_id = ?", root.ID)
		} else {
			add(access.InSubtree("path", root.Path))
		}
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		like := db.Contains(q.Q)
		add("(name LIKE ? OR short_name LIKE ? OR region_code = ?)", like, like, q.Q)
	}
	if q.RegionCode != "" {
		add("region_code = ?", q.RegionCode)
	}
	if q.Kind != "" {
		add("kind = ?", q.Kind)
	}
	if q.Category != "" {
		add("category = ?", q.Category)
	}
	if q.Level != "" {
		add("level = ?", q.Level)
	}
	switch q.Status {
	case "", StatusActive:
		add("status = ?", StatusActive)
	case StatusDissolved:
		add("status = ?", StatusDissolved)
	case "all":
	default:
		return nil, 0, errs.Field("status", "状态只能是 active、dissolved 或 all", "status must be active, dissolved or all")
	}
	if q.Unconfirmed {
		add("kind_confirmed = ?", false)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count orgs")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	byName := q.Sort == "name" || q.Sort == "-name"
	order := map[string]string{
		"": "COALESCE(region_code, ''), id", "code": "COALESCE(region_code, ''), id", "-code": "COALESCE(region_code, '') DESC, id DESC",
		"name": "name, id", "-name": "name DESC, id DESC",
		"kind": "kind, COALESCE(region_code, ''), id", "-kind": "kind DESC, COALESCE(region_code, ''), id",
		"created": "id", "-created": "id DESC",
		// The tree: the organizations of divisions (villages, communities,
		// townships) first in code order, then those of workplaces (两新
		// branches, organs, schools) in the order they were added.
		"tree": "CASE WHEN COALESCE(region_code, '') = '' THEN 1 ELSE 0 END, COALESCE(region_code, ''), id",
	}[q.Sort]
	var orderArgs []any
	if q.Sort == "relevance" {
		// A search's best matches first: the name itself, then names that
		// start with the words, then the rest; the higher organization of
		// equal matches first (兴宁区委 before 兴宁社区), then the tree order.
		order = "depth, CASE WHEN COALESCE(region_code, '') = '' THEN 1 ELSE 0 END, COALESCE(region_code, ''), id"
		if q.Q != "" {
			prefix := db.Prefix(q.Q)
			order = "CASE WHEN name = ? OR short_name = ? THEN 0 WHEN name LIKE ? OR short_name LIKE ? THEN 1 ELSE 2 END, " + order
			orderArgs = []any{q.Q, q.Q, prefix, prefix}
		}
	}
	if order == "" {
		return nil, 0, errs.Field("sort", "排序方式不正确：可用 code、-code、name、-name、kind、-kind、created、-created、relevance",
			"unknown sort: use code, -code, name, -name, kind, -kind, created, -created or relevance")
	}
	var out []Org
	if byName && total <= pinyinSortMax {
		rows, err := s.db.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE "+w, args...)
		if err != nil {
			return nil, 0, errs.Wrap(err, "list orgs")
		}
		all, err := collect(rows)
		if err != nil {
			return nil, 0, err
		}
		SortByName(all, q.Sort == "-name")
		if q.Offset < len(all) {
			out = all[q.Offset:min(len(all), q.Offset+limit)]
		}
	} else {
		rows, err := s.db.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE "+w+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(append(args, orderArgs...), limit, q.Offset)...)
		if err != nil {
			return nil, 0, errs.Wrap(err, "list orgs")
		}
		if out, err = collect(rows); err != nil {
			return nil, 0, err
		}
	}
	return out, total, s.fillTotals(ctx, out)
}

// SortByName sorts organizations in pinyin order of their names.
func SortByName(os []Org, desc bool) {
	c := collate.New(language.SimplifiedChinese)
	keys := make(map[int64][]byte, len(os))
	var buf collate.Buffer
	for _, o := range os {
		keys[o.ID] = append([]byte(nil), c.KeyFromString(&buf, o.Name)...)
		buf.Reset()
	}
	sort.SliceStable(os, func(i, j int) bool {
		r := strings.Compare(string(keys[os[i].ID]), string(keys[os[j].ID]))
		if desc {
			return r > 0
		}
		return r < 0
	})
}

// fillTotals sets SubtreeTotal from the aggregates.
func (s *Service) fillTotals(ctx context.Context, os []Org) error {
	if len(os) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(os))
	for i, o := range os {
		idx[o.ID] = i
		args[i] = o.ID
		if o.Active() {
			os[i].SubtreeTotal = 1
		}
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(os)), ",")
	rows, err := s.db.Query(ctx, "SELECT org_id, SUM(n) FROM org_agg WHERE org_id IN ("+ph+") GROUP BY org_id", args...)
	if err != nil {
		return errs.Wrap(err, "subtree totals")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return errs.Wrap(err, "scan totals")
		}
		os[idx[id]].SubtreeTotal += n
	}
	return errs.Wrap(rows.Err(), "totals rows")
}
