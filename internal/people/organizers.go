package people

import (
	"context"
	"database/sql"
	"errors"
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
	"jiceng/internal/org"
)

// Party-building organizers (党建组织员, M3): a county recruits graduates
// with a bachelor's degree or more in yearly batches and places each in a
// community or a 两新 organization for a tenure of some years; some leave
// early, for the civil service or another job.

// LeaveReasons are why an organizer leaves the post.
var LeaveReasons = []org.Choice{
	{Key: "civil_service", Text: i18n.Text{ZH: "考录公务员", EN: "Entered the civil service"}},
	{Key: "institution", Text: i18n.Text{ZH: "考入事业单位", EN: "Joined a public institution"}},
	{Key: "resigned", Text: i18n.Text{ZH: "辞职", EN: "Resigned"}},
	{Key: "term_ended", Text: i18n.Text{ZH: "期满", EN: "Tenure completed"}},
	{Key: "dismissed", Text: i18n.Text{ZH: "解聘", EN: "Dismissed"}},
	{Key: "other", Text: i18n.Text{ZH: "其他", EN: "Other"}},
}

// OrganizerStates are where an organizer stands: recruited and waiting for
// a placement, in post, or gone.
var OrganizerStates = []org.Choice{
	{Key: "recruited", Text: i18n.Text{ZH: "待派驻", EN: "Awaiting placement"}},
	{Key: "in_post", Text: i18n.Text{ZH: "在岗", EN: "In post"}},
	{Key: "departed", Text: i18n.Text{ZH: "已离岗", EN: "Left"}},
}

// organizerHosts are the host-unit categories an organizer is placed in:
// urban communities and the 两新 organizations.
func organizerHost(category string) bool {
	return category == "community" || category == "private" || category == "social"
}

// tenureEndingText names the organizers whose tenure ends soon.
var tenureEndingText = i18n.Text{ZH: "服务期半年内届满", EN: "Tenure ending within six months"}

// tenureEndingWithin is how long before the end of a tenure an organizer is
// listed as ending, so that the county can plan the next batch.
const tenureEndingWithin = 6

// BatchInput opens a recruitment batch.
type BatchInput struct {
	Name    string `json:"name"`
	Year    int    `json:"year"`
	OrgID   int64  `json:"org_id"` // the recruiting county organization
	Planned int    `json:"planned"`
}

// Batch is a recruitment batch with its counts.
type Batch struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Year      int    `json:"year"`
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Planned   int    `json:"planned"`
	Recruited int    `json:"recruited"`
	Placed    int    `json:"placed"`
	InPost    int    `json:"in_post"`
	Departed  int    `json:"departed"`
	// Retention is the share of the recruits not gone, in percent with one
	// decimal; 0 with no recruits.
	Retention float64 `json:"retention"`
	CreatedAt string  `json:"created_at"`
	path      string
}

// RecruitInput recruits a person of the register into a batch.
type RecruitInput struct {
	PersonID    int64  `json:"person_id"`
	RecruitedOn string `json:"recruited_on"`
}

// PlaceInput places an organizer in a community or a 两新 organization.
type PlaceInput struct {
	OrgID       int64  `json:"org_id"`
	PlacedOn    string `json:"placed_on"`
	TenureYears int    `json:"tenure_years"`
}

// DepartInput records an organizer leaving.
type DepartInput struct {
	LeftOn string `json:"left_on"`
	Reason string `json:"reason"`
}

// Organizer is one recruit of a batch, placed or not, in post or gone.
type Organizer struct {
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	Gender      string `json:"gender"`
	Education   string `json:"education"`
	BatchID     int64  `json:"batch_id"`
	BatchName   string `json:"batch_name"`
	BatchYear   int    `json:"batch_year"`
	CountyID    int64  `json:"county_id"`
	CountyName  string `json:"county_name"`
	RecruitedOn string `json:"recruited_on"`
	PlacedOrgID int64  `json:"placed_org_id"`
	PlacedOrg   string `json:"placed_org_name"`
	PlacedOn    string `json:"placed_on"`
	TenureYears int    `json:"tenure_years"`
	EndsOn      string `json:"ends_on"`
	LeftOn      string `json:"left_on"`
	LeaveReason string `json:"leave_reason"`
	State       string `json:"state"` // recruited | in_post | departed
	// DaysLeft is the days until the tenure ends, for one in post;
	// negative once it has ended without a departure recorded.
	DaysLeft   int  `json:"days_left"`
	EndingSoon bool `json:"ending_soon"`
	// BatchVisible says whether the reader may open the batch: a township
	// reads the organizers placed in it, not the county's batches.
	BatchVisible bool `json:"-"`
	postID       sql.NullInt64
	countyPath   string
	placedPath   string
}

