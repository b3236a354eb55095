package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Pairing for co-construction (结对共建, M7): an agency's Party organization
// (机关, 事业单位, 国有企业) is paired with a grassroots one (a village, a
// community, a 两新 organization) from a year, and each year commits funds,
// projects and activities, each with a target; what is delivered is
// recorded against the commitment with its evidence, never beyond the
// target. The organization department that manages both sides pairs them;
// commitments are kept by the department of either side, and either side
// records what was delivered.

// CommitmentKinds are the kinds of a year's commitments, with the unit
// their targets count in.
var CommitmentKinds = []org.Choice{
	{Key: "funds", Text: i18n.Text{ZH: "帮扶资金", EN: "Funds"}},
	{Key: "projects", Text: i18n.Text{ZH: "帮建项目", EN: "Projects"}},
	{Key: "activities", Text: i18n.Text{ZH: "共建活动", EN: "Joint activities"}},
}

// CommitmentUnits are the units of the kinds' targets.
var CommitmentUnits = map[string]i18n.Text{
	"funds":      {ZH: "元", EN: "yuan"},
	"projects":   {ZH: "个", EN: "projects"},
	"activities": {ZH: "次", EN: "activities"},
}

// Bounds of a commitment's target: ten million yuan, a hundred projects,
// two hundred activities — a larger figure is a typing error.
var commitmentMax = map[string]int{"funds": 10_000_000, "projects": 100, "activities": 200}

// PairingInput pairs an agency's organization with a grassroots one.
type PairingInput struct {
	AgencyOrgID     int64  `json:"agency_org_id"`
	GrassrootsOrgID int64  `json:"grassroots_org_id"`
	FromYear        int    `json:"from_year"`
	ToYear          int    `json:"to_year"` // 0: ongoing
	Note            string `json:"note"`
}

// Pairing is a pairing as its readers see it; the commitments are those of
// a year in lists (with their rate), all of them with their completions for
// one pairing.
type Pairing struct {
	ID               int64        `json:"id"`
	AgencyOrgID      int64        `json:"agency_org_id"`
	AgencyName       string       `json:"agency_name"`
	AgencyCategory   string       `json:"agency_category"`
	GrassrootsOrgID  int64        `json:"grassroots_org_id"`
	GrassrootsName   string       `json:"grassroots_name"`
	FromYear         int          `json:"from_year"`
	ToYear           int          `json:"to_year"`
	Note             string       `json:"note"`
	CreatedAt        string       `json:"created_at"`
	UpdatedAt        string       `json:"updated_at"`
	Version          int          `json:"version"`
	Year             int          `json:"year"` // the year Commitments, Rate and the funds are of
	Rate             float64      `json:"rate"` // mean completion of the year's commitments, in %; 0 without any
	CommitmentCount  int          `json:"commitment_count"`
	Completed        int          `json:"completed"` // commitments of the year done in full
	FundsCommitted   int          `json:"funds_committed"`
	FundsDelivered   int          `json:"funds_delivered"`
	Commitments      []Commitment `json:"commitments"`
	agencyPath       string
	grassrootsPath   string
	agencyActive     bool
	grassrootsActive bool
}

// Commitment is what a pairing commits to in a year.
type Commitment struct {
	ID          int64        `json:"id"`
	Year        int          `json:"year"`
	Kind        string       `json:"kind"`
	Target      int          `json:"target"`
	Content     string       `json:"content"`
	Done        int          `json:"done"`
	Rate        float64      `json:"rate"` // done / target, in %
	UpdatedAt   string       `json:"updated_at"`
	Version     int          `json:"version"`
	Completions []Completion `json:"completions,omitempty"`
}

// Completion is a part of a commitment delivered, with its evidence.
type Completion struct {
	ID       int64         `json:"id"`
	DoneOn   string        `json:"done_on"`
	Amount   int           `json:"amount"`
	Evidence string        `json:"evidence"`
	Files    []PairingFile `json:"files"`
	At       string        `json:"at"`
	Actor    string        `json:"actor"`
}

// PairingFile is a file of a completion's evidence, without its bytes.
type PairingFile struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int    `json:"size"`
}

// GrassrootsOrgOK reports whether an organization is a grassroots one a
// pairing helps: a village's or a community's, or a 两新 organization.
func GrassrootsOrgOK(o org.Org) bool {
	switch {
	case o.Level == "village":
		return true
	case o.Level == "unit":
		switch o.Category {
		case "rural", "community", "private", "social":
			return true
		}
	}
	return false
}

