package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// SiteInput nominates an organization as a demonstration site of a year,
// with its materials: a text (the basis, what sets it apart, the plan of
// its cultivation) and up to five files.
type SiteInput struct {
	OrgID     int64             `json:"org_id"`
	Year      int               `json:"year"`
	Materials string            `json:"materials"`
	Files     []cases.NamedFile `json:"-"`
}

// siteAsField turns the refusal of an organization typed into a form into
// an error at its field.
func siteAsField(field string, err error) error {
	e := errs.As(err)
	if e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
		return errs.Field(field, e.ZH, e.EN)
	}
	return err
}

// Nominate nominates an organization as a demonstration site: by the
// organization department of its nominating unit (the nearest county-level
// committee or city-level 党(工)委 above it), for this year or the next,
// within the unit's quota of the year. An organization that is a site, or
// on its way to being one, is not nominated again.
func (s *Service) Nominate(ctx context.Context, actor access.Actor, in SiteInput) (Site, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return Site{}, errs.New(errs.Forbidden, "您没有推荐示范点的权限", "you may not nominate demonstration sites")
	}
	if in.OrgID == 0 {
		return Site{}, errs.Field("org_id", "请选择推荐为示范点的党组织", "choose the organization to nominate")
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsRead)
	if err != nil {
		return Site{}, siteAsField("org_id", err)
	}
	chain, err := siteChain(ctx, s.db, o.Path)
	if err != nil {
		return Site{}, err
	}
	ui := siteUnitOf(chain)
	if ui < 0 {
		return Site{}, errs.Field("org_id", fmt.Sprintf("“%s”之上没有县（市、区）委或市级党（工）委：示范点由县（市、区）委和市级党（工）委从所属党组织中推荐", o.Label()),
			fmt.Sprintf("no county committee or city-level committee stands above %s: they nominate sites from the organizations below them", o.Label()))
	}
	unit := chain[ui]
	if !actor.Can(ProgramsManage, unit.Path) {
		return Site{}, errs.New(errs.Forbidden, fmt.Sprintf("您没有推荐示范点的权限：%s的示范点由%s推荐", o.Label(), unit.Name),
			fmt.Sprintf("you may not nominate this site: %s nominates the sites of %s", unit.Name, o.Label()))
	}
	var f errs.Fields
	if !o.Active() {
		f.Add("org_id", fmt.Sprintf("“%s”已撤销，不能推荐为示范点", o.Label()), fmt.Sprintf("%s is dissolved: it cannot be nominated", o.Label()))
	}
	this := s.today().Year()
	if in.Year != this && in.Year != this+1 {
		f.Add("year", fmt.Sprintf("推荐年度应为 %d 或 %d 年", this, this+1), fmt.Sprintf("the year must be %d or %d", this, this+1))
	}
	materials := contactText("materials", in.Materials, 20, 2000, "推荐材料（创建基础、特色做法和培育计划）", "materials (the basis, what sets it apart, the plan)", &f)
	files, ferr := cases.CheckAttachments(in.Files)
	if ferr != nil {
		e := errs.As(ferr)
		f.Add("attachments", e.ZH, e.EN)
	}
	if err := f.Err(); err != nil {
		if ferr != nil && errs.KindOf(ferr) == errs.TooLarge && len(f) == 1 {
			return Site{}, ferr
		}
		return Site{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Two nominations of one unit take turns, so that the quota is
		// counted with the other's row.
		if err := tx.LockRow(ctx, "orgs", unit.ID, db.ForNoKeyUpdate); err != nil {
			return errs.Wrap(err, "lock nominating unit")
		}
		var dup Site
		err := tx.QueryRow(ctx, "SELECT id, year, state FROM sites WHERE org_id = ? AND (state <> 'revoked' OR year = ?) ORDER BY state = 'revoked', year DESC LIMIT 1", o.ID, in.Year).
			Scan(&dup.ID, &dup.Year, &dup.State)
		switch {
		case err == nil && dup.State == "revoked":
			return errs.New(errs.Conflict, fmt.Sprintf("“%s” %d 年已推荐过（示范点 %d，已撤销），同一年度不能再次推荐", o.Label(), in.Year, dup.ID),
				fmt.Sprintf("%s was nominated for %d already (site %d, revoked): not twice in a year", o.Label(), in.Year, dup.ID))
		case err == nil:
			return errs.New(errs.Conflict, fmt.Sprintf("“%s”已是示范点或示范点培育对象（%d 年推荐，%s，示范点 %d），不能重复推荐", o.Label(), dup.Year, org.LabelOf(SiteStates, dup.State, i18n.ZH), dup.ID),
				fmt.Sprintf("%s is a site or on its way to being one already (nominated for %d, %s, site %d): it cannot be nominated again", o.Label(), dup.Year, strings.ToLower(org.LabelOf(SiteStates, dup.State, i18n.EN)), dup.ID))
		case !errors.Is(err, sql.ErrNoRows):
			return errs.Wrap(err, "sites of the organization")
		}
		lo, hi, _, err := siteQuotaOf(ctx, tx, unit.ID, in.Year)
		if err != nil {
			return err
		}
		names, err := siteNominated(ctx, tx, unit.ID, in.Year)
		if err != nil {
			return err
		}
		if len(names) >= hi {
			return errs.New(errs.Conflict, fmt.Sprintf("%s %d 年示范点推荐名额为 %s 个，已推荐 %d 个（%s），不能再推荐", unit.Name, in.Year, quotaText(lo, hi), len(names), strings.Join(names, "、")),
				fmt.Sprintf("the quota of %s for %d is %s sites and %d are nominated (%s): no more can be", unit.Name, in.Year, quotaText(lo, hi), len(names), strings.Join(names, ", ")))
		}
		now := db.FormatTime(tx.Now())
		if err := tx.QueryRow(ctx, "INSERT INTO sites (org_id, nominator_org_id, year, state, materials, created_at, updated_at) VALUES (?, ?, ?, 'nominated', ?, ?, ?) RETURNING id",
			o.ID, unit.ID, in.Year, materials, now, now).Scan(&id); err != nil {
			return errs.Wrap(err, "insert demonstration site")
		}
		sid, err := siteStep(ctx, tx, actor, id, "nominate", in.Year, "", "", s.today().Format(dateLayout))
		if err != nil {
			return err
		}
		if err := storeSiteFiles(ctx, tx, id, sid, files); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "site.nominate", TargetType: "site", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s推荐%s为 %d 年示范点培育对象（第 %d 个，名额 %s 个）", unit.Name, o.Label(), in.Year, len(names)+1, quotaText(lo, hi)),
				EN: fmt.Sprintf("%s nominated %s as a demonstration site for %d (number %d of a quota of %s)", unit.Name, o.Label(), in.Year, len(names)+1, quotaText(lo, hi))},
			After: map[string]any{"org_id": o.ID, "nominator_org_id": unit.ID, "year": in.Year, "state": "nominated", "files": len(files)}})
	})
	if err != nil {
		return Site{}, err
	}
	return s.Site(ctx, actor, id)
}

