package evaluation

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// DraftEdit is a correction of a draft campaign: its name, its voting
// window and its rules. The type, the year and the owner stay as created.
type DraftEdit struct {
	Name     string    `json:"name"`
	OpensAt  time.Time `json:"opens_at"`
	ClosesAt time.Time `json:"closes_at"`
	Rules    Rules     `json:"rules"`
}

// validateEdit checks an edit of c exactly as a new campaign is checked
// (validateCampaign: name, window and Rules.Validate under the campaign's
// type, which is what UpdateRules applies too), and fills in the rules'
// defaults in place.
func validateEdit(c Campaign, e *DraftEdit) error {
	in := CampaignInput{OwnerOrgID: c.OwnerOrgID, Name: e.Name, Type: c.Type, Year: c.Year, OpensAt: e.OpensAt, ClosesAt: e.ClosesAt, Rules: e.Rules}
	err := validateCampaign(&in)
	e.Name, e.Rules = in.Name, in.Rules
	return err
}

// checkGroupsKept refuses rules that drop a rater group which tokens or
// subjects already name: their slips are printed, their lists drawn up.
func checkGroupsKept(ctx context.Context, q db.Querier, id int64, r Rules) error {
	groups := map[string]bool{}
	for _, g := range r.Groups {
		groups[g.Key] = true
	}
	used, err := groupsInUse(ctx, q, id)
	if err != nil {
		return err
	}
	for _, g := range used {
		if !groups[g] {
			return errs.Field("rules.groups", fmt.Sprintf("评委组“%s”已发放测评码或已指定测评对象，不能删除", g),
				fmt.Sprintf("the rater group \"%s\" has tokens or subjects and cannot be removed", g))
		}
	}
	return nil
}

// CheckDraftEdit answers whether UpdateDraft would accept e, without
// saving anything: the campaign editor asks it as the user types, so that
// the page shows the very messages a save (or the API) would give.
func (s *Service) CheckDraftEdit(ctx context.Context, actor access.Actor, id int64, e DraftEdit) error {
	c, err := s.CheckManage(ctx, actor, id)
	if err != nil {
		return err
	}
	if c.Status != StatusDraft {
		return rulesFrozen()
	}
	if err := validateEdit(c, &e); err != nil {
		return err
	}
	return checkGroupsKept(ctx, s.db, id, e.Rules)
}

// UpdateDraft saves an edit of a draft campaign. When version is given and
// the campaign has changed since it was loaded, nothing changes (errs.Stale).
func (s *Service) UpdateDraft(ctx context.Context, actor access.Actor, id int64, e DraftEdit, version *int) (Campaign, error) {
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
		if err := validateEdit(c, &e); err != nil {
			return err
		}
		if err := checkGroupsKept(ctx, tx, id, e.Rules); err != nil {
			return err
		}
		b, err := json.Marshal(e.Rules)
		if err != nil {
			return errs.Wrap(err, "rules json")
		}
		if _, err := tx.Exec(ctx, "UPDATE campaigns SET name = ?, opens_at = ?, closes_at = ?, rules_json = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			e.Name, db.FormatTime(e.OpensAt), db.FormatTime(e.ClosesAt), string(b), db.FormatTime(s.now()), id); err != nil {
			return errs.Wrap(err, "update campaign")
		}
		before := DraftEdit{Name: c.Name, OpensAt: c.OpensAt, ClosesAt: c.ClosesAt, Rules: c.Rules}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.edit", TargetType: "campaign", TargetID: strconv.FormatInt(id, 10),
			OrgPath: c.ownerPath, Summary: i18n.Textf("修改测评草稿 %s", "edited the draft campaign %s", e.Name), Before: before, After: e})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Get(ctx, actor, id)
}

// lockDraftAtTx locks a draft for a removal made from a page loaded at
// version: a manager who has not seen a colleague's latest change removes
// nothing. It raises the version, as lockDraftTx does.
func (s *Service) lockDraftAtTx(ctx context.Context, tx *db.Tx, actor access.Actor, id int64, version *int) (Campaign, error) {
	c, err := s.lockTx(ctx, tx, actor, id)
	if err != nil {
		return Campaign{}, err
	}
	if err := errs.CheckVersion(version, c.Version); err != nil {
		return Campaign{}, err
	}
	return s.lockDraftTx(ctx, tx, actor, id)
}

// RemoveSubject takes a subject, with its report files, out of a draft.
func (s *Service) RemoveSubject(ctx context.Context, actor access.Actor, id, subjectID int64, version *int) (Subject, error) {
	var sb Subject
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.lockDraftAtTx(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		sb, err = subjectOf(ctx, tx, id, subjectID)
		if err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM subject_file_chunks WHERE file_id IN (SELECT id FROM subject_files WHERE campaign_id = ? AND subject_id = ?)",
			"DELETE FROM subject_files WHERE campaign_id = ? AND subject_id = ?",
			"DELETE FROM campaign_subjects WHERE campaign_id = ? AND id = ?",
		} {
			if _, err := tx.Exec(ctx, q, id, subjectID); err != nil {
				return errs.Wrap(err, "remove subject")
			}
		}
		for _, f := range s.subjectsGone {
			if err := f(ctx, tx, id, subjectID); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.subject_remove", TargetType: "campaign", TargetID: strconv.FormatInt(id, 10),
			OrgPath: c.ownerPath, Summary: i18n.Textf("从测评 %s 中移除测评对象 %s", "removed the subject %[2]s from %[1]s", c.Name, sb.Name), Before: sb})
	})
	return sb, err
}

