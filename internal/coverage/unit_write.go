package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// duplicate answers a credit code that is already registered, naming the
// existing unit only when the actor may see it.
func (s *Service) duplicate(ctx context.Context, tx *db.Tx, actor access.Actor, code string, except int64) error {
	var id int64
	var name, path string
	err := tx.QueryRow(ctx, "SELECT u.id, u.name, "+org.PathCol("a")+" FROM units u"+org.Join("a", "u.affiliation_org_id")+" WHERE u.credit_code = ? AND u.id <> ?", code, except).Scan(&id, &name, &path)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, "duplicate check")
	}
	if actor.Can(UnitRead, path) {
		return &errs.Error{Kind: errs.Conflict, Field: "credit_code",
			Text: i18n.Text{ZH: fmt.Sprintf("统一社会信用代码 %s 已登记：%s（编号 %d）", code, name, id),
				EN: fmt.Sprintf("credit code %s is already registered: %s (id %d)", code, name, id)}}
	}
	return &errs.Error{Kind: errs.Conflict, Field: "credit_code",
		Text: i18n.Text{ZH: fmt.Sprintf("统一社会信用代码 %s 已由其他党组织登记，请联系上级组织部门核实隶属关系", code),
			EN: fmt.Sprintf("credit code %s is already registered by another organization: ask the department above to check the affiliation", code)}}
}

// Create registers a unit, not yet covered.
func (s *Service) Create(ctx context.Context, actor access.Actor, in Input) (Unit, error) {
	// Permission before the fields; the transaction checks again.
	if !actor.CanAnywhere(UnitManage) {
		return Unit{}, errNoManage
	}
	if in.AffiliationOrgID != 0 {
		if _, err := s.affiliation(ctx, s.db, actor, in.AffiliationOrgID); err != nil {
			return Unit{}, err
		}
	}
	if err := s.validate(&in); err != nil {
		return Unit{}, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return Unit{}, err
	}
	var id int64
	err = s.unitTx(ctx, func(tx *db.Tx) error {
		id, err = s.createTx(ctx, tx, actor, in, st)
		return err
	})
	if err != nil {
		return Unit{}, err
	}
	return s.Get(ctx, actor, id)
}

