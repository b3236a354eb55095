package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// The yearly quota of the nominating units: DefaultSiteMin to
// DefaultSiteMax nominations a year, unless the organization department
// above a unit (the city's for a county) sets another for a year.

// SiteQuota is a nominating unit's quota of a year with what it has
// nominated.
type SiteQuota struct {
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	ParentID   int64  `json:"parent_id"`
	ParentName string `json:"parent_name"`
	Year       int    `json:"year"`
	Min        int    `json:"min"`
	Max        int    `json:"max"`
	// Set is true when the quota was set for the unit and year, false
	// when the default holds.
	Set bool `json:"set"`
	// Nominated counts the year's nominations that were not revoked, of
	// which Designated are designated; Status is "below" (fewer than
	// Min), "within" or "full" (Max reached).
	Nominated  int    `json:"nominated"`
	Designated int    `json:"designated"`
	Status     string `json:"status"`
	UpdatedAt  string `json:"updated_at,omitempty"`
	Actor      string `json:"actor,omitempty"`
	Version    int    `json:"version,omitempty"`
	parentPath string
	path       string
}

// SiteQuotaStatuses are the statuses of a quota.
var SiteQuotaStatuses = []org.Choice{
	{Key: "below", Text: i18n.Text{ZH: "未达最低名额", EN: "Below the quota"}},
	{Key: "within", Text: i18n.Text{ZH: "名额内", EN: "Within the quota"}},
	{Key: "full", Text: i18n.Text{ZH: "名额已满", EN: "Quota full"}},
}

// Path is the path of the nominating unit.
func (q SiteQuota) Path() string { return q.path }

// ParentPath is the path of the organization that sets the quota.
func (q SiteQuota) ParentPath() string { return q.parentPath }

// siteQuotaOf is the quota of a unit for a year and whether it was set.
func siteQuotaOf(ctx context.Context, q db.Querier, unitID int64, year int) (int, int, bool, error) {
	var lo, hi int
	err := q.QueryRow(ctx, "SELECT min_sites, max_sites FROM site_quotas WHERE org_id = ? AND year = ?", unitID, year).Scan(&lo, &hi)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSiteMin, DefaultSiteMax, false, nil
	}
	if err != nil {
		return 0, 0, false, errs.Wrap(err, "site quota")
	}
	return lo, hi, true, nil
}

// siteUnitsSQL selects the nominating units (o) with their parents (p):
// county-level committees, and committees and work committees directly
// under a city's.
const siteUnitsSQL = ` FROM orgs o JOIN orgs p ON p.id = o.parent_id WHERE o.status = 'active'
	AND (o.level = 'county' OR (o.kind IN ('committee', 'work_committee') AND o.level = 'unit' AND p.level = 'city'))`