// quotaText writes a quota: "2–3", or "3" when its bounds are one.
func quotaText(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(hi)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// siteNominated are the names of the sites a unit nominated for a year
// that were not revoked: those that take its quota.
func siteNominated(ctx context.Context, q db.Querier, unitID int64, year int) ([]string, error) {
	rows, err := q.Query(ctx, "SELECT "+orgLabel+" FROM sites s JOIN orgs o ON o.id = s.org_id WHERE s.nominator_org_id = ? AND s.year = ? AND s.state <> 'revoked' ORDER BY s.id", unitID, year)
	if err != nil {
		return nil, errs.Wrap(err, "nominated sites")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, errs.Wrap(err, "scan nominated site")
		}
		out = append(out, n)
	}
	return out, errs.Wrap(rows.Err(), "nominated sites")
}

// SiteNoteInput is a dated note of a site's cultivation.
type SiteNoteInput struct {
	OnDate string `json:"on_date"`
	Text   string `json:"text"`
}

// Cultivate records a note of a site's cultivation, by the nominating
// unit: the first takes a nominated site into cultivation.
func (s *Service) Cultivate(ctx context.Context, actor access.Actor, id int64, in SiteNoteInput) (Site, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, unit, _, err := s.lockedSite(ctx, tx, actor, id, ProgramsManage)
		if err != nil {
			return err
		}
		if x.State != "nominated" && x.State != "cultivating" {
			return siteWrongState(x, "不能再登记培育记录", "no cultivation note can be recorded")
		}
		last, err := siteLastDate(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.date(in.OnDate, "on_date", "培育日期", "date of the note", last, &f)
		text := contactText("text", in.Text, 10, 2000, "培育情况", "note", &f)
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := siteStep(ctx, tx, actor, x.ID, "cultivate", 0, "", text, on); err != nil {
			return err
		}
		if err := setSiteState(ctx, tx, x.ID, "cultivating", ""); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "site.cultivate", TargetType: "site", TargetID: strconv.FormatInt(x.ID, 10), OrgPath: x.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s登记%s示范点培育记录（%s）", unit.Name, x.OrgName, on), EN: fmt.Sprintf("%s recorded a cultivation note of %s (%s)", unit.Name, x.OrgName, on)},
			Before:  map[string]any{"state": x.State}, After: map[string]any{"state": "cultivating", "on_date": on}})
	})
	if err != nil {
		return Site{}, err
	}
	return s.Site(ctx, actor, id)
}

