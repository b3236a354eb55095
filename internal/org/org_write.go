package org

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/region"
)

// Input holds the editable fields of an organization, as typed.
type Input struct {
	ParentID   int64
	Name       string
	ShortName  string
	Kind       string
	Category   string
	RegionCode string
	FoundedOn  string
	Note       string
}

// validate normalises in and reports every problem at once.
func (s *Service) validate(in *Input) error {
	var f errs.Fields
	in.Name = strings.TrimSpace(in.Name)
	in.ShortName = strings.TrimSpace(in.ShortName)
	in.RegionCode = strings.TrimSpace(in.RegionCode)
	in.FoundedOn = strings.TrimSpace(in.FoundedOn)
	in.Note = strings.TrimSpace(in.Note)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		f.Add("name", "请填写党组织名称", "enter the organization's name")
	case n > 100:
		f.Add("name", fmt.Sprintf("名称最多 100 个字，现有 %d 个", n), fmt.Sprintf("the name may have at most 100 characters, it has %d", n))
	}
	if n := utf8.RuneCountInString(in.ShortName); n > 50 {
		f.Add("short_name", fmt.Sprintf("简称最多 50 个字，现有 %d 个", n), fmt.Sprintf("the short name may have at most 50 characters, it has %d", n))
	}
	if k, ok := KeyOf(Kinds, in.Kind); ok {
		in.Kind = k
	} else {
		f.Add("kind", "请选择组织类型（党委、党工委、党总支、党支部、联合党支部、临时党支部）", "choose a kind: committee, work committee, general branch, branch, joint branch or temporary branch")
	}
	if in.Category == "" {
		in.Category = "other"
	}
	if c, ok := KeyOf(Categories, in.Category); ok {
		in.Category = c
	} else {
		f.Add("category", "单位类别不正确：可选 机关、事业单位、国有企业、非公企业、社会组织、农村、社区、学校、其他", "unknown category")
	}
	if in.RegionCode != "" {
		if err := s.checkRegion(in.RegionCode); err != nil {
			e := errs.As(err)
			f.Add("region_code", e.ZH, e.EN)
		}
	}
	if in.FoundedOn != "" {
		d, err := time.Parse("2006-01-02", in.FoundedOn)
		switch {
		case err != nil:
			f.Add("founded_on", "成立日期应写成 年-月-日，例如 2024-07-01", "write the founding date as year-month-day, e.g. 2024-07-01")
		case d.After(s.now()):
			f.Add("founded_on", "成立日期不能晚于今天", "the founding date cannot be in the future")
		}
	}
	if n := utf8.RuneCountInString(in.Note); n > 2000 {
		f.Add("note", "备注最多 2000 个字", "the note may have at most 2000 characters")
	}
	return f.Err()
}

// checkRegion checks the format of a division code and that it exists.
func (s *Service) checkRegion(code string) error {
	if err := region.CheckCode(code); err != nil || code == "all" {
		return errs.Newf(errs.Invalid, "区划代码 %s 格式不正确：应为 2、4、6、9 或 12 位数字", "division code %s is malformed: use 2, 4, 6, 9 or 12 digits", code)
	}
	set, err := s.regions.Get()
	if err != nil {
		return errs.Wrap(err, "load regions")
	}
	if _, ok := set.Lookup(code); !ok {
		return errs.Newf(errs.Invalid, "区划代码 %s 不存在（2023 年统计用区划代码）", "division code %s does not exist (2023 statistical codes)", code)
	}
	return nil
}

// regionWithin reports whether code lies inside the division scope (a
// shorter code is a prefix of every code below it).
func regionWithin(code, scope string) bool {
	return scope == "" || strings.HasPrefix(code, scope)
}

