package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// The work log of a first secretary (驻村日志): dated entries with what was
// done and up to MaxFirstSecPhotos photos, checked and stripped of their
// metadata (the place and time a phone writes into a photo) by the
// residents' channel's attachment check. The organization the first
// secretary serves, or its organization department, writes it; the days
// with an entry are counted by month.

// MaxFirstSecPhotos is the most photos an entry carries: as many files as
// the attachment check takes.
const MaxFirstSecPhotos = cases.MaxAttachments

// FirstSecLogInput is a log entry.
type FirstSecLogInput struct {
	LoggedOn string            `json:"logged_on"`
	Text     string            `json:"text"`
	Files    []cases.NamedFile `json:"-"`
}

// FirstSecLog is an entry of the work log.
type FirstSecLog struct {
	ID       int64           `json:"id"`
	LoggedOn string          `json:"logged_on"`
	Text     string          `json:"text"`
	Photos   []FirstSecPhoto `json:"photos"`
	At       string          `json:"at"`
	Actor    string          `json:"actor"`
}

// FirstSecPhoto is a photo of an entry.
type FirstSecPhoto struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int    `json:"size"`
}

// FirstSecMonth is a month of a term with the days it has an entry for
// and its entries.
type FirstSecMonth struct {
	Month   string `json:"month"` // YYYY-MM
	Days    int    `json:"days"`
	Entries int    `json:"entries"`
}

// FirstSecLogQuery pages the entries of a term, of one month or all.
type FirstSecLogQuery struct {
	Month  string // YYYY-MM, empty for all
	Limit  int
	Offset int
}

// FirstSecLogList is a page of a term's entries, newest first, with the
// total under the filter and every month of the term so far.
type FirstSecLogList struct {
	Items  []FirstSecLog   `json:"items"`
	Total  int             `json:"total"`
	Months []FirstSecMonth `json:"months"`
}

// fsPhotoField is the form field and JSON key photo errors name.
const fsPhotoField = "attachments"

