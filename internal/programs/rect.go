package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// The rectification of weak and lax organizations (软弱涣散, M4, article
// 2.4). Every year the county's organization department names candidates —
// from the published evaluation results, from the residents' cases and by
// its own judgement — and decides which go on the list, with the official
// reason. A listed organization gets a plan (measures, the county-level
// leader who answers for it, its first secretary, a deadline), reports its
// progress every month, is accepted by the county with evidence (验收) and
// then struck off the list (销号). An organization listed again the next
// year is flagged. The status and the measures are public, from a poster's
// QR code; nothing personal is.

// RectStates are the states of a case, in the order of its life.
var RectStates = []org.Choice{
	{Key: "candidate", Text: i18n.Text{ZH: "待研判", EN: "Candidate"}},
	{Key: "listed", Text: i18n.Text{ZH: "已列入，待定方案", EN: "Listed, no plan yet"}},
	{Key: "rectifying", Text: i18n.Text{ZH: "整顿中", EN: "Under rectification"}},
	{Key: "accepted", Text: i18n.Text{ZH: "已验收，待销号", EN: "Accepted, to be struck off"}},
	{Key: "closed", Text: i18n.Text{ZH: "已销号", EN: "Struck off"}},
	{Key: "dismissed", Text: i18n.Text{ZH: "不列入", EN: "Not listed"}},
}

// RectReasons are the official categories of weakness.
var RectReasons = []org.Choice{
	{Key: "secretary_unfit", Text: i18n.Text{ZH: "书记不胜任", EN: "Secretary not up to the post"}},
	{Key: "team_disunited", Text: i18n.Text{ZH: "班子不团结", EN: "Committee not united"}},
	{Key: "life_irregular", Text: i18n.Text{ZH: "组织生活不正常", EN: "Organizational life irregular"}},
	{Key: "clan_religion", Text: i18n.Text{ZH: "宗族宗教势力干扰", EN: "Interference of clan or religious forces"}},
	{Key: "weak_economy", Text: i18n.Text{ZH: "集体经济薄弱", EN: "Weak collective economy"}},
	{Key: "other", Text: i18n.Text{ZH: "其他", EN: "Other"}},
}

// PublicRectReasons are the kinds of weakness as the public page and the
// poster name them: "书记不胜任" is a verdict on a person every villager
// can name, so the public reads that the leadership is being built up.
var PublicRectReasons = append([]org.Choice{{Key: "leadership", Text: i18n.Text{ZH: "带头人队伍建设需加强", EN: "Leadership to be strengthened"}}},
	slices.DeleteFunc(slices.Clone(RectReasons), func(c org.Choice) bool { return c.Key == "secretary_unfit" })...)

// PublicReason is the kind of weakness reason as the public reads it.
func PublicReason(reason string) string {
	if reason == "secretary_unfit" {
		return "leadership"
	}
	return reason
}

// RectSources are where a candidate comes from.
var RectSources = []org.Choice{
	{Key: "evaluation", Text: i18n.Text{ZH: "评议考核结果", EN: "Evaluation results"}},
	{Key: "cases", Text: i18n.Text{ZH: "群众诉求与廉洁监督", EN: "Residents' cases"}},
	{Key: "manual", Text: i18n.Text{ZH: "组织部门研判", EN: "Department's judgement"}},
}

// RectSteps name the steps of a case's timeline.
var RectSteps = []org.Choice{
	{Key: "identify", Text: i18n.Text{ZH: "列为候选", EN: "Named a candidate"}},
	{Key: "list", Text: i18n.Text{ZH: "研判列入", EN: "Listed"}},
	{Key: "dismiss", Text: i18n.Text{ZH: "研判不列入", EN: "Not listed"}},
	{Key: "plan", Text: i18n.Text{ZH: "制定整顿方案", EN: "Plan"}},
	{Key: "progress", Text: i18n.Text{ZH: "报送整顿进展", EN: "Progress report"}},
	{Key: "accept", Text: i18n.Text{ZH: "验收通过", EN: "Accepted"}},
	{Key: "reject", Text: i18n.Text{ZH: "验收未通过", EN: "Not accepted"}},
	{Key: "close", Text: i18n.Text{ZH: "销号", EN: "Struck off"}},
}