// CreateBatch opens a recruitment batch of a county organization the actor
// manages people in.
func (s *Service) CreateBatch(ctx context.Context, actor access.Actor, in BatchInput) (Batch, error) {
	if in.OrgID == 0 {
		return Batch{}, errs.Field("org_id", "请选择招录的县（市、区）党委", "choose the recruiting county committee")
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, PeopleManage)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			return Batch{}, errs.Field("org_id", e.ZH, e.EN)
		}
		return Batch{}, err
	}
	var f errs.Fields
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 60 || badText(name) {
		f.Add("name", "请填写批次名称（最多 60 字），如“2026年社区党建组织员招录”", "enter the batch's name (at most 60 characters), such as 2026 community organizers")
	}
	if y := s.today().Year(); in.Year < 2000 || in.Year > y+1 {
		f.Add("year", fmt.Sprintf("年度应为 2000–%d 之间的年份", y+1), fmt.Sprintf("the year must be between 2000 and %d", y+1))
	}
	if in.Planned < 1 || in.Planned > 1000 {
		f.Add("planned", "计划招录人数应在 1–1000 之间", "the planned number must be between 1 and 1,000")
	}
	if o.Level != "county" {
		f.Add("org_id", fmt.Sprintf("党建组织员由县（市、区）党委招录：“%s”不是县级党组织", o.Label()), fmt.Sprintf("organizers are recruited by a county committee: %s is not one", o.Label()))
	} else if !o.Active() {
		f.Add("org_id", fmt.Sprintf("“%s”已撤销", o.Label()), fmt.Sprintf("%s has been dissolved", o.Label()))
	}
	if err := f.Err(); err != nil {
		return Batch{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, "INSERT INTO organizer_batches (name, year, org_id, planned, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			name, in.Year, o.ID, in.Planned, db.FormatTime(tx.Now())).Scan(&id); err != nil {
			return errs.Wrap(err, "insert batch")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "organizer.batch", TargetType: "organizer_batch", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s开设党建组织员招录批次“%s”（%d 年，计划 %d 名）", o.Label(), name, in.Year, in.Planned),
				EN: fmt.Sprintf("%s opened the organizer batch %q (%d, %d planned)", o.Label(), name, in.Year, in.Planned)},
			After: map[string]any{"name": name, "year": in.Year, "planned": in.Planned}})
	})
	if err != nil {
		return Batch{}, err
	}
	return s.Batch(ctx, actor, id)
}

// badText reports a line break, control or invisible character.
func badText(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x200b && r <= 0x200f) || r == 0xfeff || (r >= 0x2028 && r <= 0x202e) {
			return true
		}
	}
	return false
}

const batchCols = `b.id, b.name, b.year, b.org_id, ` + `CASE WHEN bo.short_name <> '' THEN bo.short_name ELSE bo.name END` + `, bo.path, b.planned, b.created_at,
	(SELECT COUNT(*) FROM organizers x WHERE x.batch_id = b.id),
	(SELECT COUNT(*) FROM organizers x WHERE x.batch_id = b.id AND x.placed_on IS NOT NULL),
	(SELECT COUNT(*) FROM organizers x WHERE x.batch_id = b.id AND x.left_on IS NOT NULL),
	(SELECT COUNT(*) FROM organizers x WHERE x.batch_id = b.id AND x.left_on IS NULL AND x.placed_on IS NOT NULL)`

func scanBatch(sc db.Scanner, b *Batch) error {
	err := sc.Scan(&b.ID, &b.Name, &b.Year, &b.OrgID, &b.OrgName, &b.path, &b.Planned, &b.CreatedAt, &b.Recruited, &b.Placed, &b.Departed, &b.InPost)
	if err == nil && b.Recruited > 0 {
		b.Retention = pct1(b.Recruited-b.Departed, b.Recruited)
	}
	return err
}

