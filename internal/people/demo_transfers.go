package people

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/org"
)

// seedTransfers has some members of the demo move: to organizations in
// other counties (some awaiting the receiving side, some accepted, some
// rejected) and out of the system to where many of Nanning's members go
// to work. It goes through the service, as a department would.
func seedTransfers(ctx context.Context, s *Service, r *rand.Rand, all []org.Org, today time.Time) (int, error) {
	sys := access.SystemActor("demo")
	// Members without posts: a cadre's move is a matter of its own.
	rows, err := s.db.Query(ctx, `SELECT person_id, org_id FROM memberships m WHERE active = ? AND status = 'normal'
		AND NOT EXISTS (SELECT 1 FROM posts po WHERE po.person_id = m.person_id AND po.ended_on IS NULL) ORDER BY person_id`, true)
	if err != nil {
		return 0, err
	}
	type member struct{ person, org int64 }
	var ms []member
	for rows.Next() {
		var m member
		if err := rows.Scan(&m.person, &m.org); err != nil {
			rows.Close()
			return 0, err
		}
		ms = append(ms, m)
	}
	rows.Close()
	var villages []org.Org
	for _, o := range all {
		if o.Level == "village" && o.Active() {
			villages = append(villages, o)
		}
	}
	if len(ms) == 0 || len(villages) == 0 {
		return 0, nil
	}
	reasons := []string{"工作调动", "随迁家属", "考入公务员", "外出务工", "退休回原籍"}
	out := []string{"中共广东省深圳市宝安区新安街道工作委员会", "中共广东省广州市白云区委组织部", "中共广东省东莞市长安镇委员会", "中共浙江省宁波市鄞州区委组织部", "中共海南省海口市龙华区委组织部"}
	n := 0
	for i := range 80 {
		m := ms[r.IntN(len(ms))]
		on := today.AddDate(0, 0, -r.IntN(60)).Format(dateLayout)
		in := TransferInput{OnDate: on, Note: reasons[r.IntN(len(reasons))]}
		if i%5 == 4 {
			in.OutTo = out[r.IntN(len(out))]
		} else {
			for in.ToOrgID == 0 || in.ToOrgID == m.org {
				in.ToOrgID = villages[r.IntN(len(villages))].ID
			}
		}
		t, err := s.RequestTransfer(ctx, sys, m.person, in)
		if err != nil {
			continue // drawn twice, or before the membership began: skip it
		}
		n++
		switch {
		case t.State != "pending":
		case i%5 == 1:
			if _, err := s.AcceptTransfer(ctx, sys, t.ID, today.AddDate(0, 0, -r.IntN(max(1, int(today.Sub(mustDate(on)).Hours()/24)))).Format(dateLayout)); err != nil {
				return n, fmt.Errorf("accept: %w", err)
			}
		case i%5 == 3 && r.IntN(2) == 0:
			if _, err := s.RejectTransfer(ctx, sys, t.ID, "介绍信所列接收单位有误，请核实后重新办理"); err != nil {
				return n, fmt.Errorf("reject: %w", err)
			}
		}
	}
	return n, nil
}
