package cases

import (
	"context"
	"database/sql"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// Place is a division a resident may choose, with whether the choice can
// go further down.
type Place struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Level    int    `json:"level"`
	HasBelow bool   `json:"has_below"`
}

// PlaceRoots are the divisions at the top of the installation's
// territorial tree: where a resident's choice of place starts.
func (s *Service) PlaceRoots(ctx context.Context) ([]Place, error) {
	rows, err := s.db.Query(ctx, `SELECT region_code FROM orgs WHERE territorial = ? AND status = 'active'
		AND depth = (SELECT MIN(depth) FROM orgs WHERE territorial = ? AND status = 'active') ORDER BY region_code`, true, true)
	if err != nil {
		return nil, errs.Wrap(err, "place roots")
	}
	codes, err := scanCodes(rows)
	if err != nil {
		return nil, err
	}
	return s.places(ctx, codes)
}

// PlaceChildren are the divisions directly under code that the
// installation serves (that have a territorial organization), in code
// order.
func (s *Service) PlaceChildren(ctx context.Context, code string) ([]Place, error) {
	set, err := s.regions.Get()
	if err != nil {
		return nil, errs.Wrap(err, "regions")
	}
	if _, ok := set.Lookup(code); !ok {
		return nil, errs.Field("region_code", "请选择所在地点（区县、乡镇街道、村社区）", "choose the place (county, township, village or community)")
	}
	var codes []string
	for _, d := range set.Children(code) {
		codes = append(codes, d.Code)
	}
	served, err := s.served(ctx, codes)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range codes {
		if served[c] {
			out = append(out, c)
		}
	}
	return s.places(ctx, out)
}

// PlacePath is the chain of places from a root down to code, for a picker
// prefilled from a poster; nil when the installation does not serve code.
func (s *Service) PlacePath(ctx context.Context, code string) ([]Place, error) {
	set, err := s.regions.Get()
	if err != nil {
		return nil, errs.Wrap(err, "regions")
	}
	d, ok := set.Lookup(code)
	if !ok {
		return nil, nil
	}
	chain := append(set.Ancestors(code), d)
	var codes []string
	for _, a := range chain {
		codes = append(codes, a.Code)
	}
	served, err := s.served(ctx, codes)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range codes {
		if served[c] {
			out = append(out, c)
		}
	}
	if len(out) == 0 || out[len(out)-1] != code {
		return nil, nil
	}
	return s.places(ctx, out)
}

// served reports which of the codes have an active territorial
// organization.
func (s *Service) served(ctx context.Context, codes []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(codes); start += 500 {
		part := codes[start:min(start+500, len(codes))]
		args := []any{true}
		for _, c := range part {
			args = append(args, c)
		}
		rows, err := s.db.Query(ctx, "SELECT region_code FROM orgs WHERE territorial = ? AND status = 'active' AND region_code IN ("+db.Marks(len(part))+")", args...)
		if err != nil {
			return nil, errs.Wrap(err, "served places")
		}
		got, err := scanCodes(rows)
		if err != nil {
			return nil, err
		}
		for _, c := range got {
			out[c] = true
		}
	}
	return out, nil
}

func (s *Service) places(ctx context.Context, codes []string) ([]Place, error) {
	set, err := s.regions.Get()
	if err != nil {
		return nil, errs.Wrap(err, "regions")
	}
	out := make([]Place, 0, len(codes))
	for _, c := range codes {
		d, ok := set.Lookup(c)
		if !ok {
			continue
		}
		out = append(out, Place{Code: c, Name: d.Name, Level: int(d.Level), HasBelow: d.Level < region.Village && len(set.Children(c)) > 0})
	}
	return out, nil
}

func scanCodes(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, errs.Wrap(err, "scan code")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "codes")
}

// Subject is an organization a resident may name in an integrity report.
type Subject struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// PlaceOrgs are the organizations a resident may report on at a place: its
// territorial organization and the active organizations directly under it
// (the branches of a village, the communities and units of a township).
// Their names are public, as on every notice board.
func (s *Service) PlaceOrgs(ctx context.Context, code string) ([]Subject, error) {
	ref, err := org.Territorial(ctx, s.db, code)
	if err != nil || !ref.Active() {
		return nil, errs.Field("region_code", "请先选择所在地点", "choose the place first")
	}
	out := []Subject{{ID: ref.ID, Name: ref.Name}}
	rows, err := s.db.Query(ctx, "SELECT id, name FROM orgs WHERE parent_id = ? AND status = 'active' ORDER BY territorial DESC, region_code, name, id LIMIT 300", ref.ID)
	if err != nil {
		return nil, errs.Wrap(err, "place organizations")
	}
	defer rows.Close()
	for rows.Next() {
		var o Subject
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, errs.Wrap(err, "scan organization")
		}
		out = append(out, o)
	}
	return out, errs.Wrap(rows.Err(), "place organizations")
}

// Cadre is a cadre a resident may name: their name and post, never more.
type Cadre struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Post     string `json:"post"`
	PostEN   string `json:"post_en"`
}

// Cadres lists the cadres holding posts in organization id now, as the
// member register provides them.
func (s *Service) Cadres(ctx context.Context, id int64) ([]Cadre, error) {
	ref, err := org.Lookup(ctx, s.db, id)
	if err != nil || !ref.Active() {
		return nil, errs.Field("subject_org_id", "请先选择被反映的组织", "pick the organization concerned first")
	}
	cs, err := s.orgs.Cadres(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]Cadre, len(cs))
	for i, c := range cs {
		out[i] = Cadre{PersonID: c.PersonID, Name: c.Name, Post: c.Post.ZH, PostEN: c.Post.EN}
	}
	return out, nil
}
