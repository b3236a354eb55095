package evaluation

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// The states of a campaign, in the only order it moves through them.
const (
	StatusDraft     = "draft"     // rules, subjects and tokens are being prepared
	StatusOpen      = "open"      // ballots are accepted between OpensAt and ClosesAt
	StatusClosed    = "closed"    // no more ballots; every ballot has been mixed and counted
	StatusPublished = "published" // results computed and frozen with their checksum
)

// The kinds of subject.
const (
	SubjectOrg    = "org"    // a Party organization of the owner's subtree
	SubjectPerson = "person" // a cadre or agency staff member
)

// keySetting is the settings row in which earlier versions kept the token
// HMAC key. The key now lives outside the database (a key file or the
// environment, see cmd/jiceng): a dump of the database alone must not be
// able to test a printed code. StoredKey and DropStoredKey let the program
// move an old key out.
const keySetting = "evaluation.token_key"

// Service stores campaigns, their subjects, ballot tokens and ballots. key
// is the HMAC key under which tokens are stored (see TokenMAC).
type Service struct {
	db   *db.DB
	orgs *org.Service
	key  []byte
	now  func() time.Time
	// mixBatch is maxMixBatch but for tests.
	mixBatch int
	// committer batches concurrent ballots into one transaction once
	// StartCommitter has run; nil means one transaction per ballot.
	committer atomic.Pointer[committer]
	// bulletins keeps computed public bulletins (see BulletinPage).
	bulletins *bulletinCache
	// overviews keep the grades of published results for the cockpit and
	// the statistics (see Overview).
	overviews *Overviews
	// beforeSpend, when set, runs in applyFast between reading the tokens
	// and spending them. Tests use it to change a token in that gap.
	beforeSpend func(ctx context.Context, tx *db.Tx)
	// batchRetries counts the batches that applyFast gave back to applyEach.
	batchRetries atomic.Int64
	// subjectsGone run in the transaction that takes subjects out of a
	// draft (see OnSubjectsGone).
	subjectsGone []func(ctx context.Context, tx *db.Tx, campaignID, subjectID int64) error
}

// OnSubjectsGone has f run inside the transaction that takes a subject out
// of a draft campaign (subjectID) or deletes the draft with all its
// subjects (subjectID 0), for a module that keeps rows naming them: they
// go with them, so that no id names a subject or campaign that is gone
// (SQLite gives the id of the newest one deleted to the next). Modules call
// it when they are built, before the service is used.
func (s *Service) OnSubjectsGone(f func(ctx context.Context, tx *db.Tx, campaignID, subjectID int64) error) {
	s.subjectsGone = append(s.subjectsGone, f)
}

// NewService returns the evaluation service over d. key must hold at least
// MinKeyBytes (NewKey gives 32); a shorter one is a programming error and
// panics rather than quietly weakening every stored token.
func NewService(d *db.DB, orgs *org.Service, key []byte) *Service {
	if len(key) < MinKeyBytes {
		panic("evaluation: token key shorter than 16 bytes")
	}
	s := &Service{db: d, orgs: orgs, key: append([]byte(nil), key...), now: time.Now, mixBatch: maxMixBatch, bulletins: newBulletinCache()}
	s.overviews = NewOverviews(s)
	orgs.Attach(nil, s.checkDissolve)
	return s
}

// WithClock makes the service read the time from now instead of the system
// clock, so that deadlines, bulletin lifetimes and the mixer's schedule are
// tested exactly. It returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// Now is the current time on the service's clock; demo data is dated by it.
func (s *Service) Now() time.Time { return s.now() }

// checkDissolve refuses to dissolve an organization that runs an open
// campaign or is rated in one: its raters hold slips that name it.
func (s *Service) checkDissolve(ctx context.Context, tx *db.Tx, o org.Org) error {
	var name string
	err := tx.QueryRow(ctx, "SELECT name FROM campaigns WHERE owner_org_id = ? AND status = 'open' ORDER BY id LIMIT 1", o.ID).Scan(&name)
	if err == nil {
		return errs.Newf(errs.Conflict, "“%s”正在组织测评“%s”，请先结束该测评再撤销", "%q runs the open campaign %q: close it before dissolving", o.Label(), name)
	}
	if err != sql.ErrNoRows {
		return errs.Wrap(err, "campaigns of org")
	}
	err = tx.QueryRow(ctx, `SELECT c.name FROM campaign_subjects sb JOIN campaigns c ON c.id = sb.campaign_id
		WHERE sb.org_id = ? AND c.status = 'open' ORDER BY c.id LIMIT 1`, o.ID).Scan(&name)
	if err == nil {
		return errs.Newf(errs.Conflict, "“%s”是进行中的测评“%s”的测评对象，请先结束该测评再撤销", "%q is rated in the open campaign %q: close it before dissolving", o.Label(), name)
	}
	if err != sql.ErrNoRows {
		return errs.Wrap(err, "campaign subjects of org")
	}
	return nil
}

// activeOwnerTx checks inside tx, under the shared tree lock, that the
// organization that runs (or is to run) a campaign is not dissolved; the
// lock keeps a dissolution from committing between the check and the write.
func activeOwnerTx(ctx context.Context, tx *db.Tx, ownerID int64) error {
	if err := tx.LockTreeShared(ctx); err != nil {
		return errs.Wrap(err, "lock tree")
	}
	return activeOwner(ctx, tx, ownerID)
}

