package people

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/people"
)

// The bodies of a decision on a transfer.
type (
	acceptBody struct {
		OnDate string `json:"on_date"`
	}
	rejectBody struct {
		Reason string `json:"reason"`
	}
)

// ListTransfers lists the transfers into and out of the caller's scope.
func (h *Handlers) ListTransfers(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	rows, total, err := h.ppl.Transfers(r.Context(), api.Actor(r), people.TransferQuery{Direction: v.Get("direction"), State: v.Get("state"), Q: v.Get("q"),
		Sort: v.Get("sort"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []people.Transfer{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": api.NextCursor(offset, len(rows), total)})
}

// GetTransfer returns one transfer the caller's side sent or receives.
func (h *Handlers) GetTransfer(w http.ResponseWriter, r *http.Request) {
	transferStep[struct{}](h, w, r, http.StatusOK, nil, func(id int64, _ *struct{}) (people.Transfer, error) {
		return h.ppl.Transfer(r.Context(), api.Actor(r), id)
	})
}

// RequestTransfer requests a member's transfer; one out of the system
// (out_to) takes effect at once.
func (h *Handlers) RequestTransfer(w http.ResponseWriter, r *http.Request) {
	transferStep(h, w, r, http.StatusCreated, &people.TransferInput{}, func(id int64, in *people.TransferInput) (people.Transfer, error) {
		return h.ppl.RequestTransfer(r.Context(), api.Actor(r), id, *in)
	})
}

// AcceptTransfer accepts a transfer into an organization the caller
// manages.
func (h *Handlers) AcceptTransfer(w http.ResponseWriter, r *http.Request) {
	transferStep(h, w, r, http.StatusOK, &acceptBody{}, func(id int64, in *acceptBody) (people.Transfer, error) {
		return h.ppl.AcceptTransfer(r.Context(), api.Actor(r), id, in.OnDate)
	})
}

// RejectTransfer returns a transfer to the sender with a reason.
func (h *Handlers) RejectTransfer(w http.ResponseWriter, r *http.Request) {
	transferStep(h, w, r, http.StatusOK, &rejectBody{}, func(id int64, in *rejectBody) (people.Transfer, error) {
		return h.ppl.RejectTransfer(r.Context(), api.Actor(r), id, in.Reason)
	})
}

// CancelTransfer withdraws a transfer the caller's side sent.
func (h *Handlers) CancelTransfer(w http.ResponseWriter, r *http.Request) {
	transferStep[struct{}](h, w, r, http.StatusOK, nil, func(id int64, _ *struct{}) (people.Transfer, error) {
		return h.ppl.CancelTransfer(r.Context(), api.Actor(r), id)
	})
}

// transferStep reads the path's id and, when in is not nil, the body into
// it, runs do and answers the transfer.
func transferStep[T any](h *Handlers, w http.ResponseWriter, r *http.Request, status int, in *T, do func(int64, *T) (people.Transfer, error)) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if in != nil {
		if err := api.Decode(w, r, in); err != nil {
			h.k.Fail(w, r, err)
			return
		}
	}
	t, err := do(id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, status, t)
}