// nearestRegion returns the region code of o or of its nearest ancestor that
// has one, and that organization's label.
func (s *Service) nearestRegion(ctx context.Context, tx *db.Tx, o Org) (string, string, error) {
	if o.RegionCode != "" {
		return o.RegionCode, o.Label(), nil
	}
	ids := ancestorsOf(o.Path)
	for i := len(ids) - 1; i >= 0; i-- {
		a, err := s.load(ctx, tx, ids[i])
		if err != nil {
			return "", "", err
		}
		if a.RegionCode != "" {
			return a.RegionCode, a.Label(), nil
		}
	}
	return "", "", nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Create adds an organization under in.ParentID. The actor needs org.create
// on the parent; the region, if given, must lie in the parent's region.
func (s *Service) Create(ctx context.Context, actor access.Actor, in Input) (Org, error) {
	// Permission before the fields; the transaction checks again.
	if in.ParentID != 0 {
		if _, err := s.Check(ctx, actor, in.ParentID, access.OrgCreate); err != nil {
			return Org{}, err
		}
	} else if !actor.CanAnywhere(access.OrgCreate) {
		return Org{}, errs.New(errs.Forbidden, "您没有新建党组织的权限", "you may not create organizations")
	}
	if err := s.validate(&in); err != nil {
		return Org{}, err
	}
	var out Org
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.createTx(ctx, tx, actor, in)
		return err
	})
	return out, err
}