// SiteQuotas lists the quota of a year of every nominating unit the actor
// reads (in under's subtree when under is not 0), with the nominations of
// the year, in the order of the tree.
func (s *Service) SiteQuotas(ctx context.Context, actor access.Actor, under int64, year int) ([]SiteQuota, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return nil, errs.New(errs.Forbidden, "您没有查看示范点的权限", "you may not read demonstration sites")
	}
	if year == 0 {
		year = s.today().Year()
	}
	if year < 2000 || year > 2100 {
		return nil, errs.Field("year", "年度应为 2000–2100 年", "the year must be 2000 to 2100")
	}
	scope, args := actor.ScopeSQL("o.path", ProgramsRead)
	where := scope
	if under != 0 {
		o, err := s.orgs.Check(ctx, actor, under, ProgramsRead)
		if err != nil {
			return nil, err
		}
		where += " AND " + access.InSubtree("o.path", o.Path)
	}
	all := append([]any{year, year}, args...)
	rows, err := s.db.Query(ctx, `SELECT o.id, `+org.LabelCol("o")+`, o.path, p.id, `+org.LabelCol("p")+`, p.path, COALESCE(q.min_sites, 0), COALESCE(q.max_sites, 0),
		COALESCE(q.updated_at, ''), COALESCE(q.actor_name, ''), COALESCE(q.version, 0),
		(SELECT COUNT(*) FROM sites s WHERE s.nominator_org_id = o.id AND s.year = ? AND s.state <> 'revoked'),
		(SELECT COUNT(*) FROM sites s WHERE s.nominator_org_id = o.id AND s.year = ? AND s.state = 'designated')
		`+strings.Replace(siteUnitsSQL, " WHERE ", " LEFT JOIN site_quotas q ON q.org_id = o.id AND q.year = "+strconv.Itoa(year)+" WHERE ", 1)+` AND `+where+``, all...)
	if err != nil {
		return nil, errs.Wrap(err, "site quotas")
	}
	defer rows.Close()
	var out []SiteQuota
	for rows.Next() {
		q := SiteQuota{Year: year}
		if err := rows.Scan(&q.OrgID, &q.OrgName, &q.path, &q.ParentID, &q.ParentName, &q.parentPath, &q.Min, &q.Max, &q.UpdatedAt, &q.Actor, &q.Version, &q.Nominated, &q.Designated); err != nil {
			return nil, errs.Wrap(err, "scan site quota")
		}
		q.Set = q.Max > 0
		if !q.Set {
			q.Min, q.Max = DefaultSiteMin, DefaultSiteMax
		}
		q.Status = quotaStatus(q.Nominated, q.Min, q.Max)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "site quotas")
	}
	// In the tree's order: counties by their codes, then the city's
	// committees as they were created.
	slices.SortStableFunc(out, func(a, b SiteQuota) int { return treeOrder(a.path, b.path) })
	return out, nil
}

// treeOrder compares two paths in the tree's order: parents before their
// children, siblings by id.
func treeOrder(a, b string) int {
	return slices.Compare(org.PathIDs(a), org.PathIDs(b))
}

func quotaStatus(n, lo, hi int) string {
	switch {
	case n < lo:
		return "below"
	case n >= hi:
		return "full"
	}
	return "within"
}

// SiteQuotaInput sets the quota of a nominating unit for a year.
type SiteQuotaInput struct {
	OrgID   int64 `json:"org_id"`
	Year    int   `json:"year"`
	Min     int   `json:"min"`
	Max     int   `json:"max"`
	Version *int  `json:"version"`
}