// SiteAcceptInput is the acceptance check (验收) of a site by the level
// above its nominating unit: passed or not, the conclusion, and the
// evidence it rests on — at least one file to pass.
type SiteAcceptInput struct {
	Decision   string            `json:"decision"` // pass | fail
	Conclusion string            `json:"conclusion"`
	OnDate     string            `json:"on_date"`
	Files      []cases.NamedFile `json:"-"`
}

// AcceptSite records the acceptance check of a site under cultivation. A
// site passes only on evidence: the conclusion and at least one file (the
// report of the check, photos of the site); one that fails stays under
// cultivation with the conclusion on its timeline.
func (s *Service) AcceptSite(ctx context.Context, actor access.Actor, id int64, in SiteAcceptInput) (Site, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, unit, above, err := s.lockedSite(ctx, tx, actor, id, ProgramsAccept)
		if err != nil {
			return err
		}
		if x.State != "cultivating" {
			if x.State == "nominated" {
				return errs.New(errs.Conflict, fmt.Sprintf("该示范点当前状态为“已推荐，待培育”，尚无培育记录，不能验收：请先由%s登记培育情况", unit.Name),
					fmt.Sprintf("the site is nominated and has no cultivation note yet: %s records its cultivation first", unit.Name))
			}
			return siteWrongState(x, "不能验收", "it cannot be accepted")
		}
		if err := atAbove(actor, ProgramsAccept, above); err != nil {
			return err
		}
		last, err := siteLastDate(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.date(in.OnDate, "on_date", "验收日期", "date of the check", last, &f)
		conclusion := contactText("conclusion", in.Conclusion, 10, 2000, "验收结论", "conclusion", &f)
		switch in.Decision {
		case "pass":
			if len(in.Files) == 0 {
				f.Add("attachments", "验收通过须上传至少一份验收材料（验收报告、现场照片或会议记录）", "attach at least one file of evidence (the report of the check, photos or minutes) to pass")
			}
		case "fail":
		default:
			f.Add("decision", "请选择“验收通过”或“验收未通过”", "choose pass or fail")
		}
		files, ferr := cases.CheckAttachments(in.Files)
		if ferr != nil {
			e := errs.As(ferr)
			f.Add("attachments", e.ZH, e.EN)
		}
		if err := f.Err(); err != nil {
			if ferr != nil && errs.KindOf(ferr) == errs.TooLarge && len(f) == 1 {
				return ferr
			}
			return err
		}
		e := audit.Entry{Action: "site.accept", TargetType: "site", TargetID: strconv.FormatInt(x.ID, 10), OrgPath: x.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s验收%s示范点：通过（材料 %d 个）", above.Name, x.OrgName, len(files)), EN: fmt.Sprintf("%s accepted the site %s (%d files)", above.Name, x.OrgName, len(files))},
			Before:  map[string]any{"state": x.State}, After: map[string]any{"state": "accepted", "on_date": on, "files": len(files)}}
		kind := "accept"
		if in.Decision == "fail" {
			kind = "reject"
			e = audit.Entry{Action: "site.reject", TargetType: "site", TargetID: strconv.FormatInt(x.ID, 10), OrgPath: x.path,
				Summary: i18n.Text{ZH: fmt.Sprintf("%s验收%s示范点：未通过，继续培育", above.Name, x.OrgName), EN: fmt.Sprintf("%s did not accept the site %s: its cultivation goes on", above.Name, x.OrgName)},
				Before:  map[string]any{"state": x.State}, After: map[string]any{"state": x.State, "on_date": on, "files": len(files)}}
			if _, err := tx.Exec(ctx, "UPDATE sites SET updated_at = ?, version = version + 1 WHERE id = ?", db.FormatTime(tx.Now()), x.ID); err != nil {
				return errs.Wrap(err, "update demonstration site")
			}
		} else if err := setSiteState(ctx, tx, x.ID, "accepted", "accepted_on = ?", on); err != nil {
			return err
		}
		sid, err := siteStep(ctx, tx, actor, x.ID, kind, 0, "", conclusion, on)
		if err != nil {
			return err
		}
		if err := storeSiteFiles(ctx, tx, x.ID, sid, files); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, e)
	})
	if err != nil {
		return Site{}, err
	}
	return s.Site(ctx, actor, id)
}