// AddFirstSecLog writes an entry of a term's work log: by the organization
// or its department, dated within the term and not after today, with a
// text and at most MaxFirstSecPhotos JPG or PNG photos. Nothing is stored
// when anything is refused.
func (s *Service) AddFirstSecLog(ctx context.Context, actor access.Actor, id int64, in FirstSecLogInput) (FirstSecLog, error) {
	var out FirstSecLog
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var t FirstSec
		err := scanFirstSec(tx.QueryRow(ctx, "SELECT "+fsCols+fsFrom+" WHERE t.id = ? AND "+fsDone+tx.Lock(db.ForUpdate, "t"), id), &t, s.today())
		if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(ProgramsRead, t.path) {
			return firstSecNotFound(id)
		}
		if err != nil {
			return errs.Wrap(err, "first secretary")
		}
		if !CanLogFirstSec(actor, t) {
			return errs.New(errs.Forbidden, fmt.Sprintf("您没有记录%s驻村日志的权限：由%s或组织部门记录", t.PersonName, t.OrgName),
				fmt.Sprintf("you may not write the work log of %s: %s or the organization department does", t.PersonName, t.OrgName))
		}
		if !t.active {
			return errs.New(errs.Conflict, fmt.Sprintf("“%s”已撤销，不能再记录驻村日志", t.OrgName), fmt.Sprintf("%s is dissolved: no log entry can be written", t.OrgName))
		}
		var f errs.Fields
		today := s.today().Format(dateLayout)
		last := min(t.lastDay(), today)
		on := ""
		if d, ok := fsDate(in.LoggedOn, "logged_on", "日志日期", "date of the entry", &f); ok {
			on = d.Format(dateLayout)
			if on < t.StartedOn || on > last {
				f.Add("logged_on", fmt.Sprintf("日志日期应在任期内（%s 至 %s）且不晚于今天", t.StartedOn, last),
					fmt.Sprintf("the entry must be dated within the term (%s to %s) and not after today", t.StartedOn, last))
			}
		}
		text := strings.TrimSpace(in.Text)
		if text == "" {
			f.Add("text", "请填写日志内容：当天做了什么、走访了哪些群众、解决了什么问题", "write what was done that day: whom the first secretary met and what was solved")
		} else {
			text = contactText("text", text, 4, 2000, "日志内容", "entry", &f)
		}
		photos, ferr := cases.CheckAttachments(in.Files)
		switch {
		case ferr != nil:
			e := errs.As(ferr)
			if e.Kind == errs.TooLarge && len(f) == 0 {
				return &errs.Error{Kind: e.Kind, Field: fsPhotoField, Text: e.Text}
			}
			f.Add(fsPhotoField, e.ZH, e.EN)
		default:
			for _, a := range photos {
				if a.MIME != "image/jpeg" && a.MIME != "image/png" {
					f.Add(fsPhotoField, fmt.Sprintf("文件 %s 不是照片：驻村日志只接受 JPG 或 PNG 图片", a.Name), fmt.Sprintf("%q is not a photo: the work log takes JPG or PNG images", a.Name))
					break
				}
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		// The same entry sent twice (a second click, a form sent again after
		// a slow answer) would count the day's work twice in the review.
		var dup int64
		err = tx.QueryRow(ctx, "SELECT id FROM fsec_logs WHERE term_id = ? AND logged_on = ? AND text = ? LIMIT 1", t.ID, on, text).Scan(&dup)
		if err == nil {
			return &errs.Error{Kind: errs.Conflict, Field: "text", Text: i18n.Textf("%[1]s %[2]s 已有内容相同的驻村日志，请勿重复提交", "%[1]s has an entry with the same text on %[2]s already: it is not written twice", t.PersonName, on)}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "same entry")
		}
		now := db.FormatTime(tx.Now())
		out = FirstSecLog{LoggedOn: on, Text: text, At: now, Actor: actor.Username, Photos: []FirstSecPhoto{}}
		if err := tx.QueryRow(ctx, "INSERT INTO fsec_logs (term_id, logged_on, text, at, actor_name) VALUES (?, ?, ?, ?, ?) RETURNING id",
			t.ID, on, text, now, actor.Username).Scan(&out.ID); err != nil {
			return errs.Wrap(err, "insert log entry")
		}
		for _, a := range photos {
			ph := FirstSecPhoto{Name: a.Name, MIME: a.MIME, Size: len(a.Data)}
			if err := tx.QueryRow(ctx, "INSERT INTO fsec_photos (term_id, log_id, name, mime, size, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				t.ID, out.ID, a.Name, a.MIME, len(a.Data), a.Data).Scan(&ph.ID); err != nil {
				return errs.Wrap(err, "store photo")
			}
			out.Photos = append(out.Photos, ph)
		}
		var days int
		if err := tx.QueryRow(ctx, "SELECT COUNT(DISTINCT logged_on) FROM fsec_logs WHERE term_id = ?", t.ID).Scan(&days); err != nil {
			return errs.Wrap(err, "log days")
		}
		if _, err := tx.Exec(ctx, "UPDATE fsec_terms SET log_days = ?, last_log_on = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			days, max(t.LastLogOn, on), now, t.ID); err != nil {
			return errs.Wrap(err, "count log days")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "firstsec.log", TargetType: "first_secretary", TargetID: strconv.FormatInt(t.ID, 10), OrgPath: t.path,
			Summary: i18n.Textf("记录%s %s 的驻村日志（照片 %d 张）", "wrote the work log of %s for %s (%d photos)", t.PersonName, on, len(photos)),
			Before:  map[string]any{"log_days": t.LogDays}, After: map[string]any{"log_id": out.ID, "logged_on": on, "photos": len(photos), "log_days": days}})
	})
	if err != nil {
		return FirstSecLog{}, err
	}
	return out, nil
}

