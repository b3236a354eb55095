package cases

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// Purge deletes the identities of reporters whose cases closed longer ago
// than their retention (VaultRetentionDays, set at closure; a reopened case
// keeps its identity), with the sealed addresses notifications went to,
// and scrubs what the deleted rows leave in the database files (SQLite
// zeroes deleted content and its log is truncated; PostgreSQL vacuums the
// tables). It returns how many identities it deleted.
func (s *Service) Purge(ctx context.Context) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.FormatTime(s.now())
		if _, err := tx.Exec(ctx, `UPDATE outbox SET address = NULL WHERE address IS NOT NULL AND sent_at IS NOT NULL
			AND case_id IN (SELECT case_id FROM case_vault WHERE purge_after IS NOT NULL AND purge_after <= ?)`, now); err != nil {
			return errs.Wrap(err, "purge addresses")
		}
		res, err := tx.Exec(ctx, "DELETE FROM case_vault WHERE purge_after IS NOT NULL AND purge_after <= ?", now)
		if err != nil {
			return errs.Wrap(err, "purge vault")
		}
		m, _ := res.RowsAffected()
		n = int(m)
		if n == 0 {
			return nil
		}
		return audit.Write(ctx, tx, access.SystemActor("retention"), audit.Entry{Action: "cases.purge", TargetType: "vault",
			Summary: i18n.Textf("按保存期限删除了 %d 位反映人的身份信息", "deleted the identities of %d reporters at the end of their retention", n)})
	})
	if err != nil || n == 0 {
		return n, err
	}
	return n, s.db.Scrub(ctx, "case_vault", "outbox")
}
