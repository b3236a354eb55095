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
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// IdentifyResult is what a run of the identification found: candidates
// named for the first time, and those already named that got new evidence.
type IdentifyResult struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
}

// evidence is one piece of evidence about an organization, to be stored.
type evidence struct {
	orgID            int64
	source, ref      string
	detail, detailEN string
}

// Identify names the candidates of year in the subtree of orgID from the
// published evaluation results (the subjects graded lowest or vetoed, of
// the campaigns the actor may read) and from the year's residents' cases
// (integrity reports found true, repeated dissatisfaction), each with its
// evidence. An organization already named that year gets the new evidence
// only; its state does not change. Run it again after a campaign is
// published: nothing is named twice.
func (s *Service) Identify(ctx context.Context, actor access.Actor, orgID int64, year int) (IdentifyResult, error) {
	root, err := s.orgs.Check(ctx, actor, orgID, ProgramsManage)
	if err != nil {
		return IdentifyResult{}, err
	}
	var f errs.Fields
	s.checkYear(year, &f)
	if err := f.Err(); err != nil {
		return IdentifyResult{}, err
	}
	flags, err := s.eval.FlaggedOrgs(ctx, actor, root.Path, year)
	if err != nil {
		return IdentifyResult{}, err
	}
	var found []evidence
	for _, fl := range flags {
		zh, en := fmt.Sprintf("%s：等次“%s”", fl.Campaign, fl.Grade), fmt.Sprintf("%s: grade %s", fl.Campaign, fl.Grade)
		if fl.Total != nil {
			zh += fmt.Sprintf("，总分 %.2f", *fl.Total)
			en += fmt.Sprintf(", total %.2f", *fl.Total)
		}
		if fl.Rank > 0 {
			zh += fmt.Sprintf("，排名第 %d", fl.Rank)
			en += fmt.Sprintf(", rank %d", fl.Rank)
		}
		if len(fl.Vetoed) > 0 && fl.MassesSatisfaction != nil {
			zh += fmt.Sprintf("；群众满意率 %.2f%%，触发否决", *fl.MassesSatisfaction)
			en += fmt.Sprintf("; masses' satisfaction %.2f%%, vetoed", *fl.MassesSatisfaction)
		} else if len(fl.Vetoed) > 0 {
			zh += "；触发否决"
			en += "; vetoed"
		}
		found = append(found, evidence{orgID: fl.OrgID, source: "evaluation", ref: "campaign:" + strconv.FormatInt(fl.CampaignID, 10), detail: zh, detailEN: en})
	}
	signals, err := s.cs.RectSignals(ctx, actor, root.Path, year, RectMinIntegrity, RectMinUnsatisfied)
	if err != nil {
		return IdentifyResult{}, err
	}
	for _, sg := range signals {
		if sg.Integrity > 0 {
			found = append(found, evidence{orgID: sg.OrgID, source: "cases", ref: refIntegrity,
				detail:   fmt.Sprintf("%d 年有 %d 件反映该组织的廉洁监督件查实办结", year, sg.Integrity),
				detailEN: fmt.Sprintf("%d integrity reports about the organization found true and closed in %d", sg.Integrity, year)})
		}
		if sg.Unsatisfied > 0 {
			found = append(found, evidence{orgID: sg.OrgID, source: "cases", ref: "unsatisfied",
				detail:   fmt.Sprintf("%d 年群众对该组织办理的诉求 %d 次评价“不满意”", year, sg.Unsatisfied),
				detailEN: fmt.Sprintf("residents rated the organization's answers unsatisfactory %d times in %d", sg.Unsatisfied, year)})
		}
	}
	var res IdentifyResult
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		added := map[int64]bool{}
		updated := map[int64]bool{}
		for _, e := range found {
			// Only grassroots organizations are rectified: the evaluation
			// rates townships too, and a township answers the cases of its
			// streets, but neither is a 软弱涣散 branch.
			var path, lv, status string
			if err := tx.QueryRow(ctx, "SELECT path, level, status FROM orgs WHERE id = ?", e.orgID).Scan(&path, &lv, &status); err != nil {
				return errs.Wrap(err, "candidate organization")
			}
			if status != org.StatusActive || lv != "village" && lv != "workplace" || !actor.Can(ProgramsManage, path) {
				continue
			}
			id, state, err := candidate(ctx, tx, actor, e.orgID, year, "", s.today().Format(dateLayout))
			if err != nil {
				return err
			}
			if state != "" && state != "candidate" {
				continue // decided already: new evidence changes nothing
			}
			n, err := addEvidence(ctx, tx, id, e)
			if err != nil {
				return err
			}
			switch {
			case state == "":
				added[id] = true
			case n > 0 && !added[id]:
				updated[id] = true
			}
		}
		res = IdentifyResult{Added: len(added), Updated: len(updated)}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "rect.identify", TargetType: "org", TargetID: strconv.FormatInt(root.ID, 10), OrgPath: root.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("研判%s %d 年软弱涣散党组织候选：新增 %d 个，补充依据 %d 个", root.Label(), year, res.Added, res.Updated),
				EN: fmt.Sprintf("identified the %d candidates for rectification of %s: %d new, %d with new evidence", year, root.Label(), res.Added, res.Updated)},
			After: res})
	})
	return res, err
}

