package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Transfers of a member's organization relation (组织关系转接). The
// sending organization requests; the receiving organization — which may lie
// outside the sender's scope, in another county or city — accepts, which
// ends the membership here and starts one there, or rejects with a reason.
// A transfer out of the system (to a province or system jiceng does not
// keep) names its destination and ends the membership at once.

// TransferInput requests a transfer of a member: to an organization of the
// system (ToOrgID), or out of it (OutTo names the receiving organization).
type TransferInput struct {
	ToOrgID int64  `json:"to_org_id"`
	OutTo   string `json:"out_to"`
	OnDate  string `json:"on_date"` // the date of the letter, YYYY-MM-DD
	Note    string `json:"note"`
}

// Transfer is a transfer as its lists and the member's page show it.
type Transfer struct {
	ID          int64  `json:"id"`
	PersonID    int64  `json:"person_id"`
	PersonName  string `json:"person_name"`
	IDMask      string `json:"id_number_masked"`
	Gender      string `json:"gender"`
	Kind        string `json:"kind"` // full | probationary
	FromOrgID   int64  `json:"from_org_id"`
	FromOrgName string `json:"from_org_name"`
	ToOrgID     int64  `json:"to_org_id,omitempty"`
	ToOrgName   string `json:"to_org_name"`
	OutTo       string `json:"out_to"`
	Note        string `json:"note"`
	State       string `json:"state"`
	OnDate      string `json:"on_date"`
	RequestedAt string `json:"requested_at"`
	RequestedBy string `json:"requested_by"`
	DecidedOn   string `json:"decided_on"`
	DecidedBy   string `json:"decided_by"`
	Reason      string `json:"reason"`
	// Incoming is set when the reader may decide it (it manages the
	// receiving organization); Outgoing when it may withdraw it.
	Incoming bool `json:"can_decide"`
	Outgoing bool `json:"can_withdraw"`
	fromPath string
	toPath   string
	openable bool
}

// TransferStates are the states of a transfer.
var TransferStates = []org.Choice{
	{Key: "pending", Text: i18n.Text{ZH: "待接收", EN: "Awaiting the receiving side"}},
	{Key: "accepted", Text: i18n.Text{ZH: "已接收", EN: "Accepted"}},
	{Key: "rejected", Text: i18n.Text{ZH: "已退回", EN: "Rejected"}},
	{Key: "cancelled", Text: i18n.Text{ZH: "已撤回", EN: "Withdrawn"}},
	{Key: "out", Text: i18n.Text{ZH: "已转出系统", EN: "Out of the system"}},
}

// transferable reports whether a member of this status may be transferred:
// one out of contact or suspended is dealt with where they are first.
func transferable(status string) bool { return status == "normal" || status == "floating" }

// checkTransfer validates the fields of a transfer request.
func (s *Service) checkTransfer(in *TransferInput) error {
	var f errs.Fields
	in.OutTo, in.Note = strings.TrimSpace(in.OutTo), strings.TrimSpace(in.Note)
	switch {
	case in.ToOrgID == 0 && in.OutTo == "":
		f.Add("to_org_id", "请选择接收党组织；转出本系统的，请填写接收党组织全称", "choose the receiving organization, or name it when it is outside the system")
	case in.ToOrgID != 0 && in.OutTo != "":
		f.Add("out_to", "接收党组织在本系统内时不填写系统外名称", "leave the outside destination empty when the receiving organization is in the system")
	case in.ToOrgID < 0:
		f.Add("to_org_id", "接收党组织编号无效", "the receiving organization's id is not valid")
	case in.OutTo != "" && (utf8.RuneCountInString(in.OutTo) < 4 || utf8.RuneCountInString(in.OutTo) > 100 || !plainText(in.OutTo)):
		f.Add("out_to", "请填写系统外接收党组织的全称（4–100 字），如“中共广东省深圳市宝安区新安街道工作委员会”", "name the receiving organization outside the system in full (4–100 characters)")
	}
	if utf8.RuneCountInString(in.Note) > 200 || !plainText(in.Note) {
		f.Add("note", "备注最多 200 字，不能含控制字符", "the note has at most 200 characters and no control characters")
	}
	on, ok := parseDate(in.OnDate, "on_date", "转接日期", "date of the transfer", &f)
	if ok && on.After(s.today()) {
		f.Add("on_date", "转接日期不能晚于今天", "the date of the transfer cannot be after today")
	}
	if ok {
		in.OnDate = on.Format(dateLayout)
	}
	return f.Err()
}

