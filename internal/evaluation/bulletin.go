package evaluation

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// Bulletin is a campaign's public board: per rater group the tokens issued,
// the tokens used and the ballots counted, which anyone can check against
// each other, and the trackers of the counted ballots, with which each
// rater checks that their own ballot was counted. Trackers holds one page
// of them (all of them from Bulletin): TrackerTotal says how many there are
// and TrackerOffset where the page starts.
type Bulletin struct {
	CampaignID int64           `json:"campaign_id"`
	Name       string          `json:"name"`
	OwnerName  string          `json:"owner_name"`
	Status     string          `json:"status"`
	K          int             `json:"k"`
	Groups     []BulletinGroup `json:"groups"`
	// Trackers are those of the counted ballots of the groups shown, sorted,
	// so that their order says nothing about when a ballot was cast.
	Trackers      []string `json:"trackers"`
	TrackerTotal  int      `json:"tracker_total"`
	TrackerOffset int      `json:"tracker_offset"`
}

// BulletinGroup is one rater group on the bulletin. A group with fewer
// than K counted ballots shows FewerThanK and no figure at all — not even
// its trackers, whose number would give its count away.
type BulletinGroup struct {
	Group      string `json:"group"`
	Name       string `json:"name"`
	FewerThanK bool   `json:"fewer_than_k"`
	Issued     *int   `json:"issued,omitempty"`
	Used       *int   `json:"used,omitempty"`
	Counted    *int   `json:"counted,omitempty"`
}

// Bulletin returns the whole public bulletin of an opened campaign, every
// tracker included. It is public: draft campaigns answer not found.
func (s *Service) Bulletin(ctx context.Context, campaignID int64) (Bulletin, error) {
	return s.BulletinPage(ctx, campaignID, 0, -1)
}

// BulletinPage returns the bulletin of an opened campaign with limit of its
// trackers from offset (all from offset when limit is negative). A closed
// campaign's bulletin cannot change any more (no token is issued, revoked
// or spent and no ballot is counted after the close), so it is computed
// once and kept; an open campaign's is computed at most once every
// openBulletinTTL. Each request then costs one read of the campaign's row,
// whose name and owner may still change.
func (s *Service) BulletinPage(ctx context.Context, campaignID int64, offset, limit int) (Bulletin, error) {
	c, e, err := s.bulletin(ctx, campaignID)
	if err != nil {
		return Bulletin{}, err
	}
	b := e.header(c)
	n := e.trackers.len()
	b.TrackerTotal = n
	offset = min(max(offset, 0), n)
	end := n
	if limit >= 0 {
		end = min(offset+limit, n)
	}
	b.TrackerOffset = offset
	b.Trackers = make([]string, 0, end-offset)
	for i := offset; i < end; i++ {
		b.Trackers = append(b.Trackers, e.trackers.at(i))
	}
	return b, nil
}

// FindTracker looks a tracker, written as the bulletin lists it, up on the
// bulletin of an opened campaign. It returns the bulletin without trackers
// (TrackerTotal still counts them), whether the tracker is listed, and its
// place in the sorted list, so that its page can be shown.
func (s *Service) FindTracker(ctx context.Context, campaignID int64, tracker string) (Bulletin, bool, int, error) {
	c, e, err := s.bulletin(ctx, campaignID)
	if err != nil {
		return Bulletin{}, false, 0, err
	}
	b := e.header(c)
	b.TrackerTotal = e.trackers.len()
	i, ok := e.trackers.find(tracker)
	return b, ok, i, nil
}

// bulletin returns an opened campaign and its kept or computed bulletin.
func (s *Service) bulletin(ctx context.Context, campaignID int64) (Campaign, *bulletinEntry, error) {
	c, err := scanCampaign(s.db.QueryRow(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE c.id = ?", campaignID))
	if err == sql.ErrNoRows || (err == nil && c.Status == StatusDraft) {
		return Campaign{}, nil, bulletinNotFound(campaignID)
	}
	if err != nil {
		return Campaign{}, nil, errs.Wrap(err, "load campaign")
	}
	e, err := s.bulletins.get(ctx, s, campaignID, c.Status)
	return c, e, err
}

func bulletinNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "测评 %d 不存在或尚未开始", "campaign %d not found or not yet open", id)
}