// FirstSecLogs returns a page of a term's entries, newest first, with their
// photos, and the days with an entry in every month of the term up to its
// last day or today.
func (s *Service) FirstSecLogs(ctx context.Context, actor access.Actor, id int64, q FirstSecLogQuery) (FirstSecLogList, error) {
	t, err := s.firstSec(ctx, actor, id)
	if err != nil {
		return FirstSecLogList{}, err
	}
	where, args := "term_id = ?", []any{t.ID}
	if q.Month != "" {
		if _, err := time.Parse("2006-01", q.Month); err != nil {
			return FirstSecLogList{}, errs.Field("month", "月份格式应为 2026-07", "the month must read like 2026-07")
		}
		where += " AND logged_on >= ? AND logged_on <= ?"
		args = append(args, q.Month+"-01", q.Month+"-31")
	}
	out := FirstSecLogList{Items: []FirstSecLog{}, Months: []FirstSecMonth{}}
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM fsec_logs WHERE "+where, args...).Scan(&out.Total); err != nil {
		return FirstSecLogList{}, errs.Wrap(err, "log entries")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = out.Total + 1
	}
	rows, err := s.db.Query(ctx, "SELECT id, logged_on, text, at, actor_name FROM fsec_logs WHERE "+where+" ORDER BY logged_on DESC, id DESC LIMIT ? OFFSET ?",
		append(args, limit, q.Offset)...)
	if err != nil {
		return FirstSecLogList{}, errs.Wrap(err, "log entries")
	}
	byID := map[int64]int{}
	for rows.Next() {
		l := FirstSecLog{Photos: []FirstSecPhoto{}}
		if err := rows.Scan(&l.ID, &l.LoggedOn, &l.Text, &l.At, &l.Actor); err != nil {
			rows.Close()
			return FirstSecLogList{}, errs.Wrap(err, "scan log entry")
		}
		byID[l.ID] = len(out.Items)
		out.Items = append(out.Items, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return FirstSecLogList{}, errs.Wrap(err, "log entries")
	}
	if len(out.Items) > 0 {
		ids := make([]any, 0, len(out.Items))
		for _, l := range out.Items {
			ids = append(ids, l.ID)
		}
		rows, err := s.db.Query(ctx, "SELECT id, log_id, name, mime, size FROM fsec_photos WHERE log_id IN ("+db.Marks(len(ids))+") ORDER BY id", ids...)
		if err != nil {
			return FirstSecLogList{}, errs.Wrap(err, "photos")
		}
		for rows.Next() {
			var ph FirstSecPhoto
			var logID int64
			if err := rows.Scan(&ph.ID, &logID, &ph.Name, &ph.MIME, &ph.Size); err != nil {
				rows.Close()
				return FirstSecLogList{}, errs.Wrap(err, "scan photo")
			}
			i := byID[logID]
			out.Items[i].Photos = append(out.Items[i].Photos, ph)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return FirstSecLogList{}, errs.Wrap(err, "photos")
		}
	}
	out.Months, err = s.firstSecMonths(ctx, t)
	return out, err
}

// firstSecMonths counts a term's days with an entry and its entries in
// each month from its start to its last day or today, the latest first.
func (s *Service) firstSecMonths(ctx context.Context, t FirstSec) ([]FirstSecMonth, error) {
	rows, err := s.db.Query(ctx, "SELECT SUBSTR(logged_on, 1, 7), COUNT(DISTINCT logged_on), COUNT(*) FROM fsec_logs WHERE term_id = ? GROUP BY SUBSTR(logged_on, 1, 7)", t.ID)
	if err != nil {
		return nil, errs.Wrap(err, "log months")
	}
	defer rows.Close()
	got := map[string]FirstSecMonth{}
	for rows.Next() {
		var m FirstSecMonth
		if err := rows.Scan(&m.Month, &m.Days, &m.Entries); err != nil {
			return nil, errs.Wrap(err, "scan log month")
		}
		got[m.Month] = m
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "log months")
	}
	out := []FirstSecMonth{}
	first := t.StartedOn[:7]
	last := min(t.lastDay(), s.today().Format(dateLayout))[:7]
	m, _ := time.Parse("2006-01", last)
	for key := last; key >= first; key = m.Format("2006-01") {
		g, ok := got[key]
		if !ok {
			g = FirstSecMonth{Month: key}
		}
		out = append(out, g)
		m = m.AddDate(0, -1, 0)
	}
	return out, nil
}

// FirstSecPhotoData is a photo with its bytes.
type FirstSecPhotoData struct {
	FirstSecPhoto
	Data []byte
}

// FirstSecPhotoFile returns a photo of a term's work log for a reader of
// the term.
func (s *Service) FirstSecPhotoFile(ctx context.Context, actor access.Actor, id, photoID int64) (FirstSecPhotoData, error) {
	t, err := s.firstSec(ctx, actor, id)
	if err != nil {
		return FirstSecPhotoData{}, err
	}
	var p FirstSecPhotoData
	err = s.db.QueryRow(ctx, "SELECT id, name, mime, size, data FROM fsec_photos WHERE id = ? AND term_id = ?", photoID, t.ID).Scan(&p.ID, &p.Name, &p.MIME, &p.Size, &p.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return FirstSecPhotoData{}, errs.New(errs.NotFound, "照片不存在", "no such photo")
	}
	return p, errs.Wrap(err, "photo")
}