// errManage refuses a change of the register to an account that may not
// manage members anywhere.
var errManage = errs.New(errs.Forbidden, "您没有管理党员的权限", "you may not manage members")

// plainText reports whether s has no control characters (new lines aside).
func plainText(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// RequestTransfer starts the transfer of a member the actor manages: to an
// organization of the system, which must exist and not be dissolved and
// then decides; or out of the system, which ends the membership now.
func (s *Service) RequestTransfer(ctx context.Context, actor access.Actor, personID int64, in TransferInput) (Transfer, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return Transfer{}, errManage
	}
	if err := s.checkTransfer(&in); err != nil {
		return Transfer{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		c, m, name, err := s.current(ctx, tx, actor, personID)
		if err != nil {
			return err
		}
		if !transferable(m.Status) {
			return errs.New(errs.Conflict, fmt.Sprintf("%s的状态为“%s”，不能转接组织关系：请先恢复为正常", name, org.LabelOf(Statuses, m.Status, "")),
				fmt.Sprintf("%s is %s and cannot be transferred: set the status back to normal first", name, strings.ToLower(org.LabelOf(Statuses, m.Status, i18n.EN))))
		}
		if in.OnDate < m.StartedOn {
			return errs.Field("on_date", "转接日期不能早于在本组织的开始日期 "+m.StartedOn, "the date cannot be before the membership here began, "+m.StartedOn)
		}
		var pending string
		err = tx.QueryRow(ctx, "SELECT COALESCE("+org.LabelCol("o")+", t.out_to) FROM transfers t"+org.LeftJoin("o", "t.to_org_id")+" WHERE t.person_id = ? AND t.state = 'pending'", personID).Scan(&pending)
		if err == nil {
			return errs.Newf(errs.Conflict, "%s已有一份待接收的转接（转至%s）：请等待对方处理或先撤回", "%s has a transfer to %s awaiting the receiving side: wait for it or withdraw it first", name, pending)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "pending transfer")
		}
		now := db.FormatTime(tx.Now())
		if in.ToOrgID != 0 {
			to, err := org.Lookup(ctx, tx, in.ToOrgID)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Field("to_org_id", fmt.Sprintf("接收党组织 %d 不存在", in.ToOrgID), fmt.Sprintf("there is no organization %d to receive the member", in.ToOrgID))
			}
			if err != nil {
				return errs.Wrap(err, "receiving organization")
			}
			switch {
			case !to.Active():
				return errs.Field("to_org_id", fmt.Sprintf("“%s”已撤销，不能接收党员", to.Label()), fmt.Sprintf("%s has been dissolved and cannot take members", to.Label()))
			case to.ID == m.OrgID:
				return errs.Field("to_org_id", name+"已在“"+to.Label()+"”，请选择另一个党组织", name+" is a member of "+to.Label()+" already: choose another organization")
			}
			err = tx.QueryRow(ctx, `INSERT INTO transfers (person_id, membership_id, from_org_id, to_org_id, note, state, on_date, requested_at, requested_by)
				VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`, personID, m.ID, m.OrgID, to.ID, in.Note, in.OnDate, now, actor.Username).Scan(&id)
			if db.IsUniqueViolation(err) {
				return errs.Newf(errs.Conflict, "%s刚刚已有一份转接被提出，请刷新后查看", "a transfer of %s was requested a moment ago: reload to see it", name)
			}
			if err != nil {
				return errs.Wrap(err, "insert transfer")
			}
			text := i18n.Text{ZH: "提出组织关系转接：转至" + to.Label(), EN: "transfer to " + to.Label() + " requested"}
			if err := s.event(ctx, tx, actor, personID, m.ID, "transfer.request", text, mustDate(in.OnDate)); err != nil {
				return err
			}
			return audit.Write(ctx, tx, actor, audit.Entry{Action: "transfer.request", TargetType: "person", TargetID: strconv.FormatInt(personID, 10), OrgPath: m.path,
				Summary: i18n.Text{ZH: fmt.Sprintf("%s：%s", name, text.ZH), EN: fmt.Sprintf("%s: %s", name, text.EN)},
				After:   map[string]any{"transfer": id, "from_org_id": m.OrgID, "to_org_id": to.ID, "on_date": in.OnDate, "note": in.Note}})
		}
		// Out of the system: the membership here ends on the date of the
		// letter; the member leaves the counts like one who left.
		err = tx.QueryRow(ctx, `INSERT INTO transfers (person_id, membership_id, from_org_id, out_to, note, state, on_date, requested_at, requested_by, decided_on, decided_at, decided_by)
			VALUES (?, ?, ?, ?, ?, 'out', ?, ?, ?, ?, ?, ?) RETURNING id`, personID, m.ID, m.OrgID, in.OutTo, in.Note, in.OnDate, now, actor.Username, in.OnDate, now, actor.Username).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "insert transfer")
		}
		if _, err := tx.Exec(ctx, "UPDATE memberships SET status = 'transferred_out', active = ?, ended_on = ?, version = version + 1 WHERE id = ?", false, in.OnDate, m.ID); err != nil {
			return errs.Wrap(err, "end membership")
		}
		if err := bumpMember(ctx, tx, m.path, c, memberCount{joinYear: m.JoinedOn[:4], status: m.Status, kind: m.Kind}, -1); err != nil {
			return err
		}
		if err := s.endPosts(ctx, tx, actor, personID, 0, in.OnDate); err != nil {
			return err
		}
		text := i18n.Text{ZH: "组织关系转出本系统：转至" + in.OutTo, EN: "transferred out of the system to " + in.OutTo}
		if err := s.event(ctx, tx, actor, personID, m.ID, "transfer.out", text, mustDate(in.OnDate)); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "transfer.out", TargetType: "person", TargetID: strconv.FormatInt(personID, 10), OrgPath: m.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s：%s", name, text.ZH), EN: fmt.Sprintf("%s: %s", name, text.EN)},
			Before:  map[string]any{"status": m.Status, "org_id": m.OrgID},
			After:   map[string]any{"transfer": id, "status": "transferred_out", "out_to": in.OutTo, "on_date": in.OnDate, "note": in.Note}})
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.transfer(ctx, s.db, actor, id)
}

