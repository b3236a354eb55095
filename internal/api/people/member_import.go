package people

import (
	"net/http"

	"jiceng/internal/api"
)

// ImportMembers checks an uploaded file of members and returns the import
// session with every bad row; nobody is registered until it is applied.
func (h *Handlers) ImportMembers(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	h.k.Upload(w, r, h.ppl.CanImportMembers(actor), func(name string, header []string, rows [][]string) (map[string]any, error) {
		sess, err := h.ppl.PrepareMemberImport(r.Context(), actor, actor.UserID, name, header, rows)
		return api.ImportJSON(sess.Session), err
	})
}
