package cases

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/cases"
	"jiceng/internal/clientip"
	"jiceng/internal/errs"
)

// The public JSON endpoints: a resident's report and its follow-up by
// receipt. The receipt travels in bodies only, never in a URL.

// publicHeaders keeps a public exchange out of referrers and caches.
func publicHeaders(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

// receiptLimitKey is the rate-limit key of receipt entries from one client;
// the pages use the same key, so that wrong receipts count alike through
// either. It lives in memory only.
func receiptLimitKey(r *http.Request) string { return "receipt:" + clientip.From(r) }

// wrongReceipt records a wrong receipt and returns the answer: the one
// message, or the wait once the client is over the limit.
func (h *Handlers) wrongReceipt(r *http.Request, err error) error {
	if e := errs.As(err); e.Kind != errs.Invalid || e.Field != "receipt" || h.codes == nil {
		return err
	}
	key := receiptLimitKey(r)
	h.codes.Fail(key)
	if wait := h.codes.Wait(key); wait > 0 {
		return cases.TooManyReceipts(wait)
	}
	return err
}

// submitBody is a report with its attachments in base64; the API's body
// cap (1 MB) bounds them, larger files go through the report page.
type submitBody struct {
	cases.Report
	Attachments []struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	} `json:"attachments"`
}

// Submit files a resident's report and answers its receipt.
func (h *Handlers) Submit(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	var body submitBody
	if err := api.Decode(w, r, &body); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if ok, wait := h.cs.Submits.Allow(clientip.From(r)); !ok {
		h.k.Fail(w, r, errs.TooManyWait("提交次数过多", "too many reports", wait))
		return
	}
	in := body.Report
	in.Files = nil
	for _, a := range body.Attachments {
		in.Files = append(in.Files, cases.NamedFile{Name: a.Name, Data: a.Data})
	}
	rc, err := h.cs.Submit(r.Context(), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, map[string]any{"receipt": rc.Code})
}

// receiptBody is a follow-up request.
type receiptBody struct {
	Receipt string `json:"receipt"`
	Text    string `json:"text"`
	Rating  string `json:"rating"`
	Comment string `json:"comment"`
}

func (h *Handlers) decodeReceipt(w http.ResponseWriter, r *http.Request) (receiptBody, bool) {
	publicHeaders(w)
	var in receiptBody
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return in, false
	}
	if h.codes != nil {
		if wait := h.codes.Wait(receiptLimitKey(r)); wait > 0 {
			h.k.Fail(w, r, cases.TooManyReceipts(wait))
			return in, false
		}
	}
	return in, true
}

// Follow answers the case of a receipt as its reporter sees it.
func (h *Handlers) Follow(w http.ResponseWriter, r *http.Request) {
	in, ok := h.decodeReceipt(w, r)
	if !ok {
		return
	}
	p, err := h.cs.Follow(r.Context(), in.Receipt)
	if err != nil {
		h.k.Fail(w, r, h.wrongReceipt(r, err))
		return
	}
	h.k.JSON(w, r, http.StatusOK, p)
}

// AddInfo adds the reporter's text to the open case of a receipt.
func (h *Handlers) AddInfo(w http.ResponseWriter, r *http.Request) {
	in, ok := h.decodeReceipt(w, r)
	if !ok {
		return
	}
	if err := h.cs.AddInfo(r.Context(), in.Receipt, in.Text, nil); err != nil {
		h.k.Fail(w, r, h.wrongReceipt(r, err))
		return
	}
	p, err := h.cs.Follow(r.Context(), in.Receipt)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, p)
}

// Rate rates the answer of the case of a receipt; unsatisfied reopens it.
func (h *Handlers) Rate(w http.ResponseWriter, r *http.Request) {
	in, ok := h.decodeReceipt(w, r)
	if !ok {
		return
	}
	p, err := h.cs.Rate(r.Context(), in.Receipt, in.Rating, in.Comment)
	if err != nil {
		h.k.Fail(w, r, h.wrongReceipt(r, err))
		return
	}
	h.k.JSON(w, r, http.StatusOK, p)
}