// activeOwner refuses a campaign whose owner is dissolved, with the
// message of the opening: a draft of a dissolved organization can never
// open, so it takes no subjects, report files nor ballot codes either.
// Outside a transaction holding the tree lock it is an early answer only.
func activeOwner(ctx context.Context, q db.Querier, ownerID int64) error {
	o, err := org.Lookup(ctx, q, ownerID)
	if err != nil {
		return errs.Wrap(err, "campaign owner")
	}
	if !o.Active() {
		name := o.Label()
		return &errs.Error{Kind: errs.Conflict, Field: "owner_org_id",
			Text: i18n.Text{ZH: fmt.Sprintf("“%s”已撤销，不能组织测评", name), EN: fmt.Sprintf("%q is dissolved and cannot run a campaign", name)}}
	}
	return nil
}

// activeSubjectsTx checks inside tx, under the shared tree lock, that no
// organization among the subjects has been dissolved.
func activeSubjectsTx(ctx context.Context, tx *db.Tx, in []SubjectInput) error {
	if err := tx.LockTreeShared(ctx); err != nil {
		return errs.Wrap(err, "lock tree")
	}
	for i, sb := range in {
		if sb.Kind != SubjectOrg {
			continue
		}
		o, err := org.Lookup(ctx, tx, sb.OrgID)
		if err != nil {
			return errs.Wrap(err, "subject org")
		}
		if !o.Active() {
			return subjectDissolved(i, o.Name)
		}
	}
	return nil
}

// subjectDissolved refuses a dissolved organization as the i-th subject.
func subjectDissolved(i int, name string) error {
	return &errs.Error{Kind: errs.Conflict, Field: fmt.Sprintf("subjects[%d].org_id", i),
		Text: i18n.Text{ZH: fmt.Sprintf("第 %d 个测评对象：“%s”已撤销，不能作为测评对象", i+1, name),
			EN: fmt.Sprintf("subject %d: %q is dissolved and cannot be rated", i+1, name)}}
}

// MinKeyBytes is the shortest token key NewService accepts.
const MinKeyBytes = 16

// NewKey returns a fresh random 32-byte token key.
func NewKey() ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, errs.Wrap(err, "token key")
	}
	return key, nil
}

// StoredKey returns the token key that an earlier version kept in the
// settings table, and whether there is one.
func StoredKey(ctx context.Context, d *db.DB) ([]byte, bool, error) {
	var stored string
	err := d.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", keySetting).Scan(&stored)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, errs.Wrap(err, "read token key")
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) < MinKeyBytes {
		return nil, false, errs.Wrap(fmt.Errorf("setting %s is not a hex key of at least %d bytes", keySetting, MinKeyBytes), "token key")
	}
	return key, true, nil
}

// DropStoredKey deletes the settings row of the token key once the key is
// kept elsewhere, and only if it still holds key.
func DropStoredKey(ctx context.Context, d *db.DB, key []byte) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM settings WHERE key = ? AND value = ?", keySetting, hex.EncodeToString(key))
		return errs.Wrap(err, "drop token key")
	})
}

// keyCheckSetting is the settings row that keeps KeyCheck of the key the
// database's codes were issued under, so that a server started with
// another key — a mistyped --key-file creates a fresh one — refuses to
// start instead of answering every printed code "invalid".
const keyCheckSetting = "evaluation.key_check"

// KeyCheck returns a check value of key: an HMAC of a fixed text, which
// tells whether two keys are the same and nothing else (it cannot test a
// code, nor lead back to the key).
func KeyCheck(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("jiceng ballot token key check v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// StoredKeyCheck returns the check value of the key the database is used
// with, and whether one was recorded.
func StoredKeyCheck(ctx context.Context, d *db.DB) (string, bool, error) {
	var v string
	err := d.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", keyCheckSetting).Scan(&v)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	return v, err == nil, errs.Wrap(err, "read token key check")
}

// SaveKeyCheck records the check value of key unless one is recorded
// already; it returns the value the database holds afterwards, so that two
// processes starting at once with different keys cannot both win.
func SaveKeyCheck(ctx context.Context, d *db.DB, key []byte) (string, error) {
	var v string
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", keyCheckSetting, KeyCheck(key)); err != nil {
			return errs.Wrap(err, "save token key check")
		}
		return errs.Wrap(tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", keyCheckSetting).Scan(&v), "read token key check")
	})
	return v, err
}