// pct1 is a share in percent with one decimal.
func pct1(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(int(float64(a)*1000/float64(b)+0.5)) / 10
}

// Batch returns a batch the actor may read.
func (s *Service) Batch(ctx context.Context, actor access.Actor, id int64) (Batch, error) {
	var b Batch
	err := scanBatch(s.db.QueryRow(ctx, "SELECT "+batchCols+" FROM organizer_batches b"+org.Join("bo", "b.org_id")+" WHERE b.id = ?", id), &b)
	if err != nil || !actor.Can(PeopleRead, b.path) {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Batch{}, errs.Wrap(err, "batch")
		}
		return Batch{}, errs.Newf(errs.NotFound, "招录批次 %d 不存在或不在您的管理范围内", "batch %d not found or outside your scope", id)
	}
	return b, nil
}

// Recruit adds a person of the register to a batch. The person must hold a
// bachelor's degree or more, must not be an organizer already, and the
// batch must not be full.
func (s *Service) Recruit(ctx context.Context, actor access.Actor, batchID int64, in RecruitInput) (Organizer, error) {
	b, err := s.Batch(ctx, actor, batchID)
	if err != nil {
		return Organizer{}, err
	}
	if !actor.Can(PeopleManage, b.path) {
		return Organizer{}, errs.New(errs.Forbidden, "您没有管理该批次党建组织员的权限", "you may not manage this batch's organizers")
	}
	var f errs.Fields
	on, ok := parseDate(in.RecruitedOn, "recruited_on", "录用日期", "date of recruitment", &f)
	if ok && on.After(s.today()) {
		f.Add("recruited_on", "录用日期不能晚于今天", "the date of recruitment cannot be after today")
	} else if ok && on.Year() != b.Year {
		f.Add("recruited_on", fmt.Sprintf("录用日期应在批次年度 %d 年内", b.Year), fmt.Sprintf("the date of recruitment must lie in the batch's year, %d", b.Year))
	}
	if in.PersonID == 0 {
		f.Add("person_id", "请选择录用的人员", "choose the person recruited")
	}
	if err := f.Err(); err != nil {
		return Organizer{}, err
	}
	p, err := s.Person(ctx, actor, in.PersonID)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			return Organizer{}, errs.Field("person_id", e.ZH, e.EN)
		}
		return Organizer{}, err
	}
	if !Bachelor(p.Education) {
		edu := org.LabelOf(Educations, p.Education, "")
		return Organizer{}, errs.Field("person_id", fmt.Sprintf("%s的学历为%s：党建组织员须为大学本科及以上学历", p.Name, edu),
			fmt.Sprintf("%s's education is %s: organizers need a bachelor's degree or more", p.Name, strings.ToLower(org.LabelOf(Educations, p.Education, i18n.EN))))
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, "organizer_batches", b.ID, db.ForUpdate); err != nil {
			return errs.Wrap(err, "lock batch")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM organizers WHERE batch_id = ?", b.ID).Scan(&n); err != nil {
			return errs.Wrap(err, "recruits")
		}
		if n >= b.Planned {
			return errs.Newf(errs.Conflict, "“%s”计划招录 %d 名，已招录 %d 名，不能再录用", "%q planned %d organizers and has recruited %d", b.Name, b.Planned, n)
		}
		var other string
		err := tx.QueryRow(ctx, "SELECT b.name FROM organizers x JOIN organizer_batches b ON b.id = x.batch_id WHERE x.person_id = ? AND x.left_on IS NULL", p.ID).Scan(&other)
		if err == nil {
			return errs.Newf(errs.Conflict, "%s已是党建组织员（%s），请先办理离岗", "%s is an organizer already (%s): record the departure first", p.Name, other)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "present organizer")
		}
		if err := tx.QueryRow(ctx, "INSERT INTO organizers (batch_id, person_id, recruited_on, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			b.ID, p.ID, on.Format(dateLayout), db.FormatTime(tx.Now())).Scan(&id); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.Newf(errs.Conflict, "%s已是党建组织员，请先办理离岗", "%s is an organizer already: record the departure first", p.Name)
			}
			return errs.Wrap(err, "insert organizer")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "organizer.recruit", TargetType: "person", TargetID: strconv.FormatInt(p.ID, 10), OrgPath: b.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s录用为党建组织员（%s）", p.Name, b.Name), EN: fmt.Sprintf("%s recruited as an organizer (%s)", p.Name, b.Name)},
			After:   map[string]any{"batch_id": b.ID, "recruited_on": on.Format(dateLayout)}})
	})
	if err != nil {
		return Organizer{}, err
	}
	return s.Organizer(ctx, actor, id)
}