func (s *Service) createTx(ctx context.Context, tx *db.Tx, actor access.Actor, in Input, st Settings) (int64, error) {
	path, err := s.affiliation(ctx, tx, actor, in.AffiliationOrgID)
	if err != nil {
		return 0, err
	}
	if err := s.duplicate(ctx, tx, actor, in.CreditCode, 0); err != nil {
		return 0, err
	}
	now := db.FormatTime(s.now())
	size := sizeClass(in.Employees, st)
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO units (credit_code, name, category, category_confirmed, industry, employees, size_class, region_code, province, address,
		legal_rep, legal_rep_member, full_members, probationary_members, affiliation_org_id, coverage, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'none', 'active', ?, ?) RETURNING id`,
		in.CreditCode, in.Name, in.Category, false, in.Industry, in.Employees, size, in.RegionCode, org.ProvinceOf(in.RegionCode), in.Address,
		in.LegalRep, in.LegalRepMember, in.FullMembers, in.ProbationaryMembers, in.AffiliationOrgID, now, now).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, s.duplicate(ctx, tx, actor, in.CreditCode, 0)
	}
	if err != nil {
		return 0, errs.Wrap(err, "insert unit")
	}
	if _, err := tx.Exec(ctx, "INSERT INTO unit_coverage_history (unit_id, coverage, changed_at, actor_name, note) VALUES (?, 'none', ?, ?, '登记')", id, now, actor.Username); err != nil {
		return 0, errs.Wrap(err, "history")
	}
	if err := bump(ctx, tx, path, aggUnit{in.Category, size, in.Industry}, None, 1); err != nil {
		return 0, err
	}
	return id, audit.Write(ctx, tx, actor, audit.Entry{Action: "unit.create", TargetType: "unit", TargetID: strconv.FormatInt(id, 10),
		OrgPath: path, Summary: i18n.Textf("登记两新组织 %s（%s）", "registered the unit %s (%s)", in.Name, in.CreditCode), After: in})
}

// Patch holds the fields of an update; nil fields stay as they are.
type Patch struct {
	CreditCode          *string `json:"credit_code"`
	Name                *string `json:"name"`
	Category            *string `json:"category"`
	CategoryConfirmed   *bool   `json:"category_confirmed"`
	Industry            *string `json:"industry"`
	Employees           *int    `json:"employees"`
	RegionCode          *string `json:"region_code"`
	Address             *string `json:"address"`
	LegalRep            *string `json:"legal_rep"`
	LegalRepMember      *bool   `json:"legal_rep_member"`
	FullMembers         *int    `json:"full_members"`
	ProbationaryMembers *int    `json:"probationary_members"`
	AffiliationOrgID    *int64  `json:"affiliation_org_id"`
	// Version is the version the edit was made from; when given and no
	// longer current, the edit is refused and nothing changes.
	Version *int `json:"version"`
}

// Update changes a unit. Moving its affiliation needs unit.manage on both
// the old and the new organization; saving a category confirms it.
func (s *Service) Update(ctx context.Context, actor access.Actor, id int64, p Patch) (Unit, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return Unit{}, err
	}
	err = s.unitTx(ctx, func(tx *db.Tx) error {
		before, err := lockUnit(ctx, tx, id)
		if err != nil {
			return err
		}
		if !actor.Can(UnitRead, before.affPath) {
			return unitNotFound(id)
		}
		if !actor.Can(UnitManage, before.affPath) {
			return errs.New(errs.Forbidden, "您没有修改该单位的权限", "you may not change this unit")
		}
		if err := errs.CheckVersion(p.Version, before.Version); err != nil {
			return err
		}
		in := Input{CreditCode: before.CreditCode, Name: before.Name, Category: before.Category, Industry: before.Industry, Employees: before.Employees,
			RegionCode: before.RegionCode, Address: before.Address, LegalRep: before.LegalRep, LegalRepMember: before.LegalRepMember,
			FullMembers: before.FullMembers, ProbationaryMembers: before.ProbationaryMembers, AffiliationOrgID: before.AffiliationOrgID}
		confirmed := before.CategoryConfirmed
		setS := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		setI := func(dst *int, v *int) {
			if v != nil {
				*dst = *v
			}
		}
		setS(&in.CreditCode, p.CreditCode)
		setS(&in.Name, p.Name)
		setS(&in.Industry, p.Industry)
		setS(&in.RegionCode, p.RegionCode)
		setS(&in.Address, p.Address)
		setS(&in.LegalRep, p.LegalRep)
		setI(&in.Employees, p.Employees)
		setI(&in.FullMembers, p.FullMembers)
		setI(&in.ProbationaryMembers, p.ProbationaryMembers)
		if p.Category != nil {
			in.Category, confirmed = *p.Category, true
		}
		if p.CategoryConfirmed != nil {
			confirmed = *p.CategoryConfirmed
		}
		if p.LegalRepMember != nil {
			in.LegalRepMember = *p.LegalRepMember
		}
		if p.AffiliationOrgID != nil {
			in.AffiliationOrgID = *p.AffiliationOrgID
		}
		if err := s.validate(&in); err != nil {
			return err
		}
		path := before.affPath
		if in.AffiliationOrgID != before.AffiliationOrgID {
			if path, err = s.affiliation(ctx, tx, actor, in.AffiliationOrgID); err != nil {
				return err
			}
		}
		if in.CreditCode != before.CreditCode {
			if err := s.duplicate(ctx, tx, actor, in.CreditCode, id); err != nil {
				return err
			}
		}
		size := sizeClass(in.Employees, st)
		res, err := tx.Exec(ctx, `UPDATE units SET credit_code = ?, name = ?, category = ?, category_confirmed = ?, industry = ?, employees = ?, size_class = ?,
			region_code = ?, province = ?, address = ?, legal_rep = ?, legal_rep_member = ?, full_members = ?, probationary_members = ?, affiliation_org_id = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			in.CreditCode, in.Name, in.Category, confirmed, in.Industry, in.Employees, size, in.RegionCode, org.ProvinceOf(in.RegionCode), in.Address, in.LegalRep, in.LegalRepMember,
			in.FullMembers, in.ProbationaryMembers, in.AffiliationOrgID, db.FormatTime(s.now()), id, before.Version)
		if db.IsUniqueViolation(err) {
			return s.duplicate(ctx, tx, actor, in.CreditCode, id)
		}
		if err != nil {
			return errs.Wrap(err, "update unit")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.Stale()
		}
		old, cur := aggUnit{before.Category, before.SizeClass, before.Industry}, aggUnit{in.Category, size, in.Industry}
		if before.Status == "active" && (path != before.affPath || old != cur) {
			agg := map[aggKey]int{}
			addAgg(agg, before.affPath, old, before.Coverage, -1)
			addAgg(agg, path, cur, before.Coverage, 1)
			if err := bumpMany(ctx, tx, agg); err != nil {
				return err
			}
		}
		after, err := loadUnit(ctx, tx, id)
		if err != nil {
			return err
		}
		e := audit.Entry{Action: "unit.update", TargetType: "unit", TargetID: strconv.FormatInt(id, 10),
			OrgPath: path, Summary: i18n.Text{ZH: "修改两新组织 " + after.Name, EN: "edited the unit " + after.Name}, Before: before, After: after}
		if path != before.affPath {
			// Moved to another leading organization: the side it left sees
			// the entry that took it away.
			e.LeftFrom = before.affPath
		}
		return audit.Write(ctx, tx, actor, e)
	})
	if err != nil {
		return Unit{}, err
	}
	return s.Get(ctx, actor, id)
}