// Campaign is one evaluation campaign. Rules are frozen once it opens.
type Campaign struct {
	ID            int64     `json:"id"`
	OwnerOrgID    int64     `json:"owner_org_id"`
	OwnerName     string    `json:"owner_name"`
	Name          string    `json:"name"`
	Type          string    `json:"type"`
	Year          int       `json:"year"`
	OpensAt       time.Time `json:"opens_at"`
	ClosesAt      time.Time `json:"closes_at"`
	Status        string    `json:"status"`
	Rules         Rules     `json:"rules"`
	CreatedAt     string    `json:"created_at"`
	UpdatedAt     string    `json:"updated_at"`
	PublishedAt   string    `json:"published_at,omitempty"`
	ResultsSHA256 string    `json:"results_sha256,omitempty"`
	// Version counts the changes of the campaign: its rules, every change
	// of status, and every change of what raters will see of a draft (its
	// subjects, imported or added, and their report files). An edit of the
	// rules and the opening may name the version they were made from.
	Version int `json:"version"`
	// OwnerDissolved says the owner has been dissolved since the campaign
	// was created: a draft can then never open, nor be prepared further.
	OwnerDissolved bool `json:"owner_dissolved"`
	ownerPath      string
}

// CampaignInput creates a campaign. Rules.Type is taken from Type.
type CampaignInput struct {
	OwnerOrgID int64     `json:"owner_org_id"`
	Name       string    `json:"name"`
	Type       string    `json:"type"`
	Year       int       `json:"year"`
	OpensAt    time.Time `json:"opens_at"`
	ClosesAt   time.Time `json:"closes_at"`
	Rules      Rules     `json:"rules"`
}

// Subject is an organization or a person rated in a campaign. Key is what
// ballots name it by; Groups are the rater groups that rate it, empty for
// every group.
type Subject struct {
	ID         int64    `json:"id"`
	Key        string   `json:"key"`
	Kind       string   `json:"kind"`
	OrgID      *int64   `json:"org_id,omitempty"`
	Name       string   `json:"name"`
	Post       string   `json:"post"`
	Unit       string   `json:"unit"`
	Section    string   `json:"section"`
	ReportText string   `json:"report_text"`
	Groups     []string `json:"groups"`
	Sort       int      `json:"sort"`
	// Leader is an organization subject's secretary as the member
	// register keeps them now, so that raters know whose work they rate.
	Leader *SubjectLeader `json:"leader,omitempty"`
}

// SubjectLeader is the secretary (or first secretary) of an organization
// subject.
type SubjectLeader struct {
	Name   string `json:"name"`
	Post   string `json:"post"`
	PostEN string `json:"post_en"`
}

// withLeaders names the leader of each organization subject.
func (s *Service) withLeaders(ctx context.Context, subs []Subject) ([]Subject, error) {
	var ids []int64
	for _, sb := range subs {
		if sb.OrgID != nil {
			ids = append(ids, *sb.OrgID)
		}
	}
	leaders, err := s.orgs.Leaders(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, sb := range subs {
		if sb.OrgID == nil {
			continue
		}
		if l, ok := leaders[*sb.OrgID]; ok {
			subs[i].Leader = &SubjectLeader{Name: l.Name, Post: l.Post.ZH, PostEN: l.Post.EN}
		}
	}
	return subs, nil
}

// SubjectInput adds a subject. An organization subject takes its name from
// the organization when Name is empty; a person needs a name, a post and a
// unit, as a rater must recognise whom they rate.
type SubjectInput struct {
	Kind       string   `json:"kind"`
	OrgID      int64    `json:"org_id"`
	Name       string   `json:"name"`
	Post       string   `json:"post"`
	Unit       string   `json:"unit"`
	Section    string   `json:"section"`
	ReportText string   `json:"report_text"`
	Groups     []string `json:"groups"`
}

// rulesFrozen answers any change of rules or subjects after opening: ballots
// already cast were given under the rules as they stood.
func rulesFrozen() error {
	return errs.New(errs.Conflict, "测评已开始，指标、评委组、权重和阈值不能再修改",
		"the campaign has started: indicators, rater groups, weights and thresholds can no longer change")
}

func campaignNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "测评 %d 不存在或不在您的管理范围内", "campaign %d not found or outside your scope", id)
}

func forbidden() error {
	return errs.New(errs.Forbidden, "您没有管理该测评的权限", "you may not manage this campaign")
}

// errNoRead refuses an actor who may read campaigns nowhere: a list would
// come back empty and look like a scope without campaigns.
var errNoRead = errs.New(errs.Forbidden, "您没有查看评议考核的权限", "you may not see evaluation campaigns")

// errNoManage refuses an actor who may manage campaigns nowhere.
var errNoManage = errs.New(errs.Forbidden, "您没有管理评议考核的权限", "you may not manage evaluation campaigns")

// CheckReadAnywhere refuses an actor who may read campaigns nowhere, before
// the filters of a list are looked at.
func (s *Service) CheckReadAnywhere(actor access.Actor) error {
	if !actor.CanAnywhere(EvaluationRead) {
		return errNoRead
	}
	return nil
}

// CheckManageAnywhere refuses, before a create form is shown or read, an
// actor who may manage campaigns nowhere.
func (s *Service) CheckManageAnywhere(actor access.Actor) error {
	if !actor.CanAnywhere(EvaluationManage) {
		return errNoManage
	}
	return nil
}