// SiteDesignateInput names an accepted site a demonstration site of a
// year (命名).
type SiteDesignateInput struct {
	Year   int    `json:"year"`
	OnDate string `json:"on_date"`
	Note   string `json:"note"`
}

// Designate names an accepted site a demonstration site of a year: the
// year of its nomination or a later one, that of the date of designation
// or the one before it (a year's sites are often named early the next).
func (s *Service) Designate(ctx context.Context, actor access.Actor, id int64, in SiteDesignateInput) (Site, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, _, above, err := s.lockedSite(ctx, tx, actor, id, ProgramsAccept)
		if err != nil {
			return err
		}
		if x.State != "accepted" {
			if x.State == "nominated" || x.State == "cultivating" {
				return errs.New(errs.Conflict, fmt.Sprintf("该示范点当前状态为“%s”，尚未验收通过，不能命名：请先验收", org.LabelOf(SiteStates, x.State, i18n.ZH)),
					fmt.Sprintf("the site is %s and has not passed its acceptance check: accept it first", strings.ToLower(org.LabelOf(SiteStates, x.State, i18n.EN))))
			}
			return siteWrongState(x, "不能命名", "it cannot be designated")
		}
		if err := atAbove(actor, ProgramsAccept, above); err != nil {
			return err
		}
		last, err := siteLastDate(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.date(in.OnDate, "on_date", "命名日期", "date of designation", last, &f)
		if on != "" {
			y, _ := strconv.Atoi(on[:4])
			lo := max(x.Year, y-1)
			if in.Year < lo || in.Year > y {
				f.Add("year", fmt.Sprintf("命名年度应为 %s 年（不早于推荐年度 %d 年，不晚于命名日期所在年度）", yearSpan(lo, y), x.Year),
					fmt.Sprintf("the year named must be %s (not before the year of nomination, %d, nor after the date of designation)", yearSpanEN(lo, y), x.Year))
			}
		}
		note := contactText("note", in.Note, 0, 500, "命名说明（文件名称、文号）", "note", &f)
		if err := f.Err(); err != nil {
			return err
		}
		if err := setSiteState(ctx, tx, x.ID, "designated", "designated_year = ?, designated_on = ?", in.Year, on); err != nil {
			return err
		}
		if _, err := siteStep(ctx, tx, actor, x.ID, "designate", in.Year, "", note, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "site.designate", TargetType: "site", TargetID: strconv.FormatInt(x.ID, 10), OrgPath: x.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s命名%s为 %d 年度党建示范点", above.Name, x.OrgName, in.Year), EN: fmt.Sprintf("%s designated %s a demonstration site of %d", above.Name, x.OrgName, in.Year)},
			Before:  map[string]any{"state": x.State}, After: map[string]any{"state": "designated", "designated_year": in.Year, "on_date": on}})
	})
	if err != nil {
		return Site{}, err
	}
	return s.Site(ctx, actor, id)
}

