// Package imports holds the import sessions of every module: an upload is
// read and validated by its module into a session with its per-row
// problems, stored for SessionTTL, and applied once, all rows or none, by
// the one flow of Apply. A module supplies only what is its own, as a Kind:
// how its rows are written inside the apply transaction and the audit entry
// that records them.
package imports

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// Problem is one bad row of an import; Row is the spreadsheet row (the
// header is row 1) and the messages already start with "第N行：".
type Problem struct {
	Row int    `json:"row"`
	ZH  string `json:"message"`
	EN  string `json:"message_en"`
}

// SessionTTL is how long an upload stays applicable. Sessions hold credit
// codes and legal representatives' names from every file uploaded, valid or
// not, so they are kept no longer than an operator needs to check and apply
// one: after that the session is refused, and deleted on the next upload.
const SessionTTL = 24 * time.Hour

// Session is the stored part of an import session that every kind of
// import shares; the validated rows travel as the kind's own payload.
type Session struct {
	ID       string
	FileName string
	Status   string // ready, invalid, applied
	Total    int
	Problems []Problem
}

// Save stores a validated upload of total data rows as an import session
// of kind for the user, with payload (what the kind's Write needs to apply
// it), created at now, and returns it. A file without data rows is refused; a session with
// problems is stored as invalid and can never be applied.
func Save(ctx context.Context, d *db.DB, now time.Time, userID int64, kind, fileName string, total int, payload any, problems []Problem) (Session, error) {
	if total == 0 {
		return Session{FileName: fileName}, NoDataRows()
	}
	s := Session{FileName: fileName, Status: "ready", Total: total, Problems: problems}
	if len(problems) > 0 {
		s.Status = "invalid"
	}
	if s.Problems == nil {
		s.Problems = []Problem{}
	}
	// The id keeps the shape pages and API clients have always seen: 24
	// hex digits. crypto/rand.Read does not fail.
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	s.ID = hex.EncodeToString(b)
	p, err := json.Marshal(payload)
	if err != nil {
		return s, errs.Wrap(err, "encode import")
	}
	pr, err := json.Marshal(s.Problems)
	if err != nil {
		return s, errs.Wrap(err, "encode problems")
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := Purge(ctx, tx, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO import_sessions (id, user_id, kind, file_name, status, total_rows, payload, problems, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, userID, kind, fileName, s.Status, total, string(p), string(pr), db.FormatTime(now))
		return errs.Wrap(err, "save import")
	})
	return s, err
}

// Load reads an import session of kind that belongs to the user and
// decodes its payload into payload. A session of another kind or of
// another user is not found; at now, one older than SessionTTL has
// expired.
func Load(ctx context.Context, d *db.DB, now time.Time, userID int64, kind, id string, payload any) (Session, error) {
	var s Session
	var p, pr, created string
	err := d.QueryRow(ctx, "SELECT id, file_name, status, total_rows, payload, problems, created_at FROM import_sessions WHERE id = ? AND user_id = ? AND kind = ?", id, userID, kind).
		Scan(&s.ID, &s.FileName, &s.Status, &s.Total, &p, &pr, &created)
	if err == sql.ErrNoRows {
		return s, NotFound()
	}
	if err != nil {
		return s, errs.Wrap(err, "load import")
	}
	if created < cutoff(now) {
		return Session{}, errExpired()
	}
	if err := json.Unmarshal([]byte(p), payload); err != nil {
		return s, errs.Wrap(err, "decode import")
	}
	if err := json.Unmarshal([]byte(pr), &s.Problems); err != nil {
		return s, errs.Wrap(err, "decode problems")
	}
	if s.Problems == nil {
		s.Problems = []Problem{}
	}
	return s, nil
}

// Applicable says why a session cannot be applied, or nil.
func (s Session) Applicable() error {
	switch s.Status {
	case "applied":
		return errAppliedAlready()
	case "invalid":
		return errs.Newf(errs.Invalid, "文件有 %d 行错误，请修改后重新上传，未导入任何数据", "the file has %d bad rows: fix them and upload again; nothing was imported", len(s.Problems))
	}
	return nil
}

// claim marks a ready session applied inside the transaction that applies
// it. Claiming first makes a concurrent second apply wait for this
// transaction and then find nothing to claim.
func claim(ctx context.Context, tx *db.Tx, userID int64, kind, id string) error {
	res, err := tx.Exec(ctx, "UPDATE import_sessions SET status = 'applied' WHERE id = ? AND user_id = ? AND kind = ? AND status = 'ready'", id, userID, kind)
	if err != nil {
		return errs.Wrap(err, "claim import")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		// Gone meanwhile: purged by an upload once it had expired.
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM import_sessions WHERE id = ? AND user_id = ? AND kind = ?", id, userID, kind).Scan(&one); err == sql.ErrNoRows {
			return errExpired()
		}
		return errAppliedAlready()
	}
	return nil
}

// Purge deletes every session older than SessionTTL at now, applied or
// not, and returns how many it deleted.
func Purge(ctx context.Context, tx *db.Tx, now time.Time) (int64, error) {
	res, err := tx.Exec(ctx, "DELETE FROM import_sessions WHERE created_at < ?", cutoff(now))
	if err != nil {
		return 0, errs.Wrap(err, "purge imports")
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// cutoff is the oldest creation time of a session still valid at now; the
// stored timestamps are fixed-width UTC text, so text order is time order.
func cutoff(now time.Time) string { return db.FormatTime(now.Add(-SessionTTL)) }

// NotFound is the refusal of a session that does not exist, is not the
// caller's, or belongs elsewhere.
func NotFound() error {
	return errs.New(errs.NotFound, "导入批次不存在或已过期", "import session not found")
}

func errExpired() error {
	return errs.New(errs.Conflict, "导入批次已过期（上传超过 24 小时），请重新上传文件", "this import has expired (uploaded more than 24 hours ago): upload the file again")
}

func errAppliedAlready() error {
	return errs.New(errs.Conflict, "该导入批次已经导入过了", "this import was already applied")
}

// NoDataRows is the error of a file whose rows are all blank.
func NoDataRows() error {
	return errs.New(errs.Invalid, "文件中没有数据行", "the file has no data rows")
}