const organizerCols = `x.id, x.person_id, p.name, p.gender, p.education, x.batch_id, b.name, b.year, b.org_id,
	CASE WHEN bo.short_name <> '' THEN bo.short_name ELSE bo.name END, bo.path, x.recruited_on,
	COALESCE(x.placed_org_id, 0), COALESCE(CASE WHEN po.short_name <> '' THEN po.short_name ELSE po.name END, ''), COALESCE(po.path, ''),
	COALESCE(x.placed_on, ''), COALESCE(x.tenure_years, 0), COALESCE(x.ends_on, ''), COALESCE(x.left_on, ''), x.leave_reason, x.post_id`

const organizerFrom = ` FROM organizers x JOIN persons p ON p.id = x.person_id JOIN organizer_batches b ON b.id = x.batch_id` +
	` JOIN orgs bo ON bo.id = b.org_id LEFT JOIN orgs po ON po.id = x.placed_org_id`

func (s *Service) scanOrganizer(sc db.Scanner, o *Organizer, today time.Time) error {
	if err := sc.Scan(&o.ID, &o.PersonID, &o.Name, &o.Gender, &o.Education, &o.BatchID, &o.BatchName, &o.BatchYear, &o.CountyID, &o.CountyName, &o.countyPath,
		&o.RecruitedOn, &o.PlacedOrgID, &o.PlacedOrg, &o.placedPath, &o.PlacedOn, &o.TenureYears, &o.EndsOn, &o.LeftOn, &o.LeaveReason, &o.postID); err != nil {
		return err
	}
	switch {
	case o.LeftOn != "":
		o.State = "departed"
	case o.PlacedOn != "":
		o.State = "in_post"
		end := mustDate(o.EndsOn)
		o.DaysLeft = int(end.Sub(today).Hours() / 24)
		o.EndingSoon = !end.After(today.AddDate(0, tenureEndingWithin, 0))
	default:
		o.State = "recruited"
	}
	return nil
}

// auditPath is where an organizer's departure is audited: the organization
// of the placement, or the recruiting county before one.
func (o Organizer) auditPath() string {
	if o.placedPath != "" {
		return o.placedPath
	}
	return o.countyPath
}

// readable reports whether the actor may read an organizer: through the
// recruiting county or the organization the organizer is placed in.
func (o Organizer) readable(actor access.Actor, action access.Action) bool {
	return actor.Can(action, o.countyPath) || o.placedPath != "" && actor.Can(action, o.placedPath)
}

// Organizer returns an organizer the actor may read.
func (s *Service) Organizer(ctx context.Context, actor access.Actor, id int64) (Organizer, error) {
	var o Organizer
	err := s.scanOrganizer(s.db.QueryRow(ctx, "SELECT "+organizerCols+organizerFrom+" WHERE x.id = ?", id), &o, s.today())
	if err != nil || !o.readable(actor, PeopleRead) {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Organizer{}, errs.Wrap(err, "organizer")
		}
		return Organizer{}, errs.Newf(errs.NotFound, "党建组织员 %d 不存在或不在您的管理范围内", "organizer %d not found or outside your scope", id)
	}
	o.BatchVisible = actor.Can(PeopleRead, o.countyPath)
	return o, nil
}

// managed reads an organizer inside tx for a change the actor must be
// allowed: people.manage at the recruiting county.
func (s *Service) managed(ctx context.Context, tx *db.Tx, actor access.Actor, id int64) (Organizer, error) {
	var o Organizer
	err := s.scanOrganizer(tx.QueryRow(ctx, "SELECT "+organizerCols+organizerFrom+" WHERE x.id = ?"+tx.Lock(db.ForUpdate, "x"), id), &o, s.today())
	if err != nil || !o.readable(actor, PeopleRead) {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Organizer{}, errs.Wrap(err, "organizer")
		}
		return Organizer{}, errs.Newf(errs.NotFound, "党建组织员 %d 不存在或不在您的管理范围内", "organizer %d not found or outside your scope", id)
	}
	if !actor.Can(PeopleManage, o.countyPath) {
		return Organizer{}, errs.New(errs.Forbidden, "您没有管理该批次党建组织员的权限", "you may not manage this batch's organizers")
	}
	return o, nil
}

