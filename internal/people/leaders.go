package people

import (
	"context"
	"slices"
	"strings"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// leaders finds the secretaries of organizations — or, where there is
// none, their first secretaries — for org.Service.Leaders, 500 ids to a
// query.
func (s *Service) leaders(ctx context.Context, ids []int64) (map[int64]org.Leader, error) {
	out := map[int64]org.Leader{}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, `SELECT po.org_id, po.post, p.name FROM posts po JOIN persons p ON p.id = po.person_id
			WHERE po.ended_on IS NULL AND po.post IN ('secretary', 'first_secretary') AND po.org_id IN (`+db.Marks(len(part))+`)
			ORDER BY po.org_id, po.post DESC`, args...)
		if err != nil {
			return nil, errs.Wrap(err, "leaders")
		}
		for rows.Next() {
			var id int64
			var post, name string
			if err := rows.Scan(&id, &post, &name); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "scan leader")
			}
			// "secretary" sorts after "first_secretary" descending, so
			// the secretary comes first and stays.
			if _, ok := out[id]; !ok {
				out[id] = org.Leader{Name: name, Post: i18n.Text{ZH: org.LabelOf(PostKinds, post, i18n.ZH), EN: org.LabelOf(PostKinds, post, i18n.EN)}}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "leaders")
		}
	}
	return out, nil
}

// cadres lists the holders of the organization's current posts for
// org.Service.Cadres, in the order of PostKinds and then of names.
func (s *Service) cadres(ctx context.Context, orgID int64) ([]org.Cadre, error) {
	rows, err := s.db.Query(ctx, `SELECT po.person_id, po.post, p.name, p.name_key FROM posts po JOIN persons p ON p.id = po.person_id
		WHERE po.ended_on IS NULL AND po.org_id = ?`, orgID)
	if err != nil {
		return nil, errs.Wrap(err, "cadres")
	}
	defer rows.Close()
	type row struct {
		c    org.Cadre
		rank int
		key  string
	}
	var all []row
	for rows.Next() {
		var r row
		var post string
		if err := rows.Scan(&r.c.PersonID, &post, &r.c.Name, &r.key); err != nil {
			return nil, errs.Wrap(err, "scan cadre")
		}
		r.c.OrgID = orgID
		r.c.Post = i18n.Text{ZH: org.LabelOf(PostKinds, post, i18n.ZH), EN: org.LabelOf(PostKinds, post, i18n.EN)}
		r.rank = slices.IndexFunc(PostKinds, func(c org.Choice) bool { return c.Key == post })
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "cadres")
	}
	slices.SortFunc(all, func(a, b row) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.key, b.key)
	})
	out := make([]org.Cadre, len(all))
	for i, r := range all {
		out[i] = r.c
	}
	return out, nil
}

// memberCountSQL is the register's member count of one kind in the subtree
// of the organization in orgCol, for org.Service.MemberCountSQL. The kind
// is one of the two the register keeps; anything else counts nobody.
func memberCountSQL(orgCol, kind string) string {
	if kind != "full" && kind != "probationary" {
		return "0"
	}
	return "(SELECT COALESCE(SUM(pa.n), 0) FROM people_agg pa WHERE pa.org_id = " + orgCol + " AND pa.dim = 'kind' AND pa.val = '" + kind + "')"
}