// DeleteDraft deletes a draft campaign with its subjects, report files and
// the codes issued for it (a draft has no ballots). Only a draft can go: an
// opened campaign's ballots and results are the record of a vote.
func (s *Service) DeleteDraft(ctx context.Context, actor access.Actor, id int64, version *int) (Campaign, error) {
	var c Campaign
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		c, err = s.lockTx(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := errs.CheckVersion(version, c.Version); err != nil {
			return err
		}
		if c.Status != StatusDraft {
			return errs.New(errs.Conflict, "只有草稿状态的测评可以删除；已开始的测评及其选票须保留", "only a draft campaign can be deleted: an opened campaign and its ballots are kept")
		}
		var subjects, tokens int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", id).Scan(&subjects); err != nil {
			return errs.Wrap(err, "count subjects")
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ?", id).Scan(&tokens); err != nil {
			return errs.Wrap(err, "count tokens")
		}
		for _, q := range []string{
			"DELETE FROM subject_file_chunks WHERE file_id IN (SELECT id FROM subject_files WHERE campaign_id = ?)",
			"DELETE FROM subject_files WHERE campaign_id = ?",
			"DELETE FROM campaign_subjects WHERE campaign_id = ?",
			"DELETE FROM ballot_tokens WHERE campaign_id = ?",
			"DELETE FROM ballot_token_counts WHERE campaign_id = ?",
			"DELETE FROM ballot_tally WHERE campaign_id = ?",
			"DELETE FROM ballot_inbox WHERE campaign_id = ?",
			"DELETE FROM ballots WHERE campaign_id = ?",
			"DELETE FROM campaigns WHERE id = ?",
		} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return errs.Wrap(err, "delete campaign")
			}
		}
		for _, f := range s.subjectsGone {
			if err := f(ctx, tx, id, 0); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.delete", TargetType: "campaign", TargetID: strconv.FormatInt(id, 10),
			OrgPath: c.ownerPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("删除测评草稿 %s（测评对象 %d 个，测评码 %d 张）", c.Name, subjects, tokens),
				EN: fmt.Sprintf("deleted the draft campaign %s (%s, %s)", c.Name, i18n.Count(subjects, "subject", "subjects"), i18n.Count(tokens, "code", "codes"))},
			Before: map[string]any{"name": c.Name, "type": c.Type, "year": c.Year, "rules": c.Rules, "subjects": subjects, "tokens": tokens}})
	})
	return c, err
}

// AddSubjectsUnder adds, in one step, every active organization of a level
// or a kind (or both) inside the subtree of under, which must lie in the
// owner's subtree: every village of a township, every branch of a
// committee. Organizations already rated are passed over; the subjects
// are added by AddSubjects, with its checks and its audit entry. It
// returns the campaign's subjects and how many were added.
func (s *Service) AddSubjectsUnder(ctx context.Context, actor access.Actor, id, under int64, level, kind string) ([]Subject, int, error) {
	c, err := s.draftCampaign(ctx, actor, id)
	if err != nil {
		return nil, 0, err
	}
	var f errs.Fields
	if under == 0 {
		f.Add("under", "请选择上级党组织", "choose the organization whose subtree is added")
	}
	if level != "" && !choiceKnown(org.Levels, level) {
		f.Add("level", "请选择列表中的层级", "choose a level from the list")
	}
	if kind != "" && !choiceKnown(org.Kinds, kind) {
		f.Add("kind", "请选择列表中的组织类别", "choose a kind from the list")
	}
	if level == "" && kind == "" {
		f.Add("level", "请选择层级或组织类别（至少一项）", "choose a level or a kind (at least one)")
	}
	if err := f.Err(); err != nil {
		return nil, 0, err
	}
	root, err := s.orgs.Get(ctx, actor, under)
	if err != nil {
		return nil, 0, err
	}
	if root.Path != c.ownerPath && !strings.HasPrefix(root.Path, c.ownerPath) {
		return nil, 0, errs.Field("under", fmt.Sprintf("“%s”不在“%s”的管辖范围内", root.Label(), c.OwnerName),
			fmt.Sprintf("%q is outside the subtree of %q", root.Label(), c.OwnerName))
	}
	rows, total, err := s.orgs.List(ctx, actor, org.ListQuery{Under: under, Level: level, Kind: kind, Limit: maxSubjectsPerCall + 1})
	if err != nil {
		return nil, 0, err
	}
	if total > maxSubjectsPerCall {
		return nil, 0, errs.Field("under", fmt.Sprintf("符合条件的党组织有 %d 个，超过一次最多 %d 个，请选择更小的范围", total, maxSubjectsPerCall),
			fmt.Sprintf("%d organizations match, more than the %d that can be added at once: choose a smaller subtree", total, maxSubjectsPerCall))
	}
	subs, err := loadSubjects(ctx, s.db, id)
	if err != nil {
		return nil, 0, err
	}
	rated := map[int64]bool{}
	for _, sb := range subs {
		if sb.OrgID != nil {
			rated[*sb.OrgID] = true
		}
	}
	var in []SubjectInput
	for _, o := range rows {
		if o.ID == root.ID || rated[o.ID] {
			continue
		}
		in = append(in, SubjectInput{Kind: SubjectOrg, OrgID: o.ID})
	}
	if len(in) == 0 {
		msg := i18n.Textf("“%s”下没有尚未添加的符合条件的党组织", "no organization under %q matches that is not a subject already", root.Label())
		if len(rows) == 0 || (len(rows) == 1 && rows[0].ID == root.ID) {
			msg = i18n.Textf("“%s”下没有符合条件的党组织", "no organization under %q matches", root.Label())
		}
		return nil, 0, &errs.Error{Kind: errs.Invalid, Field: "under", Text: msg}
	}
	out, err := s.AddSubjects(ctx, actor, id, in)
	return out, len(in), err
}

func choiceKnown(cs []org.Choice, key string) bool {
	for _, c := range cs {
		if c.Key == key {
			return true
		}
	}
	return false
}