// endPosts ends the posts a person holds in the organization they leave.
// An orgID of 0 ends every post the person holds: their membership ended.
// An organizer placed in that organization leaves the placement with its
// post (reason "other"; the timeline says why); one whose membership ended
// leaves the organizers altogether, placed or not. A leaving is dated no
// earlier than the recruitment or placement, and audited as Depart is.
func (s *Service) endPosts(ctx context.Context, tx *db.Tx, actor access.Actor, personID, orgID int64, on string) error {
	posts, args := "SELECT id FROM posts WHERE person_id = ? AND ended_on IS NULL", []any{personID}
	if orgID != 0 {
		posts, args = posts+" AND org_id = ?", append(args, orgID)
	}
	which := " WHERE x.left_on IS NULL AND x.person_id = ?"
	whichArgs := []any{personID}
	if orgID != 0 {
		which, whichArgs = " WHERE x.left_on IS NULL AND x.post_id IN ("+posts+")", args
	}
	rows, err := tx.Query(ctx, "SELECT "+organizerCols+organizerFrom+which, whichArgs...)
	if err != nil {
		return errs.Wrap(err, "organizers leaving")
	}
	var leaving []Organizer
	for rows.Next() {
		var o Organizer
		if err := s.scanOrganizer(rows, &o, s.today()); err != nil {
			rows.Close()
			return errs.Wrap(err, "organizers leaving")
		}
		leaving = append(leaving, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "organizers leaving")
	}
	for _, o := range leaving {
		left := max(on, o.RecruitedOn, o.PlacedOn)
		if _, err := tx.Exec(ctx, "UPDATE organizers SET left_on = ?, leave_reason = 'other' WHERE id = ?", left, o.ID); err != nil {
			return errs.Wrap(err, "organizer leaves")
		}
		err := audit.Write(ctx, tx, actor, audit.Entry{Action: "organizer.depart", TargetType: "person", TargetID: strconv.FormatInt(o.PersonID, 10), OrgPath: o.auditPath(),
			Summary: i18n.Text{ZH: o.Name + "党建组织员离岗（组织关系转出或党籍终止）", EN: o.Name + " left the post of organizer (membership ended or transferred)"},
			Before:  map[string]any{"state": o.State}, After: map[string]any{"left_on": left, "reason": "other"}})
		if err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, "UPDATE posts SET ended_on = CASE WHEN started_on > ? THEN started_on ELSE ? END WHERE id IN ("+posts+")", append([]any{on, on}, args...)...)
	return errs.Wrap(err, "end posts")
}

