package imports

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// Kind is one module's kind of import, whose sessions store a payload of
// type P. The module validates uploads itself and stores them with Save;
// Apply then runs the same steps for every kind, calling these hooks.
type Kind[P any] struct {
	// Name is the kind stored with each session; a session is found only
	// under its own kind.
	Name string
	// Now is the module's clock: sessions expire SessionTTL after upload.
	Now func() time.Time
	// Allowed reports, as an error, whether the actor may import this kind
	// at all. It runs before the session is read: without the right,
	// whether the session exists is none of the caller's business. Nil
	// when the right depends on the session's content (see Check).
	Allowed func(ctx context.Context, actor access.Actor) error
	// Check, when set, checks a ready session before the transaction
	// starts, such as the right to change what the payload names.
	Check func(ctx context.Context, actor access.Actor, s Session, p P) error
	// InTx, when set, runs the apply transaction in place of db.DB.InTx,
	// for kinds that need locks taken first.
	InTx func(ctx context.Context, fn func(tx *db.Tx) error) error
	// Write writes the rows of the claimed session inside the apply
	// transaction, checking them again against the data as it is now. It
	// returns how many records it created and the audit entry of the
	// import; an error rolls everything back, so a rejected import
	// changes nothing.
	Write func(ctx context.Context, tx *db.Tx, actor access.Actor, s Session, p P) (int, audit.Entry, error)
	// After, when set, runs once the transaction has committed, with the
	// number of records created.
	After func(ctx context.Context, n int)
}

// Apply applies the user's session id of kind k in one transaction: the
// permission, then the session (found, not expired, ready), then k.Check;
// inside the transaction the session is claimed, k.Write writes the rows
// and the audit entry is written. It returns the session, marked applied,
// its payload and the number of records created.
func Apply[P any](ctx context.Context, d *db.DB, k Kind[P], actor access.Actor, userID int64, id string) (Session, P, int, error) {
	var p P
	if k.Allowed != nil {
		if err := k.Allowed(ctx, actor); err != nil {
			return Session{}, p, 0, err
		}
	}
	s, err := Load(ctx, d, k.Now(), userID, k.Name, id, &p)
	if err != nil {
		return s, p, 0, err
	}
	if err := s.Applicable(); err != nil {
		return s, p, 0, err
	}
	if k.Check != nil {
		if err := k.Check(ctx, actor, s, p); err != nil {
			return s, p, 0, err
		}
	}
	inTx := d.InTx
	if k.InTx != nil {
		inTx = k.InTx
	}
	var n int
	// Across a failover the import is applied again unless the new primary
	// has it already: the session, claimed in the same transaction, then
	// reads as applied.
	appliedMeanwhile := false
	err = d.RetryLost(ctx, []int{0}, func(ctx context.Context, _ []int) error {
		return inTx(ctx, func(tx *db.Tx) error {
			if err := claim(ctx, tx, userID, k.Name, id); err != nil {
				return err
			}
			var e audit.Entry
			var err error
			if n, e, err = k.Write(ctx, tx, actor, s, p); err != nil {
				return err
			}
			return audit.Write(ctx, tx, actor, e)
		})
	}, func(ctx context.Context, pending []int) ([]int, error) {
		var status string
		err := d.WriteQueryRow(ctx, "SELECT status FROM import_sessions WHERE id = ? AND user_id = ? AND kind = ?", id, userID, k.Name).Scan(&status)
		if err != nil && err != sql.ErrNoRows {
			return nil, err
		}
		if appliedMeanwhile = status == "applied"; appliedMeanwhile {
			return nil, nil
		}
		return pending, nil
	})
	if err == nil && appliedMeanwhile {
		if k.After != nil {
			k.After(ctx, 0) // the rows are there: caches must see them
		}
		err = errs.New(errs.Conflict, "数据库切换主库时此导入已经提交，请在列表中核对导入的数据，不要再次导入",
			"this import was committed while the database switched to a new primary: check the imported records in the list and do not import it again")
	}
	if err != nil {
		return s, p, 0, err
	}
	if k.After != nil {
		k.After(ctx, n)
	}
	s.Status = "applied"
	return s, p, n, nil
}

// NothingImported adds to a refusal met while applying that nothing was
// imported, so that the user knows the file was not half applied. Internal
// errors are left as they are: their text is never shown.
func NothingImported(err error) error {
	e := errs.As(err)
	if e.Kind == errs.Internal {
		return err
	}
	return &errs.Error{Kind: e.Kind, Text: i18n.Text{ZH: e.ZH + "（未导入任何数据）", EN: e.EN + " (nothing was imported)"}, Err: err}
}

// Applier is one kind of import as POST /api/v1/imports/{id}/apply sees
// it: the endpoint is given a session id only, and finds its kind.
type Applier struct {
	find  func(ctx context.Context, userID int64, id string) error
	apply func(ctx context.Context, actor access.Actor, userID int64, id string) (int, error)
}

// NewApplier is the Applier of kind k, whose sessions are stored in d.
func NewApplier[P any](d *db.DB, k Kind[P]) Applier {
	return Applier{
		find: func(ctx context.Context, userID int64, id string) error {
			// The payload is left undecoded: Apply reads it again.
			var skip json.RawMessage
			_, err := Load(ctx, d, k.Now(), userID, k.Name, id, &skip)
			return err
		},
		apply: func(ctx context.Context, actor access.Actor, userID int64, id string) (int, error) {
			_, _, n, err := Apply(ctx, d, k, actor, userID, id)
			return n, err
		},
	}
}

// ApplyAny applies the user's session id, whatever its kind among kinds,
// and returns the number of records created. The kind of the session picks
// the import: each kind checks its permission before it looks for the
// session, so trying them in turn would answer "forbidden" for another
// kind's session.
func ApplyAny(ctx context.Context, actor access.Actor, userID int64, id string, kinds ...Applier) (int, error) {
	err := NotFound()
	for _, k := range kinds {
		if err = k.find(ctx, userID, id); err == nil {
			return k.apply(ctx, actor, userID, id)
		}
		if !errs.Is(err, errs.NotFound) {
			return 0, err
		}
	}
	return 0, err
}