// AgencyOrgOK reports whether an organization is an agency's that pairs
// with a grassroots one: of an organ, a public institution or a
// state-owned enterprise, above the townships' level or a workplace's.
func AgencyOrgOK(o org.Org) bool {
	if !isAgencyCategory(o.Category) {
		return false
	}
	switch o.Level {
	case "township", "village":
		return false
	}
	return true
}

func pairingNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "结对 %d 不存在或不在您的管理范围内", "pairing %d not found or outside your scope", id)
}

// pairingReadable reports whether the actor reads a pairing: at either of
// its organizations.
func pairingReadable(actor access.Actor, p Pairing) bool {
	return actor.Can(ProgramsRead, p.agencyPath) || actor.Can(ProgramsRead, p.grassrootsPath)
}

// CanKeepPairing reports whether the actor keeps a pairing's commitments:
// the organization department of either side.
func CanKeepPairing(actor access.Actor, p Pairing) bool {
	return actor.Can(ProgramsManage, p.agencyPath) || actor.Can(ProgramsManage, p.grassrootsPath)
}

// CanRecordCompletion reports whether the actor records what a pairing
// delivered: the organization department or the organization of either
// side.
func CanRecordCompletion(actor access.Actor, p Pairing) bool {
	return CanKeepPairing(actor, p) || actor.Can(ProgramsReport, p.agencyPath) || actor.Can(ProgramsReport, p.grassrootsPath)
}

