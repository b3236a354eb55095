package cases

import (
	"context"
	"slices"
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
	// Quotes are up to three opinions of the topic, the longest first
	// (the fullest statement of a view), each cut to 120 characters.
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

// OpinionReportOf returns the report of the opinions received in month
// ("2026-10", in Beijing time) by the subtree of orgID, as the actor sees
// them. Topics come in the order of Topics, those with no opinion left out.
func (s *Service) OpinionReportOf(ctx context.Context, actor access.Actor, orgID int64, month string) (OpinionReport, error) {
	start, err := time.ParseInLocation("2006-01", month, calendarZone)
	if err != nil {
		return OpinionReport{}, errs.Field("month", "月份格式应为 2026-10", "the month is written 2026-10")
	}
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return OpinionReport{}, err
	}
	o, err := org.Lookup(ctx, s.db, orgID)
	if err != nil || !actor.Can(access.OrgRead, o.Path) {
		return OpinionReport{}, errs.New(errs.NotFound, "组织不存在或不在您的范围内", "no such organization in your scope")
	}
	rep := OpinionReport{OrgID: o.ID, OrgName: o.Name, Month: start.Format("2006-01")}
	q := ListQuery{OrgID: orgID, Kind: KindOpinion}
	period := func(from, to time.Time) string {
		return "c.received_at >= '" + db.FormatTime(from) + "' AND c.received_at < '" + db.FormatTime(to) + "'"
	}
	end := start.AddDate(0, 1, 0)
	src, args, err := s.listSourceBy(ctx, v, q, "c.id, c.topic, c.state, c.deadline, c.body, c.region_code, c.place", "")
	if err != nil {
		return OpinionReport{}, err
	}
	now := s.now()
	byTopic := map[string]*OpinionTopic{}
	rows, err := s.db.Query(ctx, "SELECT x.id, x.topic, x.state, COALESCE(x.deadline, ''), x.body, x.region_code, x.place FROM "+src+
		" x JOIN cases c ON c.id = x.id WHERE "+period(start, end)+" ORDER BY x.id", args...)
	if err != nil {
		return OpinionReport{}, errs.Wrap(err, "opinion report")
	}
	type quote struct {
		OpinionQuote
		n int
	}
	quotes := map[string][]quote{}
	for rows.Next() {
		var id int64
		var topic, state, deadline, body, code, place string
		if err := rows.Scan(&id, &topic, &state, &deadline, &body, &code, &place); err != nil {
			rows.Close()
			return OpinionReport{}, errs.Wrap(err, "scan opinion")
		}
		t := byTopic[topic]
		if t == nil {
			t = &OpinionTopic{Topic: topic}
			byTopic[topic] = t
		}
		rep.Total++
		t.Count++
		switch {
		case state == Answered || state == Visited || state == Closed:
			t.Answered++
		case open(state):
			t.Open++
			if deadline != "" && !now.Before(db.ParseTime(deadline)) {
				t.Overdue++
			}
		}
		text := body
		if utf8.RuneCountInString(text) > quoteRunes {
			text = string([]rune(text)[:quoteRunes]) + "…"
		}
		where := s.orgs.DivisionPath(code)
		p := ""
		if len(where) > 0 {
			p = where[len(where)-1]
		}
		quotes[topic] = append(quotes[topic], quote{OpinionQuote{CaseID: id, Place: p, Text: text, State: state}, utf8.RuneCountInString(body)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return OpinionReport{}, errs.Wrap(err, "opinion report")
	}
	for _, c := range Topics {
		t := byTopic[c.Key]
		if t == nil {
			continue
		}
		qs := quotes[c.Key]
		slices.SortStableFunc(qs, func(a, b quote) int { return b.n - a.n })
		for _, q := range qs[:min(3, len(qs))] {
			t.Quotes = append(t.Quotes, q.OpinionQuote)
		}
		rep.Topics = append(rep.Topics, *t)
	}
	prev, prevArgs, err := s.listSourceBy(ctx, v, q, "c.id", "")
	if err != nil {
		return OpinionReport{}, err
	}
	err = s.db.QueryRow(ctx, "SELECT COUNT(*) FROM "+prev+" x JOIN cases c ON c.id = x.id WHERE "+period(start.AddDate(0, -1, 0), start), prevArgs...).Scan(&rep.Previous)
	return rep, errs.Wrap(err, "opinion report")
}