const transferCols = `t.id, t.person_id, p.name, p.id_mask, p.gender, m.kind, t.from_org_id, ` + `COALESCE(t.to_org_id, 0), t.out_to, t.note, t.state, t.on_date,
	t.requested_at, t.requested_by, COALESCE(t.decided_on, ''), t.decided_by, t.reason`

func transferFrom() string {
	return " FROM transfers t JOIN persons p ON p.id = t.person_id JOIN memberships m ON m.id = t.membership_id" +
		org.Join("f", "t.from_org_id") + org.LeftJoin("r", "t.to_org_id")
}

func transferNames() string {
	return ", " + org.LabelCol("f") + ", " + org.PathCol("f") + ", COALESCE(" + org.LabelCol("r") + ", ''), COALESCE(" + org.PathCol("r") + ", '')"
}

func (s *Service) scanTransfer(actor access.Actor, sc db.Scanner) (Transfer, error) {
	var t Transfer
	err := sc.Scan(&t.ID, &t.PersonID, &t.PersonName, &t.IDMask, &t.Gender, &t.Kind, &t.FromOrgID, &t.ToOrgID, &t.OutTo, &t.Note, &t.State, &t.OnDate,
		&t.RequestedAt, &t.RequestedBy, &t.DecidedOn, &t.DecidedBy, &t.Reason, &t.FromOrgName, &t.fromPath, &t.ToOrgName, &t.toPath)
	if err != nil {
		return t, err
	}
	if t.ToOrgName == "" {
		t.ToOrgName = t.OutTo
	}
	pending := t.State == "pending"
	t.Incoming = pending && t.toPath != "" && actor.Can(PeopleManage, t.toPath)
	t.Outgoing = pending && actor.Can(PeopleManage, t.fromPath)
	// The member is where the transfer left them: received, or still with
	// the sender (pending, rejected, withdrawn, or out of the system).
	at := t.fromPath
	if t.State == "accepted" && t.toPath != "" {
		at = t.toPath
	}
	t.openable = actor.Can(PeopleRead, at)
	return t, nil
}

// Openable reports whether the reader may open the member's page, which
// lies where the transfer left them.
func (t Transfer) Openable() bool { return t.openable }

// readable reports whether the actor may see a transfer: it reads the
// sending or the receiving organization.
func (t Transfer) readable(actor access.Actor) bool {
	return actor.Can(PeopleRead, t.fromPath) || t.toPath != "" && actor.Can(PeopleRead, t.toPath)
}

// transfer reads one transfer the actor may see.
func (s *Service) transfer(ctx context.Context, q db.Querier, actor access.Actor, id int64) (Transfer, error) {
	t, err := s.scanTransfer(actor, q.QueryRow(ctx, "SELECT "+transferCols+transferNames()+transferFrom()+" WHERE t.id = ?", id))
	if err == nil && !t.readable(actor) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Transfer{}, errs.Newf(errs.NotFound, "转接 %d 不存在或不在您的管理范围内", "transfer %d not found or outside your scope", id)
	}
	return t, errs.Wrap(err, "transfer")
}

// Transfer returns one transfer the actor may see.
func (s *Service) Transfer(ctx context.Context, actor access.Actor, id int64) (Transfer, error) {
	return s.transfer(ctx, s.db, actor, id)
}

