package people

import (
	"context"

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

// memberCountSQL is the register's member count of one kind in the subtree
// of the organization in orgCol, for org.Service.MemberCountSQL. The kind
// is one of the two the register keeps; anything else counts nobody.
func memberCountSQL(orgCol, kind string) string {
	if kind != "full" && kind != "probationary" {
		return "0"
	}
	return "(SELECT COALESCE(SUM(pa.n), 0) FROM people_agg pa WHERE pa.org_id = " + orgCol + " AND pa.dim = 'kind' AND pa.val = '" + kind + "')"
}
