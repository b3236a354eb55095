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

// Care for members and cadres in hardship (关爱, M7): a member's
// organization applies for aid, the township above it reviews (approving
// an amount or refusing with a reason), the county above that approves or
// refuses, and the county records the money paid. Each step is taken by an
// account whose scope covers its level, and the account that reviewed may
// not also approve. The reasons tell of illness and family misfortune:
// they are sealed like the phone and shown only to readers of the case.

// CareCategories are the kinds of hardship.
var CareCategories = []org.Choice{
	{Key: "illness", Text: i18n.Text{ZH: "因病致困", EN: "Illness"}},
	{Key: "disaster", Text: i18n.Text{ZH: "因灾致困", EN: "Natural disaster"}},
	{Key: "accident", Text: i18n.Text{ZH: "意外事故", EN: "Accident"}},
	{Key: "disability", Text: i18n.Text{ZH: "因残致困", EN: "Disability"}},
	{Key: "schooling", Text: i18n.Text{ZH: "子女就学困难", EN: "Children's schooling"}},
	{Key: "elderly", Text: i18n.Text{ZH: "老党员生活困难", EN: "Elderly member in need"}},
	{Key: "family", Text: i18n.Text{ZH: "家庭变故", EN: "Family misfortune"}},
	{Key: "other", Text: i18n.Text{ZH: "其他困难", EN: "Other hardship"}},
}

// CareStates are the states of a case, in the order of its steps.
var CareStates = []org.Choice{
	{Key: "applied", Text: i18n.Text{ZH: "待乡镇审核", EN: "Awaiting township review"}},
	{Key: "reviewed", Text: i18n.Text{ZH: "待县级审批", EN: "Awaiting county approval"}},
	{Key: "approved", Text: i18n.Text{ZH: "待发放", EN: "Approved, awaiting payment"}},
	{Key: "paid", Text: i18n.Text{ZH: "已发放", EN: "Paid"}},
	{Key: "rejected", Text: i18n.Text{ZH: "未通过", EN: "Refused"}},
}

// CareSteps name the steps of a case's timeline.
var CareSteps = []org.Choice{
	{Key: "apply", Text: i18n.Text{ZH: "提出申请", EN: "Application"}},
	{Key: "review", Text: i18n.Text{ZH: "乡镇（街道）审核", EN: "Township review"}},
	{Key: "approve", Text: i18n.Text{ZH: "县（市、区）审批", EN: "County approval"}},
	{Key: "disburse", Text: i18n.Text{ZH: "发放", EN: "Disbursement"}},
}

// MaxCareAmount is the most one case may ask for or be granted, in yuan: a
// larger figure is a typing error (or not hardship aid).
const MaxCareAmount = 100000

// CareInput is an application for a member.
type CareInput struct {
	PersonID  int64  `json:"person_id"`
	Category  string `json:"category"`
	Reason    string `json:"reason"`
	Requested int    `json:"requested"` // yuan
	AppliedOn string `json:"applied_on"`
}

// DecisionInput is a review or an approval: approve (a review with the
// amount granted) or reject with the reason.
type DecisionInput struct {
	Decision string `json:"decision"` // approve | reject
	Amount   int    `json:"amount"`   // yuan; a review that approves only
	Reason   string `json:"reason"`   // a refusal only
	OnDate   string `json:"on_date"`
}

// DisburseInput records the money paid.
type DisburseInput struct {
	PaidOn string `json:"paid_on"`
	Amount int    `json:"amount"` // yuan, at most the amount approved
}