// yearSpan writes the years lo to hi: "2026" or "2025–2026".
func yearSpan(lo, hi int) string {
	if lo >= hi {
		return strconv.Itoa(hi)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func yearSpanEN(lo, hi int) string {
	if lo >= hi {
		return strconv.Itoa(hi)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

// SiteRecheckInput is the yearly re-check of a designated site: kept or
// revoked, with the reason.
type SiteRecheckInput struct {
	Year   int    `json:"year"`
	Result string `json:"result"` // kept | revoked
	Reason string `json:"reason"`
	OnDate string `json:"on_date"`
}

// Recheck records the re-check of a designated site for a year after the
// one it was named for, once a year: kept, or revoked with the reason.
func (s *Service) Recheck(ctx context.Context, actor access.Actor, id int64, in SiteRecheckInput) (Site, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, _, above, err := s.lockedSite(ctx, tx, actor, id, ProgramsAccept)
		if err != nil {
			return err
		}
		if x.State != "designated" {
			return siteWrongState(x, "只有已命名的示范点才能复核", "only a designated site is re-checked")
		}
		if err := atAbove(actor, ProgramsAccept, above); err != nil {
			return err
		}
		last, err := siteLastDate(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		this := s.today().Year()
		if in.Year <= x.DesignatedYear || in.Year > this {
			if x.DesignatedYear >= this {
				f.Add("year", fmt.Sprintf("该示范点命名为 %d 年度，%d 年起才能复核", x.DesignatedYear, x.DesignatedYear+1),
					fmt.Sprintf("the site was named for %d: it is re-checked from %d", x.DesignatedYear, x.DesignatedYear+1))
			} else {
				f.Add("year", fmt.Sprintf("复核年度应为 %s 年（命名年度 %d 年之后，不晚于今年）", yearSpan(x.DesignatedYear+1, this), x.DesignatedYear),
					fmt.Sprintf("the year re-checked must be %s (after the year named, %d, and not after this year)", yearSpanEN(x.DesignatedYear+1, this), x.DesignatedYear))
			}
		}
		on := s.date(in.OnDate, "on_date", "复核日期", "date of the re-check", last, &f)
		result, ok := org.KeyOf(SiteRecheckResults, in.Result)
		if !ok {
			f.Add("result", "请选择复核结果：保留命名或撤销命名", "choose the result: kept or revoked")
		}
		reason := contactText("reason", in.Reason, 4, 500, "复核意见", "reason", &f)
		if err := f.Err(); err != nil {
			return err
		}
		var done string
		err = tx.QueryRow(ctx, "SELECT result FROM site_steps WHERE site_id = ? AND step = 'recheck' AND year = ?", x.ID, in.Year).Scan(&done)
		if err == nil {
			return errs.New(errs.Conflict, fmt.Sprintf("该示范点 %d 年度已复核（%s），每年复核一次", in.Year, org.LabelOf(SiteRecheckResults, done, i18n.ZH)),
				fmt.Sprintf("the site has been re-checked for %d already (%s): once a year", in.Year, strings.ToLower(org.LabelOf(SiteRecheckResults, done, i18n.EN))))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "re-check of the year")
		}
		if result == "revoked" {
			if err := setSiteState(ctx, tx, x.ID, "revoked", "revoked_on = ?, revoke_reason = ?", on, reason); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, "UPDATE sites SET updated_at = ?, version = version + 1 WHERE id = ?", db.FormatTime(tx.Now()), x.ID); err != nil {
			return errs.Wrap(err, "update demonstration site")
		}
		if _, err := siteStep(ctx, tx, actor, x.ID, "recheck", in.Year, result, reason, on); err != nil {
			return err
		}
		state := x.State
		if result == "revoked" {
			state = "revoked"
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "site.recheck", TargetType: "site", TargetID: strconv.FormatInt(x.ID, 10), OrgPath: x.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s复核%s示范点（%d 年度）：%s", above.Name, x.OrgName, in.Year, org.LabelOf(SiteRecheckResults, result, i18n.ZH)),
				EN: fmt.Sprintf("%s re-checked the site %s for %d: %s", above.Name, x.OrgName, in.Year, strings.ToLower(org.LabelOf(SiteRecheckResults, result, i18n.EN)))},
			Before: map[string]any{"state": x.State}, After: map[string]any{"state": state, "year": in.Year, "result": result, "reason": reason}})
	})
	if err != nil {
		return Site{}, err
	}
	return s.Site(ctx, actor, id)
}