func (s *Service) createTx(ctx context.Context, tx *db.Tx, actor access.Actor, in Input) (Org, error) {
	if err := tx.LockTree(ctx); err != nil {
		return Org{}, errs.Wrap(err, "lock tree")
	}
	if in.ParentID == 0 {
		return Org{}, errs.Field("parent_id", "请选择上级党组织", "choose the parent organization")
	}
	parent, err := s.getTx(ctx, tx, actor, in.ParentID, access.OrgCreate)
	if err != nil {
		return Org{}, err
	}
	if !parent.Active() {
		return Org{}, errs.Newf(errs.Conflict, "上级党组织“%s”已撤销，不能在其下新建组织", "the parent %q is dissolved", parent.Label())
	}
	if in.RegionCode != "" {
		scope, label, err := s.nearestRegion(ctx, tx, parent)
		if err != nil {
			return Org{}, err
		}
		if !regionWithin(in.RegionCode, scope) {
			return Org{}, errs.Field("region_code",
				fmt.Sprintf("区划代码 %s 不在上级党组织“%s”的区域（%s）内", in.RegionCode, label, scope),
				fmt.Sprintf("division %s lies outside the region of %q (%s)", in.RegionCode, label, scope))
		}
	}
	now := db.FormatTime(s.now())
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO orgs (parent_id, path, depth, name, short_name, kind, kind_confirmed, category, level, region_code, territorial, status, founded_on, note, created_at, updated_at)
		VALUES (?, '', ?, ?, ?, ?, ?, ?, 'unit', ?, ?, 'active', ?, ?, ?, ?) RETURNING id`,
		parent.ID, parent.Depth+1, in.Name, in.ShortName, in.Kind, true, in.Category, nullable(in.RegionCode), false, nullable(in.FoundedOn), in.Note, now, now).Scan(&id)
	if err != nil {
		return Org{}, errs.Wrap(err, "insert org")
	}
	path := childPath(parent.Path, id)
	if _, err := tx.Exec(ctx, "UPDATE orgs SET path = ? WHERE id = ?", path, id); err != nil {
		return Org{}, errs.Wrap(err, "set path")
	}
	if err := bump(ctx, tx, PathIDs(parent.Path), in.Kind, "unit", 1); err != nil {
		return Org{}, err
	}
	o, err := s.load(ctx, tx, id)
	if err != nil {
		return Org{}, err
	}
	return o, audit.Write(ctx, tx, actor, audit.Entry{Action: "org.create", TargetType: "org", TargetID: strconv.FormatInt(id, 10),
		OrgPath: o.Path, Summary: i18n.Text{ZH: "新建党组织 " + o.Name, EN: "created the organization " + o.Name}, After: o})
}

// Patch holds the fields of an update; nil fields stay as they are.
type Patch struct {
	Name          *string `json:"name"`
	ShortName     *string `json:"short_name"`
	Kind          *string `json:"kind"`
	KindConfirmed *bool   `json:"kind_confirmed"`
	Category      *string `json:"category"`
	RegionCode    *string `json:"region_code"`
	FoundedOn     *string `json:"founded_on"`
	Note          *string `json:"note"`
	// Version is the version the edit was made from; when given and no
	// longer current, the edit is refused (Stale) and nothing changes.
	Version *int `json:"version"`
}

// Update changes an organization's fields. Saving a kind confirms it. The
// region of a territorial organization is its link to the division data and
// cannot be edited.
func (s *Service) Update(ctx context.Context, actor access.Actor, id int64, p Patch) (Org, error) {
	var out Org
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTree(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		before, err := s.getTx(ctx, tx, actor, id, access.OrgUpdate)
		if err != nil {
			return err
		}
		if err := errs.CheckVersion(p.Version, before.Version); err != nil {
			return err
		}
		in := Input{Name: before.Name, ShortName: before.ShortName, Kind: before.Kind, Category: before.Category,
			RegionCode: before.RegionCode, FoundedOn: before.FoundedOn, Note: before.Note}
		confirmed := before.KindConfirmed
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&in.Name, p.Name)
		set(&in.ShortName, p.ShortName)
		set(&in.Category, p.Category)
		set(&in.FoundedOn, p.FoundedOn)
		set(&in.Note, p.Note)
		if p.Kind != nil {
			in.Kind = *p.Kind
			confirmed = true
		}
		if p.KindConfirmed != nil {
			confirmed = *p.KindConfirmed
		}
		if p.RegionCode != nil && strings.TrimSpace(*p.RegionCode) != before.RegionCode {
			if before.Territorial {
				return errs.Field("region_code", "该组织与行政区划关联，区划代码不能修改", "this organization stands for a division; its code cannot change")
			}
			in.RegionCode = *p.RegionCode
		}
		if err := s.validate(&in); err != nil {
			return err
		}
		if in.RegionCode != before.RegionCode && in.RegionCode != "" && before.ParentID != nil {
			parent, err := s.load(ctx, tx, *before.ParentID)
			if err != nil {
				return err
			}
			scope, label, err := s.nearestRegion(ctx, tx, parent)
			if err != nil {
				return err
			}
			if !regionWithin(in.RegionCode, scope) {
				return errs.Field("region_code",
					fmt.Sprintf("区划代码 %s 不在上级党组织“%s”的区域（%s）内", in.RegionCode, label, scope),
					fmt.Sprintf("division %s lies outside the region of %q (%s)", in.RegionCode, label, scope))
			}
		}
		res, err := tx.Exec(ctx, `UPDATE orgs SET name = ?, short_name = ?, kind = ?, kind_confirmed = ?, category = ?, region_code = ?, founded_on = ?, note = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			in.Name, in.ShortName, in.Kind, confirmed, in.Category, nullable(in.RegionCode), nullable(in.FoundedOn), in.Note, db.FormatTime(s.now()), id, before.Version)
		if err != nil {
			return errs.Wrap(err, "update org")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errs.Stale()
		}
		if in.Kind != before.Kind && before.Active() {
			anc := ancestorsOf(before.Path)
			if err := bump(ctx, tx, anc, before.Kind, before.Level, -1); err != nil {
				return err
			}
			if err := bump(ctx, tx, anc, in.Kind, before.Level, 1); err != nil {
				return err
			}
		}
		if out, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "org.update", TargetType: "org", TargetID: strconv.FormatInt(id, 10),
			OrgPath: out.Path, Summary: changeSummary(before, out), Before: before, After: out})
	})
	return out, err
}

