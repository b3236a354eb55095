package coverage

import (
	"context"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// SetSettings changes the coverage settings. They hold for the whole system,
// so only administrators may change them; a new size threshold reclassifies
// every unit and rebuilds the aggregates in the same transaction.
func (s *Service) SetSettings(ctx context.Context, actor access.Actor, st Settings) (Settings, error) {
	if !actor.IsAdmin() {
		return Settings{}, errs.New(errs.Forbidden, "只有系统管理员可以修改两新覆盖的统计口径", "only administrators may change the coverage settings")
	}
	var f errs.Fields
	if st.SizeEmployees < 1 || st.SizeEmployees > 100000 {
		f.Add("size_employees", "规模以上的从业人数标准应为 1–100,000 之间的整数", "the size threshold must be 1–100,000 employees")
	}
	if st.JointMaxUnits < 2 || st.JointMaxUnits > 1000 {
		f.Add("joint_max_units", "联合党支部所联合单位的上限应为 2–1,000 之间的整数", "the joint-branch limit must be 2–1,000 units")
	}
	if err := f.Err(); err != nil {
		return Settings{}, err
	}
	before, err := s.Settings(ctx)
	if err != nil {
		return Settings{}, err
	}
	err = s.unitTx(ctx, func(tx *db.Tx) error {
		for k, v := range map[string]int{"coverage.size_employees": st.SizeEmployees, "coverage.joint_max_units": st.JointMaxUnits} {
			if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", k, strconv.Itoa(v)); err != nil {
				return errs.Wrap(err, "save setting")
			}
		}
		if st.SizeEmployees != before.SizeEmployees {
			if _, err := tx.Exec(ctx, "UPDATE units SET size_class = CASE WHEN employees >= ? THEN 'above' ELSE 'below' END", st.SizeEmployees); err != nil {
				return errs.Wrap(err, "reclassify units")
			}
			if err := rebuildAggregates(ctx, tx); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "coverage.settings", TargetType: "settings", TargetID: "coverage",
			Summary: i18n.Textf("两新覆盖统计口径：规模以上从业人数 %d → %d，联合党支部单位上限 %d → %d", "coverage settings: employees above size %d → %d, units per joint branch %d → %d", before.SizeEmployees, st.SizeEmployees, before.JointMaxUnits, st.JointMaxUnits),
			Before:  before, After: st})
	})
	if err != nil {
		return Settings{}, err
	}
	return st, nil
}

// rebuildAggregates recomputes coverage_agg from the units.
func rebuildAggregates(ctx context.Context, tx *db.Tx) error {
	rows, err := tx.Query(ctx, `SELECT `+org.PathCol("a")+`, u.category, u.size_class, u.industry, u.coverage, COUNT(*) FROM units u`+org.Join("a", "u.affiliation_org_id")+`
		WHERE u.status = 'active' GROUP BY `+org.PathCol("a")+`, u.category, u.size_class, u.industry, u.coverage`)
	if err != nil {
		return errs.Wrap(err, "regroup units")
	}
	agg := map[aggKey]int{}
	for rows.Next() {
		var path, cat, size, ind, cov string
		var n int
		if err := rows.Scan(&path, &cat, &size, &ind, &cov, &n); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan units")
		}
		for _, id := range org.PathIDs(path) {
			agg[aggKey{id, cat, size, ind, cov}] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "unit groups")
	}
	if _, err := tx.Exec(ctx, "DELETE FROM coverage_agg"); err != nil {
		return errs.Wrap(err, "clear aggregates")
	}
	return bumpMany(ctx, tx, agg)
}