// SiteRevokeInput revokes a site, with the reason.
type SiteRevokeInput struct {
	Reason string `json:"reason"`
	OnDate string `json:"on_date"`
}

// RevokeSite revokes a site at any point of its life (撤销): a nomination
// that will not be accepted, or a designation that no longer stands. A
// nomination revoked frees its place in the unit's quota.
func (s *Service) RevokeSite(ctx context.Context, actor access.Actor, id int64, in SiteRevokeInput) (Site, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, _, above, err := s.lockedSite(ctx, tx, actor, id, ProgramsAccept)
		if err != nil {
			return err
		}
		if x.State == "revoked" {
			return siteWrongState(x, "不能再次撤销", "it cannot be revoked again")
		}
		if err := atAbove(actor, ProgramsAccept, above); err != nil {
			return err
		}
		last, err := siteLastDate(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.date(in.OnDate, "on_date", "撤销日期", "date of revocation", last, &f)
		reason := contactText("reason", in.Reason, 4, 500, "撤销理由", "reason", &f)
		if err := f.Err(); err != nil {
			return err
		}
		if err := setSiteState(ctx, tx, x.ID, "revoked", "revoked_on = ?, revoke_reason = ?", on, reason); err != nil {
			return err
		}
		if _, err := siteStep(ctx, tx, actor, x.ID, "revoke", 0, "", reason, on); err != nil {
			return err
		}
		what, whatEN := "示范点培育对象", "the nomination of"
		if x.State == "designated" {
			what, whatEN = "示范点命名", "the designation of"
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "site.revoke", TargetType: "site", TargetID: strconv.FormatInt(x.ID, 10), OrgPath: x.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s撤销%s的%s：%s", above.Name, x.OrgName, what, reason), EN: fmt.Sprintf("%s revoked %s %s: %s", above.Name, whatEN, x.OrgName, reason)},
			Before:  map[string]any{"state": x.State}, After: map[string]any{"state": "revoked", "on_date": on, "reason": reason}})
	})
	if err != nil {
		return Site{}, err
	}
	return s.Site(ctx, actor, id)
}

// SiteLedInput adds an organization a designated site leads, from a year.
type SiteLedInput struct {
	OrgID int64  `json:"org_id"`
	Year  int    `json:"year"`
	Note  string `json:"note"`
}

