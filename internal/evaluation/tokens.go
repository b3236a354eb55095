package evaluation

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// The states of a ballot token.
const (
	TokenIssued  = "issued"
	TokenUsed    = "used"
	TokenRevoked = "revoked"
)

// maxTokensPerBatch bounds one issue: a township's slips fit easily, and a
// mistyped count does not fill the table.
const maxTokensPerBatch = 5000

// IssueTokens creates n ballot tokens for a rater group of a draft or open
// campaign and returns their codes, formatted for the slips. The codes are
// returned this once and never stored: the table keeps only their HMAC, so
// a lost slip cannot be reprinted, only revoked and replaced.
func (s *Service) IssueTokens(ctx context.Context, actor access.Actor, campaignID int64, group string, n int) ([]string, error) {
	var codes []string
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		// The right to the campaign comes before the input: a reader of the
		// campaign learns nothing from the validation of the count.
		c, err := s.lockTx(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		if n < 1 || n > maxTokensPerBatch {
			return errs.Field("n", fmt.Sprintf("每次发放测评码的数量应为 1–%d 张，现为 %d 张", maxTokensPerBatch, n),
				fmt.Sprintf("issue 1–%d ballot codes at a time, not %d", maxTokensPerBatch, n))
		}
		if c.Status != StatusDraft && c.Status != StatusOpen {
			return errs.New(errs.Conflict, "测评已结束，不能再发放测评码", "the campaign has ended: no more ballot codes can be issued")
		}
		// Slips of a draft whose owner is dissolved would name a campaign
		// that can never open (an open campaign's owner cannot be dissolved).
		if err := activeOwnerTx(ctx, tx, c.OwnerOrgID); err != nil {
			return err
		}
		name, ok := groupName(c.Rules, group)
		if !ok {
			return errs.Field("group", fmt.Sprintf("评委组“%s”不在本次测评中", group), fmt.Sprintf("the rater group \"%s\" is not part of this campaign", group))
		}
		var batch int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(batch), 0) + 1 FROM ballot_tokens WHERE campaign_id = ?", campaignID).Scan(&batch); err != nil {
			return errs.Wrap(err, "token batch")
		}
		now := db.FormatTime(s.now())
		rows := make([][]any, 0, n)
		codes = make([]string, 0, n)
		for range n {
			raw, err := NewToken()
			if err != nil {
				return err
			}
			codes = append(codes, FormatCode(raw))
			rows = append(rows, []any{TokenMAC(s.key, raw), campaignID, group, TokenIssued, batch, now})
		}
		if err := tx.BatchInsert(ctx, "ballot_tokens", []string{"mac", "campaign_id", "group_key", "status", "batch", "issued_at"}, rows, 500); err != nil {
			return errs.Wrap(err, "insert tokens")
		}
		if err := addTokenCounts(ctx, tx, map[groupRef]tokenDelta{{campaignID, group}: {issued: n}}); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.tokens", TargetType: "campaign", TargetID: strconv.FormatInt(campaignID, 10),
			OrgPath: c.ownerPath, Summary: issuedSummary(c.Name, name, n, batch),
			After: map[string]any{"group": group, "n": n, "batch": batch}})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// issuedSummary is the audit summary of a batch of codes; the English names
// a built-in rater group in English, as the pages do.
func issuedSummary(campaign, group string, n, batch int) i18n.Text {
	return i18n.Text{
		ZH: fmt.Sprintf("测评 %s：为评委组“%s”发放测评码 %d 张（第 %d 批）", campaign, group, n, batch),
		EN: fmt.Sprintf("%s: issued %s to the rater group \"%s\" (batch %d)", campaign, i18n.Count(n, "code", "codes"), NameIn(group, i18n.EN), batch),
	}
}

// revokedSummary is the audit summary of a revoked code.
func revokedSummary(campaign, group string) i18n.Text {
	return i18n.Text{
		ZH: fmt.Sprintf("测评 %s：作废评委组“%s”的测评码 1 张", campaign, group),
		EN: fmt.Sprintf("%s: revoked one code of the rater group \"%s\"", campaign, NameIn(group, i18n.EN)),
	}
}

// SlipList is what the export of a batch of slips writes: the campaign,
// the rater group and its codes in print form.
type SlipList struct {
	Campaign  Campaign
	Group     string
	GroupName string
	Codes     []string
}

