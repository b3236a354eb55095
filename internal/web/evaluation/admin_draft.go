package evaluation

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// formError answers a form of the campaign page that the domain refused:
// input and state problems go back to the page as a flash message at the
// section named by anchor, anything else is an error page.
func (h *Pages) formError(w http.ResponseWriter, r *http.Request, id int64, anchor string, err error) {
	if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict || (k == errs.NotFound && anchor != "") {
		// A subject or batch that is gone is a stale page, not a missing
		// campaign: the campaign itself was found to get here.
		if _, gerr := h.eval.Get(r.Context(), web.Actor(r), id); gerr == nil {
			h.Redirect(w, r, evaHref(id, "")+anchor, "err", errs.As(err).Message(i18n.FromRequest(r)))
			return
		}
	}
	h.Fail(w, r, err)
}

// EvalDelete deletes a draft campaign and returns to the list.
func (h *Pages) EvalDelete(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	c, err := h.eval.DeleteDraft(r.Context(), web.Actor(r), id, web.FormVersion(r.PostForm))
	if err != nil {
		h.formError(w, r, id, "", err)
		return
	}
	lang := i18n.FromRequest(r)
	h.Redirect(w, r, "/evaluation", "ok", web.Msg(lang, "已删除测评草稿“"+c.Name+"”", "Deleted the draft campaign "+c.Name))
}