// CheckOwner returns the organization that is to run a new campaign, if the
// actor may run campaigns for it: outside the actor's scope it does not
// exist (404), inside it the role decides (403). Forms and CreateCampaign
// call it before they look at the rest of the input, so that a refused
// account learns nothing from the validation of a form it may not submit.
func (s *Service) CheckOwner(ctx context.Context, actor access.Actor, ownerOrgID int64) (org.Org, error) {
	if err := s.CheckManageAnywhere(actor); err != nil {
		return org.Org{}, err
	}
	if ownerOrgID == 0 {
		return org.Org{}, errs.Field("owner_org_id", "请选择组织测评的党组织", "choose the organization that runs the campaign")
	}
	owner, err := s.orgs.Get(ctx, actor, ownerOrgID)
	if err != nil {
		return org.Org{}, err
	}
	if !actor.Can(EvaluationManage, owner.Path) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有为该党组织组织测评的权限", "you may not run campaigns for this organization")
	}
	if !owner.Active() {
		return org.Org{}, errs.Field("owner_org_id", fmt.Sprintf("“%s”已撤销，不能组织测评", owner.Label()), fmt.Sprintf("%q is dissolved and cannot run a campaign", owner.Label()))
	}
	return owner, nil
}

// CheckManage returns a campaign the actor may manage: outside its scope
// the campaign does not exist (404), a reader of it is refused (403).
// Handlers call it before they read a form that changes the campaign.
func (s *Service) CheckManage(ctx context.Context, actor access.Actor, id int64) (Campaign, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return Campaign{}, err
	}
	if !actor.Can(EvaluationManage, c.ownerPath) {
		return Campaign{}, forbidden()
	}
	return c, nil
}

var campaignCols = `c.id, c.owner_org_id, ` + org.NameCol("o") + ", " + org.PathCol("o") + `, c.name, c.type, c.year, c.opens_at, c.closes_at, c.status, c.rules_json,
	c.created_at, c.updated_at, COALESCE(c.published_at, ''), COALESCE(c.results_sha256, ''), c.version, ` + org.StatusCol("o")

var campaignFrom = " FROM campaigns c" + org.Join("o", "c.owner_org_id")

func scanCampaign(r db.Scanner) (Campaign, error) {
	var c Campaign
	var opens, closes, rules, ownerStatus string
	err := r.Scan(&c.ID, &c.OwnerOrgID, &c.OwnerName, &c.ownerPath, &c.Name, &c.Type, &c.Year, &opens, &closes, &c.Status, &rules,
		&c.CreatedAt, &c.UpdatedAt, &c.PublishedAt, &c.ResultsSHA256, &c.Version, &ownerStatus)
	if err != nil {
		return c, err
	}
	c.OwnerDissolved = ownerStatus != org.StatusActive
	c.OpensAt, c.ClosesAt = db.ParseTime(opens), db.ParseTime(closes)
	if err := json.Unmarshal([]byte(rules), &c.Rules); err != nil {
		return c, fmt.Errorf("campaign %d rules: %w", c.ID, err)
	}
	return c, nil
}