// Place places a recruit in a community or a 两新 organization of the
// recruiting county, from a date for a tenure of some years; the
// placement holds the 党建组织员 post there, which the organization's page
// shows.
func (s *Service) Place(ctx context.Context, actor access.Actor, id int64, in PlaceInput) (Organizer, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		o, err := s.managed(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		switch o.State {
		case "departed":
			return errs.Newf(errs.Conflict, "%s已于 %s 离岗", "%s left on %s", o.Name, o.LeftOn)
		case "in_post":
			return errs.New(errs.Conflict, fmt.Sprintf("%s已于 %s 派驻%s", o.Name, o.PlacedOn, o.PlacedOrg), fmt.Sprintf("%s was placed in %s on %s", o.Name, o.PlacedOrg, o.PlacedOn))
		}
		var f errs.Fields
		on, ok := parseDate(in.PlacedOn, "placed_on", "派驻日期", "date of placement", &f)
		switch {
		case ok && on.After(s.today()):
			f.Add("placed_on", "派驻日期不能晚于今天", "the date of placement cannot be after today")
		case ok && on.Format(dateLayout) < o.RecruitedOn:
			f.Add("placed_on", "派驻日期不能早于录用日期 "+o.RecruitedOn, "the date of placement cannot be before the recruitment, "+o.RecruitedOn)
		}
		if in.TenureYears < 1 || in.TenureYears > 10 {
			f.Add("tenure_years", "服务期限应为 1–10 年", "the tenure must be between 1 and 10 years")
		}
		if in.OrgID == 0 {
			f.Add("org_id", "请选择派驻的社区或两新组织党组织", "choose the community or 两新 organization")
		}
		if err := f.Err(); err != nil {
			return err
		}
		host, err := s.orgs.Check(ctx, actor, in.OrgID, PeopleManage)
		if err != nil {
			if e := errs.As(err); e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
				return errs.Field("org_id", e.ZH, e.EN)
			}
			return err
		}
		switch {
		case !host.Active():
			return errs.Field("org_id", fmt.Sprintf("“%s”已撤销，不能派驻", host.Label()), fmt.Sprintf("%s has been dissolved", host.Label()))
		case !organizerHost(host.Category):
			return errs.Field("org_id", fmt.Sprintf("党建组织员派驻社区或两新组织：“%s”是%s党组织", host.Label(), org.LabelOf(org.Categories, host.Category, "")),
				fmt.Sprintf("organizers are placed in communities and 两新 organizations: %s is of the category %s", host.Label(), strings.ToLower(org.LabelOf(org.Categories, host.Category, i18n.EN))))
		case !access.Within(host.Path, o.countyPath):
			return errs.Field("org_id", fmt.Sprintf("“%s”不在招录单位%s的范围内", host.Label(), o.CountyName), fmt.Sprintf("%s is outside %s, which recruited the organizer", host.Label(), o.CountyName))
		}
		placed := on.Format(dateLayout)
		ends := on.AddDate(in.TenureYears, 0, 0).Format(dateLayout)
		now := db.FormatTime(tx.Now())
		var postID int64
		if err := tx.QueryRow(ctx, "INSERT INTO posts (person_id, org_id, post, home_agency, started_on, created_at) VALUES (?, ?, 'organizer', '', ?, ?) RETURNING id",
			o.PersonID, host.ID, placed, now).Scan(&postID); err != nil {
			return errs.Wrap(err, "organizer post")
		}
		if _, err := tx.Exec(ctx, "UPDATE organizers SET placed_org_id = ?, placed_on = ?, tenure_years = ?, ends_on = ?, post_id = ? WHERE id = ?",
			host.ID, placed, in.TenureYears, ends, postID, o.ID); err != nil {
			return errs.Wrap(err, "place organizer")
		}
		text := postText(host.Label(), "organizer")
		text.ZH += fmt.Sprintf("（服务期 %d 年，至 %s）", in.TenureYears, ends)
		text.EN += fmt.Sprintf(" (for %d years, to %s)", in.TenureYears, ends)
		if err := s.organizerEvent(ctx, tx, actor, o.PersonID, "post", text, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "organizer.place", TargetType: "person", TargetID: strconv.FormatInt(o.PersonID, 10), OrgPath: host.Path,
			Summary: i18n.Text{ZH: o.Name + text.ZH, EN: o.Name + " " + text.EN},
			After:   map[string]any{"org_id": host.ID, "placed_on": placed, "tenure_years": in.TenureYears, "ends_on": ends}})
	})
	if err != nil {
		return Organizer{}, err
	}
	return s.Organizer(ctx, actor, id)
}