// EvalRemoveSubject takes one subject out of a draft.
func (h *Pages) EvalRemoveSubject(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sid, err := web.PathID(r, "sid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	sb, err := h.eval.RemoveSubject(r.Context(), web.Actor(r), id, sid, web.FormVersion(r.PostForm))
	if err != nil {
		h.formError(w, r, id, "#subjects", err)
		return
	}
	lang := i18n.FromRequest(r)
	h.Redirect(w, r, evaHref(id, "")+"#subjects", "ok", web.Msg(lang, "已移除测评对象“"+sb.Name+"”", "Removed the subject "+sb.Name))
}

// EvalAddUnder adds every organization of a level or kind under one
// organization of the owner's subtree.
func (h *Pages) EvalAddUnder(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if _, err := h.eval.CheckManage(r.Context(), web.Actor(r), id); err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	f := r.PostForm
	bad := map[string]bool{}
	under := web.IDField(f.Get("under"), "under", bad)
	if bad["under"] {
		h.evaShowError(w, r, errs.Field("under", "上级党组织编号应为数字", "the organization number is a number"), nil)
		return
	}
	_, n, err := h.eval.AddSubjectsUnder(r.Context(), web.Actor(r), id, under, f.Get("level"), f.Get("kind"))
	if err != nil {
		if k := errs.KindOf(err); k == errs.NotFound || k == errs.Forbidden {
			if _, gerr := h.eval.CheckManage(r.Context(), web.Actor(r), id); gerr == nil {
				// The organization, not the campaign, is out of reach.
				e := errs.As(err)
				err = errs.Field("under", e.ZH, e.EN)
			}
		}
		h.evaShowError(w, r, err, nil)
		return
	}
	h.Redirect(w, r, evaHref(id, "")+"#subjects", "ok", web.Msg(lang, fmt.Sprintf("已添加测评对象 %d 个", n), "Added "+i18n.Count(n, "subject", "subjects")))
}

// EvalVoidBatch voids an unused batch of codes as a whole.
func (h *Pages) EvalVoidBatch(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	batch, convErr := strconv.Atoi(r.PathValue("batch"))
	if convErr != nil || batch < 1 {
		if _, err := h.eval.CheckManage(r.Context(), web.Actor(r), id); err != nil {
			h.Fail(w, r, err)
			return
		}
		h.Redirect(w, r, evaHref(id, "")+"#tokens", "err", web.Msg(lang, "批次号应为正整数", "the batch number is a positive whole number"))
		return
	}
	b, err := h.eval.VoidBatch(r.Context(), web.Actor(r), id, batch)
	if err != nil {
		h.formError(w, r, id, "#tokens", err)
		return
	}
	h.Redirect(w, r, evaHref(id, "")+"#tokens", "ok", web.Msg(lang,
		fmt.Sprintf("第 %d 批测评码已整批作废，共 %d 张，不能再用于投票", b.Batch, b.Revoked),
		fmt.Sprintf("Batch %d is voided: its %s can no longer be used to vote", b.Batch, i18n.Count(b.Revoked, "code", "codes"))))
}

// slipTTL is how long the slips of an issue can be shown again. Issuing is
// a POST answered by a redirect, so that reloading the slips page shows the
// same slips instead of issuing another batch; the codes, which the
// database never holds, are kept in this process's memory for that long
// and no longer, for the account and the campaign that issued them.
const slipTTL = 30 * time.Minute

// slipBatch is an issue of codes waiting to be shown.
type slipBatch struct {
	user     int64
	campaign int64
	group    string
	codes    []string
	expires  time.Time
}

// slipStore keeps the codes of recent issues by a random ticket.
type slipStore struct {
	mu sync.Mutex
	m  map[string]slipBatch
}

func newSlipStore() *slipStore { return &slipStore{m: map[string]slipBatch{}} }

// put keeps a batch and returns its ticket; expired batches go first.
func (s *slipStore) put(b slipBatch, now time.Time) string {
	var raw [16]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read does not fail
	t := hex.EncodeToString(raw[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m {
		if now.After(v.expires) {
			delete(s.m, k)
		}
	}
	s.m[t] = b
	return t
}

// get returns the batch of a ticket if it is still kept for user and campaign.
func (s *slipStore) get(ticket string, user, campaign int64, now time.Time) (slipBatch, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[ticket]
	if !ok || now.After(b.expires) || b.user != user || b.campaign != campaign {
		return slipBatch{}, false
	}
	return b, true
}

// EvalSlips shows the slips of an issue again, from its ticket.
func (h *Pages) EvalSlips(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	actor := web.Actor(r)
	if _, err := h.eval.CheckManage(r.Context(), actor, id); err != nil {
		h.Fail(w, r, err)
		return
	}
	b, ok := h.slips.get(strings.TrimSpace(r.PathValue("ticket")), actor.UserID, id, h.Now())
	if !ok {
		lang := i18n.FromRequest(r)
		h.Redirect(w, r, evaHref(id, "")+"#tokens", "warn", web.Msg(lang,
			"这批测评票已不能再显示：测评票只在发放后 30 分钟内、由发放人打开。如测评票未打印，请整批作废后重新发放。",
			"These slips can no longer be shown: they can be opened only by whoever issued them, within 30 minutes. If they were not printed, void the batch and issue new ones."))
		return
	}
	h.renderSlips(w, r, id, b.group, b.codes)
}

// evaBatches are the batches of codes as the campaign page lists them.
type evaBatchRow struct {
	evaluation.Batch
	When string
}

func batchRows(bs []evaluation.Batch) []evaBatchRow {
	out := make([]evaBatchRow, len(bs))
	for i, b := range bs {
		out[i] = evaBatchRow{Batch: b, When: b.IssuedAt.In(org.Shanghai).Format("2006-01-02 15:04")}
	}
	return out
}

// evaChoice is an option of a select.
type evaChoice struct{ Key, Label string }

// levelChoices and kindChoices are the filters of "add every organization
// under", in lang.
func levelChoices(lang string) []evaChoice {
	var out []evaChoice
	for _, c := range org.Levels {
		if c.Key == "township" || c.Key == "village" || c.Key == "unit" {
			out = append(out, evaChoice{Key: c.Key, Label: c.In(lang)})
		}
	}
	return out
}

func kindChoices(lang string) []evaChoice {
	out := make([]evaChoice, 0, len(org.Kinds))
	for _, c := range org.Kinds {
		out = append(out, evaChoice{Key: c.Key, Label: c.In(lang)})
	}
	return out
}
