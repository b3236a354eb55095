package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Reasons a unit is closed.
const (
	CloseDeregistered = "deregistered" // 注销
	CloseRevoked      = "revoked"      // 吊销
	CloseMoved        = "moved"        // 迁出本地
	CloseOther        = "other"        // 其他: the note says what
)

// CloseReasons lists the reasons a unit is closed with their labels.
var CloseReasons = []org.Choice{
	{Key: CloseDeregistered, Text: i18n.Text{ZH: "注销", EN: "Deregistered"}},
	{Key: CloseRevoked, Text: i18n.Text{ZH: "吊销", EN: "Licence revoked"}},
	{Key: CloseMoved, Text: i18n.Text{ZH: "迁出本地", EN: "Moved away"}},
	{Key: CloseOther, Text: i18n.Text{ZH: "其他", EN: "Other"}},
}

// CloseInput closes a unit: why, from when (2006-01-02, not in the
// future) and a note, required when the reason is other.
type CloseInput struct {
	Reason      string `json:"reason"`
	EffectiveOn string `json:"effective_on"`
	Note        string `json:"note"`
}

// ReopenInput reopens a closed unit; the note says why.
type ReopenInput struct {
	Note string `json:"note"`
}

// today is the current date in Asia/Shanghai, the date users see.
func (s *Service) today() string { return s.now().In(org.Shanghai).Format("2006-01-02") }

// validate normalises in and reports every problem at once; today gives the
// date no closure may come after.
func (in *CloseInput) validate(today func() string) error {
	var f errs.Fields
	in.Note = strings.TrimSpace(in.Note)
	in.EffectiveOn = strings.TrimSpace(in.EffectiveOn)
	if k, ok := org.KeyOf(CloseReasons, in.Reason); ok {
		in.Reason = k
	} else {
		f.Add("reason", "请选择注销原因：注销、吊销、迁出本地 或 其他", "choose why the unit is closed: deregistered, licence revoked, moved away or other")
	}
	switch d, err := time.Parse("2006-01-02", in.EffectiveOn); {
	case in.EffectiveOn == "":
		f.Add("effective_on", "请填写生效日期，如 "+today(), "enter the date it took effect, e.g. "+today())
	case err != nil:
		f.Add("effective_on", fmt.Sprintf("生效日期“%s”格式不正确，应为 年-月-日，如 %s", in.EffectiveOn, today()),
			fmt.Sprintf("the date %q is not valid: write it as year-month-day, e.g. %s", in.EffectiveOn, today()))
	case d.Format("2006-01-02") > today():
		f.Add("effective_on", fmt.Sprintf("生效日期 %s 晚于今天（%s），请填写已经生效的日期", in.EffectiveOn, today()),
			fmt.Sprintf("the date %s is after today (%s): enter the date it already took effect", in.EffectiveOn, today()))
	}
	if n := len([]rune(in.Note)); n > 500 {
		f.Add("note", fmt.Sprintf("说明最多 500 个字，现有 %d 个", n), fmt.Sprintf("the note may have at most 500 characters, it has %d", n))
	} else if in.Reason == CloseOther && in.Note == "" {
		f.Add("note", "注销原因为“其他”时，请在说明中写明具体原因", "the reason is \"other\": say in the note what it is")
	}
	return f.Err()
}

// manageable loads a unit for a change: outside the actor's scope it is not
// found, within it the actor needs unit.manage.
func manageable(ctx context.Context, tx *db.Tx, actor access.Actor, id int64) (Unit, error) {
	u, err := lockUnit(ctx, tx, id)
	if err != nil {
		return Unit{}, err
	}
	if !actor.Can(UnitRead, u.affPath) {
		return Unit{}, unitNotFound(id)
	}
	if !actor.Can(UnitManage, u.affPath) {
		return Unit{}, errs.New(errs.Forbidden, "您没有修改该单位的权限", "you may not change this unit")
	}
	return u, nil
}

// Close marks a unit closed (注销、吊销、迁出本地 …). A closed unit keeps its
// coverage and its history but leaves the rates: its count moves out of the
// aggregates of its leading organization and every ancestor.
func (s *Service) Close(ctx context.Context, actor access.Actor, id int64, in CloseInput) (Unit, error) {
	err := s.unitTx(ctx, func(tx *db.Tx) error {
		u, err := manageable(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if u.Status != "active" {
			return errs.Newf(errs.Conflict, "“%s”已注销，不能重复注销", "%q is already closed", u.Name)
		}
		if err := in.validate(s.today); err != nil {
			return err
		}
		now := db.FormatTime(s.now())
		// The status in the condition keeps two concurrent closings from
		// both taking the unit out of the aggregates.
		res, err := tx.Exec(ctx, "UPDATE units SET status = 'closed', updated_at = ?, version = version + 1 WHERE id = ? AND status = 'active'", now, id)
		if err != nil {
			return errs.Wrap(err, "close unit")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.Newf(errs.Conflict, "“%s”已注销，不能重复注销", "%q is already closed", u.Name)
		}
		reason := org.LabelOf(CloseReasons, in.Reason, "")
		note := fmt.Sprintf("注销（%s），%s 起", reason, in.EffectiveOn)
		if in.Note != "" {
			note += "：" + in.Note
		}
		if err := history(ctx, tx, actor, u, u.Coverage, u.CoverageOrgID, u.Instructor, now, note); err != nil {
			return err
		}
		if err := bump(ctx, tx, u.affPath, aggUnit{u.Category, u.SizeClass, u.Industry}, u.Coverage, -1); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "unit.close", TargetType: "unit", TargetID: strconv.FormatInt(id, 10), OrgPath: u.affPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("两新组织 %s（%s）%s，%s 起", u.Name, u.CreditCode, reason, in.EffectiveOn),
				EN: fmt.Sprintf("unit %s (%s) closed: %s, from %s", u.Name, u.CreditCode, org.LabelOf(CloseReasons, in.Reason, i18n.EN), in.EffectiveOn)},
			Before: map[string]any{"status": u.Status},
			After:  map[string]any{"status": "closed", "reason": in.Reason, "effective_on": in.EffectiveOn, "note": in.Note}})
	})
	if err != nil {
		return Unit{}, err
	}
	return s.Get(ctx, actor, id)
}

