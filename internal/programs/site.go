package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Demonstration sites (示范点, M6, article 3.2 以点带面): every county-level
// committee and every city-level 党(工)委 — the nominating units — cultivate
// two or three comprehensive demonstration sites a year and spread them
// outward, "水波状". A unit nominates an organization of its subtree with
// its materials, within its yearly quota; it cultivates the site and keeps
// dated notes of it; the level above the unit (the city for a county)
// accepts it on evidence, designates it a site of a year, re-checks it
// every year after and revokes it when it no longer stands. A designated
// site lists, year by year, the organizations of the unit's subtree it
// leads (带动): the spread the charts and the tree show.

// SiteStates are the states of a site, in the order of its life.
var SiteStates = []org.Choice{
	{Key: "nominated", Text: i18n.Text{ZH: "已推荐，待培育", EN: "Nominated"}},
	{Key: "cultivating", Text: i18n.Text{ZH: "培育中", EN: "Under cultivation"}},
	{Key: "accepted", Text: i18n.Text{ZH: "已验收，待命名", EN: "Accepted, to be designated"}},
	{Key: "designated", Text: i18n.Text{ZH: "已命名", EN: "Designated"}},
	{Key: "revoked", Text: i18n.Text{ZH: "已撤销", EN: "Revoked"}},
}

// SiteSteps name the steps of a site's timeline.
var SiteSteps = []org.Choice{
	{Key: "nominate", Text: i18n.Text{ZH: "推荐", EN: "Nominated"}},
	{Key: "cultivate", Text: i18n.Text{ZH: "培育记录", EN: "Cultivation note"}},
	{Key: "accept", Text: i18n.Text{ZH: "验收通过", EN: "Accepted"}},
	{Key: "reject", Text: i18n.Text{ZH: "验收未通过", EN: "Not accepted"}},
	{Key: "designate", Text: i18n.Text{ZH: "命名", EN: "Designated"}},
	{Key: "recheck", Text: i18n.Text{ZH: "年度复核", EN: "Yearly re-check"}},
	{Key: "revoke", Text: i18n.Text{ZH: "撤销", EN: "Revoked"}},
}

// SiteRecheckResults are the outcomes of a yearly re-check.
var SiteRecheckResults = []org.Choice{
	{Key: "kept", Text: i18n.Text{ZH: "复核通过，保留命名", EN: "Kept"}},
	{Key: "revoked", Text: i18n.Text{ZH: "复核未通过，撤销命名", EN: "Revoked"}},
}

// The quota of a nominating unit where none is set: two to three sites a
// year (MISSION.md M6); a set quota is at most MaxSiteQuota.
const (
	DefaultSiteMin = 2
	DefaultSiteMax = 3
	MaxSiteQuota   = 10
)

// Site is a demonstration site as its readers see it.
type Site struct {
	ID            int64  `json:"id"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	NominatorID   int64  `json:"nominator_id"`
	NominatorName string `json:"nominator_name"`
	// Year is the year of nomination, whose quota the site takes.
	Year      int    `json:"year"`
	State     string `json:"state"`
	Materials string `json:"materials"`
	// Notes counts the cultivation notes, LastNote is the date of the
	// latest.
	Notes          int    `json:"notes"`
	LastNote       string `json:"last_note"`
	AcceptedOn     string `json:"accepted_on"`
	DesignatedYear int    `json:"designated_year"`
	DesignatedOn   string `json:"designated_on"`
	// LastRecheck is the latest year re-checked, 0 for none; RecheckDue is
	// set on a site designated before this year that has not been
	// re-checked for it.
	LastRecheck  int    `json:"last_recheck"`
	RecheckDue   bool   `json:"recheck_due"`
	RevokedOn    string `json:"revoked_on"`
	RevokeReason string `json:"revoke_reason"`
	// Led counts the organizations the site leads.
	Led       int    `json:"led"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
	// Steps, LedOrgs and the accepting organization are filled for one
	// site (Site), not in lists.
	Steps        []SiteStep `json:"steps,omitempty"`
	LedOrgs      []SiteLed  `json:"led_orgs,omitempty"`
	AcceptingID  int64      `json:"accepting_org_id,omitempty"`
	AcceptingOrg string     `json:"accepting_org,omitempty"`
	path         string
	unitPath     string
}

// SiteStep is one step of a site, with its files.
type SiteStep struct {
	ID     int64      `json:"id"`
	Step   string     `json:"step"`
	Year   int        `json:"year,omitempty"`
	Result string     `json:"result,omitempty"`
	Note   string     `json:"note"`
	OnDate string     `json:"on_date"`
	At     string     `json:"at"`
	Actor  string     `json:"actor"`
	Files  []FileInfo `json:"files,omitempty"`
}