// CoverageInput sets how a unit is covered.
type CoverageInput struct {
	Coverage   string `json:"coverage"`
	OrgID      int64  `json:"org_id"`
	Instructor string `json:"instructor"`
	Note       string `json:"note"`
	// Version is the version of the unit the change was made from; when
	// given and no longer current, nothing changes (as with Patch.Version).
	Version *int `json:"version"`
}

// SetCoverage changes how a unit is covered and records the change in its
// history: own needs the unit's own organization (a branch, general branch
// or committee not yet covering another unit), joint a 联合党支部, instructor
// the instructor's name.
func (s *Service) SetCoverage(ctx context.Context, actor access.Actor, id int64, in CoverageInput) (Unit, error) {
	in.Instructor = strings.TrimSpace(in.Instructor)
	in.Note = strings.TrimSpace(in.Note)
	err := s.unitTx(ctx, func(tx *db.Tx) error {
		u, err := manageable(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := errs.CheckVersion(in.Version, u.Version); err != nil {
			return err
		}
		k, ok := org.KeyOf(Statuses, in.Coverage)
		if !ok {
			return errs.Field("coverage", "覆盖方式应为 单独组建、联合组建、选派党建指导员 或 未覆盖", "coverage must be own, joint, instructor or none")
		}
		in.Coverage = k
		if u.Status != "active" {
			return errs.Newf(errs.Conflict, "“%s”已注销，不能修改覆盖方式；如单位仍在经营，请先恢复", "%q is closed: reopen it before changing its coverage", u.Name)
		}
		var covOrg any
		switch in.Coverage {
		case Own, Joint:
			if in.OrgID == 0 {
				return errs.Field("org_id", "请选择该单位的党组织", "choose the unit's Party organization")
			}
			o, err := org.Lookup(ctx, tx, in.OrgID)
			kind, path := o.Kind, o.Path
			if err == sql.ErrNoRows || (err == nil && !actor.Can(access.OrgRead, path)) {
				return errs.Field("org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", in.OrgID), fmt.Sprintf("organization %d not found or outside your scope", in.OrgID))
			}
			if err != nil {
				return errs.Wrap(err, "coverage org")
			}
			if !o.Active() {
				return errs.Field("org_id", "该党组织已撤销", "that organization is dissolved")
			}
			if in.Coverage == Joint && kind != "joint_branch" {
				return errs.Field("org_id", "联合组建须关联一个联合党支部；请先在组织体系中建立联合党支部", "joint coverage needs a joint branch: create one first")
			}
			if in.Coverage == Own {
				if kind == "joint_branch" {
					return errs.Field("org_id", "联合党支部不能作为单独组建的党组织，请选择“联合组建”", "a joint branch is not a unit's own organization: choose joint coverage")
				}
				var other int64
				var otherName string
				err := tx.QueryRow(ctx, "SELECT id, name FROM units WHERE coverage_org_id = ? AND coverage = 'own' AND id <> ? AND status = 'active'", in.OrgID, id).Scan(&other, &otherName)
				if err == nil {
					return errs.Field("org_id", fmt.Sprintf("该党组织已是“%s”单独组建的党组织", otherName), fmt.Sprintf("that organization already is the own organization of %q", otherName))
				}
				if err != sql.ErrNoRows {
					return errs.Wrap(err, "own check")
				}
			}
			covOrg = in.OrgID
			in.Instructor = ""
		case Instructor:
			if in.Instructor == "" {
				return errs.Field("instructor", "请填写选派的党建指导员姓名", "enter the instructor's name")
			}
		case None:
			in.Instructor = ""
		}
		res, err := tx.Exec(ctx, "UPDATE units SET coverage = ?, coverage_org_id = ?, instructor = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			in.Coverage, covOrg, in.Instructor, db.FormatTime(s.now()), id, u.Version)
		if err != nil {
			return errs.Wrap(err, "set coverage")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.Stale()
		}
		if _, err := tx.Exec(ctx, "INSERT INTO unit_coverage_history (unit_id, coverage, coverage_org_id, instructor, changed_at, actor_name, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
			id, in.Coverage, covOrg, in.Instructor, db.FormatTime(s.now()), actor.Username, in.Note); err != nil {
			return errs.Wrap(err, "history")
		}
		if u.Coverage != in.Coverage {
			au := aggUnit{u.Category, u.SizeClass, u.Industry}
			agg := map[aggKey]int{}
			addAgg(agg, u.affPath, au, u.Coverage, -1)
			addAgg(agg, u.affPath, au, in.Coverage, 1)
			if err := bumpMany(ctx, tx, agg); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "unit.coverage", TargetType: "unit", TargetID: strconv.FormatInt(id, 10), OrgPath: u.affPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s 覆盖方式 %s → %s", u.Name, org.LabelOf(Statuses, u.Coverage, ""), org.LabelOf(Statuses, in.Coverage, "")),
				EN: fmt.Sprintf("%s coverage %s → %s", u.Name, org.LabelOf(Statuses, u.Coverage, i18n.EN), org.LabelOf(Statuses, in.Coverage, i18n.EN))},
			Before: map[string]any{"coverage": u.Coverage, "org_id": u.CoverageOrgID, "instructor": u.Instructor},
			After:  map[string]any{"coverage": in.Coverage, "org_id": covOrg, "instructor": in.Instructor}})
	})
	if err != nil {
		return Unit{}, err
	}
	return s.Get(ctx, actor, id)
}