func changeSummary(a, b Org) i18n.Text {
	var zh, en []string
	add := func(t i18n.Text) { zh, en = append(zh, t.ZH), append(en, t.EN) }
	if a.Name != b.Name {
		add(i18n.Textf("名称 %s → %s", "name %s → %s", a.Name, b.Name))
	}
	if a.ShortName != b.ShortName {
		add(i18n.Textf("简称 %s → %s", "short name %s → %s", a.ShortName, b.ShortName))
	}
	switch {
	case a.Kind != b.Kind:
		add(i18n.Text{ZH: fmt.Sprintf("类型 %s → %s", LabelOf(Kinds, a.Kind, ""), LabelOf(Kinds, b.Kind, "")),
			EN: fmt.Sprintf("kind %s → %s", LabelOf(Kinds, a.Kind, i18n.EN), LabelOf(Kinds, b.Kind, i18n.EN))})
	case !a.KindConfirmed && b.KindConfirmed:
		add(i18n.Text{ZH: "确认类型为" + LabelOf(Kinds, b.Kind, ""), EN: "kind confirmed as " + LabelOf(Kinds, b.Kind, i18n.EN)})
	case a.KindConfirmed && !b.KindConfirmed:
		add(i18n.Text{ZH: "类型改为待确认", EN: "kind to be confirmed"})
	}
	if a.Category != b.Category {
		add(i18n.Text{ZH: fmt.Sprintf("单位类别 %s → %s", LabelOf(Categories, a.Category, ""), LabelOf(Categories, b.Category, "")),
			EN: fmt.Sprintf("category %s → %s", LabelOf(Categories, a.Category, i18n.EN), LabelOf(Categories, b.Category, i18n.EN))})
	}
	if a.RegionCode != b.RegionCode {
		add(i18n.Textf("区划代码 %s → %s", "division code %s → %s", a.RegionCode, b.RegionCode))
	}
	if a.FoundedOn != b.FoundedOn || a.Note != b.Note {
		add(i18n.Text{ZH: "其他信息", EN: "other details"})
	}
	if len(zh) == 0 {
		return i18n.Text{ZH: "修改党组织 " + b.Name + "（无变化）", EN: "edited the organization " + b.Name + " (no change)"}
	}
	return i18n.Text{ZH: "修改党组织 " + b.Name + "：" + strings.Join(zh, "；"), EN: "edited the organization " + b.Name + ": " + strings.Join(en, "; ")}
}

// Move puts the subtree of id under newParent. The actor needs org.move on
// both; an organization cannot move under itself or its own descendants.
func (s *Service) Move(ctx context.Context, actor access.Actor, id, newParent int64) (Org, error) {
	return s.MoveAt(ctx, actor, id, newParent, nil)
}

// MoveAt is Move from the version of the organization the mover saw: when
// version is given and the organization has changed since (moved by
// someone else meanwhile, say), nothing moves.
func (s *Service) MoveAt(ctx context.Context, actor access.Actor, id, newParent int64, version *int) (Org, error) {
	var out Org
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTree(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		o, err := s.getTx(ctx, tx, actor, id, access.OrgMove)
		if err != nil {
			return err
		}
		if !o.Active() {
			return errs.Newf(errs.Conflict, "“%s”已于 %s 撤销，不能移动", "%q was dissolved on %s and cannot move", o.Label(), o.DissolvedOn)
		}
		if err := errs.CheckVersion(version, o.Version); err != nil {
			return err
		}
		if newParent == 0 {
			return errs.Field("parent_id", "请选择新的上级党组织", "choose the new parent organization")
		}
		p, err := s.getTx(ctx, tx, actor, newParent, access.OrgMove)
		if err != nil {
			return err
		}
		if access.Within(p.Path, o.Path) {
			return errs.Field("parent_id",
				fmt.Sprintf("不能把“%s”移到它自己或它的下级组织“%s”之下", o.Label(), p.Label()),
				fmt.Sprintf("cannot move %q under itself or its own descendant %q", o.Label(), p.Label()))
		}
		if !p.Active() {
			return errs.Field("parent_id", fmt.Sprintf("“%s”已撤销，不能作为上级党组织", p.Label()), fmt.Sprintf("%q is dissolved", p.Label()))
		}
		if o.ParentID != nil && *o.ParentID == p.ID {
			out = o
			return nil
		}
		if err := s.relink(ctx, tx, o, p); err != nil {
			return err
		}
		if out, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "org.move", TargetType: "org", TargetID: strconv.FormatInt(id, 10),
			OrgPath: out.Path, LeftFrom: parentPath(o.Path), Summary: i18n.Textf("将 %s 移至 %s 之下", "moved %s under %s", o.Name, p.Name),
			Before: map[string]any{"parent_id": o.ParentID, "path": o.Path}, After: map[string]any{"parent_id": p.ID, "path": out.Path}})
	})
	return out, err
}

