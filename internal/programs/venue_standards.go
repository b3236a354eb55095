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

// The standards of the venues: for each kind (a village's, a community's)
// the least area and the functions a venue must serve. A county or a city
// sets its own for its subtree; the nearest standard above an organization
// wins, and where none is set the built-in default applies.

// VenueStandard is the standard of one kind of venue.
type VenueStandard struct {
	Kind      string   `json:"kind"`
	MinArea   int      `json:"min_area"`  // m²
	Functions []string `json:"functions"` // required, in VenueFunctions' order
	// OrgID is the organization that set it, 0 for the built-in default.
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Default   bool   `json:"default"`
	UpdatedAt string `json:"updated_at,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
	orgPath   string
}

// DefaultVenueStandards apply where no county or city has set a standard
// of its own. Their figures — at least 200 m² for a village's activity
// venue (村级组织活动场所) and 300 m² for a community's (社区党群服务中心),
// each with a Party members' activity room and a public service counter,
// a community's also with a service centre — are those commonly found in
// provincial and municipal guidance, but they are not taken from one
// document that binds Nanning: they are a setting that each county (or
// the city) should confirm, by setting its own standard on the standards
// page, which then applies to its whole subtree.
var DefaultVenueStandards = map[string]VenueStandard{
	"rural":     {Kind: "rural", MinArea: 200, Functions: []string{"party_room", "service_window"}, Default: true},
	"community": {Kind: "community", MinArea: 300, Functions: []string{"party_room", "service_center", "service_window"}, Default: true},
}

// venueStds are the standards set, by organization and kind.
type venueStds map[int64]map[string]VenueStandard

// at is the standard of kind that applies at the organization at path:
// the one set on it or on its nearest ancestor, else the default.
func (m venueStds) at(path, kind string) VenueStandard {
	ids := org.PathIDs(path)
	for i := len(ids) - 1; i >= 0; i-- {
		if s, ok := m[ids[i]][kind]; ok {
			return s
		}
	}
	d := DefaultVenueStandards[kind]
	d.Functions = append([]string{}, d.Functions...)
	return d
}

// loadVenueStandards reads every standard set; there are at most a few
// per county.
func loadVenueStandards(ctx context.Context, q db.Querier) (venueStds, error) {
	rows, err := q.Query(ctx, "SELECT s.org_id, "+org.LabelCol("o")+", o.path, s.kind, s.min_area, s.functions, s.updated_at, s.updated_by FROM venue_standards s"+
		org.Join("o", "s.org_id")+" ORDER BY o.path, s.kind")
	if err != nil {
		return nil, errs.Wrap(err, "venue standards")
	}
	defer rows.Close()
	out := venueStds{}
	for rows.Next() {
		var s VenueStandard
		var fns string
		if err := rows.Scan(&s.OrgID, &s.OrgName, &s.orgPath, &s.Kind, &s.MinArea, &fns, &s.UpdatedAt, &s.UpdatedBy); err != nil {
			return nil, errs.Wrap(err, "scan venue standard")
		}
		s.Functions = splitKeys(fns)
		if out[s.OrgID] == nil {
			out[s.OrgID] = map[string]VenueStandard{}
		}
		out[s.OrgID][s.Kind] = s
	}
	return out, errs.Wrap(rows.Err(), "venue standards")
}

// VenueStandardsView is what the standards page and the API show for an
// organization: the standard of each kind that applies there, and the
// standards set on it and in its subtree.
type VenueStandardsView struct {
	OrgID   int64           `json:"org_id"`
	OrgName string          `json:"org_name"`
	Applies []VenueStandard `json:"applies"`
	Set     []VenueStandard `json:"set"`
	// CanSet tells whether the reader may set a standard on the
	// organization: it manages the programmes there and the organization
	// is a county's or a city's.
	CanSet bool `json:"can_set"`
}

// VenueStandards returns the standards of an organization the actor reads
// the programmes of.
func (s *Service) VenueStandards(ctx context.Context, actor access.Actor, orgID int64) (VenueStandardsView, error) {
	o, err := s.venueOrg(ctx, actor, orgID)
	if err != nil {
		return VenueStandardsView{}, err
	}
	stds, err := loadVenueStandards(ctx, s.db)
	if err != nil {
		return VenueStandardsView{}, err
	}
	v := VenueStandardsView{OrgID: o.ID, OrgName: o.Label(), Applies: []VenueStandard{}, Set: []VenueStandard{},
		CanSet: actor.Can(ProgramsManage, o.Path) && venueStandardLevel(o.Level)}
	for _, k := range VenueKinds {
		v.Applies = append(v.Applies, stds.at(o.Path, k.Key))
	}
	for _, byKind := range stds {
		for _, st := range byKind {
			if access.Within(st.orgPath, o.Path) && actor.Can(ProgramsRead, st.orgPath) {
				v.Set = append(v.Set, st)
			}
		}
	}
	kindOrder := map[string]int{"rural": 0, "community": 1}
	slices.SortFunc(v.Set, func(a, b VenueStandard) int {
		if c := strings.Compare(a.orgPath, b.orgPath); c != 0 {
			return c
		}
		return kindOrder[a.Kind] - kindOrder[b.Kind]
	})
	return v, nil
}

// venueStandardLevel reports whether an organization of level may set
// standards: a county's or a city's.
func venueStandardLevel(level string) bool { return level == "county" || level == "city" }

// VenueStandardInput sets the standard of a kind on a county or a city.
type VenueStandardInput struct {
	OrgID     int64    `json:"org_id"`
	Kind      string   `json:"kind"`
	MinArea   int      `json:"min_area"`
	Functions []string `json:"functions"`
}

// standardOrg loads the organization a standard is set on or cleared at:
// the actor must manage the programmes there.
func (s *Service) standardOrg(ctx context.Context, actor access.Actor, orgID int64) (org.Org, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有制定阵地标准的权限", "you may not set venue standards")
	}
	if orgID == 0 {
		return org.Org{}, errs.Field("org_id", "请选择制定标准的县（市、区）或市级党组织", "choose the county or city organization that sets the standard")
	}
	o, err := s.venueOrg(ctx, actor, orgID)
	if err != nil {
		return org.Org{}, err
	}
	if !actor.Can(ProgramsManage, o.Path) {
		return org.Org{}, errs.Newf(errs.Forbidden, "您没有为“%s”制定阵地标准的权限", "you may not set the venue standards of %s", o.Label())
	}
	if !venueStandardLevel(o.Level) {
		return org.Org{}, errs.Field("org_id", fmt.Sprintf("阵地标准由县（市、区）或市级党组织制定，“%s”是%s党组织：请选择它所在的县（市、区）", o.Label(), org.LabelOf(org.Levels, o.Level, "")),
			fmt.Sprintf("venue standards are set by a county or a city organization, and %s is at the %s level: choose its county", o.Label(), strings.ToLower(org.LabelOf(org.Levels, o.Level, i18n.EN))))
	}
	return o, nil
}

// venueStandardKind reads the kind of a standard.
func venueStandardKind(k string, f *errs.Fields) string {
	if _, ok := org.KeyOf(VenueKinds, k); !ok {
		f.Add("kind", "请选择标准适用的类别：村或社区", "choose what the standard is for: villages or communities")
		return ""
	}
	return k
}

// SetVenueStandard sets (or changes) the standard of a kind on a county
// or a city organization, for its whole subtree; audited.
func (s *Service) SetVenueStandard(ctx context.Context, actor access.Actor, in VenueStandardInput) (VenueStandard, error) {
	o, err := s.standardOrg(ctx, actor, in.OrgID)
	if err != nil {
		return VenueStandard{}, err
	}
	var f errs.Fields
	kind := venueStandardKind(in.Kind, &f)
	if in.MinArea < 1 || in.MinArea > MaxVenueArea {
		f.Add("min_area", fmt.Sprintf("最低面积应为 1–%d 之间的整数（单位：平方米）", MaxVenueArea), "the least area must be a whole number of square metres from 1 to 10,000")
	}
	fns := venueFunctions("functions", in.Functions, &f)
	if err := f.Err(); err != nil {
		return VenueStandard{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var before VenueStandard
		var bfns string
		err := tx.QueryRow(ctx, "SELECT min_area, functions FROM venue_standards WHERE org_id = ? AND kind = ?"+tx.Lock(db.ForUpdate), o.ID, kind).Scan(&before.MinArea, &bfns)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "venue standard")
		}
		now := db.FormatTime(tx.Now())
		if _, err := tx.Exec(ctx, `INSERT INTO venue_standards (org_id, kind, min_area, functions, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id, kind) DO UPDATE SET min_area = excluded.min_area, functions = excluded.functions, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			o.ID, kind, in.MinArea, strings.Join(fns, ","), now, actor.Username); err != nil {
			return errs.Wrap(err, "set venue standard")
		}
		e := audit.Entry{Action: "venue.standard", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("制定%s%s阵地标准：不少于 %d 平方米", o.Label(), org.LabelOf(VenueKinds, kind, ""), in.MinArea),
				EN: fmt.Sprintf("set the venue standard of %s for %ss: at least %d m²", o.Label(), strings.ToLower(org.LabelOf(VenueKinds, kind, i18n.EN)), in.MinArea)},
			After: map[string]any{"kind": kind, "min_area": in.MinArea, "functions": fns}}
		if exists {
			e.Before = map[string]any{"kind": kind, "min_area": before.MinArea, "functions": splitKeys(bfns)}
		}
		return audit.Write(ctx, tx, actor, e)
	})
	if err != nil {
		return VenueStandard{}, err
	}
	stds, err := loadVenueStandards(ctx, s.db)
	if err != nil {
		return VenueStandard{}, err
	}
	return stds[o.ID][kind], nil
}