// SetSiteQuota sets the quota of a nominating unit for this year or the
// next: by the organization department above the unit, at least one and at
// most MaxSiteQuota, never below what the unit has nominated for the year.
func (s *Service) SetSiteQuota(ctx context.Context, actor access.Actor, in SiteQuotaInput) (SiteQuota, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return SiteQuota{}, errs.New(errs.Forbidden, "您没有设置示范点名额的权限", "you may not set the quotas of demonstration sites")
	}
	if in.OrgID == 0 {
		return SiteQuota{}, errs.Field("org_id", "请选择县（市、区）委或市级党（工）委", "choose a county committee or a city-level committee")
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsRead)
	if err != nil {
		return SiteQuota{}, siteAsField("org_id", err)
	}
	chain, err := siteChain(ctx, s.db, o.Path)
	if err != nil {
		return SiteQuota{}, err
	}
	if !siteNominates(chain, len(chain)-1) || !o.Active() {
		return SiteQuota{}, errs.Field("org_id", fmt.Sprintf("“%s”不是县（市、区）委或市级党（工）委，没有示范点推荐名额", o.Label()),
			fmt.Sprintf("%s is not a county committee or a city-level committee: it has no quota of sites", o.Label()))
	}
	above := siteAbove(chain, len(chain)-1)
	if !actor.Can(ProgramsManage, above.Path) {
		return SiteQuota{}, errs.New(errs.Forbidden, fmt.Sprintf("您没有设置%s示范点名额的权限：由%s设置", o.Label(), above.Name),
			fmt.Sprintf("you may not set the quota of %s: %s does", o.Label(), above.Name))
	}
	var f errs.Fields
	this := s.today().Year()
	if in.Year != this && in.Year != this+1 {
		f.Add("year", fmt.Sprintf("名额年度应为 %d 或 %d 年", this, this+1), fmt.Sprintf("the year must be %d or %d", this, this+1))
	}
	if in.Min < 1 || in.Min > MaxSiteQuota {
		f.Add("min", fmt.Sprintf("最少名额应为 1–%d 个", MaxSiteQuota), fmt.Sprintf("the least must be 1 to %d sites", MaxSiteQuota))
	}
	switch {
	case in.Max < 1 || in.Max > MaxSiteQuota:
		f.Add("max", fmt.Sprintf("最多名额应为 1–%d 个", MaxSiteQuota), fmt.Sprintf("the most must be 1 to %d sites", MaxSiteQuota))
	case in.Max < in.Min && in.Min >= 1:
		f.Add("max", fmt.Sprintf("最多名额（%d 个）不能少于最少名额（%d 个）", in.Max, in.Min), fmt.Sprintf("the most (%d) cannot be fewer than the least (%d)", in.Max, in.Min))
	}
	if err := f.Err(); err != nil {
		return SiteQuota{}, err
	}
	out := SiteQuota{OrgID: o.ID, OrgName: o.Label(), ParentID: above.ID, ParentName: above.Name, Year: in.Year, Min: in.Min, Max: in.Max, Set: true, Actor: actor.Username, parentPath: above.Path}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, "orgs", o.ID, db.ForNoKeyUpdate); err != nil {
			return errs.Wrap(err, "lock nominating unit")
		}
		var lo, hi, ver int
		err := tx.QueryRow(ctx, "SELECT min_sites, max_sites, version FROM site_quotas WHERE org_id = ? AND year = ?", o.ID, in.Year).Scan(&lo, &hi, &ver)
		set := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "site quota")
		}
		if !set {
			lo, hi = DefaultSiteMin, DefaultSiteMax
		}
		if set {
			if err := errs.CheckVersion(in.Version, ver); err != nil {
				return err
			}
		}
		names, err := siteNominated(ctx, tx, o.ID, in.Year)
		if err != nil {
			return err
		}
		if len(names) > in.Max {
			return errs.Field("max", fmt.Sprintf("%s %d 年已推荐 %d 个示范点（%s），最多名额不能少于 %d 个", o.Label(), in.Year, len(names), strings.Join(names, "、"), len(names)),
				fmt.Sprintf("%s has nominated %d sites for %d already (%s): the most cannot be fewer than %d", o.Label(), len(names), in.Year, strings.Join(names, ", "), len(names)))
		}
		out.Nominated = len(names)
		out.Status = quotaStatus(out.Nominated, in.Min, in.Max)
		if set && lo == in.Min && hi == in.Max {
			out.Version = ver
			return nil // nothing changes
		}
		now := db.FormatTime(tx.Now())
		out.UpdatedAt = now
		if err := tx.QueryRow(ctx, `INSERT INTO site_quotas (org_id, year, min_sites, max_sites, updated_at, actor_name) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id, year) DO UPDATE SET min_sites = excluded.min_sites, max_sites = excluded.max_sites, updated_at = excluded.updated_at,
			actor_name = excluded.actor_name, version = site_quotas.version + 1 RETURNING version`, o.ID, in.Year, in.Min, in.Max, now, actor.Username).Scan(&out.Version); err != nil {
			return errs.Wrap(err, "set site quota")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "site.quota", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s设置%s %d 年示范点推荐名额为 %s 个（原为 %s 个）", above.Name, o.Label(), in.Year, quotaText(in.Min, in.Max), quotaText(lo, hi)),
				EN: fmt.Sprintf("%s set the %d quota of demonstration sites of %s to %s (was %s)", above.Name, in.Year, o.Label(), quotaText(in.Min, in.Max), quotaText(lo, hi))},
			Before: map[string]any{"min": lo, "max": hi}, After: map[string]any{"min": in.Min, "max": in.Max, "year": in.Year}})
	})
	if err != nil {
		return SiteQuota{}, err
	}
	return out, nil
}
