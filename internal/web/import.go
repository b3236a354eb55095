package web

import (
	"net/http"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/xlsx"
)

// ImportUpload reads the uploaded file and lets prepare validate it into an
// import session, which prepare puts into the page's data (its problems,
// or the rows ready); then it shows page. allowed is the domain's answer to
// whether the actor may import at all: when it is an error the file is
// never read. A refused file is shown on the page with why; an internal
// error fails the request, so that it is logged.
func (k *Kit) ImportUpload(w http.ResponseWriter, r *http.Request, t *Templates, p *Page, page string, allowed error, prepare func(name string, header []string, rows [][]string) error) {
	err := allowed
	var name string
	var header []string
	var rows [][]string
	if err == nil {
		name, header, rows, err = xlsx.ReadUpload(w, r, false)
	}
	if err == nil {
		err = prepare(name, header, rows)
	}
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal {
			k.Fail(w, r, err)
			return
		}
		p.Flash = &Flash{Kind: "err", Text: e.Message(p.Lang)}
		k.Render(w, r, Status(e.Kind), t, page, "layout", p)
		return
	}
	k.Render(w, r, http.StatusOK, t, page, "layout", p)
}

// ImportApplied answers the apply of an import session with err, its
// outcome. A refusal of the right and an internal error fail the request;
// any other refusal (the file's problems, an expired or spent session, a
// row that no longer passes) goes back to the upload page back with its
// message, since nothing was imported; success goes to done with the
// message ok.
func (k *Kit) ImportApplied(w http.ResponseWriter, r *http.Request, err error, back, done, ok string) {
	if err != nil {
		if kind := errs.KindOf(err); kind == errs.Forbidden || kind == errs.Internal {
			k.Fail(w, r, err)
			return
		}
		k.Redirect(w, r, back, "err", ErrMessage(err, i18n.FromRequest(r)))
		return
	}
	k.Redirect(w, r, done, "ok", ok)
}