// HistoryEntry is one recorded coverage state of a unit.
type HistoryEntry struct {
	Coverage   string `json:"coverage"`
	OrgID      *int64 `json:"org_id"`
	OrgName    string `json:"org_name"`
	Instructor string `json:"instructor"`
	ChangedAt  string `json:"changed_at"`
	Actor      string `json:"actor"`
	Note       string `json:"note"`
}

// History returns the coverage history of a unit, oldest first.
func (s *Service) History(ctx context.Context, actor access.Actor, id int64) ([]HistoryEntry, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT h.coverage, h.coverage_org_id, COALESCE(`+org.NameCol("o")+`, ''), h.instructor, h.changed_at, h.actor_name, h.note
		FROM unit_coverage_history h`+org.LeftJoin("o", "h.coverage_org_id")+` WHERE h.unit_id = ? ORDER BY h.id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "history")
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var oid sql.NullInt64
		if err := rows.Scan(&h.Coverage, &oid, &h.OrgName, &h.Instructor, &h.ChangedAt, &h.Actor, &h.Note); err != nil {
			return nil, errs.Wrap(err, "scan history")
		}
		if oid.Valid {
			v := oid.Int64
			h.OrgID = &v
		}
		out = append(out, h)
	}
	return out, errs.Wrap(rows.Err(), "history rows")
}