// CreatePairing pairs an agency's organization with a grassroots one from
// a year. The actor manages both; an organization is not paired with
// itself, and the same two are not paired twice for any year.
func (s *Service) CreatePairing(ctx context.Context, actor access.Actor, in PairingInput) (Pairing, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return Pairing{}, errs.New(errs.Forbidden, "您没有设置结对共建的权限", "you may not set pairings")
	}
	var f errs.Fields
	if in.AgencyOrgID == 0 {
		f.Add("agency_org_id", "请选择机关、事业单位或国有企业党组织", "choose the agency's organization")
	}
	if in.GrassrootsOrgID == 0 {
		f.Add("grassroots_org_id", "请选择结对的村、社区或两新组织党组织", "choose the village, community or 两新 organization it pairs with")
	}
	if err := f.Err(); err != nil {
		return Pairing{}, err
	}
	agency, err := s.orgs.Check(ctx, actor, in.AgencyOrgID, ProgramsManage)
	if err != nil {
		return Pairing{}, contactAsField("agency_org_id", err)
	}
	grass, err := s.orgs.Check(ctx, actor, in.GrassrootsOrgID, ProgramsManage)
	if err != nil {
		return Pairing{}, contactAsField("grassroots_org_id", err)
	}
	if agency.ID == grass.ID {
		return Pairing{}, errs.Field("grassroots_org_id", fmt.Sprintf("“%s”不能与自己结对：请选择另一个党组织", agency.Label()),
			fmt.Sprintf("%s cannot pair with itself: choose another organization", agency.Label()))
	}
	switch {
	case !AgencyOrgOK(agency):
		f.Add("agency_org_id", fmt.Sprintf("“%s”不是机关、事业单位或国有企业党组织（现为%s）", agency.Label(), org.LabelOf(org.Categories, agency.Category, "")),
			fmt.Sprintf("%s is not the organization of an organ, a public institution or a state-owned enterprise (it is: %s)", agency.Label(), org.LabelOf(org.Categories, agency.Category, i18n.EN)))
	case !agency.Active():
		f.Add("agency_org_id", fmt.Sprintf("“%s”已撤销", agency.Label()), fmt.Sprintf("%s is dissolved", agency.Label()))
	}
	switch {
	case !GrassrootsOrgOK(grass):
		f.Add("grassroots_org_id", fmt.Sprintf("“%s”不是村、社区或两新组织党组织，不能作为结对对象", grass.Label()),
			fmt.Sprintf("%s is not a village's, a community's or a 两新 organization: it cannot be paired with", grass.Label()))
	case !grass.Active():
		f.Add("grassroots_org_id", fmt.Sprintf("“%s”已撤销", grass.Label()), fmt.Sprintf("%s is dissolved", grass.Label()))
	}
	this := s.today().Year()
	if in.FromYear < 2000 || in.FromYear > this+1 {
		f.Add("from_year", fmt.Sprintf("起始年度应为 2000–%d 年", this+1), fmt.Sprintf("the first year must be 2000 to %d", this+1))
	}
	if in.ToYear != 0 && (in.ToYear < in.FromYear || in.ToYear > in.FromYear+10) {
		f.Add("to_year", "结束年度应不早于起始年度，且至多 10 年后（长期结对请留空）", "the last year must be no earlier than the first and at most 10 years after it (leave it empty for an ongoing pairing)")
	}
	note := contactText("note", in.Note, 0, 500, "备注", "note", &f)
	if err := f.Err(); err != nil {
		return Pairing{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		// Two requests pairing the same grassroots organization take
		// turns, so that the overlap is checked against the other's row.
		if err := tx.LockRow(ctx, "orgs", grass.ID, db.ForNoKeyUpdate); err != nil {
			return errs.Wrap(err, "lock organization")
		}
		var dup, from int
		var to sql.NullInt64
		upper := in.ToYear
		if upper == 0 {
			upper = 9999
		}
		err := tx.QueryRow(ctx, `SELECT id, from_year, to_year FROM pairings WHERE agency_org_id = ? AND grassroots_org_id = ?
			AND from_year <= ? AND COALESCE(to_year, 9999) >= ? ORDER BY from_year LIMIT 1`, agency.ID, grass.ID, upper, in.FromYear).Scan(&dup, &from, &to)
		if err == nil {
			years := fmt.Sprintf("%d 年起", from)
			yearsEN := fmt.Sprintf("from %d", from)
			if to.Valid {
				years, yearsEN = fmt.Sprintf("%d–%d 年", from, to.Int64), fmt.Sprintf("%d to %d", from, to.Int64)
			}
			return errs.New(errs.Conflict, fmt.Sprintf("“%s”与“%s”已结对（%s，结对 %d），同一年度不能重复结对", agency.Label(), grass.Label(), years, dup),
				fmt.Sprintf("%s and %s are paired already (%s, pairing %d): the same two cannot be paired twice for a year", agency.Label(), grass.Label(), yearsEN, dup))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "pairings of the two")
		}
		now := db.FormatTime(tx.Now())
		var to2 any
		if in.ToYear != 0 {
			to2 = in.ToYear
		}
		if err := tx.QueryRow(ctx, `INSERT INTO pairings (agency_org_id, grassroots_org_id, from_year, to_year, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			agency.ID, grass.ID, in.FromYear, to2, note, now, now).Scan(&id); err != nil {
			return errs.Wrap(err, "insert pairing")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "pairing.create", TargetType: "pairing", TargetID: strconv.FormatInt(id, 10), OrgPath: grass.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s与%s结对共建（%d 年起）", agency.Label(), grass.Label(), in.FromYear),
				EN: fmt.Sprintf("paired %s with %s from %d", agency.Label(), grass.Label(), in.FromYear)},
			After: map[string]any{"agency_org_id": agency.ID, "grassroots_org_id": grass.ID, "from_year": in.FromYear, "to_year": to2}})
	})
	if err != nil {
		return Pairing{}, err
	}
	return s.Pairing(ctx, actor, id, in.FromYear)
}

var pairingCols = `p.id, p.agency_org_id, ` + org.LabelCol("a") + `, a.category, a.path, a.status, p.grassroots_org_id, ` + org.LabelCol("g") + `, g.path, g.status,
	p.from_year, COALESCE(p.to_year, 0), p.note, p.created_at, p.updated_at, p.version`

const pairingFrom = ` FROM pairings p JOIN orgs a ON a.id = p.agency_org_id JOIN orgs g ON g.id = p.grassroots_org_id`

func scanPairing(sc db.Scanner, p *Pairing) error {
	var as, gs string
	err := sc.Scan(&p.ID, &p.AgencyOrgID, &p.AgencyName, &p.AgencyCategory, &p.agencyPath, &as, &p.GrassrootsOrgID, &p.GrassrootsName, &p.grassrootsPath, &gs,
		&p.FromYear, &p.ToYear, &p.Note, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	p.agencyActive, p.grassrootsActive = as == org.StatusActive, gs == org.StatusActive
	return err
}

// RunsIn reports whether the pairing runs in the year.
func (p Pairing) RunsIn(year int) bool {
	return p.FromYear <= year && (p.ToYear == 0 || year <= p.ToYear)
}

// GrassrootsPath is the path of the grassroots organization, for the
// pages' permission checks.
func (p Pairing) GrassrootsPath() string { return p.grassrootsPath }

// Pairing returns a pairing the actor may read with every commitment,
// newest year first, each with its completions and their files; the
// figures of year (0: this year).
func (s *Service) Pairing(ctx context.Context, actor access.Actor, id int64, year int) (Pairing, error) {
	var p Pairing
	err := scanPairing(s.db.QueryRow(ctx, "SELECT "+pairingCols+pairingFrom+" WHERE p.id = ?", id), &p)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !pairingReadable(actor, p) {
		return Pairing{}, pairingNotFound(id)
	}
	if err != nil {
		return Pairing{}, errs.Wrap(err, "pairing")
	}
	if year == 0 {
		year = s.today().Year()
	}
	p.Year = year
	p.Commitments = []Commitment{}
	rows, err := s.db.Query(ctx, "SELECT id, year, kind, target, content, done, updated_at, version FROM pairing_commitments WHERE pairing_id = ? ORDER BY year DESC, "+commitmentOrder+", id", id)
	if err != nil {
		return Pairing{}, errs.Wrap(err, "commitments")
	}
	idx := map[int64]int{}
	for rows.Next() {
		var c Commitment
		if err := rows.Scan(&c.ID, &c.Year, &c.Kind, &c.Target, &c.Content, &c.Done, &c.UpdatedAt, &c.Version); err != nil {
			rows.Close()
			return Pairing{}, errs.Wrap(err, "scan commitment")
		}
		c.Rate = pairingRate(c.Done, c.Target)
		idx[c.ID] = len(p.Commitments)
		p.Commitments = append(p.Commitments, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Pairing{}, errs.Wrap(err, "commitments")
	}
	p.figures(year)
	rows, err = s.db.Query(ctx, "SELECT id, commitment_id, done_on, amount, evidence, at, actor_name FROM pairing_completions WHERE pairing_id = ? ORDER BY done_on, id", id)
	if err != nil {
		return Pairing{}, errs.Wrap(err, "completions")
	}
	byID := map[int64][2]int{}
	for rows.Next() {
		var c Completion
		var cid int64
		if err := rows.Scan(&c.ID, &cid, &c.DoneOn, &c.Amount, &c.Evidence, &c.At, &c.Actor); err != nil {
			rows.Close()
			return Pairing{}, errs.Wrap(err, "scan completion")
		}
		c.Files = []PairingFile{}
		k := idx[cid]
		byID[c.ID] = [2]int{k, len(p.Commitments[k].Completions)}
		p.Commitments[k].Completions = append(p.Commitments[k].Completions, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Pairing{}, errs.Wrap(err, "completions")
	}
	rows, err = s.db.Query(ctx, "SELECT id, completion_id, name, mime, size FROM pairing_files WHERE pairing_id = ? ORDER BY id", id)
	if err != nil {
		return Pairing{}, errs.Wrap(err, "pairing files")
	}
	defer rows.Close()
	for rows.Next() {
		var f PairingFile
		var cid int64
		if err := rows.Scan(&f.ID, &cid, &f.Name, &f.MIME, &f.Size); err != nil {
			return Pairing{}, errs.Wrap(err, "scan pairing file")
		}
		if at, ok := byID[cid]; ok {
			c := &p.Commitments[at[0]].Completions[at[1]]
			c.Files = append(c.Files, f)
		}
	}
	return p, errs.Wrap(rows.Err(), "pairing files")
}

// commitmentOrder orders a year's commitments by kind: funds, projects,
// activities.
const commitmentOrder = "CASE kind WHEN 'funds' THEN 1 WHEN 'projects' THEN 2 ELSE 3 END"

// rate is done of target in %, one decimal.
func pairingRate(done, target int) float64 {
	if target <= 0 {
		return 0
	}
	return float64(done*1000/target) / 10
}

// figures sets the year's figures of a pairing from its commitments: the
// mean completion of the commitments, those done in full, the funds.
func (p *Pairing) figures(year int) {
	p.Year = year
	p.Rate, p.CommitmentCount, p.Completed, p.FundsCommitted, p.FundsDelivered = 0, 0, 0, 0, 0
	var sum float64
	for _, c := range p.Commitments {
		if c.Year != year {
			continue
		}
		p.CommitmentCount++
		sum += float64(min(c.Done, c.Target)) / float64(c.Target)
		if c.Done >= c.Target {
			p.Completed++
		}
		if c.Kind == "funds" {
			p.FundsCommitted += c.Target
			p.FundsDelivered += c.Done
		}
	}
	if p.CommitmentCount > 0 {
		p.Rate = float64(int(sum*1000/float64(p.CommitmentCount))) / 10
	}
}
