// Package evaluation serves the pages of 评议考核: the campaign pages of
// the organizers and the public ballot and bulletin pages of the raters.
package evaluation

import (
	"embed"
	"net/http"

	"html/template"
	"jiceng/internal/account"
	"jiceng/internal/evaluation"
	"jiceng/internal/module"
	"jiceng/internal/ratelimit"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the campaign, ballot and bulletin pages.
type Pages struct {
	*web.Kit
	eval *evaluation.Service
	// limiter slows down guessing of public codes (ballot tokens), per client.
	limiter *account.Limiter
	// reads bounds the bulletin requests of each client.
	reads *ratelimit.Limiter
	// publicURL, when set, is the address raters reach the server by; slips
	// print it instead of the request's own host.
	publicURL string
	tmpl      *web.Templates
	// slips keeps the codes of recent issues for their redirect (slipTTL).
	slips *slipStore
}

// funcs are the template functions of the evaluation pages.
func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		// rname shows a grade, answer level or rater-group name of a
		// campaign's rules in the page's language.
		"rname": func(name string) string { return evaluation.NameIn(name, lang) },
		// colon, semi and comma are the punctuation after a label, between
		// the clauses of a list and between its names: full-width in
		// Chinese, ASCII in English.
		"colon": func() string { return web.Msg(lang, "：", ": ") },
		"semi":  func() string { return web.Msg(lang, "；", "; ") },
		"comma": func() string { return web.Msg(lang, "、", ", ") },
	}
}

// newPages parses the evaluation templates.
// The limits are the kit's, shared with the API so that both count the
// same guesses and reads; a kit without them gets limits of its own.
func newPages(k *web.Kit, eval *evaluation.Service) (*Pages, error) {
	t, err := k.Parse(templateFS, funcs)
	if err != nil {
		return nil, err
	}
	limiter, reads := k.Codes, k.Reads
	if limiter == nil {
		limiter = account.NewLimiter(k.Now)
	}
	if reads == nil {
		reads = ratelimit.NewBulletin(k.Now)
	}
	return &Pages{Kit: k, eval: eval, limiter: limiter, reads: reads, publicURL: k.PublicURL, tmpl: t, slips: newSlipStore()}, nil
}

// nav are the sidebar entries of the evaluation pages.
func nav() []module.Nav {
	return []module.Nav{{Key: "evaluation", Href: "/evaluation", Need: evaluation.EvaluationRead, Order: 50}}
}

// Routes are the evaluation pages and their auth levels: the ballot and
// bulletin pages are public (the code travels only in form bodies).
func (h *Pages) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/vote", module.Public, h.VoteForm),
		module.R("POST", "/vote", module.Public, h.VoteCode),
		module.R("GET", "/vote/ballot", module.Public, h.VoteBallot),
		module.R("POST", "/vote/review", module.Public, h.VoteReview),
		module.R("GET", "/vote/review", module.Public, h.VoteReviewPage),
		module.R("POST", "/vote/submit", module.Public, h.VoteSubmit),
		module.R("GET", "/vote/files/{id}", module.Public, h.VoteFile),
		module.R("GET", "/bulletin/{id}", module.Public, h.Bulletin),
		module.R("POST", "/bulletin/{id}", module.Public, h.BulletinSearch),
		module.R("GET", "/evaluation", module.Web, h.EvalList),
		module.R("GET", "/evaluation/export.xlsx", module.Web, h.EvalListExport),
		module.R("GET", "/api/v1/campaigns/export.xlsx", module.API, h.EvalListExport),
		module.R("GET", "/evaluation/new", module.Web, h.EvalNewForm),
		module.R("POST", "/evaluation/new", module.Web, h.EvalNew),
		module.R("GET", "/evaluation/{id}", module.Web, h.EvalShow),
		module.R("GET", "/evaluation/{id}/edit", module.Web, h.EvalEditForm),
		module.R("POST", "/evaluation/{id}/edit", module.Web, h.EvalEdit),
		module.R("POST", "/evaluation/{id}/edit/check", module.Web, h.EvalEditCheck),
		module.R("POST", "/evaluation/{id}/delete", module.Web, h.EvalDelete),
		module.R("POST", "/evaluation/{id}/open", module.Web, h.EvalOpen),
		module.R("POST", "/evaluation/{id}/close", module.Web, h.EvalClose),
		module.R("POST", "/evaluation/{id}/publish", module.Web, h.EvalPublish),
		module.R("POST", "/evaluation/{id}/subjects", module.Web, h.EvalAddSubject),
		module.R("POST", "/evaluation/{id}/subjects/under", module.Web, h.EvalAddUnder),
		module.R("POST", "/evaluation/{id}/subjects/{sid}/remove", module.Web, h.EvalRemoveSubject),
		module.R("GET", "/evaluation/{id}/subjects/import", module.Web, h.EvalImportForm),
		module.R("POST", "/evaluation/{id}/subjects/import", module.Web, h.EvalImportUpload),
		module.R("GET", "/evaluation/{id}/subjects/import/template.xlsx", module.Web, h.EvalImportTemplate),
		module.R("GET", "/api/v1/campaigns/{id}/subjects/import/template.xlsx", module.API, h.EvalImportTemplate),
		module.R("POST", "/evaluation/{id}/subjects/import/{sid}/apply", module.Web, h.EvalImportApply),
		module.R("POST", "/evaluation/{id}/subjects/{sid}/files", module.Web, h.EvalAttachFiles),
		module.R("POST", "/evaluation/{id}/subjects/{sid}/files/{fid}/remove", module.Web, h.EvalRemoveFile),
		module.R("GET", "/evaluation/{id}/files/{fid}", module.Web, h.EvalFile),
		module.R("POST", "/evaluation/{id}/tokens", module.Web, h.EvalIssueTokens),
		module.R("GET", "/evaluation/{id}/slips/{ticket}", module.Web, h.EvalSlips),
		module.R("POST", "/evaluation/{id}/tokens/revoke", module.Web, h.EvalRevokeToken),
		module.R("POST", "/evaluation/{id}/tokens/batches/{batch}/void", module.Web, h.EvalVoidBatch),
		module.R("POST", "/evaluation/{id}/tokens/export.xlsx", module.Web, h.EvalTokensExport),
		module.R("GET", "/evaluation/{id}/results", module.Web, h.EvalResults),
		module.R("GET", "/evaluation/{id}/results.xlsx", module.Web, h.EvalResultsExport),
		module.R("GET", "/api/v1/campaigns/{id}/results.xlsx", module.API, h.EvalResultsExport),
		module.R("GET", "/evaluation/{id}/comments.xlsx", module.Web, h.EvalCommentsExport),
	}
}

// render writes one of the evaluation pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Module builds the campaign, ballot and bulletin pages: their sidebar entries and routes.
func Module(k *web.Kit, s *evaluation.Service) (web.Module, error) {
	h, err := newPages(k, s)
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: Messages, Cockpits: []web.Card{h.cockpit}}, nil
}