// organizerEvent adds a step to the timeline of a person with a membership.
func (s *Service) organizerEvent(ctx context.Context, tx *db.Tx, actor access.Actor, personID int64, kind string, text i18n.Text, on time.Time) error {
	m, err := s.membership(ctx, tx, personID)
	if err != nil || m == nil {
		return err
	}
	return s.event(ctx, tx, actor, personID, m.ID, kind, text, on)
}

// Depart records an organizer leaving on a date, for a reason of
// LeaveReasons; the post of the placement ends with it.
func (s *Service) Depart(ctx context.Context, actor access.Actor, id int64, in DepartInput) (Organizer, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.managed(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if o.State == "departed" {
			return errs.New(errs.Conflict, fmt.Sprintf("%s已于 %s 离岗（%s）", o.Name, o.LeftOn, org.LabelOf(LeaveReasons, o.LeaveReason, "")),
				fmt.Sprintf("%s left on %s (%s)", o.Name, o.LeftOn, strings.ToLower(org.LabelOf(LeaveReasons, o.LeaveReason, i18n.EN))))
		}
		var f errs.Fields
		on, ok := parseDate(in.LeftOn, "left_on", "离岗日期", "date of leaving", &f)
		left := on.Format(dateLayout)
		switch {
		case ok && on.After(s.today()):
			f.Add("left_on", "离岗日期不能晚于今天", "the date of leaving cannot be after today")
		case ok && o.PlacedOn != "" && left < o.PlacedOn:
			f.Add("left_on", "离岗日期不能早于派驻日期 "+o.PlacedOn, "the date of leaving cannot be before the placement, "+o.PlacedOn)
		case ok && left < o.RecruitedOn:
			f.Add("left_on", "离岗日期不能早于录用日期 "+o.RecruitedOn, "the date of leaving cannot be before the recruitment, "+o.RecruitedOn)
		}
		reason, okReason := org.KeyOf(LeaveReasons, in.Reason)
		if !okReason {
			f.Add("reason", "请选择离岗原因：考录公务员、考入事业单位、辞职、期满、解聘或其他", "choose why: civil service, public institution, resigned, tenure completed, dismissed or other")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE organizers SET left_on = ?, leave_reason = ? WHERE id = ?", left, reason, o.ID); err != nil {
			return errs.Wrap(err, "organizer departure")
		}
		label := org.LabelOf(LeaveReasons, reason, "")
		text := i18n.Text{ZH: "党建组织员离岗（" + label + "）", EN: "left the post of organizer (" + strings.ToLower(org.LabelOf(LeaveReasons, reason, i18n.EN)) + ")"}
		if o.postID.Valid {
			if _, err := tx.Exec(ctx, "UPDATE posts SET ended_on = ? WHERE id = ? AND ended_on IS NULL", left, o.postID.Int64); err != nil {
				return errs.Wrap(err, "end organizer post")
			}
			text = i18n.Text{ZH: "离任" + o.PlacedOrg + "党建组织员（" + label + "）", EN: "left the post of organizer of " + o.PlacedOrg + " (" + strings.ToLower(org.LabelOf(LeaveReasons, reason, i18n.EN)) + ")"}
		}
		if err := s.organizerEvent(ctx, tx, actor, o.PersonID, "post_end", text, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "organizer.depart", TargetType: "person", TargetID: strconv.FormatInt(o.PersonID, 10), OrgPath: o.auditPath(),
			Summary: i18n.Text{ZH: o.Name + text.ZH, EN: o.Name + " " + text.EN},
			Before:  map[string]any{"state": o.State}, After: map[string]any{"left_on": left, "reason": reason}})
	})
	if err != nil {
		return Organizer{}, err
	}
	return s.Organizer(ctx, actor, id)
}