// pendingForDecision locks and reads a pending transfer inside tx for the
// receiving side, which the actor must manage.
func (s *Service) pendingForDecision(ctx context.Context, tx *db.Tx, actor access.Actor, id int64) (Transfer, error) {
	if err := tx.LockRow(ctx, "transfers", id, db.ForUpdate); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Transfer{}, errs.Wrap(err, "lock transfer")
	}
	t, err := s.transfer(ctx, tx, actor, id)
	if err != nil {
		return t, err
	}
	if t.toPath == "" || !actor.Can(PeopleManage, t.toPath) {
		return t, errs.Newf(errs.Forbidden, "只有接收党组织“%s”的管理人员可以接收或退回这次转接", "only those who manage the receiving organization, %s, may accept or reject this transfer", t.ToOrgName)
	}
	if t.State != "pending" {
		return t, errs.New(errs.Conflict, "这次转接“"+org.LabelOf(TransferStates, t.State, "")+"”，不能再处理", fmt.Sprintf("this transfer is %s: it cannot be decided again", strings.ToLower(org.LabelOf(TransferStates, t.State, i18n.EN))))
	}
	return t, nil
}

// AcceptTransfer accepts a pending transfer into an organization the actor
// manages: the membership at the sending organization ends on the date of
// acceptance, with the posts held there, and one at the receiving
// organization begins, keeping the dates of joining and of full membership.
func (s *Service) AcceptTransfer(ctx context.Context, actor access.Actor, id int64, onDate string) (Transfer, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return Transfer{}, errManage
	}
	var f errs.Fields
	on, ok := parseDate(onDate, "on_date", "接收日期", "date of acceptance", &f)
	if ok && on.After(s.today()) {
		f.Add("on_date", "接收日期不能晚于今天", "the date of acceptance cannot be after today")
	}
	if err := f.Err(); err != nil {
		return Transfer{}, err
	}
	date := on.Format(dateLayout)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		t, err := s.pendingForDecision(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		to, err := org.Lookup(ctx, tx, t.ToOrgID)
		if err != nil || !to.Active() {
			return errs.Newf(errs.Conflict, "“%s”已撤销，不能接收：请退回这次转接", "%s has been dissolved and cannot take the member: reject the transfer", t.ToOrgName)
		}
		if date < t.OnDate {
			return errs.Field("on_date", "接收日期不能早于转接日期 "+t.OnDate, "the date of acceptance cannot be before the date of the transfer, "+t.OnDate)
		}
		m, err := s.membership(ctx, tx, t.PersonID)
		if err != nil {
			return err
		}
		var c counted
		var birth string
		if err := tx.QueryRow(ctx, "SELECT gender, birth_date, education, ethnicity FROM persons WHERE id = ?", t.PersonID).Scan(&c.gender, &birth, &c.education, &c.ethnicity); err != nil {
			return errs.Wrap(err, "person")
		}
		c.birthYear = birth[:4]
		if m == nil || !m.Active || m.OrgID != t.FromOrgID || !transferable(m.Status) {
			return errs.Newf(errs.Conflict, "%s的组织关系在提出转接后已有变化，不能接收：请退回", "the membership of %s changed after the transfer was requested: reject it", t.PersonName)
		}
		if _, err := tx.Exec(ctx, "UPDATE memberships SET active = ?, ended_on = ?, version = version + 1 WHERE id = ?", false, date, m.ID); err != nil {
			return errs.Wrap(err, "end membership")
		}
		province, err := org.Province(ctx, tx, to.ID)
		if err != nil {
			return err
		}
		var mid int64
		if err := tx.QueryRow(ctx, `INSERT INTO memberships (person_id, org_id, province, kind, joined_on, full_on, status, active, started_on, name_key, gender, birth_date, education)
			SELECT ?, ?, ?, ?, ?, ?, 'normal', ?, ?, name_key, gender, birth_date, education FROM persons WHERE id = ? RETURNING id`,
			t.PersonID, to.ID, province, m.Kind, m.JoinedOn, nullable(m.FullOn), true, date, t.PersonID).Scan(&mid); err != nil {
			return errs.Wrap(err, "insert membership")
		}
		now := db.FormatTime(tx.Now())
		if _, err := tx.Exec(ctx, "UPDATE transfers SET state = 'accepted', decided_on = ?, decided_at = ?, decided_by = ?, new_membership_id = ? WHERE id = ?",
			date, now, actor.Username, mid, id); err != nil {
			return errs.Wrap(err, "accept transfer")
		}
		agg := map[aggKey]int{}
		addMember(agg, m.path, c, memberCount{joinYear: m.JoinedOn[:4], status: m.Status, kind: m.Kind}, -1)
		addMember(agg, to.Path, c, memberCount{joinYear: m.JoinedOn[:4], status: "normal", kind: m.Kind}, 1)
		if err := bumpAgg(ctx, tx, agg); err != nil {
			return err
		}
		if err := s.endPosts(ctx, tx, actor, t.PersonID, m.OrgID, date); err != nil {
			return err
		}
		if err := s.event(ctx, tx, actor, t.PersonID, m.ID, "transfer.leave", i18n.Text{ZH: "组织关系转出" + t.FromOrgName, EN: "left " + t.FromOrgName}, on); err != nil {
			return err
		}
		text := i18n.Text{ZH: "组织关系转入" + to.Label() + "（" + t.FromOrgName + "转来）", EN: "transferred into " + to.Label() + " from " + t.FromOrgName}
		if err := s.event(ctx, tx, actor, t.PersonID, mid, "transfer.accept", text, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "transfer.accept", TargetType: "person", TargetID: strconv.FormatInt(t.PersonID, 10), OrgPath: to.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s：%s", t.PersonName, text.ZH), EN: fmt.Sprintf("%s: %s", t.PersonName, text.EN)},
			Before:  map[string]any{"org_id": t.FromOrgID, "status": m.Status}, After: map[string]any{"transfer": id, "org_id": to.ID, "status": "normal", "on_date": date}})
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.transfer(ctx, s.db, actor, id)
}