// Reopen makes a closed unit active again and counts it in the rates once
// more. Its leading organization must still exist; when the organization
// that covered it was dissolved meanwhile, or has since become the own
// organization of another unit, the unit comes back uncovered.
func (s *Service) Reopen(ctx context.Context, actor access.Actor, id int64, in ReopenInput) (Unit, error) {
	in.Note = strings.TrimSpace(in.Note)
	err := s.unitTx(ctx, func(tx *db.Tx) error {
		u, err := manageable(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if u.Status == "active" {
			return errs.Newf(errs.Conflict, "“%s”未注销，无需恢复", "%q is not closed", u.Name)
		}
		switch n := len([]rune(in.Note)); {
		case n == 0:
			return errs.Field("note", "请填写恢复的原因，如“注销有误，经核实仍在经营”", "say why the unit is reopened, e.g. \"closed by mistake, still trading\"")
		case n > 500:
			return errs.Field("note", fmt.Sprintf("说明最多 500 个字，现有 %d 个", n), fmt.Sprintf("the note may have at most 500 characters, it has %d", n))
		}
		aff, err := org.Lookup(ctx, tx, u.AffiliationOrgID)
		if err != nil {
			return errs.Wrap(err, "affiliation status")
		}
		if !aff.Active() {
			return errs.Newf(errs.Conflict, "隶属党组织“%s”已撤销，请先修改该单位的隶属党组织再恢复", "the leading organization %q is dissolved: change the unit's leading organization first", u.AffiliationName)
		}
		cov, covOrg, instr := u.Coverage, u.CoverageOrgID, u.Instructor
		note := "恢复：" + in.Note
		if lost, err := coverageLost(ctx, tx, u); err != nil {
			return err
		} else if lost != "" {
			cov, covOrg, instr = None, nil, ""
			note += "（" + lost + "，覆盖方式改为未覆盖）"
		}
		now := db.FormatTime(s.now())
		res, err := tx.Exec(ctx, "UPDATE units SET status = 'active', coverage = ?, coverage_org_id = ?, instructor = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = 'closed'",
			cov, nullable(covOrg), instr, now, id)
		if err != nil {
			return errs.Wrap(err, "reopen unit")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.Newf(errs.Conflict, "“%s”未注销，无需恢复", "%q is not closed", u.Name)
		}
		if err := history(ctx, tx, actor, u, cov, covOrg, instr, now, note); err != nil {
			return err
		}
		if err := bump(ctx, tx, u.affPath, aggUnit{u.Category, u.SizeClass, u.Industry}, cov, 1); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "unit.reopen", TargetType: "unit", TargetID: strconv.FormatInt(id, 10), OrgPath: u.affPath,
			Summary: i18n.Textf("恢复两新组织 %s（%s）", "reopened the unit %s (%s)", u.Name, u.CreditCode),
			Before:  map[string]any{"status": u.Status, "coverage": u.Coverage, "org_id": u.CoverageOrgID},
			After:   map[string]any{"status": "active", "coverage": cov, "org_id": covOrg, "note": in.Note}})
	})
	if err != nil {
		return Unit{}, err
	}
	return s.Get(ctx, actor, id)
}

// coverageLost says why a closed unit's own or joint coverage cannot come
// back with it, or "" when it can.
func coverageLost(ctx context.Context, tx *db.Tx, u Unit) (string, error) {
	if (u.Coverage != Own && u.Coverage != Joint) || u.CoverageOrgID == nil {
		return "", nil
	}
	c, err := org.Lookup(ctx, tx, *u.CoverageOrgID)
	if err != nil {
		return "", errs.Wrap(err, "coverage org status")
	}
	if !c.Active() {
		return "原党组织“" + u.CoverageOrgName + "”已撤销", nil
	}
	if u.Coverage == Own {
		var other string
		err := tx.QueryRow(ctx, "SELECT name FROM units WHERE coverage_org_id = ? AND coverage = 'own' AND id <> ? AND status = 'active'", *u.CoverageOrgID, u.ID).Scan(&other)
		if err == nil {
			return "原党组织已是“" + other + "”单独组建的党组织", nil
		}
		if err != sql.ErrNoRows {
			return "", errs.Wrap(err, "own check")
		}
	}
	return "", nil
}

// history records a state of a unit in its coverage history.
func history(ctx context.Context, tx *db.Tx, actor access.Actor, u Unit, cov string, covOrg *int64, instructor, at, note string) error {
	_, err := tx.Exec(ctx, "INSERT INTO unit_coverage_history (unit_id, coverage, coverage_org_id, instructor, changed_at, actor_name, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
		u.ID, cov, nullable(covOrg), instructor, at, actor.Username, note)
	return errs.Wrap(err, "history")
}

func nullable(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}