// openBulletinTTL is how long an open campaign's bulletin is kept: a
// tracker shows at most this long after the mixer has counted its ballot,
// and a flood of readers costs one computation per period.
const openBulletinTTL = 10 * time.Second

// maxBulletinBytes bounds the memory of the kept bulletins; a tracker
// takes about 15 bytes, so this holds some four million of them.
const maxBulletinBytes = 64 << 20

// bulletinWorkers is how many bulletins are computed at once: each holds a
// read connection while it reads a campaign's ballots, and the pages of
// the administrators need the others.
const bulletinWorkers = 2

// bulletinEntry is the computed part of a bulletin: what the ballots and
// the token counts say, as of status.
type bulletinEntry struct {
	status   string
	k        int
	groups   []BulletinGroup
	trackers trackerList
	expires  time.Time // zero for a closed campaign: it never changes
	used     time.Time
}

func (e *bulletinEntry) size() int {
	return len(e.trackers.data) + 4*len(e.trackers.off) + 256*len(e.groups)
}

// final reports whether a bulletin computed at status can no longer change.
func final(status string) bool { return status == StatusClosed || status == StatusPublished }

// header is the bulletin of c with the kept figures and no trackers. The
// later of the two statuses is shown: the campaign may have closed between
// the reading of its row and the computation.
func (e *bulletinEntry) header(c Campaign) Bulletin {
	status := c.Status
	if statusRank(e.status) > statusRank(status) {
		status = e.status
	}
	groups := make([]BulletinGroup, len(e.groups))
	copy(groups, e.groups)
	return Bulletin{CampaignID: c.ID, Name: c.Name, OwnerName: c.OwnerName, Status: status, K: e.k, Groups: groups, Trackers: []string{}}
}

func statusRank(s string) int {
	switch s {
	case StatusOpen:
		return 1
	case StatusClosed:
		return 2
	case StatusPublished:
		return 3
	}
	return 0
}

// trackerList is a sorted list of trackers in one string, so that 200,000
// of them take 3 MB rather than three times that as separate strings.
type trackerList struct {
	data string
	off  []int32 // start of each tracker in data
}

func newTrackerList(ts []string) trackerList {
	sort.Strings(ts)
	var b strings.Builder
	off := make([]int32, len(ts))
	for i, t := range ts {
		off[i] = int32(b.Len())
		b.WriteString(t)
	}
	return trackerList{data: b.String(), off: off}
}

func (l trackerList) len() int { return len(l.off) }

func (l trackerList) at(i int) string {
	end := len(l.data)
	if i+1 < len(l.off) {
		end = int(l.off[i+1])
	}
	return l.data[l.off[i]:end]
}

// find returns the place of t in the list and whether it is there.
func (l trackerList) find(t string) (int, bool) {
	i := sort.Search(l.len(), func(i int) bool { return l.at(i) >= t })
	return i, i < l.len() && l.at(i) == t
}

// bulletinCache keeps computed bulletins by campaign; concurrent requests
// for the same one share a single computation.
type bulletinCache struct {
	mu      sync.Mutex
	entries map[int64]*bulletinEntry
	bytes   int
	flights singleflight.Group
	slots   chan struct{}
	// computed counts the computations, so that tests and the benchmark
	// can tell a kept bulletin from a computed one.
	computed atomic.Int64
}

func newBulletinCache() *bulletinCache {
	return &bulletinCache{entries: map[int64]*bulletinEntry{}, slots: make(chan struct{}, bulletinWorkers)}
}

// get returns the bulletin of a campaign whose row reads status, kept or
// computed.
func (bc *bulletinCache) get(ctx context.Context, s *Service, id int64, status string) (*bulletinEntry, error) {
	if e := bc.kept(id, status, s.now()); e != nil {
		return e, nil
	}
	// The computation outlives a reader who gives up: the others wait for
	// it, and the next reader finds it kept.
	ch := bc.flights.DoChan(strconv.FormatInt(id, 10), func() (any, error) {
		return bc.compute(context.WithoutCancel(ctx), s, id, status)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*bulletinEntry), nil
	case <-ctx.Done():
		return nil, errs.Wrap(ctx.Err(), "bulletin")
	}
}