// The thresholds at which the residents' cases of a year name a candidate:
// one integrity report about the organization found true and dealt with,
// or three reporters dissatisfied with its answers (repeated
// dissatisfaction; one is a bad day, three are a pattern).
const (
	RectMinIntegrity   = 1
	RectMinUnsatisfied = 3
)

// Rect is a case of rectification as its readers see it.
type Rect struct {
	ID       int64  `json:"id"`
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	Year     int    `json:"year"`
	State    string `json:"state"`
	Reason   string `json:"reason"`
	Repeated bool   `json:"repeated"`
	Measures string `json:"measures"`
	Leader   string `json:"leader"`
	// FirstSecretaryID is the person of the member register sent to the
	// organization, FirstSecretary their name.
	FirstSecretaryID *int64 `json:"first_secretary_id"`
	FirstSecretary   string `json:"first_secretary"`
	Deadline         string `json:"deadline"`
	AcceptedOn       string `json:"accepted_on"`
	ClosedOn         string `json:"closed_on"`
	// LastProgress is the month of the latest progress report; Overdue is
	// set when a case under rectification is past its deadline, Behind
	// when a whole month went by without a report.
	LastProgress string `json:"last_progress"`
	// PlannedOn is the date of the first plan; reports are due from the
	// month after it.
	PlannedOn string `json:"planned_on"`
	Overdue   bool   `json:"overdue"`
	Behind    bool   `json:"behind"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
	// Evidence and Steps are filled for one case (Rect), not in lists.
	Evidence []Evidence `json:"evidence,omitempty"`
	// ShowEvidence is false for a reader at or inside the organization,
	// who is not told why it was named.
	ShowEvidence bool       `json:"-"`
	Steps        []RectStep `json:"steps,omitempty"`
	// AcceptingOrg is the organization that accepts the case and strikes
	// it off: the nearest county above it.
	AcceptingOrg string `json:"accepting_org,omitempty"`
	path         string
}

// Evidence is what named an organization a candidate.
type Evidence struct {
	Source   string `json:"source"`
	Ref      string `json:"ref"`
	Detail   string `json:"detail"`
	DetailEN string `json:"detail_en"`
	At       string `json:"at"`
}

// RectStep is one step of a case, with its attachments.
type RectStep struct {
	ID     int64      `json:"id"`
	Step   string     `json:"step"`
	Month  string     `json:"month,omitempty"`
	Note   string     `json:"note"`
	OnDate string     `json:"on_date"`
	At     string     `json:"at"`
	Actor  string     `json:"actor"`
	Files  []FileInfo `json:"files,omitempty"`
}

// FileInfo is an attachment as lists show it.
type FileInfo struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int    `json:"size"`
}

func rectNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "整顿台账 %d 不存在或不在您的管理范围内", "rectification case %d not found or outside your scope", id)
}

const rectCols = `r.id, r.org_id, ` + orgLabel + `, o.path, r.year, r.state, r.reason, r.repeated, r.measures, r.leader, r.first_secretary,
	COALESCE(p.name, ''), COALESCE(r.deadline, ''), COALESCE(r.accepted_on, ''), COALESCE(r.closed_on, ''),
	COALESCE((SELECT MAX(st.month) FROM rect_steps st WHERE st.rect_id = r.id AND st.step = 'progress'), ''),
	COALESCE((SELECT MIN(st.on_date) FROM rect_steps st WHERE st.rect_id = r.id AND st.step = 'plan'), ''), r.updated_at, r.version`

const rectFrom = ` FROM rect_cases r JOIN orgs o ON o.id = r.org_id LEFT JOIN persons p ON p.id = r.first_secretary`

// orgLabel is an organization's short name when it has one, as lists show
// it.
const orgLabel = `CASE WHEN o.short_name <> '' THEN o.short_name ELSE o.name END`

func (s *Service) scanRect(sc db.Scanner, r *Rect) error {
	var fs sql.NullInt64
	if err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.path, &r.Year, &r.State, &r.Reason, &r.Repeated, &r.Measures, &r.Leader, &fs,
		&r.FirstSecretary, &r.Deadline, &r.AcceptedOn, &r.ClosedOn, &r.LastProgress, &r.PlannedOn, &r.UpdatedAt, &r.Version); err != nil {
		return err
	}
	if fs.Valid {
		r.FirstSecretaryID = &fs.Int64
	}
	s.flags(r)
	return nil
}

// flags sets Overdue and Behind from the date.
func (s *Service) flags(r *Rect) {
	if r.State != "rectifying" {
		return
	}
	today := s.today()
	r.Overdue = r.Deadline != "" && r.Deadline < today.Format(dateLayout)
	// A month's report is due by the month's end: behind when last month
	// has none, nor a later one, and the plan is older than last month.
	due := today.AddDate(0, 0, -today.Day()+1).AddDate(0, -1, 0).Format("2006-01")
	r.Behind = r.LastProgress < due && r.PlannedOn != "" && r.PlannedOn[:7] < due
}

// Rect returns a case the actor may read, with its evidence (integrity
// evidence only for readers above the organization: see showIntegrity),
// its steps and the organization that accepts it.
func (s *Service) Rect(ctx context.Context, actor access.Actor, id int64) (Rect, error) {
	var r Rect
	err := s.scanRect(s.db.QueryRow(ctx, "SELECT "+rectCols+rectFrom+" WHERE r.id = ?", id), &r)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (!actor.Can(ProgramsRead, r.path) || r.hidden(actor)) {
		return Rect{}, rectNotFound(id)
	}
	if err != nil {
		return Rect{}, errs.Wrap(err, "rectification case")
	}
	if err := s.fill(ctx, actor, &r); err != nil {
		return Rect{}, err
	}
	return r, nil
}

// fill reads a case's evidence, steps, files and accepting organization.
// The evidence is read from above the organization only, and what the
// residents' integrity reports say of it only by those who may know of
// them (cases.KnowsIntegrity).
func (s *Service) fill(ctx context.Context, actor access.Actor, r *Rect) error {
	r.ShowEvidence = readsAbove(actor, r.path)
	rows, err := s.db.Query(ctx, "SELECT source, ref, detail, detail_en, at FROM rect_evidence WHERE rect_id = ? ORDER BY id", r.ID)
	if err != nil {
		return errs.Wrap(err, "evidence")
	}
	for rows.Next() {
		var e Evidence
		if err := rows.Scan(&e.Source, &e.Ref, &e.Detail, &e.DetailEN, &e.At); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan evidence")
		}
		if !r.ShowEvidence || e.Ref == refIntegrity && !cases.KnowsIntegrity(actor, r.path) {
			continue
		}
		r.Evidence = append(r.Evidence, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "evidence")
	}
	rows, err = s.db.Query(ctx, "SELECT id, step, month, note, on_date, at, actor_name FROM rect_steps WHERE rect_id = ? ORDER BY id", r.ID)
	if err != nil {
		return errs.Wrap(err, "steps")
	}
	byID := map[int64]int{}
	for rows.Next() {
		var st RectStep
		if err := rows.Scan(&st.ID, &st.Step, &st.Month, &st.Note, &st.OnDate, &st.At, &st.Actor); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan step")
		}
		byID[st.ID] = len(r.Steps)
		r.Steps = append(r.Steps, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "steps")
	}
	rows, err = s.db.Query(ctx, "SELECT id, step_id, name, mime, size FROM rect_files WHERE rect_id = ? ORDER BY id", r.ID)
	if err != nil {
		return errs.Wrap(err, "files")
	}
	for rows.Next() {
		var f FileInfo
		var step int64
		if err := rows.Scan(&f.ID, &step, &f.Name, &f.MIME, &f.Size); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan file")
		}
		if i, ok := byID[step]; ok {
			r.Steps[i].Files = append(r.Steps[i].Files, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "files")
	}
	s.flags(r)
	acc, err := acceptingLevel(ctx, s.db, r.path)
	if err != nil {
		return err
	}
	r.AcceptingOrg = acc.Name
	return nil
}

// refIntegrity is the ref of the evidence counting integrity reports.
const refIntegrity = "integrity"

// readsAbove reports whether the actor reads the programmes of the
// organization above the one at path: a reader at or inside an
// organization sees its case once it is listed, never its candidacy (a
// candidate not listed is nobody's business there) nor the evidence that
// named it.
func readsAbove(actor access.Actor, path string) bool {
	ids := org.PathIDs(path)
	if len(ids) < 2 {
		return actor.Unrestricted()
	}
	parent := strings.TrimSuffix(path, strconv.FormatInt(ids[len(ids)-1], 10)+"/")
	return actor.Can(ProgramsRead, parent)
}

// hidden reports whether a case is kept from the actor: a candidate, or
// one not listed, from a reader at or inside its organization.
func (r Rect) hidden(actor access.Actor) bool {
	return (r.State == "candidate" || r.State == "dismissed") && !readsAbove(actor, r.path)
}

// level is an organization a step is taken at.
type level struct {
	ID         int64
	Path, Name string
}

// acceptingLevel finds the organization that accepts the rectification
// of the organization at path and strikes it off: the nearest county (县、
// 市、区委) above it, else the top of the tree.
func acceptingLevel(ctx context.Context, q db.Querier, path string) (level, error) {
	ids := org.PathIDs(path)
	if len(ids) == 0 {
		return level{}, errs.New(errs.Internal, "组织路径无效", "bad organization path")
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, "SELECT id, path, level, "+org.LabelCol("o")+" FROM orgs o WHERE id IN ("+db.Marks(len(ids))+")", args...)
	if err != nil {
		return level{}, errs.Wrap(err, "accepting organization")
	}
	defer rows.Close()
	byID := map[int64]level{}
	lv := map[int64]string{}
	for rows.Next() {
		var l level
		var k string
		if err := rows.Scan(&l.ID, &l.Path, &k, &l.Name); err != nil {
			return level{}, errs.Wrap(err, "scan level")
		}
		byID[l.ID], lv[l.ID] = l, k
	}
	if err := rows.Err(); err != nil {
		return level{}, errs.Wrap(err, "accepting organization")
	}
	for i := len(ids) - 2; i >= 0; i-- {
		if lv[ids[i]] == "county" {
			return byID[ids[i]], nil
		}
	}
	return byID[ids[0]], nil
}

// checkYear reads the year of a list: this year, the last or the next.
func (s *Service) checkYear(year int, f *errs.Fields) {
	now := s.today().Year()
	if year < now-1 || year > now+1 {
		f.Add("year", fmt.Sprintf("请填写整顿年度：%d–%d 年", now-1, now+1), fmt.Sprintf("the year of the list must be %d to %d", now-1, now+1))
	}
}

// text reads a text typed in words, between lo and hi characters.
func text(field, v string, lo, hi int, zh, en string, f *errs.Fields) string {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		f.Add(field, fmt.Sprintf("请用 %d–%d 字填写%s", lo, hi, zh), fmt.Sprintf("write the %s in %d to %d characters", en, lo, hi))
	}
	return v
}

// date reads a date of a step: a date, not after today, not before after.
func (s *Service) date(v, field, zh, en, after string, f *errs.Fields) string {
	t, err := time.Parse(dateLayout, strings.TrimSpace(v))
	if err != nil {
		f.Add(field, "请填写"+zh+"，格式如 2026-07-01", "enter the "+en+" as a date like 2026-07-01")
		return ""
	}
	d := t.Format(dateLayout)
	switch {
	case t.After(s.today()):
		f.Add(field, zh+"不能晚于今天", "the "+en+" cannot be after today")
	case after != "" && d < after:
		f.Add(field, zh+"不能早于上一步的日期 "+after, "the "+en+" cannot be before the step before it, "+after)
	}
	return d
}

// step appends a step to a case and returns its id.
func step(ctx context.Context, tx *db.Tx, actor access.Actor, rectID int64, kind, month, note, on string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "INSERT INTO rect_steps (rect_id, step, month, note, on_date, at, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		rectID, kind, month, note, on, db.FormatTime(tx.Now()), actor.Username).Scan(&id)
	return id, errs.Wrap(err, "rectification step")
}

// lastStepDate is the date of a case's latest step.
func lastStepDate(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var d sql.NullString
	err := tx.QueryRow(ctx, "SELECT MAX(on_date) FROM rect_steps WHERE rect_id = ?", id).Scan(&d)
	return d.String, errs.Wrap(err, "last step")
}

// locked reads a case inside tx for a step: the actor must read it and
// hold need at the organization the step is taken at (the case's own for
// a progress report, the accepting county's for the others).
func (s *Service) locked(ctx context.Context, tx *db.Tx, actor access.Actor, id int64, need access.Action, atCounty bool) (Rect, level, error) {
	var r Rect
	err := s.scanRect(tx.QueryRow(ctx, "SELECT "+rectCols+rectFrom+" WHERE r.id = ?"+tx.Lock(db.ForUpdate, "r"), id), &r)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(ProgramsRead, r.path) {
		return r, level{}, rectNotFound(id)
	}
	if err != nil {
		return r, level{}, errs.Wrap(err, "rectification case")
	}
	at := level{ID: r.OrgID, Path: r.path, Name: r.OrgName}
	if atCounty {
		if at, err = acceptingLevel(ctx, tx, r.path); err != nil {
			return r, level{}, err
		}
	}
	if !actor.Can(need, at.Path) {
		return r, level{}, errs.New(errs.Forbidden, fmt.Sprintf("您没有办理此事项的权限：应由%s办理", at.Name), fmt.Sprintf("you may not take this step: %s does", at.Name))
	}
	return r, at, nil
}

// wrongState is the refusal of a step the case is not at.
func wrongState(r Rect, zh, en string) error {
	return errs.New(errs.Conflict, fmt.Sprintf("该整顿台账当前状态为“%s”，%s", org.LabelOf(RectStates, r.State, ""), zh),
		fmt.Sprintf("the case is %s: %s", strings.ToLower(org.LabelOf(RectStates, r.State, i18n.EN)), en))
}

// setState moves a case to state, with its version, and audits the step.
func setState(ctx context.Context, tx *db.Tx, r Rect, state string, set string, args ...any) error {
	q := "UPDATE rect_cases SET state = ?, updated_at = ?, version = version + 1"
	if set != "" {
		q += ", " + set
	}
	all := append([]any{state, db.FormatTime(tx.Now())}, args...)
	_, err := tx.Exec(ctx, q+" WHERE id = ?", append(all, r.ID)...)
	return errs.Wrap(err, "update rectification case")
}

// rectStepAt is, for each step, the states it is taken in, the permission
// it needs and whether at the accepting county (else at the organization).
var rectStepAt = map[string]struct {
	states   []string
	need     access.Action
	atCounty bool
}{
	"decide":   {[]string{"candidate"}, ProgramsManage, true},
	"plan":     {[]string{"listed", "rectifying"}, ProgramsManage, true},
	"progress": {[]string{"rectifying"}, ProgramsReport, false},
	"accept":   {[]string{"rectifying"}, ProgramsAccept, true},
	"close":    {[]string{"accepted"}, ProgramsAccept, true},
}

// CanRect reports whether the actor may take step on the case now: the
// case is in a state the step is taken in and the actor holds its
// permission where it is taken. Pages offer the step's form by it.
func (s *Service) CanRect(ctx context.Context, actor access.Actor, r Rect, step string) bool {
	return s.RectStepAllowed(ctx, actor, r, step) == nil
}

// RectStepAllowed answers why the actor may not take step on the case now
// (forbidden where it is taken, or conflict with the case's state), nil
// when it may. Pages ask it before they read an upload, so that a request
// refused anyway costs no more than its headers.
func (s *Service) RectStepAllowed(ctx context.Context, actor access.Actor, r Rect, step string) error {
	at, ok := rectStepAt[step]
	if !ok {
		return errs.New(errs.NotFound, "没有这一步", "no such step")
	}
	l := level{Path: r.path, Name: r.OrgName}
	if at.atCounty {
		var err error
		if l, err = acceptingLevel(ctx, s.db, r.path); err != nil {
			return err
		}
	}
	if !actor.Can(at.need, l.Path) {
		return errs.New(errs.Forbidden, fmt.Sprintf("您没有办理此事项的权限：应由%s办理", l.Name), fmt.Sprintf("you may not take this step: %s does", l.Name))
	}
	if !slices.Contains(at.states, r.State) {
		return wrongState(r, "不能办理“"+org.LabelOf(RectSteps, map[string]string{"decide": "list", "plan": "plan", "progress": "progress", "accept": "accept", "close": "close"}[step], "")+"”",
			"that step cannot be taken")
	}
	return nil
}