// RejectTransfer returns a pending transfer to the sender with a reason;
// the member stays where they are.
func (s *Service) RejectTransfer(ctx context.Context, actor access.Actor, id int64, reason string) (Transfer, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return Transfer{}, errManage
	}
	reason = strings.TrimSpace(reason)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.pendingForDecision(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if n := utf8.RuneCountInString(reason); n < 2 || n > 200 || !plainText(reason) {
			return errs.Field("reason", "请写明退回的理由（2–200 字），如“介绍信所列接收单位有误”", "give the reason for rejecting (2–200 characters)")
		}
		now := db.FormatTime(tx.Now())
		today := s.today().Format(dateLayout)
		if _, err := tx.Exec(ctx, "UPDATE transfers SET state = 'rejected', decided_on = ?, decided_at = ?, decided_by = ?, reason = ? WHERE id = ?",
			today, now, actor.Username, reason, id); err != nil {
			return errs.Wrap(err, "reject transfer")
		}
		var mid int64
		if err := tx.QueryRow(ctx, "SELECT membership_id FROM transfers WHERE id = ?", id).Scan(&mid); err != nil {
			return errs.Wrap(err, "transfer membership")
		}
		text := i18n.Text{ZH: t.ToOrgName + "退回组织关系转接：" + reason, EN: t.ToOrgName + " rejected the transfer: " + reason}
		if err := s.event(ctx, tx, actor, t.PersonID, mid, "transfer.reject", text, s.today()); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "transfer.reject", TargetType: "person", TargetID: strconv.FormatInt(t.PersonID, 10), OrgPath: t.toPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s：%s", t.PersonName, text.ZH), EN: fmt.Sprintf("%s: %s", t.PersonName, text.EN)},
			After:   map[string]any{"transfer": id, "state": "rejected", "reason": reason}})
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.transfer(ctx, s.db, actor, id)
}