// relink moves the subtree of o under p: it rewrites the paths and depths of
// the subtree and moves its counts from the old ancestors to the new ones.
func (s *Service) relink(ctx context.Context, tx *db.Tx, o, p Org) error {
	combos, err := subtreeCombos(ctx, tx, o.Path)
	if err != nil {
		return err
	}
	oldAnc, newAnc := ancestorsOf(o.Path), PathIDs(p.Path)
	for c, n := range combos {
		if err := bump(ctx, tx, oldAnc, c.kind, c.level, -n); err != nil {
			return err
		}
		if err := bump(ctx, tx, newAnc, c.kind, c.level, n); err != nil {
			return err
		}
	}
	if err := s.moveInclusive(ctx, tx, o, oldAnc, newAnc); err != nil {
		return err
	}
	newPath := childPath(p.Path, o.ID)
	shift := p.Depth + 1 - o.Depth
	_, err = tx.Exec(ctx, `UPDATE orgs SET path = ? || substr(path, ?), depth = depth + ?, updated_at = ? WHERE path >= ? AND path < ?`,
		newPath, len(o.Path)+1, shift, db.FormatTime(s.now()), o.Path, access.PathUpper(o.Path))
	if err != nil {
		return errs.Wrap(err, "rewrite paths")
	}
	_, err = tx.Exec(ctx, "UPDATE orgs SET parent_id = ?, version = version + 1 WHERE id = ?", p.ID, o.ID)
	return errs.Wrap(err, "set parent")
}

// Dissolve marks an organization dissolved on date (today when empty),
// keeping its history. It is refused while active children remain.
func (s *Service) Dissolve(ctx context.Context, actor access.Actor, id int64, date, reason string) (Org, error) {
	var out Org
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTree(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		o, err := s.getTx(ctx, tx, actor, id, access.OrgDissolve)
		if err != nil {
			return err
		}
		if !o.Active() {
			return errs.Newf(errs.Conflict, "“%s”已于 %s 撤销", "%q was already dissolved on %s", o.Label(), o.DissolvedOn)
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE parent_id = ? AND status = 'active'", id).Scan(&n); err != nil {
			return errs.Wrap(err, "count children")
		}
		if n > 0 {
			return errs.Newf(errs.Conflict, "“%s”还有 %d 个未撤销的下级党组织，请先撤销或移走它们", "%q still has %d active child organizations: dissolve or move them first", o.Label(), n)
		}
		for _, check := range s.dissolveChecks {
			if err := check(ctx, tx, o); err != nil {
				return err
			}
		}
		date = strings.TrimSpace(date)
		if date == "" {
			date = s.now().In(Shanghai).Format("2006-01-02")
		} else if _, err := time.Parse("2006-01-02", date); err != nil {
			return errs.Field("dissolved_on", "撤销日期应写成 年-月-日，例如 2024-07-01", "write the date as year-month-day, e.g. 2024-07-01")
		}
		if _, err := tx.Exec(ctx, "UPDATE orgs SET status = 'dissolved', dissolved_on = ?, updated_at = ?, version = version + 1 WHERE id = ?", date, db.FormatTime(s.now()), id); err != nil {
			return errs.Wrap(err, "dissolve")
		}
		if err := bump(ctx, tx, ancestorsOf(o.Path), o.Kind, o.Level, -1); err != nil {
			return err
		}
		if out, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "org.dissolve", TargetType: "org", TargetID: strconv.FormatInt(id, 10),
			OrgPath: o.Path, Summary: i18n.Text{ZH: "撤销党组织 " + o.Name + reasonSuffix(reason), EN: "dissolved the organization " + o.Name + reasonSuffixEN(reason)}, Before: o, After: out})
	})
	return out, err
}

func reasonSuffix(r string) string {
	if r = strings.TrimSpace(r); r != "" {
		return "，原因：" + r
	}
	return ""
}

// reasonSuffixEN is reasonSuffix for the English summary.
func reasonSuffixEN(r string) string {
	if r = strings.TrimSpace(r); r != "" {
		return "; reason: " + r
	}
	return ""
}

// Shanghai is the time zone of every date shown to users.
var Shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()