// AddLed records an organization a designated site leads (带动): one of
// the nominating unit's subtree other than the site itself, from a year
// between the one the site was named for and this year, once per site.
func (s *Service) AddLed(ctx context.Context, actor access.Actor, id int64, in SiteLedInput) (Site, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, unit, _, err := s.lockedSite(ctx, tx, actor, id, ProgramsManage)
		if err != nil {
			return err
		}
		if x.State != "designated" {
			return siteWrongState(x, "只有已命名的示范点才能登记带动的党组织", "only a designated site leads organizations")
		}
		if in.OrgID == 0 {
			return errs.Field("org_id", "请选择示范点带动的党组织", "choose the organization the site leads")
		}
		o, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsRead)
		if err != nil {
			return siteAsField("org_id", err)
		}
		var f errs.Fields
		switch {
		case o.ID == x.OrgID:
			f.Add("org_id", "示范点本身不计入带动的党组织：请选择它带动的其他党组织", "the site itself is not one it leads: choose another organization")
		case !access.Within(o.Path, unit.Path) || o.Path == unit.Path:
			f.Add("org_id", fmt.Sprintf("“%s”不在%s所属范围内：示范点带动的是推荐单位所属的党组织", o.Label(), unit.Name),
				fmt.Sprintf("%s is not below %s: a site leads organizations of its nominating unit", o.Label(), unit.Name))
		case !o.Active():
			f.Add("org_id", fmt.Sprintf("“%s”已撤销", o.Label()), fmt.Sprintf("%s is dissolved", o.Label()))
		}
		this := s.today().Year()
		if in.Year < x.DesignatedYear || in.Year > this {
			f.Add("year", fmt.Sprintf("带动年度应为 %s 年（命名年度起，不晚于今年）", yearSpan(x.DesignatedYear, this)),
				fmt.Sprintf("the year must be %s (from the year named, not after this year)", yearSpanEN(x.DesignatedYear, this)))
		}
		note := contactText("note", in.Note, 0, 200, "带动内容", "note", &f)
		if err := f.Err(); err != nil {
			return err
		}
		var from int
		err = tx.QueryRow(ctx, "SELECT year FROM site_led WHERE site_id = ? AND org_id = ?", x.ID, o.ID).Scan(&from)
		if err == nil {
			return errs.Field("org_id", fmt.Sprintf("“%s”已列为该示范点带动的党组织（%d 年起）", o.Label(), from),
				fmt.Sprintf("%s is led by this site already (from %d)", o.Label(), from))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "led organization")
		}
		now := db.FormatTime(tx.Now())
		if _, err := tx.Exec(ctx, "INSERT INTO site_led (site_id, org_id, year, note, at, actor_name) VALUES (?, ?, ?, ?, ?, ?)", x.ID, o.ID, in.Year, note, now, actor.Username); err != nil {
			return errs.Wrap(err, "insert led organization")
		}
		if _, err := tx.Exec(ctx, "UPDATE sites SET updated_at = ?, version = version + 1 WHERE id = ?", now, x.ID); err != nil {
			return errs.Wrap(err, "update demonstration site")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "site.lead", TargetType: "site", TargetID: strconv.FormatInt(x.ID, 10), OrgPath: x.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("登记%s示范点带动%s（%d 年起）", x.OrgName, o.Label(), in.Year), EN: fmt.Sprintf("recorded that the site %s leads %s from %d", x.OrgName, o.Label(), in.Year)},
			After:   map[string]any{"org_id": o.ID, "year": in.Year}})
	})
	if err != nil {
		return Site{}, err
	}
	return s.Site(ctx, actor, id)
}

// siteYearOf is the year of a date written YYYY-MM-DD, 0 for none.
func siteYearOf(d string) int {
	if len(d) < 4 {
		return 0
	}
	t, err := time.Parse("2006", d[:4])
	if err != nil {
		return 0
	}
	return t.Year()
}
