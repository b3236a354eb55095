package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// The opinions' monthly report (反馈者): what residents of a township or a
// county said about policy in a month, by topic, with representative
// quotes and how far each was handled, for the organization to carry
// upward.

// OpinionTopic is one topic of a monthly report.
type OpinionTopic struct {
	Topic    string `json:"topic"`
	Count    int    `json:"count"`
	Answered int    `json:"answered"` // answered, visited or closed
	Open     int    `json:"open"`
	Overdue  int    `json:"overdue"`
	// Quotes are up to three opinions of the topic with different words,
	// the longest first (the fullest statement of a view), each cut to 120
	// characters.
	Quotes []OpinionQuote `json:"quotes"`
}

// OpinionQuote is an opinion quoted in a report, with its case.
type OpinionQuote struct {
	CaseID int64  `json:"case_id"`
	Place  string `json:"place"`
	Text   string `json:"text"`
	State  string `json:"state"`
}

// OpinionReport is a month's report of an organization's subtree.
type OpinionReport struct {
	OrgID   int64          `json:"org_id"`
	OrgName string         `json:"org_name"`
	Month   string         `json:"month"` // 2026-10
	Total   int            `json:"total"`
	Topics  []OpinionTopic `json:"topics"`
	// Previous is the month before's total, for the change.
	Previous int `json:"previous"`
}

// quoteRunes is the length quotes are cut to.
const quoteRunes = 120

// opinionRow is an opinion of a month as the report reads it.
type opinionRow struct {
	OpinionQuote
	topic    string
	deadline string
	runes    int // the length of the whole text
}

// opinionMonth reads month ("2026-10", in Beijing time) into its first
// instant.
func opinionMonth(month string) (time.Time, error) {
	start, err := time.ParseInLocation("2006-01", month, calendarZone)
	if err != nil {
		return time.Time{}, errs.Field("month", "月份格式应为 2026-10", "the month is written 2026-10")
	}
	return start, nil
}

// opinionScope checks the organization of a report: one the actor reads,
// else not found.
func (s *Service) opinionScope(ctx context.Context, actor access.Actor, orgID int64) (org.Ref, error) {
	if orgID <= 0 {
		return org.Ref{}, errs.Field("org_id", "请选择报告的组织", "choose the organization of the report")
	}
	o, err := org.Lookup(ctx, s.db, orgID)
	if err != nil || !actor.Can(access.OrgRead, o.Path) {
		return org.Ref{}, errs.New(errs.NotFound, "组织不存在或不在您的范围内", "no such organization in your scope")
	}
	return o, nil
}

// opinionReader refuses an actor who reads residents' cases nowhere.
func opinionReader(actor access.Actor) error {
	if !actor.CanAnywhere(CasesRead) {
		return errs.New(errs.Forbidden, "您没有查看群众诉求的权限", "you may not read residents' cases")
	}
	return nil
}

// opinionPeriod is the condition on c.received_at of [from, to).
func opinionPeriod(from, to time.Time) string {
	return "c.received_at >= '" + db.FormatTime(from) + "' AND c.received_at < '" + db.FormatTime(to) + "'"
}

// opinionRows reads the opinions received from start for a month by the
// subtree of orgID that v sees, through the list's source (so that what
// the report counts is what the case list shows), in the order received.
func (s *Service) opinionRows(ctx context.Context, v viewer, orgID int64, start time.Time) ([]opinionRow, error) {
	q := ListQuery{OrgID: orgID, Kind: KindOpinion}
	src, args, err := s.listSourceBy(ctx, v, q, "c.id, c.topic, c.state, c.deadline, c.body, c.region_code, c.place", "")
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT x.id, x.topic, x.state, COALESCE(x.deadline, ''), x.body, x.region_code, x.place FROM "+src+
		" x JOIN cases c ON c.id = x.id WHERE "+opinionPeriod(start, start.AddDate(0, 1, 0))+" ORDER BY x.id", args...)
	if err != nil {
		return nil, errs.Wrap(err, "opinion report")
	}
	defer rows.Close()
	var out []opinionRow
	for rows.Next() {
		var r opinionRow
		var body, code, place string
		if err := rows.Scan(&r.CaseID, &r.topic, &r.State, &r.deadline, &body, &code, &place); err != nil {
			return nil, errs.Wrap(err, "scan opinion")
		}
		r.runes = utf8.RuneCountInString(body)
		r.Text = body
		if r.runes > quoteRunes {
			r.Text = string([]rune(body)[:quoteRunes]) + "…"
		}
		if where := s.orgs.DivisionPath(code); len(where) > 0 {
			r.Place = where[len(where)-1]
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "opinion report")
}

