package web

import (
	"encoding/json"
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/errs"
)

// failJSON answers e as the API's JSON error envelope, with the API's
// status (400 for invalid input, where a page answers 422).
func failJSON(w http.ResponseWriter, e *errs.Error, lang string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(errs.HTTPStatus(e.Kind))
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(api.Envelope(e, lang)) // the client has gone; nothing is left to tell it
}