// ClearVenueStandard removes the standard of a kind a county or a city
// set, so that the one above it (or the default) applies again; audited.
func (s *Service) ClearVenueStandard(ctx context.Context, actor access.Actor, orgID int64, kind string) error {
	o, err := s.standardOrg(ctx, actor, orgID)
	if err != nil {
		return err
	}
	var f errs.Fields
	kind = venueStandardKind(kind, &f)
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var minArea int
		var fns string
		err := tx.QueryRow(ctx, "SELECT min_area, functions FROM venue_standards WHERE org_id = ? AND kind = ?"+tx.Lock(db.ForUpdate), o.ID, kind).Scan(&minArea, &fns)
		if errors.Is(err, sql.ErrNoRows) {
			return &errs.Error{Kind: errs.NotFound, Text: i18n.Text{ZH: fmt.Sprintf("%s没有自己制定的%s阵地标准", o.Label(), org.LabelOf(VenueKinds, kind, "")),
				EN: fmt.Sprintf("%s has set no venue standard of its own for %ss", o.Label(), strings.ToLower(org.LabelOf(VenueKinds, kind, i18n.EN)))}}
		}
		if err != nil {
			return errs.Wrap(err, "venue standard")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM venue_standards WHERE org_id = ? AND kind = ?", o.ID, kind); err != nil {
			return errs.Wrap(err, "clear venue standard")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "venue.standard_clear", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("取消%s自定的%s阵地标准", o.Label(), org.LabelOf(VenueKinds, kind, "")),
				EN: fmt.Sprintf("removed the venue standard %s set for %ss", o.Label(), strings.ToLower(org.LabelOf(VenueKinds, kind, i18n.EN)))},
			Before: map[string]any{"kind": kind, "min_area": minArea, "functions": splitKeys(fns)}})
	})
}