// CancelTransfer withdraws a pending transfer the actor's side sent.
func (s *Service) CancelTransfer(ctx context.Context, actor access.Actor, id int64) (Transfer, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return Transfer{}, errManage
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, "transfers", id, db.ForUpdate); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "lock transfer")
		}
		t, err := s.transfer(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !actor.Can(PeopleManage, t.fromPath) {
			return errs.Newf(errs.Forbidden, "只有转出党组织“%s”的管理人员可以撤回这次转接", "only those who manage the sending organization, %s, may withdraw this transfer", t.FromOrgName)
		}
		if t.State != "pending" {
			return errs.New(errs.Conflict, "这次转接“"+org.LabelOf(TransferStates, t.State, "")+"”，不能撤回", fmt.Sprintf("this transfer is %s: it cannot be withdrawn", strings.ToLower(org.LabelOf(TransferStates, t.State, i18n.EN))))
		}
		if _, err := tx.Exec(ctx, "UPDATE transfers SET state = 'cancelled', decided_on = ?, decided_at = ?, decided_by = ? WHERE id = ?",
			s.today().Format(dateLayout), db.FormatTime(tx.Now()), actor.Username, id); err != nil {
			return errs.Wrap(err, "withdraw transfer")
		}
		var mid int64
		if err := tx.QueryRow(ctx, "SELECT membership_id FROM transfers WHERE id = ?", id).Scan(&mid); err != nil {
			return errs.Wrap(err, "transfer membership")
		}
		text := i18n.Text{ZH: "撤回转至" + t.ToOrgName + "的组织关系转接", EN: "withdrew the transfer to " + t.ToOrgName}
		if err := s.event(ctx, tx, actor, t.PersonID, mid, "transfer.cancel", text, s.today()); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "transfer.cancel", TargetType: "person", TargetID: strconv.FormatInt(t.PersonID, 10), OrgPath: t.fromPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s：%s", t.PersonName, text.ZH), EN: fmt.Sprintf("%s: %s", t.PersonName, text.EN)},
			After:   map[string]any{"transfer": id, "state": "cancelled"}})
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.transfer(ctx, s.db, actor, id)
}

// TransferQuery filters the transfers an actor sees.
type TransferQuery struct {
	// Direction is "in" (to organizations the actor reads), "out" (from
	// them) or "" for both.
	Direction string
	State     string
	Q         string // part of the member's name
	PersonID  int64
	Sort      string // "" (pending first, then the newest), "name" (pinyin), "date", "-date"
	Limit     int
	Offset    int
}

// Transfers lists the transfers into and out of the actor's scope, the
// newest first, with their total.
func (s *Service) Transfers(ctx context.Context, actor access.Actor, q TransferQuery) ([]Transfer, int, error) {
	if !actor.CanAnywhere(PeopleRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register")
	}
	from, fromArgs := actor.ScopeSQL(org.PathCol("f"), PeopleRead)
	to, toArgs := actor.ScopeSQL(org.PathCol("r"), PeopleRead)
	var where []string
	var args []any
	switch q.Direction {
	case "in":
		where, args = []string{"t.to_org_id IS NOT NULL", to}, toArgs
	case "out":
		where, args = []string{from}, fromArgs
	case "":
		where, args = []string{"(" + from + " OR (t.to_org_id IS NOT NULL AND " + to + "))"}, append(fromArgs, toArgs...)
	default:
		return nil, 0, errs.Field("direction", "方向只能是 in（转入）或 out（转出）", "direction must be in or out")
	}
	if q.State != "" {
		if _, ok := org.KeyOf(TransferStates, q.State); !ok {
			return nil, 0, errs.Field("state", "状态只能是 pending、accepted、rejected、cancelled 或 out", "state must be pending, accepted, rejected, cancelled or out")
		}
		where, args = append(where, "t.state = ?"), append(args, q.State)
	}
	if q.PersonID != 0 {
		where, args = append(where, "t.person_id = ?"), append(args, q.PersonID)
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		where, args = append(where, "p.name LIKE ?"), append(args, db.Contains(q.Q))
	}
	cond := transferFrom() + " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*)"+cond, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count transfers")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	order, ok := map[string]string{"": "t.state = 'pending' DESC, t.id DESC", "name": "p.name_key, t.id DESC", "date": "t.on_date, t.id", "-date": "t.on_date DESC, t.id DESC"}[q.Sort]
	if !ok {
		return nil, 0, errs.Field("sort", "排序只能是 name、date 或 -date", "sort must be name, date or -date")
	}
	rows, err := s.db.Query(ctx, "SELECT "+transferCols+transferNames()+cond+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list transfers")
	}
	defer rows.Close()
	var out []Transfer
	for rows.Next() {
		t, err := s.scanTransfer(actor, rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "scan transfer")
		}
		out = append(out, t)
	}
	return out, total, errs.Wrap(rows.Err(), "list transfers")
}