// SlipExport checks a batch of codes posted back from the slips page for
// export: only the campaign's managers may write slips. The platform keeps
// no codes, so the codes are checked for their form (check character
// included), not looked up; a manager gains nothing by exporting others.
func (s *Service) SlipExport(ctx context.Context, actor access.Actor, campaignID int64, group string, codes []string) (SlipList, error) {
	c, err := s.CheckManage(ctx, actor, campaignID)
	if err != nil {
		return SlipList{}, err
	}
	bad := errs.New(errs.Invalid, "导出的测评码无效，请重新发放", "the codes to export are not valid: issue new ones")
	name, ok := groupName(c.Rules, group)
	if !ok || len(codes) == 0 || len(codes) > maxTokensPerBatch {
		return SlipList{}, bad
	}
	out := SlipList{Campaign: c, Group: group, GroupName: name, Codes: make([]string, len(codes))}
	for i, code := range codes {
		raw, err := ParseCode(code)
		if err != nil {
			return SlipList{}, bad
		}
		out.Codes[i] = FormatCode(raw)
	}
	return out, nil
}

// RevokeToken withdraws an unused code, such as one on a lost slip. A used
// code cannot be revoked: its ballot is already counted and cannot be found.
func (s *Service) RevokeToken(ctx context.Context, actor access.Actor, campaignID int64, code string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		// The right to the campaign comes before the code, as for IssueTokens.
		c, err := s.lockTx(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		raw, err := ParseCode(code)
		if err != nil {
			return InvalidCode()
		}
		mac := TokenMAC(s.key, raw)
		if c.Status != StatusDraft && c.Status != StatusOpen {
			return errs.New(errs.Conflict, "测评已结束，不能再作废测评码", "the campaign has ended: ballot codes can no longer be revoked")
		}
		var group, status string
		err = tx.QueryRow(ctx, "SELECT group_key, status FROM ballot_tokens WHERE mac = ? AND campaign_id = ?", mac, campaignID).Scan(&group, &status)
		if err == sql.ErrNoRows {
			return InvalidCode()
		}
		if err != nil {
			return errs.Wrap(err, "load token")
		}
		switch status {
		case TokenUsed:
			return errs.New(errs.Conflict, "该测评码已经使用过，不能作废", "this ballot code has been used and cannot be revoked")
		case TokenRevoked:
			return errs.New(errs.Conflict, "该测评码已经作废", "this ballot code is already revoked")
		}
		if _, err := tx.Exec(ctx, "UPDATE ballot_tokens SET status = 'revoked' WHERE mac = ?", mac); err != nil {
			return errs.Wrap(err, "revoke token")
		}
		if err := addTokenCounts(ctx, tx, map[groupRef]tokenDelta{{campaignID, group}: {issued: -1, revoked: 1}}); err != nil {
			return err
		}
		name, _ := groupName(c.Rules, group)
		// Neither the code nor its MAC goes into the log: the count is enough.
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.revoke", TargetType: "campaign", TargetID: strconv.FormatInt(campaignID, 10),
			OrgPath: c.ownerPath, Summary: revokedSummary(c.Name, name)})
	})
}

// TokenCount is one rater group's tokens and ballots. Issued counts the
// tokens handed out and not revoked; Used those spent; Counted the ballots
// the mixer has moved; Used − Counted ballots are waiting in the inbox.
type TokenCount struct {
	Group   string `json:"group"`
	Name    string `json:"name"`
	Issued  int    `json:"issued"`
	Used    int    `json:"used"`
	Revoked int    `json:"revoked"`
	Counted int    `json:"counted"`
}

// TokenCounts returns the token and ballot counts of each rater group, in
// the order of the rules, for the campaign's managers and readers.
func (s *Service) TokenCounts(ctx context.Context, actor access.Actor, campaignID int64) ([]TokenCount, error) {
	c, err := s.Get(ctx, actor, campaignID)
	if err != nil {
		return nil, err
	}
	var out []TokenCount
	err = s.readTx(ctx, func(q db.Querier) error {
		out, err = groupCounts(ctx, q, c)
		return err
	})
	return out, err
}

