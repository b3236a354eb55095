package cases

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Station is an integrity workstation (廉洁工作站): where residents meet the
// officers who take their reports, and where integrity reports about the
// organizations below it are routed.
type Station struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	RegionCode string `json:"region_code"`
	Name       string `json:"name"`
	Address    string `json:"address"`
	Staff      string `json:"staff"`
	Hours      string `json:"hours"`
	Phone      string `json:"phone"`
	Activities int    `json:"activities"`
	Version    int    `json:"version"`

	orgPath string
}

// StationInput registers or edits a workstation.
type StationInput struct {
	OrgID   int64  `json:"org_id"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Staff   string `json:"staff"`
	Hours   string `json:"hours"`
	Phone   string `json:"phone"`
	Version int    `json:"version,omitempty"`
}

func (in *StationInput) clean() error {
	var f errs.Fields
	in.Name, in.Address, in.Staff, in.Hours, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address), strings.TrimSpace(in.Staff), strings.TrimSpace(in.Hours), strings.TrimSpace(in.Phone)
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 50 {
		f.Add("name", "请填写工作站名称（2 至 50 字），如“民生街道廉洁工作站”", "enter the station's name (2 to 50 characters)")
	}
	if utf8.RuneCountInString(in.Address) > 100 {
		f.Add("address", "地址最多 100 字", "the address has at most 100 characters")
	}
	if utf8.RuneCountInString(in.Staff) > 200 {
		f.Add("staff", "工作人员最多 200 字", "the staff have at most 200 characters")
	}
	if utf8.RuneCountInString(in.Hours) > 100 {
		f.Add("hours", "开放时间最多 100 字", "the opening hours have at most 100 characters")
	}
	if in.Phone != "" && !mobileRE.MatchString(in.Phone) && !landlineRE.MatchString(in.Phone) {
		f.Add("phone", "请填写 11 位手机号或带区号的固定电话（如 0771-5551234）", "enter an 11-digit mobile number or a landline with its area code")
	}
	return f.Err()
}

const stationCols = `st.id, st.org_id, o.name, COALESCE(o.region_code, ''), o.path, st.name, st.address, st.staff, st.hours, st.phone, st.version,
	(SELECT COUNT(*) FROM station_activities a WHERE a.station_id = st.id)`

func scanStation(sc interface{ Scan(...any) error }) (Station, error) {
	var st Station
	err := sc.Scan(&st.ID, &st.OrgID, &st.OrgName, &st.RegionCode, &st.orgPath, &st.Name, &st.Address, &st.Staff, &st.Hours, &st.Phone, &st.Version, &st.Activities)
	return st, err
}

// Stations lists the workstations in the actor's scope of organizations.
func (s *Service) Stations(ctx context.Context, actor access.Actor) ([]Station, error) {
	cond, args := actor.ScopeSQL("o.path", access.OrgRead)
	rows, err := s.db.Query(ctx, "SELECT "+stationCols+" FROM integrity_stations st"+org.Join("o", "st.org_id")+" WHERE "+cond+" ORDER BY o.path", args...)
	if err != nil {
		return nil, errs.Wrap(err, "stations")
	}
	defer rows.Close()
	var out []Station
	for rows.Next() {
		st, err := scanStation(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan station")
		}
		out = append(out, st)
	}
	return out, errs.Wrap(rows.Err(), "stations")
}

// PublicStation returns a workstation for its public page and poster:
// what residents need to find it. Anyone may read it.
func (s *Service) PublicStation(ctx context.Context, id int64) (Station, error) {
	st, err := scanStation(s.db.QueryRow(ctx, "SELECT "+stationCols+" FROM integrity_stations st"+org.Join("o", "st.org_id")+" WHERE st.id = ? AND o.status = 'active'", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Station{}, errs.New(errs.NotFound, "没有这个廉洁工作站", "no such integrity workstation")
	}
	if err != nil {
		return Station{}, errs.Wrap(err, "station")
	}
	if st.RegionCode == "" {
		// A station at an organization without a division code takes
		// reports at the nearest place above it.
		st.RegionCode, err = s.nearestCode(ctx, st.orgPath)
	}
	return st, err
}

// nearestCode is the division code of the nearest organization on path
// that has one.
func (s *Service) nearestCode(ctx context.Context, path string) (string, error) {
	ids := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(ids) - 1; i >= 0; i-- {
		var code sql.NullString
		if err := s.db.QueryRow(ctx, "SELECT region_code FROM orgs WHERE id = ?", ids[i]).Scan(&code); err != nil {
			return "", errs.Wrap(err, "nearest code")
		}
		if code.String != "" {
			return code.String, nil
		}
	}
	return "", nil
}

// SaveStation registers a workstation at an organization, or edits the one
// it has, where the actor keeps workstations.
func (s *Service) SaveStation(ctx context.Context, actor access.Actor, in StationInput) (Station, error) {
	if err := in.clean(); err != nil {
		return Station{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := org.Lookup(ctx, tx, in.OrgID)
		if err != nil || !actor.Can(StationsManage, o.Path) {
			return errs.Field("org_id", "请选择您负责的一个组织", "choose an organization you are responsible for")
		}
		if !o.Active() {
			return errs.Field("org_id", "该组织已撤销", "the organization has been dissolved")
		}
		now := db.FormatTime(s.now())
		var version int
		err = tx.QueryRow(ctx, "SELECT id, version FROM integrity_stations WHERE org_id = ?", o.ID).Scan(&id, &version)
		before := any(nil)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := tx.QueryRow(ctx, `INSERT INTO integrity_stations (org_id, name, address, staff, hours, phone, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.ID, in.Name, in.Address, in.Staff, in.Hours, in.Phone, now, now).Scan(&id); err != nil {
				return errs.Wrap(err, "insert station")
			}
		case err != nil:
			return errs.Wrap(err, "station")
		default:
			var v *int
			if in.Version > 0 {
				v = &in.Version
			}
			if err := errs.CheckVersion(v, version); err != nil {
				return err
			}
			before = map[string]any{"version": version}
			if _, err := tx.Exec(ctx, `UPDATE integrity_stations SET name = ?, address = ?, staff = ?, hours = ?, phone = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
				in.Name, in.Address, in.Staff, in.Hours, in.Phone, now, id); err != nil {
				return errs.Wrap(err, "update station")
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "station.save", TargetType: "station", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path,
			Summary: i18n.Textf("廉洁工作站 %s", "integrity workstation %s", in.Name), Before: before, After: in})
	})
	if err != nil {
		return Station{}, err
	}
	return s.PublicStation(ctx, id)
}

// Activity is an integrity-themed event of a workstation.
type Activity struct {
	ID           int64  `json:"id"`
	StationID    int64  `json:"station_id"`
	HeldOn       string `json:"held_on"`
	Title        string `json:"title"`
	Participants int    `json:"participants"`
	Materials    string `json:"materials"`
}

// AddActivity records an activity of a workstation the actor keeps.
func (s *Service) AddActivity(ctx context.Context, actor access.Actor, a Activity) (Activity, error) {
	var f errs.Fields
	a.Title, a.Materials = strings.TrimSpace(a.Title), strings.TrimSpace(a.Materials)
	held, err := time.Parse(time.DateOnly, strings.TrimSpace(a.HeldOn))
	if err != nil {
		f.Add("held_on", "活动日期格式应为 2026-10-01", "the date is written 2026-10-01")
	} else if held.After(s.now().In(calendarZone)) {
		f.Add("held_on", "活动日期不能晚于今天", "the date cannot be after today")
	}
	if n := utf8.RuneCountInString(a.Title); n < 2 || n > 100 {
		f.Add("title", "请填写活动名称（2 至 100 字）", "enter the activity's title (2 to 100 characters)")
	}
	if a.Participants < 0 || a.Participants > 100000 {
		f.Add("participants", "参加人数应为 0 至 100000", "participants are 0 to 100,000")
	}
	if utf8.RuneCountInString(a.Materials) > 2000 {
		f.Add("materials", "活动材料说明最多 2000 字", "the materials have at most 2,000 characters")
	}
	if err := f.Err(); err != nil {
		return Activity{}, err
	}
	a.HeldOn = held.Format(time.DateOnly)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var path string
		if err := tx.QueryRow(ctx, "SELECT o.path FROM integrity_stations st"+org.Join("o", "st.org_id")+" WHERE st.id = ?", a.StationID).Scan(&path); err != nil || !actor.Can(StationsManage, path) {
			return errs.New(errs.NotFound, "没有这个廉洁工作站", "no such integrity workstation")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO station_activities (station_id, held_on, title, participants, materials, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			a.StationID, a.HeldOn, a.Title, a.Participants, a.Materials, db.FormatTime(s.now())).Scan(&a.ID); err != nil {
			return errs.Wrap(err, "insert activity")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "station.activity", TargetType: "station", TargetID: strconv.FormatInt(a.StationID, 10), OrgPath: path,
			Summary: i18n.Textf("廉洁工作站活动：%s（%s）", "workstation activity: %s (%s)", a.Title, a.HeldOn), After: a})
	})
	return a, err
}

// Activities lists a workstation's activities, latest first.
func (s *Service) Activities(ctx context.Context, actor access.Actor, stationID int64) ([]Activity, error) {
	var path string
	if err := s.db.QueryRow(ctx, "SELECT o.path FROM integrity_stations st"+org.Join("o", "st.org_id")+" WHERE st.id = ?", stationID).Scan(&path); err != nil || !actor.Can(access.OrgRead, path) {
		return nil, errs.New(errs.NotFound, "没有这个廉洁工作站", "no such integrity workstation")
	}
	rows, err := s.db.Query(ctx, "SELECT id, held_on, title, participants, materials FROM station_activities WHERE station_id = ? ORDER BY held_on DESC, id DESC", stationID)
	if err != nil {
		return nil, errs.Wrap(err, "activities")
	}
	defer rows.Close()
	var out []Activity
	for rows.Next() {
		a := Activity{StationID: stationID}
		if err := rows.Scan(&a.ID, &a.HeldOn, &a.Title, &a.Participants, &a.Materials); err != nil {
			return nil, errs.Wrap(err, "scan activity")
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "activities")
}
