package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Venues (阵地, M3): the activity venue of each organization — its area,
// the functions it serves, its opening hours, facilities, address and a
// few photos — recorded by the organization itself (its secretary) or by
// an organization department above it, and checked against the standard
// of its kind that the county or the city sets (see venue_standards.go).
// Every organization may record a venue; the standards cover the
// village-level organizations of villages and of urban communities, and
// the coverage module counts the venues of the 两新 units' organizations.

// VenueFunctions is the fixed list of the functions a venue serves.
var VenueFunctions = []org.Choice{
	{Key: "party_room", Text: i18n.Text{ZH: "党员活动室", EN: "Party members' activity room"}},
	{Key: "service_center", Text: i18n.Text{ZH: "党群服务中心", EN: "Party and public service centre"}},
	{Key: "meeting_room", Text: i18n.Text{ZH: "会议室", EN: "Meeting room"}},
	{Key: "reading_room", Text: i18n.Text{ZH: "党建书屋/阅览室", EN: "Party-building library / reading room"}},
	{Key: "service_window", Text: i18n.Text{ZH: "便民服务窗口", EN: "Public service counter"}},
	{Key: "sports_room", Text: i18n.Text{ZH: "文体活动室", EN: "Culture and sports room"}},
	{Key: "other", Text: i18n.Text{ZH: "其他", EN: "Other"}},
}

// VenueKinds are the kinds of organization the standards cover: the
// village-level organizations of villages (农村) and of urban communities
// (社区), by the category of the host unit the tree gives them.
var VenueKinds = []org.Choice{
	{Key: "rural", Text: i18n.Text{ZH: "村", EN: "Village"}},
	{Key: "community", Text: i18n.Text{ZH: "社区", EN: "Community"}},
}

// VenueStatuses are the results of the check of a venue against its
// standard, in the order lists sort them by.
var VenueStatuses = []org.Choice{
	{Key: "none", Text: i18n.Text{ZH: "未登记阵地", EN: "No venue recorded"}},
	{Key: "short_and_missing", Text: i18n.Text{ZH: "面积不足且功能不全", EN: "Too small and functions missing"}},
	{Key: "short_area", Text: i18n.Text{ZH: "面积不足", EN: "Too small"}},
	{Key: "missing_functions", Text: i18n.Text{ZH: "功能不全", EN: "Functions missing"}},
	{Key: "compliant", Text: i18n.Text{ZH: "达标", EN: "Meets the standard"}},
}

// Limits of a venue record.
const (
	// MaxVenueArea is the largest area, in m², a venue may have: a
	// street's service centre is a few thousand; more is a typing error.
	MaxVenueArea = 10000
	// MaxVenuePhotos is how many photos one venue keeps.
	MaxVenuePhotos = 5
	venueHoursMax  = 100
	venueAddrMax   = 200
	venueFacMax    = 1000
)

// VenueInput is what a venue's form or the API sends.
type VenueInput struct {
	Area         int      `json:"area"` // m², whole
	Functions    []string `json:"functions"`
	OpeningHours string   `json:"opening_hours"`
	Facilities   string   `json:"facilities"`
	Address      string   `json:"address"`
	// Version is the version the edit was made from; when given and no
	// longer current, nothing changes.
	Version *int `json:"version"`
}

// Venue is an organization's venue record.
type Venue struct {
	OrgID        int64        `json:"org_id"`
	OrgName      string       `json:"org_name"`
	Area         int          `json:"area"`
	Functions    []string     `json:"functions"`
	OpeningHours string       `json:"opening_hours"`
	Facilities   string       `json:"facilities"`
	Address      string       `json:"address"`
	Photos       []VenuePhoto `json:"photos"`
	CreatedAt    string       `json:"created_at"`
	UpdatedAt    string       `json:"updated_at"`
	UpdatedBy    string       `json:"updated_by"`
	Version      int          `json:"version"`
	id           int64
}