// groupCounts reads the counts of every group of c; it runs in one read
// transaction so that used and counted come from the same moment.
func groupCounts(ctx context.Context, q db.Querier, c Campaign) ([]TokenCount, error) {
	idx := map[string]int{}
	out := make([]TokenCount, len(c.Rules.Groups))
	for i, g := range c.Rules.Groups {
		idx[g.Key] = i
		out[i] = TokenCount{Group: g.Key, Name: g.Name}
	}
	rows, err := q.Query(ctx, "SELECT group_key, issued, used, revoked FROM ballot_token_counts WHERE campaign_id = ?", c.ID)
	if err != nil {
		return nil, errs.Wrap(err, "token counts")
	}
	for rows.Next() {
		var g string
		var issued, used, revoked int
		if err := rows.Scan(&g, &issued, &used, &revoked); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "token counts")
		}
		if i, ok := idx[g]; ok {
			out[i].Issued, out[i].Used, out[i].Revoked = issued+used, used, revoked
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "token counts")
	}
	rows, err = q.Query(ctx, "SELECT group_key, COUNT(*) FROM ballots WHERE campaign_id = ? GROUP BY group_key", c.ID)
	if err != nil {
		return nil, errs.Wrap(err, "ballot counts")
	}
	defer rows.Close()
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return nil, errs.Wrap(err, "ballot counts")
		}
		if i, ok := idx[g]; ok {
			out[i].Counted = n
		}
	}
	return out, errs.Wrap(rows.Err(), "ballot counts")
}

// groupRef names a rater group of a campaign.
type groupRef struct {
	campaignID int64
	group      string
}

// tokenDelta is a change of a group's token counts.
type tokenDelta struct{ issued, used, revoked int }

// addTokenCounts applies deltas to ballot_token_counts inside the
// transaction that issues, spends or revokes the tokens, so the counts are
// always those of ballot_tokens. One row per group: concurrent casts on
// PostgreSQL queue on it instead of deadlocking over several.
func addTokenCounts(ctx context.Context, tx *db.Tx, deltas map[groupRef]tokenDelta) error {
	rows := make([][]any, 0, len(deltas))
	for g, d := range deltas {
		rows = append(rows, []any{g.campaignID, g.group, d.issued, d.used, d.revoked})
	}
	// The order of the rows fixes the order in which PostgreSQL locks them.
	slices.SortFunc(rows, func(a, b []any) int {
		if c := cmp.Compare(a[0].(int64), b[0].(int64)); c != 0 {
			return c
		}
		return strings.Compare(a[1].(string), b[1].(string))
	})
	err := tx.BatchInsertOn(ctx, "ballot_token_counts", []string{"campaign_id", "group_key", "issued", "used", "revoked"}, rows, 500,
		`ON CONFLICT (campaign_id, group_key) DO UPDATE SET issued = ballot_token_counts.issued + excluded.issued,
			used = ballot_token_counts.used + excluded.used, revoked = ballot_token_counts.revoked + excluded.revoked`)
	return errs.Wrap(err, "token counts")
}

func groupName(r Rules, key string) (string, bool) {
	for _, g := range r.Groups {
		if g.Key == key {
			return g.Name, true
		}
	}
	return "", false
}

// readTx gives fn one consistent snapshot (db.DB.ReadTx): figures that must
// match, such as tokens used and ballots counted, are read from the same
// moment.
func (s *Service) readTx(ctx context.Context, fn func(q db.Querier) error) error {
	return s.db.ReadTx(ctx, func(q *db.Snapshot) error { return fn(q) })
}

// Batch is one issue of ballot codes: its number in the campaign, its rater
// group, when it was issued and what became of its codes. Issued counts the
// codes still usable.
type Batch struct {
	Batch    int       `json:"batch"`
	Group    string    `json:"group"`
	Name     string    `json:"name"`
	IssuedAt time.Time `json:"issued_at"`
	Total    int       `json:"total"`
	Issued   int       `json:"issued"`
	Used     int       `json:"used"`
	Revoked  int       `json:"revoked"`
}

// Voided reports whether no code of the batch can vote any more because
// every one was revoked.
func (b Batch) Voided() bool { return b.Total > 0 && b.Revoked == b.Total }

// Voidable reports whether the batch can be voided as a whole: none of its
// codes has voted and some can still vote.
func (b Batch) Voidable() bool { return b.Used == 0 && b.Issued > 0 }

