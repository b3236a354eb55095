package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// CommitmentInput is a year's commitment of a pairing.
type CommitmentInput struct {
	Year    int    `json:"year"`
	Kind    string `json:"kind"`   // funds | projects | activities
	Target  int    `json:"target"` // yuan for funds, a number of projects or activities
	Content string `json:"content"`
}

// CompletionInput records a part of a commitment delivered: how much, on
// which date, and its evidence — a description and up to five files (JPG,
// PNG or PDF; images lose their metadata).
type CompletionInput struct {
	CommitmentID int64             `json:"commitment_id"`
	DoneOn       string            `json:"done_on"`
	Amount       int               `json:"amount"`
	Evidence     string            `json:"evidence"`
	Files        []cases.NamedFile `json:"-"`
}

// lockedPairing reads a pairing inside tx, for a change that may.
func (s *Service) lockedPairing(ctx context.Context, tx *db.Tx, actor access.Actor, id int64) (Pairing, error) {
	var p Pairing
	err := scanPairing(tx.QueryRow(ctx, "SELECT "+pairingCols+pairingFrom+" WHERE p.id = ?"+tx.Lock(db.ForUpdate, "p"), id), &p)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !pairingReadable(actor, p) {
		return Pairing{}, pairingNotFound(id)
	}
	return p, errs.Wrap(err, "pairing")
}

// commitUnit is the unit of a kind's amounts in lang.
func commitUnit(kind, lang string) string { return CommitmentUnits[kind].In(lang) }

// AddCommitment records what a pairing commits to in a year: one
// commitment of each kind a year, with a target above zero, in a year the
// pairing runs.
func (s *Service) AddCommitment(ctx context.Context, actor access.Actor, id int64, in CommitmentInput) (Pairing, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		p, err := s.lockedPairing(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !CanKeepPairing(actor, p) {
			return errs.New(errs.Forbidden, "您没有为该结对设定年度承诺的权限：由结对双方的组织部门设定", "you may not set this pairing's commitments: the organization departments of its two sides do")
		}
		var f errs.Fields
		kind, ok := org.KeyOf(CommitmentKinds, in.Kind)
		if !ok {
			f.Add("kind", "请选择承诺类别：帮扶资金、帮建项目或共建活动", "choose the kind: funds, projects or joint activities")
		}
		this := s.today().Year()
		switch {
		case !p.RunsIn(in.Year):
			to := "长期"
			toEN := "ongoing"
			if p.ToYear != 0 {
				to, toEN = strconv.Itoa(p.ToYear)+" 年", "to "+strconv.Itoa(p.ToYear)
			}
			f.Add("year", fmt.Sprintf("承诺年度应在结对期内（%d 年起，%s）", p.FromYear, to), fmt.Sprintf("the year must fall in the pairing's years (from %d, %s)", p.FromYear, toEN))
		case in.Year > this+1:
			f.Add("year", fmt.Sprintf("承诺年度最晚为 %d 年", this+1), fmt.Sprintf("the year can be %d at the latest", this+1))
		}
		switch {
		case in.Target < 0:
			f.Add("target", "承诺目标不能为负数", "the target cannot be negative")
		case in.Target == 0:
			f.Add("target", "请填写大于 0 的承诺目标", "enter a target above zero")
		case ok && in.Target > commitmentMax[kind]:
			f.Add("target", fmt.Sprintf("承诺目标最多 %s %s", pairingInt(commitmentMax[kind]), commitUnit(kind, i18n.ZH)), fmt.Sprintf("the target can be at most %s %s", pairingInt(commitmentMax[kind]), commitUnit(kind, i18n.EN)))
		}
		content := contactText("content", in.Content, 2, 500, "承诺内容", "content of the commitment", &f)
		if err := f.Err(); err != nil {
			return err
		}
		var dup int64
		var target int
		err = tx.QueryRow(ctx, "SELECT id, target FROM pairing_commitments WHERE pairing_id = ? AND year = ? AND kind = ?", p.ID, in.Year, kind).Scan(&dup, &target)
		if err == nil {
			label := org.LabelOf(CommitmentKinds, kind, i18n.ZH)
			return errs.New(errs.Conflict, fmt.Sprintf("该结对 %d 年已有“%s”承诺（目标 %s %s），每类承诺每年一项", in.Year, label, pairingInt(target), commitUnit(kind, i18n.ZH)),
				fmt.Sprintf("the pairing has a %s commitment for %d already (target %s %s): one of each kind a year", strings.ToLower(org.LabelOf(CommitmentKinds, kind, i18n.EN)), in.Year, pairingInt(target), commitUnit(kind, i18n.EN)))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "commitment")
		}
		now := db.FormatTime(tx.Now())
		var cid int64
		if err := tx.QueryRow(ctx, "INSERT INTO pairing_commitments (pairing_id, year, kind, target, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			p.ID, in.Year, kind, in.Target, content, now, now).Scan(&cid); err != nil {
			return errs.Wrap(err, "insert commitment")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "pairing.commit", TargetType: "pairing", TargetID: strconv.FormatInt(p.ID, 10), OrgPath: p.grassrootsPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s与%s %d 年承诺%s %s %s", p.AgencyName, p.GrassrootsName, in.Year, org.LabelOf(CommitmentKinds, kind, i18n.ZH), pairingInt(in.Target), commitUnit(kind, i18n.ZH)),
				EN: fmt.Sprintf("%s committed %s %s of %s to %s for %d", p.AgencyName, pairingInt(in.Target), commitUnit(kind, i18n.EN), strings.ToLower(org.LabelOf(CommitmentKinds, kind, i18n.EN)), p.GrassrootsName, in.Year)},
			After: map[string]any{"commitment_id": cid, "year": in.Year, "kind": kind, "target": in.Target}})
	})
	if err != nil {
		return Pairing{}, err
	}
	return s.Pairing(ctx, actor, id, in.Year)
}