// CareCase is a care case as its readers see it.
type CareCase struct {
	ID        int64  `json:"id"`
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Category  string `json:"category"`
	Requested int    `json:"requested"`
	State     string `json:"state"`
	AppliedOn string `json:"applied_on"`
	Year      int    `json:"year"`
	Approved  int    `json:"approved_amount"`
	Paid      int    `json:"paid_amount"`
	PaidOn    string `json:"paid_on"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
	// Reason, Steps and the levels are filled for one case (CareCase), not
	// in lists.
	Reason     string     `json:"reason,omitempty"`
	Steps      []CareStep `json:"steps,omitempty"`
	ReviewOrg  string     `json:"review_org,omitempty"`
	ApproveOrg string     `json:"approve_org,omitempty"`
	path       string
	reviewerID sql.NullInt64
}

// CareStep is one step of a case.
type CareStep struct {
	Step     string `json:"step"`
	Decision string `json:"decision"` // approved | rejected; "" for the application and the disbursement
	Amount   int    `json:"amount"`
	Note     string `json:"note"` // a refusal's reason
	OrgName  string `json:"org_name"`
	OnDate   string `json:"on_date"`
	At       string `json:"at"`
	Actor    string `json:"actor"`
}

// level is an organization a step of a case is taken at.
type level struct {
	ID         int64
	Path, Name string
}

// careLevels finds the organizations that review and approve a case of the
// organization at path: the nearest township (乡镇党委, 街道党工委) at or
// above it, and the nearest county above that. An organization with no
// township above it (a county's own agencies) is reviewed by its county;
// one with no county (the city's own) by the top of the tree, for both.
func careLevels(ctx context.Context, q db.Querier, path string) (review, approve level, err error) {
	ids := org.PathIDs(path)
	if len(ids) == 0 {
		return level{}, level{}, errs.New(errs.Internal, "组织路径无效", "bad organization path")
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, "SELECT id, path, level, "+org.LabelCol("o")+" FROM orgs o WHERE id IN ("+db.Marks(len(ids))+")", args...)
	if err != nil {
		return level{}, level{}, errs.Wrap(err, "levels of the case")
	}
	defer rows.Close()
	byID := map[int64]level{}
	lv := map[int64]string{}
	for rows.Next() {
		var l level
		var k string
		if err := rows.Scan(&l.ID, &l.Path, &k, &l.Name); err != nil {
			return level{}, level{}, errs.Wrap(err, "scan level")
		}
		byID[l.ID], lv[l.ID] = l, k
	}
	if err := rows.Err(); err != nil {
		return level{}, level{}, errs.Wrap(err, "levels of the case")
	}
	for i := len(ids) - 1; i >= 0; i-- {
		switch lv[ids[i]] {
		case "township":
			if review.ID == 0 {
				review = byID[ids[i]]
			}
		case "county":
			if approve.ID == 0 {
				approve = byID[ids[i]]
			}
		}
	}
	if approve.ID == 0 {
		approve = byID[ids[0]]
	}
	if review.ID == 0 {
		review = approve
	}
	return review, approve, nil
}

// checkAmount adds a problem when yuan is not a plausible amount of aid.
func checkAmount(field string, yuan int, f *errs.Fields) {
	if yuan <= 0 || yuan > MaxCareAmount {
		f.Add(field, fmt.Sprintf("金额应为 1–%d 元之间的整数（单位：元）", MaxCareAmount), fmt.Sprintf("the amount must be a whole number of yuan between 1 and %s", "100,000"))
	}
}

// checkReason reads a reason typed in words: at least a few characters
// and at most 500.
func checkReason(field, v string, f *errs.Fields) string {
	v = strings.TrimSpace(v)
	if n := utf8.RuneCountInString(v); n < 4 || n > 500 {
		f.Add(field, "请用 4–500 字说明理由", "give the reason in 4 to 500 characters")
	}
	return v
}

// stepDate reads the date of a step, which may be neither after today nor
// before the step before it (after).
func (s *Service) stepDate(v, field, zh, en, after string, f *errs.Fields) string {
	on, ok := parseDate(v, field, zh, en, f)
	if !ok {
		return ""
	}
	d := on.Format(dateLayout)
	switch {
	case on.After(s.today()):
		f.Add(field, zh+"不能晚于今天", "the "+en+" cannot be after today")
	case after != "" && d < after:
		f.Add(field, zh+"不能早于上一步的日期 "+after, "the "+en+" cannot be before the step before it, "+after)
	}
	return d
}

// Apply records a care application for a member of an organization the
// actor manages people in.
func (s *Service) Apply(ctx context.Context, actor access.Actor, in CareInput) (CareCase, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return CareCase{}, errs.New(errs.Forbidden, "您没有申请关爱帮扶的权限", "you may not apply for care")
	}
	if in.PersonID == 0 {
		return CareCase{}, errs.Field("person_id", "请选择申请帮扶的党员", "choose the member the application is for")
	}
	p, err := s.Person(ctx, actor, in.PersonID)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			return CareCase{}, errs.Field("person_id", e.ZH, e.EN)
		}
		return CareCase{}, err
	}
	m := p.Membership
	if !actor.Can(PeopleManage, m.path) {
		return CareCase{}, errs.Field("person_id", "您没有为"+m.OrgName+"的党员申请关爱帮扶的权限", "you may not apply for the members of "+m.OrgName)
	}
	if !m.Active {
		return CareCase{}, errs.Field("person_id", fmt.Sprintf("%s的党员身份已于 %s 结束，不能申请", p.Name, m.EndedOn), fmt.Sprintf("the membership of %s ended on %s", p.Name, m.EndedOn))
	}
	var f errs.Fields
	cat, ok := org.KeyOf(CareCategories, in.Category)
	if !ok {
		f.Add("category", "请选择困难类别，如“因病致困”“因灾致困”", "choose the kind of hardship, such as illness or natural disaster")
	}
	reason := checkReason("reason", in.Reason, &f)
	checkAmount("requested", in.Requested, &f)
	on := s.stepDate(in.AppliedOn, "applied_on", "申请日期", "date of application", "", &f)
	if err := f.Err(); err != nil {
		return CareCase{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		now := db.FormatTime(tx.Now())
		year, _ := strconv.Atoi(on[:4])
		if err := tx.QueryRow(ctx, `INSERT INTO care_cases (person_id, org_id, category, reason_sealed, requested, state, applied_on, year, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'applied', ?, ?, ?, ?) RETURNING id`, p.ID, m.OrgID, cat, s.seal.seal("care_reason", reason), in.Requested, on, year, now, now).Scan(&id); err != nil {
			return errs.Wrap(err, "insert care case")
		}
		if err := s.careStep(ctx, tx, actor, id, "apply", "", in.Requested, "", m.OrgID, on); err != nil {
			return err
		}
		label := org.LabelOf(CareCategories, cat, "")
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "care.apply", TargetType: "care_case", TargetID: strconv.FormatInt(id, 10), OrgPath: m.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("为%s申请关爱帮扶 %d 元（%s）", p.Name, in.Requested, label),
				EN: fmt.Sprintf("applied for %d yuan of care for %s (%s)", in.Requested, p.Name, strings.ToLower(org.LabelOf(CareCategories, cat, i18n.EN)))},
			After: map[string]any{"person_id": p.ID, "category": cat, "requested": in.Requested, "applied_on": on}})
	})
	if err != nil {
		return CareCase{}, err
	}
	return s.CareCase(ctx, actor, id, "")
}

// careStep appends a step to a case, the refusal's reason sealed.
func (s *Service) careStep(ctx context.Context, tx *db.Tx, actor access.Actor, caseID int64, step, decision string, amount int, note string, orgID int64, on string) error {
	var sealed any
	if note != "" {
		sealed = s.seal.seal("care_note", note)
	}
	var amt any
	if amount > 0 {
		amt = amount
	}
	var uid any
	if actor.UserID != 0 {
		uid = actor.UserID
	}
	_, err := tx.Exec(ctx, "INSERT INTO care_steps (case_id, step, decision, amount, note_sealed, org_id, on_date, at, actor_id, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		caseID, step, decision, amt, sealed, orgID, on, db.FormatTime(tx.Now()), uid, actor.Username)
	return errs.Wrap(err, "care step")
}

const careCols = `c.id, c.person_id, p.name, c.org_id, CASE WHEN o.short_name <> '' THEN o.short_name ELSE o.name END, o.path, c.category, c.requested, c.state,
	c.applied_on, c.year, COALESCE(c.approved_amount, 0), COALESCE(c.paid_amount, 0), COALESCE(c.paid_on, ''), c.updated_at, c.version, c.reviewer_id`

const careFrom = ` FROM care_cases c JOIN persons p ON p.id = c.person_id JOIN orgs o ON o.id = c.org_id`

func scanCare(sc db.Scanner, c *CareCase) error {
	return sc.Scan(&c.ID, &c.PersonID, &c.Name, &c.OrgID, &c.OrgName, &c.path, &c.Category, &c.Requested, &c.State,
		&c.AppliedOn, &c.Year, &c.Approved, &c.Paid, &c.PaidOn, &c.UpdatedAt, &c.Version, &c.reviewerID)
}

func careNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "关爱帮扶案件 %d 不存在或不在您的管理范围内", "care case %d not found or outside your scope", id)
}

// CareCase returns a case the actor may read, with its reason, its steps
// (their texts in lang) and the organizations that review and approve it.
func (s *Service) CareCase(ctx context.Context, actor access.Actor, id int64, lang string) (CareCase, error) {
	var c CareCase
	var sealed []byte
	err := scanExtraBytes(s.db.QueryRow(ctx, "SELECT "+careCols+", c.reason_sealed"+careFrom+" WHERE c.id = ?", id), &c, &sealed)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(CareRead, c.path) {
		return CareCase{}, careNotFound(id)
	}
	if err != nil {
		return CareCase{}, errs.Wrap(err, "care case")
	}
	if c.Reason, err = s.seal.open("care_reason", sealed); err != nil {
		return CareCase{}, errs.Wrap(err, "open the reason")
	}
	review, approve, err := careLevels(ctx, s.db, c.path)
	if err != nil {
		return CareCase{}, err
	}
	c.ReviewOrg, c.ApproveOrg = review.Name, approve.Name
	rows, err := s.db.Query(ctx, "SELECT st.step, st.decision, COALESCE(st.amount, 0), st.note_sealed, "+org.LabelCol("o")+", st.on_date, st.at, st.actor_name FROM care_steps st"+
		org.Join("o", "st.org_id")+" WHERE st.case_id = ? ORDER BY st.id", id)
	if err != nil {
		return CareCase{}, errs.Wrap(err, "care steps")
	}
	defer rows.Close()
	for rows.Next() {
		var st CareStep
		var note []byte
		if err := rows.Scan(&st.Step, &st.Decision, &st.Amount, &note, &st.OrgName, &st.OnDate, &st.At, &st.Actor); err != nil {
			return CareCase{}, errs.Wrap(err, "scan care step")
		}
		if note != nil {
			if st.Note, err = s.seal.open("care_note", note); err != nil {
				return CareCase{}, errs.Wrap(err, "open a refusal's reason")
			}
		}
		c.Steps = append(c.Steps, st)
	}
	return c, errs.Wrap(rows.Err(), "care steps")
}

func scanExtraBytes(row *sql.Row, c *CareCase, b *[]byte) error {
	return row.Scan(&c.ID, &c.PersonID, &c.Name, &c.OrgID, &c.OrgName, &c.path, &c.Category, &c.Requested, &c.State,
		&c.AppliedOn, &c.Year, &c.Approved, &c.Paid, &c.PaidOn, &c.UpdatedAt, &c.Version, &c.reviewerID, b)
}

// lastStepDate is the date of a case's latest step.
func lastStepDate(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var d string
	err := tx.QueryRow(ctx, "SELECT MAX(on_date) FROM care_steps WHERE case_id = ?", id).Scan(&d)
	return d, errs.Wrap(err, "last step")
}

// lockedCase reads a case inside tx for a step at level: the actor must
// read the case and hold care.approve at the step's organization.
func (s *Service) lockedCase(ctx context.Context, tx *db.Tx, actor access.Actor, id int64, step string) (CareCase, level, error) {
	var c CareCase
	err := scanCare(tx.QueryRow(ctx, "SELECT "+careCols+careFrom+" WHERE c.id = ?"+tx.Lock(db.ForUpdate, "c"), id), &c)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(CareRead, c.path) && !actor.Can(CareApprove, c.path) {
		return c, level{}, careNotFound(id)
	}
	if err != nil {
		return c, level{}, errs.Wrap(err, "care case")
	}
	review, approve, err := careLevels(ctx, tx, c.path)
	if err != nil {
		return c, level{}, err
	}
	at := approve
	if step == "review" {
		at = review
	}
	if !actor.Can(CareApprove, at.Path) {
		what := map[string]i18n.Text{"review": {ZH: "审核", EN: "review"}, "approve": {ZH: "审批", EN: "approve"}, "disburse": {ZH: "登记发放", EN: "record the payment of"}}[step]
		return c, level{}, errs.New(errs.Forbidden, fmt.Sprintf("您没有%s该案件的权限：应由%s办理", what.ZH, at.Name), fmt.Sprintf("you may not %s this case: %s does", what.EN, at.Name))
	}
	return c, at, nil
}

// outOfOrder is the refusal of a step the case is not at.
func outOfOrder(c CareCase, step string) error {
	state := org.LabelOf(CareStates, c.State, "")
	stateEN := strings.ToLower(org.LabelOf(CareStates, c.State, i18n.EN))
	switch step {
	case "review":
		return errs.New(errs.Conflict, fmt.Sprintf("该案件已审核，当前状态为“%s”，不能再次审核", state), fmt.Sprintf("the case has been reviewed already (now: %s)", stateEN))
	case "approve":
		if c.State == "applied" {
			return errs.New(errs.Conflict, "该案件尚未经乡镇（街道）审核，不能审批", "the case has not been reviewed by the township yet")
		}
		return errs.New(errs.Conflict, fmt.Sprintf("该案件当前状态为“%s”，不能审批", state), fmt.Sprintf("the case is %s and cannot be approved", stateEN))
	}
	if c.State == "applied" || c.State == "reviewed" {
		return errs.New(errs.Conflict, fmt.Sprintf("该案件尚未经县级审批（当前：%s），不能发放", state), fmt.Sprintf("the case has not been approved by the county (now: %s) and cannot be paid", stateEN))
	}
	return errs.New(errs.Conflict, fmt.Sprintf("该案件当前状态为“%s”，不能登记发放", state), fmt.Sprintf("the case is %s: no payment can be recorded", stateEN))
}

// Review records the township's review of a case: approve with the amount
// granted, at most the amount asked for, or reject with the reason.
func (s *Service) Review(ctx context.Context, actor access.Actor, id int64, in DecisionInput) (CareCase, error) {
	return s.decide(ctx, actor, id, "review", "care.review", in)
}

// Approve records the county's approval of a reviewed case, or its
// refusal with the reason; the account that reviewed may not approve.
func (s *Service) Approve(ctx context.Context, actor access.Actor, id int64, in DecisionInput) (CareCase, error) {
	return s.decide(ctx, actor, id, "approve", "care.approve", in)
}

// decide takes a review or an approval; action names it in the audit log.
func (s *Service) decide(ctx context.Context, actor access.Actor, id int64, step, action string, in DecisionInput) (CareCase, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		c, at, err := s.lockedCase(ctx, tx, actor, id, step)
		if err != nil {
			return err
		}
		want := map[string]string{"review": "applied", "approve": "reviewed"}[step]
		if c.State != want {
			return outOfOrder(c, step)
		}
		if err := separated(ctx, tx, actor, c.ID, step); err != nil {
			return err
		}
		last, err := lastStepDate(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		zh, en := "审核日期", "date of the review"
		if step == "approve" {
			zh, en = "审批日期", "date of the approval"
		}
		on := s.stepDate(in.OnDate, "on_date", zh, en, last, &f)
		var note string
		amount := c.Approved
		switch in.Decision {
		case "approve":
			if step == "review" {
				checkAmount("amount", in.Amount, &f)
				if in.Amount > c.Requested {
					f.Add("amount", fmt.Sprintf("核定金额不能超过申请金额 %d 元", c.Requested), fmt.Sprintf("the amount granted cannot exceed the %d yuan asked for", c.Requested))
				}
				amount = in.Amount
			} else if in.Amount != 0 && in.Amount != c.Approved {
				// The county approves the amount the township granted;
				// a different one is the township's to review again.
				f.Add("amount", fmt.Sprintf("审批只能同意或不同意乡镇（街道）核定的 %d 元；如需调整金额，请不同意并说明理由", c.Approved),
					fmt.Sprintf("an approval takes or refuses the %d yuan the township granted: to change the amount, refuse with the reason", c.Approved))
			}
		case "reject":
			note = checkReason("reason", in.Reason, &f)
			amount = 0
		default:
			f.Add("decision", "请选择“同意”或“不同意”", "choose approve or reject")
		}
		if err := f.Err(); err != nil {
			return err
		}
		state, decision := map[string]string{"review": "reviewed", "approve": "approved"}[step], "approved"
		if in.Decision == "reject" {
			state, decision = "rejected", "rejected"
		}
		q := "UPDATE care_cases SET state = ?, approved_amount = ?, updated_at = ?, version = version + 1"
		args := []any{state, nullAmount(amount), db.FormatTime(tx.Now())}
		if step == "review" {
			q += ", reviewer_id = ?"
			args = append(args, nullAmount(int(actor.UserID)))
		}
		if _, err := tx.Exec(ctx, q+" WHERE id = ?", append(args, c.ID)...); err != nil {
			return errs.Wrap(err, "decide care case")
		}
		if err := s.careStep(ctx, tx, actor, c.ID, step, decision, amount, note, at.ID, on); err != nil {
			return err
		}
		stepText := org.Choice{}
		for _, k := range CareSteps {
			if k.Key == step {
				stepText = k
			}
		}
		sum := i18n.Text{ZH: fmt.Sprintf("%s%s%s的关爱帮扶申请（案件 %d）", at.Name, map[bool]string{true: "同意", false: "不同意"}[decision == "approved"], c.Name, c.ID),
			EN: fmt.Sprintf("%s %s the care case of %s (case %d)", at.Name, map[bool]string{true: "approved", false: "refused"}[decision == "approved"], c.Name, c.ID)}
		if decision == "approved" {
			sum.ZH += fmt.Sprintf("，核定 %d 元", amount)
			sum.EN += fmt.Sprintf(", %d yuan", amount)
		}
		sum.ZH = stepText.ZH + "：" + sum.ZH
		return audit.Write(ctx, tx, actor, audit.Entry{Action: action, TargetType: "care_case", TargetID: strconv.FormatInt(c.ID, 10), OrgPath: c.path,
			Summary: sum, Before: map[string]any{"state": c.State}, After: map[string]any{"state": state, "approved_amount": amount, "on_date": on}})
	})
	if err != nil {
		return CareCase{}, err
	}
	return s.CareCase(ctx, actor, id, "")
}

func nullAmount(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// Disburse records the money paid on an approved case: at most the amount
// approved, by an account of the county that approved it.
func (s *Service) Disburse(ctx context.Context, actor access.Actor, id int64, in DisburseInput) (CareCase, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		c, at, err := s.lockedCase(ctx, tx, actor, id, "disburse")
		if err != nil {
			return err
		}
		if c.State != "approved" {
			return outOfOrder(c, "disburse")
		}
		if err := separated(ctx, tx, actor, c.ID, "disburse"); err != nil {
			return err
		}
		last, err := lastStepDate(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.stepDate(in.PaidOn, "paid_on", "发放日期", "date of payment", last, &f)
		checkAmount("amount", in.Amount, &f)
		if in.Amount > c.Approved {
			f.Add("amount", fmt.Sprintf("发放金额不能超过核定金额 %d 元", c.Approved), fmt.Sprintf("the amount paid cannot exceed the %d yuan approved", c.Approved))
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE care_cases SET state = 'paid', paid_amount = ?, paid_on = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			in.Amount, on, db.FormatTime(tx.Now()), c.ID); err != nil {
			return errs.Wrap(err, "disburse")
		}
		if err := s.careStep(ctx, tx, actor, c.ID, "disburse", "", in.Amount, "", at.ID, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "care.disburse", TargetType: "care_case", TargetID: strconv.FormatInt(c.ID, 10), OrgPath: c.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("向%s发放关爱帮扶金 %d 元（案件 %d）", c.Name, in.Amount, c.ID), EN: fmt.Sprintf("paid %d yuan of care to %s (case %d)", in.Amount, c.Name, c.ID)},
			Before:  map[string]any{"state": c.State}, After: map[string]any{"state": "paid", "paid_amount": in.Amount, "paid_on": on}})
	})
	if err != nil {
		return CareCase{}, err
	}
	return s.CareCase(ctx, actor, id, "")
}

// CareNext is the step a case waits for, "" when it is closed.
func CareNext(state string) string {
	return map[string]string{"applied": "review", "reviewed": "approve", "approved": "disburse"}[state]
}

// CanTakeStep reports whether the actor may take the step a case waits for:
// it holds care.approve at the step's level and, for an approval, did not
// review the case. Pages offer the step's form by it.
func (s *Service) CanTakeStep(ctx context.Context, actor access.Actor, c CareCase) (bool, error) {
	step := CareNext(c.State)
	if step == "" {
		return false, nil
	}
	review, approve, err := careLevels(ctx, s.db, c.path)
	if err != nil {
		return false, err
	}
	at := approve
	if step == "review" {
		at = review
	}
	if separated(ctx, s.db, actor, c.ID, step) != nil {
		return false, nil
	}
	return actor.Can(CareApprove, at.Path), nil
}

// separated refuses a step of a case to the account that took a step the
// rules keep apart from it (separation of duties): whoever applied may not
// review, approve or pay; whoever reviewed may not approve.
func separated(ctx context.Context, q db.Querier, actor access.Actor, caseID int64, step string) error {
	earlier := map[string][]string{"review": {"apply"}, "approve": {"apply", "review"}, "disburse": {"apply"}}[step]
	for _, e := range earlier {
		var n int
		if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM care_steps WHERE case_id = ? AND step = ? AND actor_id = ?", caseID, e, actor.UserID).Scan(&n); err != nil {
			return errs.Wrap(err, "steps of the case")
		}
		if n == 0 {
			continue
		}
		if e == "review" {
			return errs.New(errs.Forbidden, "您已审核该案件：审核与审批须由不同的账号办理", "you reviewed this case: another account must approve it")
		}
		return errs.New(errs.Forbidden, "您提出了该申请：审核、审批和发放须由其他账号办理", "you applied for this case: other accounts must review, approve and pay it")
	}
	return nil
}

// Today is the register's date (in Beijing), which forms take as their
// default.
func (s *Service) Today() time.Time { return s.today() }