// Batches lists the campaign's batches of codes, the first issued first,
// for its managers and readers.
func (s *Service) Batches(ctx context.Context, actor access.Actor, campaignID int64) ([]Batch, error) {
	c, err := s.Get(ctx, actor, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT batch, group_key, MIN(issued_at), COUNT(*),
		SUM(CASE WHEN status = 'issued' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'used' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'revoked' THEN 1 ELSE 0 END)
		FROM ballot_tokens WHERE campaign_id = ? GROUP BY batch, group_key ORDER BY batch, group_key`, campaignID)
	if err != nil {
		return nil, errs.Wrap(err, "batches")
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		var at string
		if err := rows.Scan(&b.Batch, &b.Group, &at, &b.Total, &b.Issued, &b.Used, &b.Revoked); err != nil {
			return nil, errs.Wrap(err, "scan batch")
		}
		b.IssuedAt = db.ParseTime(at)
		b.Name, _ = groupName(c.Rules, b.Group)
		out = append(out, b)
	}
	return out, errs.Wrap(rows.Err(), "batches")
}

// batchNotFound answers a batch number the campaign never issued.
func batchNotFound(batch int) error {
	return errs.Newf(errs.NotFound, "本测评没有第 %d 批测评码", "this campaign has no batch %d of codes", batch)
}

// VoidBatch revokes every code of a batch that no rater has used, such as
// slips printed twice or lost on the way: they stop working at once. A
// batch of which one code has voted cannot be voided whole (its ballot is
// counted and cannot be found); its other codes can be revoked one by one.
// It returns the batch as it now stands.
func (s *Service) VoidBatch(ctx context.Context, actor access.Actor, campaignID int64, batch int) (Batch, error) {
	var b Batch
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		// The campaign's lock also waits for ballots being cast with its
		// codes (they hold it shared), so no code is spent between the
		// count below and the update.
		c, err := s.lockTx(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		if c.Status != StatusDraft && c.Status != StatusOpen {
			return errs.New(errs.Conflict, "测评已结束，不能再作废测评码", "the campaign has ended: ballot codes can no longer be revoked")
		}
		var group sql.NullString
		var at sql.NullString
		err = tx.QueryRow(ctx, `SELECT MIN(group_key), MIN(issued_at), COUNT(*),
			COALESCE(SUM(CASE WHEN status = 'issued' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = 'used' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN status = 'revoked' THEN 1 ELSE 0 END), 0)
			FROM ballot_tokens WHERE campaign_id = ? AND batch = ?`, campaignID, batch).Scan(&group, &at, &b.Total, &b.Issued, &b.Used, &b.Revoked)
		if err != nil {
			return errs.Wrap(err, "load batch")
		}
		if b.Total == 0 {
			return batchNotFound(batch)
		}
		b.Batch, b.Group, b.IssuedAt = batch, group.String, db.ParseTime(at.String)
		b.Name, _ = groupName(c.Rules, b.Group)
		switch {
		case b.Used > 0:
			return errs.New(errs.Conflict, fmt.Sprintf("第 %d 批测评码已有 %d 张投过票，不能整批作废；可逐张作废其余未用的测评码", batch, b.Used),
				fmt.Sprintf("%s of batch %d voted, so the batch cannot be voided as a whole: revoke its unused codes one by one", i18n.Count(b.Used, "code", "codes"), batch))
		case b.Issued == 0:
			return errs.Newf(errs.Conflict, "第 %d 批测评码已全部作废", "batch %d is already voided", batch)
		}
		n := b.Issued
		if _, err := tx.Exec(ctx, "UPDATE ballot_tokens SET status = 'revoked' WHERE campaign_id = ? AND batch = ? AND status = 'issued'", campaignID, batch); err != nil {
			return errs.Wrap(err, "void batch")
		}
		if err := addTokenCounts(ctx, tx, map[groupRef]tokenDelta{{campaignID, b.Group}: {issued: -n, revoked: n}}); err != nil {
			return err
		}
		b.Issued, b.Revoked = 0, b.Revoked+n
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.void_batch", TargetType: "campaign", TargetID: strconv.FormatInt(campaignID, 10),
			OrgPath: c.ownerPath, Summary: voidedSummary(c.Name, b.Name, batch, n),
			After: map[string]any{"group": b.Group, "batch": batch, "revoked": n}})
	})
	return b, err
}

// voidedSummary is the audit summary of a voided batch.
func voidedSummary(campaign, group string, batch, n int) i18n.Text {
	return i18n.Text{
		ZH: fmt.Sprintf("测评 %s：整批作废评委组“%s”第 %d 批测评码 %d 张", campaign, group, batch, n),
		EN: fmt.Sprintf("%s: voided batch %d of the rater group \"%s\" (%s)", campaign, batch, NameIn(group, i18n.EN), i18n.Count(n, "code", "codes")),
	}
}