// Get returns a campaign the actor may read (evaluation.read on its owner);
// outside the actor's scope it answers not found.
func (s *Service) Get(ctx context.Context, actor access.Actor, id int64) (Campaign, error) {
	c, err := scanCampaign(s.db.QueryRow(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE c.id = ?", id))
	if err == sql.ErrNoRows {
		return Campaign{}, campaignNotFound(id)
	}
	if err != nil {
		return Campaign{}, errs.Wrap(err, "load campaign")
	}
	if !actor.Can(EvaluationRead, c.ownerPath) {
		return Campaign{}, campaignNotFound(id)
	}
	return c, nil
}

// lockTx loads a campaign inside tx for a change, checking the actor's
// evaluation.manage on it. On PostgreSQL the row is locked FOR UPDATE, which
// also waits for ballots being cast (they hold FOR KEY SHARE): a campaign
// closes only after every ballot accepted under "open" has reached the inbox.
func (s *Service) lockTx(ctx context.Context, tx *db.Tx, actor access.Actor, id int64) (Campaign, error) {
	q := "SELECT " + campaignCols + campaignFrom + " WHERE c.id = ?" + tx.Lock(db.ForUpdate, "c")
	c, err := scanCampaign(tx.QueryRow(ctx, q, id))
	if err == sql.ErrNoRows {
		return Campaign{}, campaignNotFound(id)
	}
	if err != nil {
		return Campaign{}, errs.Wrap(err, "lock campaign")
	}
	if !actor.Can(EvaluationRead, c.ownerPath) {
		return Campaign{}, campaignNotFound(id)
	}
	if !actor.Can(EvaluationManage, c.ownerPath) {
		return Campaign{}, forbidden()
	}
	return c, nil
}

// addRulesErrors copies the problems of rules into f under "rules.", the
// JSON path of the rules in a campaign form.
func addRulesErrors(f *errs.Fields, err error) {
	if err == nil {
		return
	}
	e := errs.As(err)
	details := e.Details
	if len(details) == 0 {
		details = errs.Fields{e}
	}
	for _, d := range details {
		field := d.Field
		if field != "type" {
			field = "rules." + field
		}
		f.Add(field, d.ZH, d.EN)
	}
}

func validateCampaign(in *CampaignInput) error {
	var f errs.Fields
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 100 {
		f.Add("name", "请填写测评名称（最多 100 字），如“2026年度村党组织书记抓基层党建述职评议”",
			"enter a campaign name of at most 100 characters")
	}
	if in.Year < 2000 || in.Year > 2100 {
		f.Add("year", "年度应为 2000–2100 之间的年份", "the year must be between 2000 and 2100")
	}
	if in.OpensAt.IsZero() {
		f.Add("opens_at", "请填写测评开始时间", "enter when the campaign opens")
	}
	if in.ClosesAt.IsZero() {
		f.Add("closes_at", "请填写测评结束时间", "enter when the campaign closes")
	} else if !in.OpensAt.IsZero() && !in.ClosesAt.After(in.OpensAt) {
		f.Add("closes_at", "测评结束时间应晚于开始时间", "the campaign must close after it opens")
	}
	in.Rules.Type = in.Type
	in.Rules = in.Rules.WithDefaults()
	addRulesErrors(&f, in.Rules.Validate())
	return f.Err()
}

// CreateCampaign creates a draft campaign owned by an organization on which
// the actor holds evaluation.manage; the owner's subtree is its scope.
// The owner is checked before the input (CheckOwner).
func (s *Service) CreateCampaign(ctx context.Context, actor access.Actor, in CampaignInput) (Campaign, error) {
	owner, err := s.CheckOwner(ctx, actor, in.OwnerOrgID)
	if err != nil {
		return Campaign{}, err
	}
	if err := validateCampaign(&in); err != nil {
		return Campaign{}, err
	}
	rules, err := json.Marshal(in.Rules)
	if err != nil {
		return Campaign{}, errs.Wrap(err, "rules json")
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := activeOwnerTx(ctx, tx, owner.ID); err != nil {
			return err
		}
		now := db.FormatTime(s.now())
		// The province its ballots are kept under, fixed now: an owner moved
		// later must not split them by when they were cast.
		province, err := org.Province(ctx, tx, owner.ID)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO campaigns (owner_org_id, province, name, type, year, opens_at, closes_at, status, rules_json, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
			owner.ID, province, in.Name, in.Type, in.Year, db.FormatTime(in.OpensAt), db.FormatTime(in.ClosesAt), string(rules), now, now).Scan(&id); err != nil {
			return errs.Wrap(err, "insert campaign")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.create", TargetType: "campaign", TargetID: strconv.FormatInt(id, 10),
			OrgPath: owner.Path, Summary: i18n.Textf("创建测评 %s（%d 年）", "created the campaign %s (%d)", in.Name, in.Year), After: in})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Get(ctx, actor, id)
}

// UpdateRules replaces the rules of a draft campaign. Groups that already
// have tokens, or that subjects name, must stay: their slips are printed.
func (s *Service) UpdateRules(ctx context.Context, actor access.Actor, id int64, r Rules) (Campaign, error) {
	return s.UpdateRulesAt(ctx, actor, id, r, nil)
}

// UpdateRulesAt is UpdateRules made from the campaign's version: when
// version is given and the campaign has changed since, nothing changes and
// the edit is refused (errs.Stale).
func (s *Service) UpdateRulesAt(ctx context.Context, actor access.Actor, id int64, r Rules, version *int) (Campaign, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.lockTx(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := errs.CheckVersion(version, c.Version); err != nil {
			return err
		}
		if c.Status != StatusDraft {
			return rulesFrozen()
		}
		r.Type = c.Type
		r = r.WithDefaults()
		var f errs.Fields
		addRulesErrors(&f, r.Validate())
		if err := f.Err(); err != nil {
			return err
		}
		if err := checkGroupsKept(ctx, tx, id, r); err != nil {
			return err
		}
		b, err := json.Marshal(r)
		if err != nil {
			return errs.Wrap(err, "rules json")
		}
		if _, err := tx.Exec(ctx, "UPDATE campaigns SET rules_json = ?, updated_at = ?, version = version + 1 WHERE id = ?", string(b), db.FormatTime(s.now()), id); err != nil {
			return errs.Wrap(err, "update rules")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.rules", TargetType: "campaign", TargetID: strconv.FormatInt(id, 10),
			OrgPath: c.ownerPath, Summary: i18n.Text{ZH: "修改测评规则：" + c.Name, EN: "changed the rules of " + c.Name}, Before: c.Rules, After: r})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Get(ctx, actor, id)
}

// groupsInUse lists the group keys that tokens or subjects refer to.
func groupsInUse(ctx context.Context, tx db.Querier, id int64) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(g string) {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	rows, err := tx.Query(ctx, "SELECT DISTINCT group_key FROM ballot_tokens WHERE campaign_id = ?", id)
	if err != nil {
		return nil, errs.Wrap(err, "token groups")
	}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "token groups")
		}
		add(g)
	}
	rows.Close()
	subs, err := loadSubjects(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	for _, sb := range subs {
		for _, g := range sb.Groups {
			add(g)
		}
	}
	return out, nil
}

