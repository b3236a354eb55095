package cases

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// routed is where a case goes: the organization whose list it is on and,
// for an integrity report, the organization it concerns.
type routed struct {
	org         org.Ref
	subject     org.Ref
	regionLevel region.Level
}

// place finds the division a resident chose and its organization: the
// territorial organization built for that division (internal/org), which
// must be active. A division the installation has no organization for is
// outside its service.
func (s *Service) place(ctx context.Context, q db.Querier, code string) (region.Division, org.Ref, error) {
	bad := errs.Field("region_code", "请选择所在地点（区县、乡镇街道、村社区）", "choose the place (county, township, village or community)")
	if err := region.CheckCode(code); err != nil || code == "all" {
		return region.Division{}, org.Ref{}, bad
	}
	set, err := s.regions.Get()
	if err != nil {
		return region.Division{}, org.Ref{}, errs.Wrap(err, "regions")
	}
	d, ok := set.Lookup(code)
	if !ok {
		return region.Division{}, org.Ref{}, bad
	}
	ref, err := s.territorial(ctx, q, code)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !ref.Active()) {
		return d, org.Ref{}, errs.Newf(errs.Invalid, "%s 不在本系统的服务范围内，请选择本地的地点", "%s is outside this system's area: choose a place here", d.Name)
	}
	if err != nil {
		return d, org.Ref{}, errs.Wrap(err, "place")
	}
	return d, ref, nil
}

// placeTTL is how long the territorial organization of a division found
// for one report serves the next reports of that place. A burst of reports
// then costs the database no lookup per report; an organization dissolved
// meanwhile is caught when the reports are stored (checkRouted).
const placeTTL = 10 * time.Second

type placeEntry struct {
	ref org.Ref
	at  time.Time
}

// territorial is org.Territorial, through the cache of places when q is
// the database itself (a transaction may see organizations not committed).
func (s *Service) territorial(ctx context.Context, q db.Querier, code string) (org.Ref, error) {
	if _, inTx := q.(*db.Tx); inTx {
		return org.Territorial(ctx, q, code)
	}
	if e, ok := s.placeCache.Load(code); ok && time.Since(e.(placeEntry).at) < placeTTL {
		return e.(placeEntry).ref, nil
	}
	ref, err := org.Territorial(ctx, q, code)
	if err == nil && ref.Active() {
		s.placeCache.Store(code, placeEntry{ref: ref, at: time.Now()})
	}
	return ref, err
}

// checkRouted refuses, inside the transaction that stores them, reports
// routed to an organization that is no longer active.
func checkRouted(ctx context.Context, tx *db.Tx, ins []*intake) error {
	var ids []any
	for _, in := range ins {
		if !slices.Contains(ids, any(in.route.org.ID)) {
			ids = append(ids, in.route.org.ID)
		}
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE status = 'active' AND id IN ("+db.Marks(len(ids))+")", ids...).Scan(&n); err != nil {
		return errs.Wrap(err, "routed organizations")
	}
	if n != len(ids) {
		return errs.Field("region_code", "所选地点的党组织已撤销，请重新选择地点后再提交", "the organization of the place chosen was dissolved: choose the place again and submit")
	}
	return nil
}

// route decides where a case of kind at the division code goes.
// Mediation and service requests go to the village or community, or to
// the township when the place is one; opinions to the township of a
// village, or to the place itself from the township upward. An integrity
// report goes above the organization it concerns — subjectID when the
// resident picked one, else the place's — to the nearest organization
// above it with an integrity workstation, or to its parent when none has
// one.
func (s *Service) route(ctx context.Context, q db.Querier, kind, code string, subjectID int64) (routed, error) {
	d, ref, err := s.place(ctx, q, code)
	if err != nil {
		return routed{}, err
	}
	r := routed{regionLevel: d.Level}
	switch kind {
	case KindMediation, KindService:
		if d.Level < region.Township {
			return r, errs.Field("region_code", "调解和服务诉求请选择到乡镇（街道）或村（社区）", "for mediation and service requests choose a township, village or community")
		}
		r.org = ref
	case KindOpinion:
		r.org = ref
		if d.Level == region.Village {
			if up, err := s.territorial(ctx, q, d.Parent); err == nil && up.Active() {
				r.org = up
			}
		}
	case KindIntegrity:
		r.subject = ref
		if subjectID > 0 {
			sub, err := org.Lookup(ctx, q, subjectID)
			if err != nil || !sub.Active() {
				return r, errs.Field("subject_org_id", "请从列表中选择被反映的组织", "pick the organization concerned from the list")
			}
			// The organization concerned lies at the place chosen or below
			// it, so that a report is read where the place says it is.
			if !strings.HasPrefix(sub.Path, ref.Path) {
				return r, errs.Field("subject_org_id", "被反映的组织不在所选地点，请重新选择地点或组织", "the organization concerned is not at the place chosen: choose again")
			}
			r.subject = sub
		}
		up, err := s.stationAbove(ctx, q, r.subject.Path)
		if err != nil {
			return r, err
		}
		r.org = up
	default:
		return r, errs.Field("kind", "请选择反映类型", "choose what kind of case this is")
	}
	return r, nil
}

// stationAbove is the nearest organization strictly above path with an
// integrity workstation, else the organization directly above.
func (s *Service) stationAbove(ctx context.Context, q db.Querier, path string) (org.Ref, error) {
	ids := strings.Split(strings.Trim(path, "/"), "/")
	if len(ids) < 2 {
		return org.Ref{}, errs.Field("subject_org_id", "对本系统最高一级组织的反映，请向上级纪检监察机关提出", "reports about the top organization of this system go to the discipline inspection authority above it")
	}
	var ancestors []any
	for i := 1; i < len(ids); i++ {
		ancestors = append(ancestors, "/"+strings.Join(ids[:i], "/")+"/")
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT o.id FROM integrity_stations st JOIN orgs o ON o.id = st.org_id
		WHERE o.status = 'active' AND o.path IN (`+db.Marks(len(ancestors))+`) ORDER BY o.depth DESC LIMIT 1`, ancestors...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		parent, _ := strconv.ParseInt(ids[len(ids)-2], 10, 64) // a path holds digits
		ref, err := org.Lookup(ctx, q, parent)
		return ref, errs.Wrap(err, "organization above")
	}
	if err != nil {
		return org.Ref{}, errs.Wrap(err, "station above")
	}
	return org.Lookup(ctx, q, id)
}