// SiteLed is an organization a site leads, from a year.
type SiteLed struct {
	ID      int64  `json:"id"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Year    int    `json:"year"`
	Note    string `json:"note"`
	At      string `json:"at"`
	Actor   string `json:"actor"`
}

func siteNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "示范点 %d 不存在或不在您的管理范围内", "demonstration site %d not found or outside your scope", id)
}

const siteCols = `s.id, s.org_id, ` + orgLabel + `, o.path, s.nominator_org_id, ` + `CASE WHEN n.short_name <> '' THEN n.short_name ELSE n.name END` + `, n.path,
	s.year, s.state, s.materials,
	(SELECT COUNT(*) FROM site_steps st WHERE st.site_id = s.id AND st.step = 'cultivate'),
	COALESCE((SELECT MAX(st.on_date) FROM site_steps st WHERE st.site_id = s.id AND st.step = 'cultivate'), ''),
	COALESCE(s.accepted_on, ''), COALESCE(s.designated_year, 0), COALESCE(s.designated_on, ''),
	COALESCE((SELECT MAX(st.year) FROM site_steps st WHERE st.site_id = s.id AND st.step = 'recheck'), 0),
	COALESCE(s.revoked_on, ''), s.revoke_reason, (SELECT COUNT(*) FROM site_led l WHERE l.site_id = s.id), s.updated_at, s.version`

const siteFrom = ` FROM sites s JOIN orgs o ON o.id = s.org_id JOIN orgs n ON n.id = s.nominator_org_id`

func (s *Service) scanSite(sc db.Scanner, x *Site) error {
	if err := sc.Scan(&x.ID, &x.OrgID, &x.OrgName, &x.path, &x.NominatorID, &x.NominatorName, &x.unitPath, &x.Year, &x.State, &x.Materials,
		&x.Notes, &x.LastNote, &x.AcceptedOn, &x.DesignatedYear, &x.DesignatedOn, &x.LastRecheck, &x.RevokedOn, &x.RevokeReason, &x.Led,
		&x.UpdatedAt, &x.Version); err != nil {
		return err
	}
	this := s.today().Year()
	x.RecheckDue = x.State == "designated" && x.DesignatedYear < this && x.LastRecheck < this
	return nil
}

// Site returns a site the actor may read, with its timeline, its files,
// the organizations it leads and the organization that accepts it.
func (s *Service) Site(ctx context.Context, actor access.Actor, id int64) (Site, error) {
	var x Site
	err := s.scanSite(s.db.QueryRow(ctx, "SELECT "+siteCols+siteFrom+" WHERE s.id = ?", id), &x)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(ProgramsRead, x.path) {
		return Site{}, siteNotFound(id)
	}
	if err != nil {
		return Site{}, errs.Wrap(err, "demonstration site")
	}
	if err := s.fillSite(ctx, &x); err != nil {
		return Site{}, err
	}
	return x, nil
}

// fillSite reads a site's steps, files, led organizations and accepting
// organization.
func (s *Service) fillSite(ctx context.Context, x *Site) error {
	rows, err := s.db.Query(ctx, "SELECT id, step, year, result, note, on_date, at, actor_name FROM site_steps WHERE site_id = ? ORDER BY id", x.ID)
	if err != nil {
		return errs.Wrap(err, "site steps")
	}
	byID := map[int64]int{}
	for rows.Next() {
		var st SiteStep
		if err := rows.Scan(&st.ID, &st.Step, &st.Year, &st.Result, &st.Note, &st.OnDate, &st.At, &st.Actor); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan site step")
		}
		byID[st.ID] = len(x.Steps)
		x.Steps = append(x.Steps, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "site steps")
	}
	rows, err = s.db.Query(ctx, "SELECT id, step_id, name, mime, size FROM site_files WHERE site_id = ? ORDER BY id", x.ID)
	if err != nil {
		return errs.Wrap(err, "site files")
	}
	for rows.Next() {
		var f FileInfo
		var step int64
		if err := rows.Scan(&f.ID, &step, &f.Name, &f.MIME, &f.Size); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan site file")
		}
		if i, ok := byID[step]; ok {
			x.Steps[i].Files = append(x.Steps[i].Files, f)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "site files")
	}
	rows, err = s.db.Query(ctx, "SELECT l.id, l.org_id, "+org.LabelCol("o")+", l.year, l.note, l.at, l.actor_name FROM site_led l"+org.Join("o", "l.org_id")+
		" WHERE l.site_id = ? ORDER BY l.year, o.path", x.ID)
	if err != nil {
		return errs.Wrap(err, "led organizations")
	}
	for rows.Next() {
		var l SiteLed
		if err := rows.Scan(&l.ID, &l.OrgID, &l.OrgName, &l.Year, &l.Note, &l.At, &l.Actor); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan led organization")
		}
		x.LedOrgs = append(x.LedOrgs, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "led organizations")
	}
	chain, err := siteChain(ctx, s.db, x.unitPath)
	if err != nil {
		return err
	}
	acc := siteAbove(chain, len(chain)-1)
	x.AcceptingID, x.AcceptingOrg = acc.ID, acc.Name
	return nil
}

// siteLink is an organization on the way from the root to another, with
// what tells a nominating unit.
type siteLink struct {
	ID                              int64
	Path, Name, Level, Kind, Status string
}

// siteChain reads the organizations on path, root first, the last at path
// itself, in one query.
func siteChain(ctx context.Context, q db.Querier, path string) ([]siteLink, error) {
	ids := org.PathIDs(path)
	if len(ids) == 0 {
		return nil, errs.New(errs.Internal, "组织路径无效", "bad organization path")
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, "SELECT id, path, "+org.LabelCol("o")+", level, kind, status FROM orgs o WHERE id IN ("+db.Marks(len(ids))+")", args...)
	if err != nil {
		return nil, errs.Wrap(err, "organization chain")
	}
	defer rows.Close()
	byID := map[int64]siteLink{}
	for rows.Next() {
		var l siteLink
		if err := rows.Scan(&l.ID, &l.Path, &l.Name, &l.Level, &l.Kind, &l.Status); err != nil {
			return nil, errs.Wrap(err, "scan organization chain")
		}
		byID[l.ID] = l
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "organization chain")
	}
	out := make([]siteLink, 0, len(ids))
	for _, id := range ids {
		if l, ok := byID[id]; ok {
			out = append(out, l)
		}
	}
	if len(out) != len(ids) {
		return nil, errs.New(errs.Internal, "组织路径不完整", "the organization's path has a gap")
	}
	return out, nil
}

// siteNominates reports whether the i-th organization of a chain is a
// nominating unit: a county-level committee, or a committee or work
// committee (党委、党工委) directly under a city's — the city's work
// committee of its organs, its state-assets commission's committee and the
// like.
func siteNominates(chain []siteLink, i int) bool {
	l := chain[i]
	if l.Level == "county" {
		return true
	}
	return (l.Kind == "committee" || l.Kind == "work_committee") && l.Level == "unit" && i > 0 && chain[i-1].Level == "city"
}

// siteUnitOf finds the nominating unit of the last organization of a
// chain: the nearest nominating unit strictly above it; -1 for none.
func siteUnitOf(chain []siteLink) int {
	for i := len(chain) - 2; i >= 0; i-- {
		if siteNominates(chain, i) {
			return i
		}
	}
	return -1
}

// siteAbove is the organization above the i-th of a chain, which accepts,
// designates and re-checks the sites the i-th nominates and sets its
// quota: its parent, or itself at the top of the tree.
func siteAbove(chain []siteLink, i int) siteLink {
	if i > 0 {
		return chain[i-1]
	}
	return chain[i]
}

// SiteNominatorOK reports whether an organization nominates demonstration
// sites (and so has a quota), by the chain of organizations above it.
func (s *Service) SiteNominatorOK(ctx context.Context, o org.Org) (bool, error) {
	chain, err := siteChain(ctx, s.db, o.Path)
	if err != nil {
		return false, err
	}
	return siteNominates(chain, len(chain)-1), nil
}

// siteStepAt is, for each step, the states it is taken in, the permission
// it needs and whether at the level above the nominating unit (else at
// the unit).
var siteStepAt = map[string]struct {
	states []string
	need   access.Action
	above  bool
}{
	"cultivate": {[]string{"nominated", "cultivating"}, ProgramsManage, false},
	"accept":    {[]string{"cultivating"}, ProgramsAccept, true},
	"designate": {[]string{"accepted"}, ProgramsAccept, true},
	"recheck":   {[]string{"designated"}, ProgramsAccept, true},
	"revoke":    {[]string{"nominated", "cultivating", "accepted", "designated"}, ProgramsAccept, true},
	"lead":      {[]string{"designated"}, ProgramsManage, false},
}

// CanSite reports whether the actor may take step on the site now: the
// site is in a state the step is taken in and the actor holds the step's
// permission where it is taken. Pages offer the step's form by it.
func (s *Service) CanSite(ctx context.Context, actor access.Actor, x Site, step string) bool {
	at, ok := siteStepAt[step]
	if !ok || !containsState(at.states, x.State) {
		return false
	}
	path := x.unitPath
	if at.above {
		chain, err := siteChain(ctx, s.db, x.unitPath)
		if err != nil {
			return false
		}
		path = siteAbove(chain, len(chain)-1).Path
	}
	return actor.Can(at.need, path)
}

func containsState(states []string, s string) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}

// lockedSite reads a site inside tx for a step: the actor must read it
// and hold need over its nominating unit, or it is refused before anything
// else is looked at. It answers the organization a step above the unit is
// taken at; the step checks the state, then atAbove.
func (s *Service) lockedSite(ctx context.Context, tx *db.Tx, actor access.Actor, id int64, need access.Action) (Site, siteLink, siteLink, error) {
	var x Site
	err := s.scanSite(tx.QueryRow(ctx, "SELECT "+siteCols+siteFrom+" WHERE s.id = ?"+tx.Lock(db.ForUpdate, "s"), id), &x)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(ProgramsRead, x.path) {
		return x, siteLink{}, siteLink{}, siteNotFound(id)
	}
	if err != nil {
		return x, siteLink{}, siteLink{}, errs.Wrap(err, "demonstration site")
	}
	chain, err := siteChain(ctx, tx, x.unitPath)
	if err != nil {
		return x, siteLink{}, siteLink{}, err
	}
	unit := chain[len(chain)-1]
	if !actor.Can(need, unit.Path) {
		return x, siteLink{}, siteLink{}, siteForbidden(unit)
	}
	return x, unit, siteAbove(chain, len(chain)-1), nil
}

// atAbove refuses a step above the nominating unit to an actor who does
// not hold need there.
func atAbove(actor access.Actor, need access.Action, above siteLink) error {
	if !actor.Can(need, above.Path) {
		return siteForbidden(above)
	}
	return nil
}

func siteForbidden(at siteLink) error {
	return errs.New(errs.Forbidden, fmt.Sprintf("您没有办理此事项的权限：应由%s办理", at.Name), fmt.Sprintf("you may not take this step: %s does", at.Name))
}

// siteWrongState is the refusal of a step the site is not at.
func siteWrongState(x Site, zh, en string) error {
	return errs.New(errs.Conflict, fmt.Sprintf("该示范点当前状态为“%s”，%s", org.LabelOf(SiteStates, x.State, ""), zh),
		fmt.Sprintf("the site is %s: %s", strings.ToLower(org.LabelOf(SiteStates, x.State, i18n.EN)), en))
}

// siteStep appends a step to a site and returns its id.
func siteStep(ctx context.Context, tx *db.Tx, actor access.Actor, siteID int64, kind string, year int, result, note, on string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "INSERT INTO site_steps (site_id, step, year, result, note, on_date, at, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		siteID, kind, year, result, note, on, db.FormatTime(tx.Now()), actor.Username).Scan(&id)
	return id, errs.Wrap(err, "site step")
}

// siteLastDate is the date of a site's latest step.
func siteLastDate(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var d sql.NullString
	err := tx.QueryRow(ctx, "SELECT MAX(on_date) FROM site_steps WHERE site_id = ?", id).Scan(&d)
	return d.String, errs.Wrap(err, "last step")
}

// setSiteState moves a site to state, with its version.
func setSiteState(ctx context.Context, tx *db.Tx, id int64, state string, set string, args ...any) error {
	q := "UPDATE sites SET state = ?, updated_at = ?, version = version + 1"
	if set != "" {
		q += ", " + set
	}
	all := append([]any{state, db.FormatTime(tx.Now())}, args...)
	_, err := tx.Exec(ctx, q+" WHERE id = ?", append(all, id)...)
	return errs.Wrap(err, "update demonstration site")
}

// storeSiteFiles stores the checked files of a step.
func storeSiteFiles(ctx context.Context, tx *db.Tx, siteID, stepID int64, files []cases.Attachment) error {
	for _, f := range files {
		if _, err := tx.Exec(ctx, "INSERT INTO site_files (site_id, step_id, name, mime, size, data) VALUES (?, ?, ?, ?, ?, ?)",
			siteID, stepID, f.Name, f.MIME, len(f.Data), f.Data); err != nil {
			return errs.Wrap(err, "store site file")
		}
	}
	return nil
}

// SiteFile returns a file of a site the actor may read.
func (s *Service) SiteFile(ctx context.Context, actor access.Actor, siteID, fileID int64) (FileData, error) {
	var path string
	err := s.db.QueryRow(ctx, "SELECT o.path FROM sites s JOIN orgs o ON o.id = s.org_id WHERE s.id = ?", siteID).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(ProgramsRead, path) {
		return FileData{}, siteNotFound(siteID)
	}
	if err != nil {
		return FileData{}, errs.Wrap(err, "demonstration site")
	}
	var f FileData
	err = s.db.QueryRow(ctx, "SELECT name, mime, data FROM site_files WHERE id = ? AND site_id = ?", fileID, siteID).Scan(&f.Name, &f.MIME, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return FileData{}, errs.Newf(errs.NotFound, "附件 %d 不存在", "attachment %d not found", fileID)
	}
	return f, errs.Wrap(err, "site file")
}
