package evaluation

import (
	"context"

	"jiceng/internal/db"
)

// BatchBallot is one ballot of CastBatch. ID, when set, replaces the inbox
// row's random id, so that a test can make a ballot fail inside the database.
type BatchBallot struct {
	Code    string
	Scores  map[string]map[string]float64
	Comment string
	ID      string
}

// BatchAnswer is what CastBatch answers one ballot.
type BatchAnswer struct {
	Tracker string
	Err     error
}

// CastBatch casts ballots as one batch of the group committer: one
// transaction, a savepoint per ballot, in order.
func (s *Service) CastBatch(ctx context.Context, ballots []BatchBallot) []BatchAnswer {
	out := make([]BatchAnswer, len(ballots))
	var batch []*castReq
	var at []int
	for i, b := range ballots {
		r, err := s.prepareCast(ctx, b.Code, b.Scores, b.Comment)
		if err != nil {
			out[i].Err = err
			continue
		}
		if b.ID != "" {
			r.id = b.ID
		}
		r.res = make(chan castRes, 1)
		batch = append(batch, r)
		at = append(at, i)
	}
	s.applyBatch(ctx, batch)
	for j, r := range batch {
		res := <-r.res
		out[at[j]] = BatchAnswer{Tracker: res.tracker, Err: res.err}
	}
	return out
}

// SetBeforeSpend sets the hook that runs between the batch's token SELECT
// and its UPDATE.
func (s *Service) SetBeforeSpend(f func(ctx context.Context, tx *db.Tx)) { s.beforeSpend = f }

// BatchRetries is the number of batches the service applied ballot by
// ballot after the whole-batch attempt gave up.
func (s *Service) BatchRetries() int64 { return s.batchRetries.Load() }

// MAC returns the stored MAC of a code.
func (s *Service) MAC(code string) string {
	raw, err := ParseCode(code)
	if err != nil {
		panic(err)
	}
	return TokenMAC(s.key, raw)
}

// SetMixBatch lowers the most ballots one mixing transaction moves.
func (s *Service) SetMixBatch(n int) { s.mixBatch = n }

// DecodeStored reads a stored ballot back under the campaign's rules.
func DecodeStored(body string, r Rules) (map[string]map[string]float64, error) {
	return decodeBallot(body, leafKeys(r))
}