func loadSubjects(ctx context.Context, q db.Querier, campaignID int64) ([]Subject, error) {
	rows, err := q.Query(ctx, `SELECT id, key, kind, org_id, name, post, unit, section, report_text, rater_groups, sort
		FROM campaign_subjects WHERE campaign_id = ? ORDER BY sort, id`, campaignID)
	if err != nil {
		return nil, errs.Wrap(err, "subjects")
	}
	defer rows.Close()
	var out []Subject
	for rows.Next() {
		var sb Subject
		var orgID sql.NullInt64
		var groups string
		if err := rows.Scan(&sb.ID, &sb.Key, &sb.Kind, &orgID, &sb.Name, &sb.Post, &sb.Unit, &sb.Section, &sb.ReportText, &groups, &sb.Sort); err != nil {
			return nil, errs.Wrap(err, "scan subject")
		}
		if orgID.Valid {
			sb.OrgID = &orgID.Int64
		}
		if err := json.Unmarshal([]byte(groups), &sb.Groups); err != nil {
			return nil, errs.Wrap(err, "subject groups")
		}
		out = append(out, sb)
	}
	return out, errs.Wrap(rows.Err(), "subjects")
}

// ratedBy reports whether the group rates the subject.
func (sb Subject) ratedBy(group string) bool {
	if len(sb.Groups) == 0 {
		return true
	}
	for _, g := range sb.Groups {
		if g == group {
			return true
		}
	}
	return false
}