// VenuePhoto is a photo of a venue, without its bytes.
type VenuePhoto struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	MIME      string `json:"mime"`
	Size      int    `json:"size"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

// VenueOf is one organization's page of the register: the organization,
// its venue (nil when none is recorded), the standard of its kind that
// applies to it and the result of the check.
type VenueOf struct {
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	OrgPath    string `json:"-"`
	Kind       string `json:"kind"` // a VenueKinds key, "" for organizations no standard covers
	Active     bool   `json:"active"`
	Venue      *Venue `json:"venue"`
	VenueCheck        // the standard and the result; zero when Kind is ""
}

// VenueCheck is a venue checked against the standard of its kind.
type VenueCheck struct {
	Standard *VenueStandard `json:"standard"`
	// Status is a VenueStatuses key, "" when no standard covers the
	// organization.
	Status string `json:"status"`
	// ShortBy is how many m² the area lacks; Missing the required
	// functions the venue does not serve.
	ShortBy int      `json:"short_by"`
	Missing []string `json:"missing"`
}

// venueKind is the kind of venue standard that covers o, "" for none.
func venueKind(level, category string) string {
	if level != "village" {
		return ""
	}
	if category == "rural" || category == "community" {
		return category
	}
	return ""
}

// VenueKindOf is the kind of venue standard that covers an organization
// of level and category, "" when none does.
func VenueKindOf(level, category string) string { return venueKind(level, category) }

// venueAssess is the result of a venue (nil: none recorded) against std.
func venueAssess(v *Venue, std VenueStandard) VenueCheck {
	c := VenueCheck{Standard: &std, Missing: []string{}}
	if v == nil {
		c.Status = "none"
		return c
	}
	if v.Area < std.MinArea {
		c.ShortBy = std.MinArea - v.Area
	}
	for _, f := range std.Functions {
		if !slices.Contains(v.Functions, f) {
			c.Missing = append(c.Missing, f)
		}
	}
	switch {
	case c.ShortBy > 0 && len(c.Missing) > 0:
		c.Status = "short_and_missing"
	case c.ShortBy > 0:
		c.Status = "short_area"
	case len(c.Missing) > 0:
		c.Status = "missing_functions"
	default:
		c.Status = "compliant"
	}
	return c
}

// splitKeys reads a stored comma-separated list of keys.
func splitKeys(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// venueFunctions checks the functions chosen: each known, none twice,
// in the list's order. An unknown one is a problem at field.
func venueFunctions(field string, in []string, f *errs.Fields) []string {
	seen := map[string]bool{}
	for _, k := range in {
		k = strings.TrimSpace(k)
		if _, ok := org.KeyOf(VenueFunctions, k); !ok {
			shown := k
			if utf8.RuneCountInString(shown) > 20 {
				shown = string([]rune(shown)[:20]) + "…"
			}
			f.Add(field, fmt.Sprintf("未知的功能“%s”，请从列表中选择，如“党员活动室”“便民服务窗口”", shown),
				fmt.Sprintf("unknown function %q: choose from the list, such as the Party members' activity room or the public service counter", shown))
			return nil
		}
		seen[k] = true
	}
	out := []string{}
	for _, c := range VenueFunctions {
		if seen[c.Key] {
			out = append(out, c.Key)
		}
	}
	return out
}

// venueText reads a text field of at most max runes; required ones may
// not be empty.
func venueText(field, v string, max int, required bool, zhEmpty, enEmpty, zhName, enName string, f *errs.Fields) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		f.Add(field, zhEmpty, enEmpty)
	case utf8.RuneCountInString(v) > max:
		f.Add(field, fmt.Sprintf("%s最多 %d 字，现有 %d 字", zhName, max, utf8.RuneCountInString(v)),
			fmt.Sprintf("the %s may be at most %d characters long; it has %d", enName, max, utf8.RuneCountInString(v)))
	}
	return v
}

// checkVenueArea adds a problem when m2 is not a plausible area.
func checkVenueArea(field string, m2 int, f *errs.Fields) {
	if m2 < 1 || m2 > MaxVenueArea {
		f.Add(field, fmt.Sprintf("面积应为 1–%d 之间的整数（单位：平方米）", MaxVenueArea),
			"the area must be a whole number of square metres from 1 to 10,000")
	}
}

// checkVenue validates a venue's input and returns it cleaned.
func checkVenue(in VenueInput) (VenueInput, error) {
	var f errs.Fields
	checkVenueArea("area", in.Area, &f)
	fns := venueFunctions("functions", in.Functions, &f)
	if fns != nil && len(fns) == 0 {
		f.Add("functions", "请至少选择一项功能，如“党员活动室”", "choose at least one function, such as the Party members' activity room")
	}
	in.Functions = fns
	in.OpeningHours = venueText("opening_hours", in.OpeningHours, venueHoursMax, true,
		"请填写开放时间，如“周一至周五 8:30–12:00，14:30–17:30”", "enter the opening hours, such as \"Mon–Fri 8:30–12:00, 14:30–17:30\"", "开放时间", "opening hours", &f)
	in.Address = venueText("address", in.Address, venueAddrMax, true, "请填写阵地地址", "enter the venue's address", "地址", "address", &f)
	in.Facilities = venueText("facilities", in.Facilities, venueFacMax, false, "", "", "设施设备", "facilities", &f)
	return in, f.Err()
}

// venueOrg loads the organization of a venue for the actor, who must read
// the programmes there (else it does not exist for it).
func (s *Service) venueOrg(ctx context.Context, actor access.Actor, orgID int64) (org.Org, error) {
	o, err := s.orgs.Get(ctx, actor, orgID)
	if err != nil {
		return org.Org{}, err
	}
	if !actor.Can(ProgramsRead, o.Path) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有查看阵地建设情况的权限", "you may not read the venues")
	}
	return o, nil
}

// mayRecordVenue refuses an actor who may not record o's venue.
func mayRecordVenue(actor access.Actor, o org.Org) error {
	if !actor.Can(ProgramsReport, o.Path) {
		return errs.Newf(errs.Forbidden, "您没有登记“%s”阵地的权限", "you may not record the venue of %s", o.Label())
	}
	if !o.Active() {
		return errs.Newf(errs.Conflict, "“%s”已撤销，不能登记阵地", "%s has been dissolved: its venue cannot be recorded", o.Label())
	}
	return nil
}

const venueCols = `v.id, v.org_id, v.area, v.functions, v.opening_hours, v.facilities, v.address, v.created_at, v.updated_at, v.updated_by, v.version`

func scanVenue(sc db.Scanner, v *Venue) error {
	var fns string
	if err := sc.Scan(&v.id, &v.OrgID, &v.Area, &fns, &v.OpeningHours, &v.Facilities, &v.Address, &v.CreatedAt, &v.UpdatedAt, &v.UpdatedBy, &v.Version); err != nil {
		return err
	}
	v.Functions = splitKeys(fns)
	return nil
}

// venueRow reads the venue of an organization through q, nil when it has
// none.
func venueRow(ctx context.Context, q db.Querier, orgID int64, lock string) (*Venue, error) {
	var v Venue
	err := scanVenue(q.QueryRow(ctx, "SELECT "+venueCols+" FROM venues v WHERE v.org_id = ?"+lock, orgID), &v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "venue")
	}
	return &v, nil
}

// Venue returns an organization's page of the register: its venue with
// the photos' list, the standard that applies and the check against it.
func (s *Service) Venue(ctx context.Context, actor access.Actor, orgID int64) (VenueOf, error) {
	o, err := s.venueOrg(ctx, actor, orgID)
	if err != nil {
		return VenueOf{}, err
	}
	out := VenueOf{OrgID: o.ID, OrgName: o.Label(), OrgPath: o.Path, Kind: venueKind(o.Level, o.Category), Active: o.Active(), VenueCheck: VenueCheck{Missing: []string{}}}
	if out.Venue, err = venueRow(ctx, s.db, o.ID, ""); err != nil {
		return VenueOf{}, err
	}
	if out.Venue != nil {
		out.Venue.OrgName = o.Label()
		if out.Venue.Photos, err = venuePhotos(ctx, s.db, out.Venue.id); err != nil {
			return VenueOf{}, err
		}
	}
	if out.Kind != "" {
		stds, err := loadVenueStandards(ctx, s.db)
		if err != nil {
			return VenueOf{}, err
		}
		out.VenueCheck = venueAssess(out.Venue, stds.at(o.Path, out.Kind))
	}
	return out, nil
}

// venueAudit is what an audit entry keeps of a venue.
func venueAudit(v VenueInput) map[string]any {
	return map[string]any{"area": v.Area, "functions": v.Functions, "opening_hours": v.OpeningHours, "facilities": v.Facilities, "address": v.Address}
}

// SaveVenue records an organization's venue, or changes it: by a
// secretary of the organization or an organization department above it
// (programs.report). An edit made from a version that is no longer
// current changes nothing (a conflict); every save is audited with what
// it changed.
func (s *Service) SaveVenue(ctx context.Context, actor access.Actor, orgID int64, in VenueInput) (VenueOf, error) {
	o, err := s.venueOrg(ctx, actor, orgID)
	if err != nil {
		return VenueOf{}, err
	}
	if err := mayRecordVenue(actor, o); err != nil {
		return VenueOf{}, err
	}
	in, err = checkVenue(in)
	if err != nil {
		return VenueOf{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		cur, err := venueRow(ctx, tx, o.ID, tx.Lock(db.ForUpdate))
		if err != nil {
			return err
		}
		now := db.FormatTime(tx.Now())
		fns := strings.Join(in.Functions, ",")
		target := strconv.FormatInt(o.ID, 10)
		if cur == nil {
			// A form of a venue not yet recorded carries no version; one
			// that does was loaded from a record that is gone.
			if in.Version != nil && *in.Version != 0 {
				return errs.Stale()
			}
			if _, err := tx.Exec(ctx, `INSERT INTO venues (org_id, area, functions, opening_hours, facilities, address, created_at, updated_at, updated_by, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, o.ID, in.Area, fns, in.OpeningHours, in.Facilities, in.Address, now, now, actor.Username); err != nil {
				if db.IsUniqueViolation(err) {
					return errs.Stale() // recorded meanwhile by someone else
				}
				return errs.Wrap(err, "insert venue")
			}
			return audit.Write(ctx, tx, actor, audit.Entry{Action: "venue.create", TargetType: "org", TargetID: target, OrgPath: o.Path,
				Summary: i18n.Textf("登记%s的阵地：%d 平方米", "recorded the venue of %s: %d m²", o.Label(), in.Area), After: venueAudit(in)})
		}
		if err := errs.CheckVersion(in.Version, cur.Version); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE venues SET area = ?, functions = ?, opening_hours = ?, facilities = ?, address = ?, updated_at = ?, updated_by = ?, version = version + 1
			WHERE id = ?`, in.Area, fns, in.OpeningHours, in.Facilities, in.Address, now, actor.Username, cur.id); err != nil {
			return errs.Wrap(err, "update venue")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "venue.update", TargetType: "org", TargetID: target, OrgPath: o.Path,
			Summary: i18n.Textf("修改%s的阵地：%d → %d 平方米", "changed the venue of %s: %d → %d m²", o.Label(), cur.Area, in.Area),
			Before:  venueAudit(VenueInput{Area: cur.Area, Functions: cur.Functions, OpeningHours: cur.OpeningHours, Facilities: cur.Facilities, Address: cur.Address}),
			After:   venueAudit(in)})
	})
	if err != nil {
		return VenueOf{}, err
	}
	return s.Venue(ctx, actor, o.ID)
}

// CanRecordVenue reports whether the actor may record o's venue, for pages
// that offer the form.
func CanRecordVenue(actor access.Actor, orgPath string) bool {
	return actor.Can(ProgramsReport, orgPath)
}