// OpinionReportOf returns the report of the opinions received in month
// ("2026-10", in Beijing time) by the subtree of orgID, as the actor sees
// them. Topics come in the order of Topics, those with no opinion left out.
func (s *Service) OpinionReportOf(ctx context.Context, actor access.Actor, orgID int64, month string) (OpinionReport, error) {
	if err := opinionReader(actor); err != nil {
		return OpinionReport{}, err
	}
	start, err := opinionMonth(month)
	if err != nil {
		return OpinionReport{}, err
	}
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return OpinionReport{}, err
	}
	o, err := s.opinionScope(ctx, actor, orgID)
	if err != nil {
		return OpinionReport{}, err
	}
	rep := OpinionReport{OrgID: o.ID, OrgName: o.Name, Month: start.Format("2006-01")}
	rows, err := s.opinionRows(ctx, v, orgID, start)
	if err != nil {
		return OpinionReport{}, err
	}
	now := s.now()
	byTopic := map[string]*OpinionTopic{}
	quotes := map[string][]opinionRow{}
	for _, r := range rows {
		t := byTopic[r.topic]
		if t == nil {
			t = &OpinionTopic{Topic: r.topic}
			byTopic[r.topic] = t
		}
		rep.Total++
		t.Count++
		switch {
		case r.State == Answered || r.State == Visited || r.State == Closed:
			t.Answered++
		case open(r.State):
			t.Open++
			if r.deadline != "" && !now.Before(db.ParseTime(r.deadline)) {
				t.Overdue++
			}
		}
		quotes[r.topic] = append(quotes[r.topic], r)
	}
	for _, c := range Topics {
		t := byTopic[c.Key]
		if t == nil {
			continue
		}
		qs := quotes[c.Key]
		slices.SortStableFunc(qs, func(a, b opinionRow) int { return b.runes - a.runes })
		// Three different statements: residents often send the same words,
		// which quoted twice would say less, not more.
		for _, q := range qs {
			if len(t.Quotes) == 3 {
				break
			}
			if !slices.ContainsFunc(t.Quotes, func(o OpinionQuote) bool { return o.Text == q.Text }) {
				t.Quotes = append(t.Quotes, q.OpinionQuote)
			}
		}
		rep.Topics = append(rep.Topics, *t)
	}
	prev, prevArgs, err := s.listSourceBy(ctx, v, ListQuery{OrgID: orgID, Kind: KindOpinion}, "c.id", "")
	if err != nil {
		return OpinionReport{}, err
	}
	err = s.db.QueryRow(ctx, "SELECT COUNT(*) FROM "+prev+" x JOIN cases c ON c.id = x.id WHERE "+opinionPeriod(start.AddDate(0, -1, 0), start), prevArgs...).Scan(&rep.Previous)
	return rep, errs.Wrap(err, "opinion report")
}

// OpinionCase is an opinion of a topic and month, offered for one answer
// to many.
type OpinionCase struct {
	OpinionQuote
	// Answerable: the case is being handled (办理中), the one state an
	// answer may follow.
	Answerable bool `json:"answerable"`
}

// OpinionsOf lists every opinion of topic received in month by the
// subtree of orgID that the actor sees, in the order received: those a
// handler may answer together when one answer serves them all.
func (s *Service) OpinionsOf(ctx context.Context, actor access.Actor, orgID int64, month, topic string) ([]OpinionCase, error) {
	if err := opinionReader(actor); err != nil {
		return nil, err
	}
	start, err := opinionMonth(month)
	if err != nil {
		return nil, err
	}
	if !validChoice(Topics, topic) {
		return nil, errs.Field("topic", "请选择政策领域", "choose a policy area")
	}
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	if _, err := s.opinionScope(ctx, actor, orgID); err != nil {
		return nil, err
	}
	rows, err := s.opinionRows(ctx, v, orgID, start)
	if err != nil {
		return nil, err
	}
	var out []OpinionCase
	for _, r := range rows {
		if r.topic == topic {
			out = append(out, OpinionCase{OpinionQuote: r.OpinionQuote, Answerable: slices.Contains(workflow[StepAnswer].from, r.State)})
		}
	}
	return out, nil
}

// OpinionAnswered is what one answer to many did to one case: nil, or why
// the case was left as it was.
type OpinionAnswered struct {
	CaseID int64
	Err    error
}

// maxJointAnswer bounds the cases of one answer to many.
const maxJointAnswer = 200

// AnswerOpinions gives the same answer to each of the opinions ids, as if
// a handler had answered each in turn: every case gets its own answer
// event, seen by its reporter, its own notice to the reporter and its own
// audit entry, in its own transaction, so that a case that may not be
// answered (not an opinion, not seen, not the actor's to handle, not being
// handled) is left as it was with its reason while the others are
// answered. A text that would fail every case is refused once, before any.
func (s *Service) AnswerOpinions(ctx context.Context, actor access.Actor, ids []int64, text string) ([]OpinionAnswered, error) {
	if !actor.CanAnywhere(CasesHandle) {
		return nil, errs.New(errs.Forbidden, "您没有办理群众诉求的权限", "you may not handle residents' cases")
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if err := needText(text, "请填写答复内容，反映人会看到", "write the answer: the reporter will see it"); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errs.Field("ids", "请选择要答复的意见建议", "choose the opinions to answer")
	}
	if len(ids) > maxJointAnswer {
		return nil, errs.Field("ids", fmt.Sprintf("一次最多答复 %d 件", maxJointAnswer), fmt.Sprintf("answer at most %d at once", maxJointAnswer))
	}
	out := make([]OpinionAnswered, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, _, err := s.Get(ctx, actor, id)
		if err == nil && c.Kind != KindOpinion {
			err = errs.New(errs.Conflict, "不是政策意见建议，请在案件页单独答复", "not a policy opinion: answer it on its own page")
		}
		if err == nil {
			_, err = s.Take(ctx, actor, id, StepInput{Step: StepAnswer, Text: text, Version: c.Version})
		}
		if err != nil && errs.As(err).Kind == errs.Internal {
			return out, err
		}
		out = append(out, OpinionAnswered{CaseID: id, Err: err})
	}
	return out, nil
}