// Subjects lists a campaign's subjects in their order.
func (s *Service) Subjects(ctx context.Context, actor access.Actor, id int64) ([]Subject, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	subs, err := loadSubjects(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	return s.withLeaders(ctx, subs)
}

// maxSubjectsPerCall bounds one AddSubjects call, as a form or an import sends it.
const maxSubjectsPerCall = 2000

// AddSubjects adds subjects to a draft campaign. Organizations must lie in
// the owner's subtree and no subject may be rated twice (see checkSubjects);
// every problem is reported at once, by row, and nothing is added unless
// all rows are good.
func (s *Service) AddSubjects(ctx context.Context, actor access.Actor, id int64, in []SubjectInput) ([]Subject, error) {
	c, err := s.draftCampaign(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var f errs.Fields
	if len(in) == 0 || len(in) > maxSubjectsPerCall {
		f.Add("subjects", fmt.Sprintf("每次可添加 1–%d 个测评对象，现为 %d 个", maxSubjectsPerCall, len(in)),
			fmt.Sprintf("add 1–%d subjects at a time, not %d", maxSubjectsPerCall, len(in)))
		return nil, f.Err()
	}
	probs, err := s.checkSubjects(ctx, actor, c, in)
	if err != nil {
		return nil, err
	}
	for _, p := range probs {
		zh, en := p.message(fmt.Sprintf("第 %d 个测评对象", p.same+1), fmt.Sprintf("subject %d", p.same+1))
		f.Add(fmt.Sprintf("subjects[%d].%s", p.index, p.field), fmt.Sprintf("第 %d 个测评对象：%s", p.index+1, zh),
			fmt.Sprintf("subject %d: %s", p.index+1, en))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.lockDraftTx(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := activeSubjectsTx(ctx, tx, in); err != nil {
			return err
		}
		if err := insertSubjectsTx(ctx, tx, id, in); err != nil {
			return err
		}
		names := make([]string, 0, 3)
		for i := 0; i < len(in) && i < 3; i++ {
			names = append(names, in[i].Name)
		}
		summary := i18n.Text{ZH: fmt.Sprintf("为测评 %s 添加测评对象 %d 个：%s", c.Name, len(in), strings.Join(names, "、")),
			EN: fmt.Sprintf("added %s to %s: %s", i18n.Count(len(in), "subject", "subjects"), c.Name, strings.Join(names, ", "))}
		if len(in) > 3 {
			summary.ZH += " 等"
			summary.EN += " …"
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.subjects", TargetType: "campaign", TargetID: strconv.FormatInt(id, 10),
			OrgPath: c.ownerPath, Summary: summary, After: in})
	})
	if err != nil {
		return nil, err
	}
	return loadSubjects(ctx, s.db, id)
}

// lockDraftTx locks a campaign for a change of its subjects or their report
// files, which only a draft of an organization not dissolved allows. The
// change raises the campaign's version (the transaction rolls it back with
// the change if it fails): a manager who loaded the campaign before a
// colleague added subjects cannot open it without having seen them.
func (s *Service) lockDraftTx(ctx context.Context, tx *db.Tx, actor access.Actor, id int64) (Campaign, error) {
	c, err := s.lockTx(ctx, tx, actor, id)
	if err != nil {
		return Campaign{}, err
	}
	if c.Status != StatusDraft {
		return Campaign{}, rulesFrozen()
	}
	if err := activeOwnerTx(ctx, tx, c.OwnerOrgID); err != nil {
		return Campaign{}, err
	}
	if _, err := tx.Exec(ctx, "UPDATE campaigns SET version = version + 1 WHERE id = ?", id); err != nil {
		return Campaign{}, errs.Wrap(err, "campaign version")
	}
	c.Version++
	return c, nil
}

// insertSubjectsTx appends checked subjects to campaign id, locked by the
// caller with lockDraftTx; the caller writes the audit entry.
func insertSubjectsTx(ctx context.Context, tx *db.Tx, id int64, in []SubjectInput) error {
	var sort int
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(sort), 0) FROM campaign_subjects WHERE campaign_id = ?", id).Scan(&sort); err != nil {
		return errs.Wrap(err, "subject order")
	}
	for _, sb := range in {
		sort++
		var orgID any
		if sb.Kind == SubjectOrg {
			orgID = sb.OrgID
		}
		gs, _ := json.Marshal(append([]string{}, sb.Groups...))
		var sid int64
		if err := tx.QueryRow(ctx, `INSERT INTO campaign_subjects (campaign_id, kind, org_id, name, post, unit, section, report_text, rater_groups, sort)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			id, sb.Kind, orgID, sb.Name, sb.Post, sb.Unit, sb.Section, sb.ReportText, string(gs), sort).Scan(&sid); err != nil {
			return errs.Wrap(err, "insert subject")
		}
		// The key comes from the row id so that it is stable and short;
		// it is set in the same transaction, before anyone can see the row.
		if _, err := tx.Exec(ctx, "UPDATE campaign_subjects SET key = ? WHERE id = ?", "s"+strconv.FormatInt(sid, 10), sid); err != nil {
			return errs.Wrap(err, "subject key")
		}
	}
	return nil
}

// Open starts accepting ballots (within OpensAt and ClosesAt) and freezes
// the rules and the subjects.
func (s *Service) Open(ctx context.Context, actor access.Actor, id int64) (Campaign, error) {
	return s.OpenAt(ctx, actor, id, nil)
}

// OpenAt is Open from the page a manager loaded: when version is given and
// the campaign has changed since (its rules edited by someone else), it does
// not open, so that nobody freezes rules they have not seen.
func (s *Service) OpenAt(ctx context.Context, actor access.Actor, id int64, version *int) (Campaign, error) {
	return s.transition(ctx, actor, id, "evaluation.open", func(ctx context.Context, tx *db.Tx, c Campaign) (i18n.Text, error) {
		if err := errs.CheckVersion(version, c.Version); err != nil {
			return i18n.Text{}, err
		}
		if c.Status != StatusDraft {
			return i18n.Text{}, errs.New(errs.Conflict, "只有草稿状态的测评可以开始", "only a draft campaign can be opened")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", id).Scan(&n); err != nil {
			return i18n.Text{}, errs.Wrap(err, "count subjects")
		}
		if n == 0 {
			return i18n.Text{}, errs.Field("subjects", "请至少添加一个测评对象后再开始测评", "add at least one subject before opening the campaign")
		}
		// Dissolving refuses an organization with an open campaign; the
		// shared tree lock keeps a dissolution from slipping in between.
		if err := activeOwnerTx(ctx, tx, c.OwnerOrgID); err != nil {
			return i18n.Text{}, err
		}
		var dissolved string
		err := tx.QueryRow(ctx, `SELECT `+org.NameCol("o")+` FROM campaign_subjects sb`+org.Join("o", "sb.org_id")+`
			WHERE sb.campaign_id = ? AND `+org.StatusCol("o")+` <> 'active' ORDER BY sb.sort, sb.id LIMIT 1`, id).Scan(&dissolved)
		if err == nil {
			return i18n.Text{}, errs.Newf(errs.Conflict, "测评对象“%s”已撤销，不能开始测评", "the subject %q is dissolved: the campaign cannot open", dissolved)
		}
		if err != sql.ErrNoRows {
			return i18n.Text{}, errs.Wrap(err, "dissolved subjects")
		}
		_, err = tx.Exec(ctx, "UPDATE campaigns SET status = 'open', updated_at = ?, version = version + 1 WHERE id = ?", db.FormatTime(s.now()), id)
		return i18n.Text{ZH: "开始测评 " + c.Name, EN: "opened the campaign " + c.Name}, errs.Wrap(err, "open campaign")
	})
}

// Close stops accepting ballots and moves every ballot still in the inbox
// to the counted ballots, in the same transaction, so that a closed campaign
// has no ballot left uncounted. The last batch is the whole inbox, groups
// below max(k, 10) included.
//
// The same transaction rewrites every token row of the campaign, and its
// per-group counts, unchanged: on PostgreSQL each row version keeps the id
// of the transaction that wrote it (xmin), and a spent token would
// otherwise keep its casting transaction's, which orders it against the
// mixer's batches. Afterwards every token of the campaign carries the close
// transaction's id, and Scrub removes the old versions (and, on SQLite,
// the write-ahead log that holds the pages as each cast left them).
func (s *Service) Close(ctx context.Context, actor access.Actor, id int64) (Campaign, error) {
	c, err := s.transition(ctx, actor, id, "evaluation.close", func(ctx context.Context, tx *db.Tx, c Campaign) (i18n.Text, error) {
		if c.Status != StatusOpen {
			return i18n.Text{}, errs.New(errs.Conflict, "只有进行中的测评可以结束", "only an open campaign can be closed")
		}
		if _, err := tx.Exec(ctx, "UPDATE campaigns SET status = 'closed', updated_at = ?, version = version + 1 WHERE id = ?", db.FormatTime(s.now()), id); err != nil {
			return i18n.Text{}, errs.Wrap(err, "close campaign")
		}
		if _, err := mixTx(ctx, tx, id, c.Rules, nil, 0); err != nil {
			return i18n.Text{}, err
		}
		if _, err := tx.Exec(ctx, "UPDATE ballot_tokens SET status = status WHERE campaign_id = ?", id); err != nil {
			return i18n.Text{}, errs.Wrap(err, "rewrite tokens")
		}
		if _, err := tx.Exec(ctx, "UPDATE ballot_token_counts SET used = used WHERE campaign_id = ?", id); err != nil {
			return i18n.Text{}, errs.Wrap(err, "rewrite token counts")
		}
		return i18n.Text{ZH: "结束测评 " + c.Name, EN: "closed the campaign " + c.Name}, nil
	})
	if err != nil {
		return c, err
	}
	// The campaign is closed whatever happens here; a scrub that fails is
	// done again by the next mix or close (and by autovacuum).
	if err := s.db.Scrub(ctx, "ballot_tokens", "ballot_token_counts", "ballot_inbox"); err != nil {
		slog.ErrorContext(ctx, "scrub after close", "campaign", id, "err", err)
	}
	return c, nil
}

// Publish computes the results of a closed campaign from its counted
// ballots, stores them with their SHA-256 and freezes them: a published
// campaign never changes again.
//
// Before it takes the writer it recounts the ballots themselves and checks
// that they give the results their tallies give; a closed campaign's
// ballots no longer change, so the check, the slow part, need not hold up
// the ballots of other campaigns.
func (s *Service) Publish(ctx context.Context, actor access.Actor, id int64) (Campaign, error) {
	c, err := s.Get(ctx, actor, id)
	if err != nil {
		return Campaign{}, err
	}
	if c.Status == StatusClosed && actor.Can(EvaluationManage, c.ownerPath) {
		if err := s.recount(ctx, c); err != nil {
			return Campaign{}, err
		}
	}
	return s.transition(ctx, actor, id, "evaluation.publish", func(ctx context.Context, tx *db.Tx, c Campaign) (i18n.Text, error) {
		switch c.Status {
		case StatusPublished:
			return i18n.Text{}, errs.New(errs.Conflict, "测评结果已发布，不能重复发布", "the results are already published")
		case StatusClosed:
		default:
			return i18n.Text{}, errs.New(errs.Conflict, "请先结束测评再发布结果", "close the campaign before publishing its results")
		}
		res, err := computeTx(ctx, tx, c)
		if err != nil {
			return i18n.Text{}, err
		}
		b, sum, err := sealResults(res)
		if err != nil {
			return i18n.Text{}, err
		}
		now := db.FormatTime(s.now())
		if _, err := tx.Exec(ctx, "UPDATE campaigns SET status = 'published', published_at = ?, results_json = ?, results_sha256 = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			now, string(b), sum, now, id); err != nil {
			return i18n.Text{}, errs.Wrap(err, "publish")
		}
		return i18n.Textf("发布测评结果 %s（SHA-256 %s）", "published the results of %s (SHA-256 %s)", c.Name, sum), nil
	})
}

// transition runs one status change of a campaign under its lock and audits it.
func (s *Service) transition(ctx context.Context, actor access.Actor, id int64, action string,
	fn func(ctx context.Context, tx *db.Tx, c Campaign) (i18n.Text, error)) (Campaign, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.lockTx(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		summary, err := fn(ctx, tx, c)
		if err != nil {
			return err
		}
		var after string
		if err := tx.QueryRow(ctx, "SELECT status FROM campaigns WHERE id = ?", id).Scan(&after); err != nil {
			return errs.Wrap(err, "status")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: action, TargetType: "campaign", TargetID: strconv.FormatInt(id, 10),
			OrgPath: c.ownerPath, Summary: summary, Before: map[string]string{"status": c.Status}, After: map[string]string{"status": after}})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Get(ctx, actor, id)
}

// CampaignQuery filters List. Under limits to campaigns owned inside an
// organization's subtree.
type CampaignQuery struct {
	Under  int64
	Year   int
	Status string
	Limit  int
	Offset int
}

// List returns the campaigns the actor may read, newest first, and their
// total; an actor who may read campaigns nowhere is refused.
func (s *Service) List(ctx context.Context, actor access.Actor, q CampaignQuery) ([]Campaign, int, error) {
	if err := s.CheckReadAnywhere(actor); err != nil {
		return nil, 0, err
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), EvaluationRead)
	where := []string{scope}
	if q.Under != 0 {
		o, err := s.orgs.Get(ctx, actor, q.Under)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, access.InSubtree(org.PathCol("o"), o.Path))
	}
	if q.Year != 0 {
		where, args = append(where, "c.year = ?"), append(args, q.Year)
	}
	if q.Status != "" {
		where, args = append(where, "c.status = ?"), append(args, q.Status)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*)"+campaignFrom+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count campaigns")
	}
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, "SELECT "+campaignCols+campaignFrom+w+" ORDER BY c.year DESC, c.id DESC LIMIT ? OFFSET ?", append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list campaigns")
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "scan campaign")
		}
		out = append(out, c)
	}
	return out, total, errs.Wrap(rows.Err(), "list campaigns")
}

// randomID returns 16 random bytes in hex: the id of an inbox row or a
// ballot, which must carry no sequence that could order ballots in time.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return hex.EncodeToString(b[:])
}