// candidate finds the case of an organization and year with its state,
// or creates it as a candidate, with reason, on the date, and answers its
// state as "".
func candidate(ctx context.Context, tx *db.Tx, actor access.Actor, orgID int64, year int, reason, on string) (int64, string, error) {
	var id int64
	var state string
	err := tx.QueryRow(ctx, "SELECT id, state FROM rect_cases WHERE org_id = ? AND year = ?", orgID, year).Scan(&id, &state)
	if err == nil {
		return id, state, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, "", errs.Wrap(err, "find case")
	}
	now := db.FormatTime(tx.Now())
	if err := tx.QueryRow(ctx, "INSERT INTO rect_cases (org_id, year, state, reason, created_at, updated_at) VALUES (?, ?, 'candidate', ?, ?, ?) RETURNING id",
		orgID, year, reason, now, now).Scan(&id); err != nil {
		return 0, "", errs.Wrap(err, "insert case")
	}
	if _, err := step(ctx, tx, actor, id, "identify", "", "", on); err != nil {
		return 0, "", err
	}
	return id, "", nil
}

// addEvidence stores e unless the case has it already, and tells how many
// rows it added.
func addEvidence(ctx context.Context, tx *db.Tx, id int64, e evidence) (int, error) {
	r, err := tx.Exec(ctx, "INSERT INTO rect_evidence (rect_id, source, ref, detail, detail_en, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (rect_id, source, ref) DO NOTHING",
		id, e.source, e.ref, e.detail, e.detailEN, db.FormatTime(tx.Now()))
	if err != nil {
		return 0, errs.Wrap(err, "evidence")
	}
	n, err := r.RowsAffected()
	return int(n), errs.Wrap(err, "evidence")
}

// CandidateInput names a candidate by the department's own judgement.
type CandidateInput struct {
	OrgID  int64  `json:"org_id"`
	Year   int    `json:"year"`
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// AddCandidate names an organization a candidate of year by the
// department's judgement, with the official category and what was found.
// An organization already named that year gets the judgement as evidence,
// unless it is past being a candidate.
func (s *Service) AddCandidate(ctx context.Context, actor access.Actor, in CandidateInput) (Rect, error) {
	if in.OrgID == 0 {
		return Rect{}, errs.Field("org_id", "请选择党组织", "choose the organization")
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsManage)
	if err != nil {
		return Rect{}, err
	}
	var f errs.Fields
	if o.Status != org.StatusActive {
		f.Add("org_id", o.Label()+"已撤销，不能列为整顿对象", o.Label()+" has been dissolved")
	}
	s.checkYear(in.Year, &f)
	reason, ok := org.KeyOf(RectReasons, in.Reason)
	if !ok {
		f.Add("reason", "请选择软弱涣散类型，如“书记不胜任”“组织生活不正常”", "choose the kind of weakness, such as secretary not up to the post")
	}
	note := text("note", in.Note, 4, 500, "研判依据", "grounds of the judgement", &f)
	if err := f.Err(); err != nil {
		return Rect{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		var state string
		err := tx.QueryRow(ctx, "SELECT id, state FROM rect_cases WHERE org_id = ? AND year = ?", o.ID, in.Year).Scan(&id, &state)
		switch {
		case err == nil && state != "candidate":
			return errs.New(errs.Conflict, fmt.Sprintf("%s已在 %d 年整顿台账中（%s），不能重复列为候选", o.Label(), in.Year, org.LabelOf(RectStates, state, "")),
				fmt.Sprintf("%s is in the %d ledger already (%s)", o.Label(), in.Year, strings.ToLower(org.LabelOf(RectStates, state, i18n.EN))))
		case err == nil:
			if _, err := tx.Exec(ctx, "UPDATE rect_cases SET reason = ?, updated_at = ?, version = version + 1 WHERE id = ?", reason, db.FormatTime(tx.Now()), id); err != nil {
				return errs.Wrap(err, "update case")
			}
		case errors.Is(err, sql.ErrNoRows):
			if id, _, err = candidate(ctx, tx, actor, o.ID, in.Year, reason, s.today().Format(dateLayout)); err != nil {
				return err
			}
		default:
			return errs.Wrap(err, "find case")
		}
		label := org.LabelOf(RectReasons, reason, "")
		if _, err := tx.Exec(ctx, "DELETE FROM rect_evidence WHERE rect_id = ? AND source = 'manual'", id); err != nil {
			return errs.Wrap(err, "evidence")
		}
		if _, err := addEvidence(ctx, tx, id, evidence{source: "manual", ref: "", detail: label + "：" + note,
			detailEN: org.LabelOf(RectReasons, reason, i18n.EN) + ": " + note}); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "rect.candidate", TargetType: "rect", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("将%s列为 %d 年软弱涣散党组织候选（%s）", o.Label(), in.Year, label),
				EN: fmt.Sprintf("named %s a %d candidate for rectification (%s)", o.Label(), in.Year, strings.ToLower(org.LabelOf(RectReasons, reason, i18n.EN)))},
			After: map[string]any{"org_id": o.ID, "year": in.Year, "reason": reason}})
	})
	if err != nil {
		return Rect{}, err
	}
	return s.Rect(ctx, actor, id)
}