// kept returns the kept bulletin of a campaign whose row reads status, if
// it still answers for it, and marks it read.
func (bc *bulletinCache) kept(id int64, status string, now time.Time) *bulletinEntry {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	e := bc.entries[id]
	if e == nil || !e.fresh(status, now) {
		return nil
	}
	e.used = now
	return e
}

// fresh reports whether a kept entry answers for a campaign whose row now
// reads status.
func (e *bulletinEntry) fresh(status string, now time.Time) bool {
	if final(e.status) {
		return true
	}
	return e.status == status && now.Before(e.expires)
}

// compute computes and keeps a campaign's bulletin, unless a computation
// that has just ended kept one that answers.
func (bc *bulletinCache) compute(ctx context.Context, s *Service, id int64, status string) (*bulletinEntry, error) {
	if e := bc.kept(id, status, s.now()); e != nil {
		return e, nil
	}
	bc.slots <- struct{}{}
	e, err := s.computeBulletin(ctx, id)
	<-bc.slots
	bc.computed.Add(1)
	if err != nil {
		return nil, err
	}
	bc.mu.Lock()
	defer bc.mu.Unlock()
	e.used = s.now()
	if !final(e.status) {
		e.expires = e.used.Add(openBulletinTTL)
	}
	bc.put(id, e)
	return e, nil
}

// put keeps e, dropping the least recently read bulletins beyond
// maxBulletinBytes. bc.mu is held.
func (bc *bulletinCache) put(id int64, e *bulletinEntry) {
	if old := bc.entries[id]; old != nil {
		bc.bytes -= old.size()
	}
	bc.entries[id] = e
	bc.bytes += e.size()
	for bc.bytes > maxBulletinBytes && len(bc.entries) > 1 {
		var oldest int64
		var at time.Time
		for k, v := range bc.entries {
			if k != id && (at.IsZero() || v.used.Before(at)) {
				oldest, at = k, v.used
			}
		}
		bc.bytes -= bc.entries[oldest].size()
		delete(bc.entries, oldest)
	}
}

// computeBulletin reads a campaign's token counts and the trackers of its
// counted ballots in one read transaction, so that the status it records
// is the one the ballots were read under.
func (s *Service) computeBulletin(ctx context.Context, campaignID int64) (*bulletinEntry, error) {
	var e *bulletinEntry
	err := s.readTx(ctx, func(q db.Querier) error {
		c, err := scanCampaign(q.QueryRow(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE c.id = ?", campaignID))
		if err == sql.ErrNoRows || (err == nil && c.Status == StatusDraft) {
			return bulletinNotFound(campaignID)
		}
		if err != nil {
			return errs.Wrap(err, "load campaign")
		}
		r := c.Rules.WithDefaults()
		e = &bulletinEntry{status: c.Status, k: r.K, groups: []BulletinGroup{}}
		counts, err := groupCounts(ctx, q, c)
		if err != nil {
			return err
		}
		var shown []string
		total := 0
		for _, gc := range counts {
			bg := BulletinGroup{Group: gc.Group, Name: gc.Name, FewerThanK: gc.Counted < r.K}
			if !bg.FewerThanK {
				shown = append(shown, gc.Group)
				total += gc.Counted
				bg.Issued, bg.Used, bg.Counted = ptrInt(gc.Issued), ptrInt(gc.Used), ptrInt(gc.Counted)
			}
			e.groups = append(e.groups, bg)
		}
		trackers := make([]string, 0, total)
		if len(shown) > 0 {
			query := "SELECT tracker FROM ballots WHERE campaign_id = ? AND group_key IN (?" + strings.Repeat(", ?", len(shown)-1) + ")"
			args := []any{campaignID}
			for _, g := range shown {
				args = append(args, g)
			}
			rows, err := q.Query(ctx, query, args...)
			if err != nil {
				return errs.Wrap(err, "trackers")
			}
			defer rows.Close()
			for rows.Next() {
				var t string
				if err := rows.Scan(&t); err != nil {
					return errs.Wrap(err, "trackers")
				}
				trackers = append(trackers, t)
			}
			if err := rows.Err(); err != nil {
				return errs.Wrap(err, "trackers")
			}
		}
		e.trackers = newTrackerList(trackers)
		return nil
	})
	return e, err
}
