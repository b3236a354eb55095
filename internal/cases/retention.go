package cases

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// MaxRetentionDays bounds the retention of a kind: ten years.
const MaxRetentionDays = 3650

// ParseRetention reads the days a reporter's identity is kept after its
// case closes, by kind, written as "integrity=365,mediation=180,opinion=90";
// the kinds it leaves out keep VaultRetentionDays. Its errors quote the
// part at fault.
func ParseRetention(s string) (map[string]int, error) {
	out := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, days, ok := strings.Cut(part, "=")
		kind, days = strings.TrimSpace(kind), strings.TrimSpace(days)
		if !ok || kind == "" || days == "" {
			return nil, errs.Newf(errs.Invalid, "%q 无效：应为 类别=天数，以逗号分隔，例如 integrity=365,opinion=90",
				"%q is not valid: write kind=days, separated by commas, e.g. integrity=365,opinion=90", part)
		}
		if _, known := out[kind]; known {
			return nil, errs.Newf(errs.Invalid, "%q 无效：类别 %s 重复", "%q is not valid: the kind %s is given twice", part, kind)
		}
		n, err := strconv.Atoi(days)
		if err != nil {
			n = -1
		}
		out[kind] = n
		if err := checkRetention(kind, n); err != nil {
			return nil, errs.Newf(errs.Invalid, "%[1]q 无效：%[2]s", "%[1]q is not valid: %[3]s", part, err.ZH, err.EN)
		}
	}
	return out, nil
}

// checkRetention checks the days of one kind.
func checkRetention(kind string, days int) *errs.Error {
	if !slices.ContainsFunc(Kinds, func(c org.Choice) bool { return c.Key == kind }) {
		keys := make([]string, len(Kinds))
		for i, k := range Kinds {
			keys[i] = k.Key
		}
		return errs.Newf(errs.Invalid, "案件类别应为 %[1]s 之一", "the kind must be one of %[2]s", strings.Join(keys, "、"), strings.Join(keys, ", "))
	}
	if days < 1 || days > MaxRetentionDays {
		return errs.Newf(errs.Invalid, "保存天数应为 1 至 %d 之间的整数", "the days must be a whole number from 1 to %d", MaxRetentionDays)
	}
	return nil
}

// SetRetention sets the days a reporter's identity is kept after its case
// closes, by kind (see ParseRetention); a kind days leaves out keeps
// VaultRetentionDays. It applies to the cases closed from then on: a
// closed case keeps the date it was given. Call it before the service
// serves.
func (s *Service) SetRetention(days map[string]int) error {
	out := make(map[string]int, len(days))
	for kind, n := range days {
		if err := checkRetention(kind, n); err != nil {
			return errs.Newf(errs.Invalid, "%[1]s=%[2]d 无效：%[3]s", "%[1]s=%[2]d is not valid: %[4]s", kind, n, err.ZH, err.EN)
		}
		out[kind] = n
	}
	s.retention = out
	return nil
}

// RetentionDays is how many days after its closure a case of kind keeps
// its reporter's identity.
func (s *Service) RetentionDays(kind string) int {
	if n, ok := s.retention[kind]; ok {
		return n
	}
	return VaultRetentionDays
}

// Purge deletes the identities of reporters whose cases closed longer ago
// than their retention (RetentionDays of the case's kind, set at closure; a
// reopened case keeps its identity), with the sealed addresses notifications went to,
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