// RecordCompletion records a part of a commitment delivered, with its
// evidence: never beyond the target, never without a description of what
// was done, dated in or after the commitment's year and not after today.
func (s *Service) RecordCompletion(ctx context.Context, actor access.Actor, id int64, in CompletionInput) (Pairing, error) {
	var year int
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		p, err := s.lockedPairing(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !CanRecordCompletion(actor, p) {
			return errs.New(errs.Forbidden, "您没有登记该结对承诺完成情况的权限", "you may not record what this pairing delivered")
		}
		if in.CommitmentID == 0 {
			return errs.Field("commitment_id", "请选择完成的是哪一项承诺", "choose the commitment delivered")
		}
		var c Commitment
		err = tx.QueryRow(ctx, "SELECT id, year, kind, target, done FROM pairing_commitments WHERE id = ? AND pairing_id = ?"+tx.Lock(db.ForUpdate), in.CommitmentID, p.ID).
			Scan(&c.ID, &c.Year, &c.Kind, &c.Target, &c.Done)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("commitment_id", fmt.Sprintf("该结对没有编号为 %d 的承诺", in.CommitmentID), fmt.Sprintf("the pairing has no commitment %d", in.CommitmentID))
		}
		if err != nil {
			return errs.Wrap(err, "commitment")
		}
		year = c.Year
		zhUnit, enUnit := commitUnit(c.Kind, i18n.ZH), commitUnit(c.Kind, i18n.EN)
		if c.Done >= c.Target {
			return errs.New(errs.Conflict, fmt.Sprintf("该项承诺已全部完成（%s / %s %s），不能再登记", pairingInt(c.Done), pairingInt(c.Target), zhUnit),
				fmt.Sprintf("the commitment is done in full (%s of %s %s): nothing more can be recorded", pairingInt(c.Done), pairingInt(c.Target), enUnit))
		}
		var f errs.Fields
		on := s.contactDate(in.DoneOn, "done_on", "完成日期", "date delivered", 0, &f)
		if on != "" && on[:4] < strconv.Itoa(c.Year) {
			f.Add("done_on", fmt.Sprintf("完成日期不能早于承诺年度（%d 年）", c.Year), fmt.Sprintf("the date cannot be before the commitment's year, %d", c.Year))
		}
		left := c.Target - c.Done
		switch {
		case in.Amount < 0:
			f.Add("amount", "完成数量不能为负数", "the amount cannot be negative")
		case in.Amount == 0:
			f.Add("amount", fmt.Sprintf("请填写本次完成的数量（%s）", zhUnit), fmt.Sprintf("enter the amount delivered (%s)", enUnit))
		case in.Amount > left:
			f.Add("amount", fmt.Sprintf("本次登记 %s %s后累计将达 %s %s，超过承诺目标 %s %s；最多还能登记 %s %s", pairingInt(in.Amount), zhUnit, pairingInt(c.Done+in.Amount), zhUnit, pairingInt(c.Target), zhUnit, pairingInt(left), zhUnit),
				fmt.Sprintf("%s %s more would make %s, beyond the target of %s %s: at most %s %s are left", pairingInt(in.Amount), enUnit, pairingInt(c.Done+in.Amount), pairingInt(c.Target), enUnit, pairingInt(left), enUnit))
		}
		evidence := strings.TrimSpace(in.Evidence)
		if evidence == "" {
			f.Add("evidence", "请填写完成情况的佐证说明（做了什么、在哪里、谁参加或资金去向），可另附照片或文件", "describe the evidence of what was delivered (what, where, who took part or where the money went); photos or files may be attached too")
		} else {
			evidence = contactText("evidence", evidence, 4, 1000, "佐证说明", "evidence", &f)
		}
		files, ferr := cases.CheckAttachments(in.Files)
		if ferr != nil {
			e := errs.As(ferr)
			f.Add("attachments", e.ZH, e.EN)
		}
		if err := f.Err(); err != nil {
			if ferr != nil && errs.KindOf(ferr) == errs.TooLarge && len(f) == 1 {
				return ferr
			}
			return err
		}
		now := db.FormatTime(tx.Now())
		var cpl int64
		if err := tx.QueryRow(ctx, "INSERT INTO pairing_completions (commitment_id, pairing_id, done_on, amount, evidence, at, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			c.ID, p.ID, on, in.Amount, evidence, now, actor.Username).Scan(&cpl); err != nil {
			return errs.Wrap(err, "insert completion")
		}
		for _, a := range files {
			if _, err := tx.Exec(ctx, "INSERT INTO pairing_files (pairing_id, completion_id, name, mime, size, data) VALUES (?, ?, ?, ?, ?, ?)",
				p.ID, cpl, a.Name, a.MIME, len(a.Data), a.Data); err != nil {
				return errs.Wrap(err, "store file")
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE pairing_commitments SET done = done + ?, updated_at = ?, version = version + 1 WHERE id = ?", in.Amount, now, c.ID); err != nil {
			return errs.Wrap(err, "commitment done")
		}
		label := org.LabelOf(CommitmentKinds, c.Kind, i18n.ZH)
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "pairing.complete", TargetType: "pairing", TargetID: strconv.FormatInt(p.ID, 10), OrgPath: p.grassrootsPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("登记%s与%s %d 年%s完成 %s %s（累计 %s / %s）", p.AgencyName, p.GrassrootsName, c.Year, label, pairingInt(in.Amount), zhUnit, pairingInt(c.Done+in.Amount), pairingInt(c.Target)),
				EN: fmt.Sprintf("recorded %s %s delivered by %s to %s for %d (%s of %s)", pairingInt(in.Amount), enUnit, p.AgencyName, p.GrassrootsName, c.Year, pairingInt(c.Done+in.Amount), pairingInt(c.Target))},
			Before: map[string]any{"done": c.Done}, After: map[string]any{"done": c.Done + in.Amount, "completion_id": cpl, "files": len(files), "done_on": on}})
	})
	if err != nil {
		return Pairing{}, err
	}
	return s.Pairing(ctx, actor, id, year)
}

// PairingFileData is a file of a completion's evidence with its bytes.
type PairingFileData struct {
	PairingFile
	Data []byte
}

// PairingFileOf returns a file of a pairing the actor may read.
func (s *Service) PairingFileOf(ctx context.Context, actor access.Actor, pairingID, fileID int64) (PairingFileData, error) {
	var p Pairing
	err := scanPairing(s.db.QueryRow(ctx, "SELECT "+pairingCols+pairingFrom+" WHERE p.id = ?", pairingID), &p)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !pairingReadable(actor, p) {
		return PairingFileData{}, pairingNotFound(pairingID)
	}
	if err != nil {
		return PairingFileData{}, errs.Wrap(err, "pairing")
	}
	var d PairingFileData
	err = s.db.QueryRow(ctx, "SELECT id, name, mime, size, data FROM pairing_files WHERE id = ? AND pairing_id = ?", fileID, pairingID).Scan(&d.ID, &d.Name, &d.MIME, &d.Size, &d.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return PairingFileData{}, errs.New(errs.NotFound, "附件不存在", "no such attachment")
	}
	return d, errs.Wrap(err, "pairing file")
}

// pairingInt writes n with thousands separators.
func pairingInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
