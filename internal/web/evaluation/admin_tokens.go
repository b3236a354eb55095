package evaluation

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// maxSlips bounds one issue from the page: 200 sheets of ten slips.
const maxSlips = 2000

// evaSlip is one printed slip.
type evaSlip struct {
	Seq  int
	Code string
	QR   template.URL // data URI of the QR code's SVG
}

// evaSlips is the printable sheet of freshly issued codes.
type evaSlips struct {
	C        evaluation.Campaign
	Group    string
	Name     string
	VoteURL  string
	Sheets   [][]evaSlip
	Codes    []string
	NoQR     bool
	Issued   int
	Campaign int64
}

// noPublicURL refuses to print slips on a server started without
// --public-url.
func noPublicURL() error {
	return errs.New(errs.Conflict, "未设置公开网址，不能打印测评票：请用 jiceng serve --public-url https://评委访问的地址 重新启动服务后再发放",
		"no public address is set, so no slips can be printed: restart with jiceng serve --public-url https://<the address raters reach>, then issue the codes")
}

// voteURL is the address printed on slips and held by their QR codes: the
// configured public address, never the request's Host header, which the
// client chooses — a slip printed with another host would send raters and
// their codes to it.
func (h *Pages) voteURL() (string, error) {
	if h.publicURL == "" {
		return "", noPublicURL()
	}
	return h.publicURL + "/vote", nil
}

// slipURL is the address of one slip's QR code. The code is in the
// fragment, which browsers send to no server and no proxy; app.js clears
// it from the address and posts it.
func slipURL(vote, code string) string {
	return vote + "#c=" + strings.ReplaceAll(code, "-", "")
}

// slipSheets lays the slips out ten to a sheet, each with the QR code of
// its slipURL made by encode; noQR reports a QR code that failed.
func slipSheets(vote string, codes []string, encode func(string) (template.URL, error)) (sheets [][]evaSlip, noQR bool, err error) {
	var sheet []evaSlip
	for i, code := range codes {
		s := evaSlip{Seq: i + 1, Code: code}
		qr, qerr := encode(slipURL(vote, code))
		if qerr != nil {
			noQR, err = true, qerr
		} else {
			s.QR = qr
		}
		sheet = append(sheet, s)
		if len(sheet) == 10 {
			sheets, sheet = append(sheets, sheet), nil
		}
	}
	if len(sheet) > 0 {
		sheets = append(sheets, sheet)
	}
	return sheets, noQR, err
}

// privateResponse keeps a response that carries ballot codes out of caches
// and out of the Referer of any link followed from it.
func privateResponse(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// EvalIssueTokens issues ballot codes for a rater group and redirects to
// the slips to print. The codes exist only in this process (the database
// keeps their HMAC): the slips page reads them from the slip store by a
// ticket, so that reloading it shows the same slips and never issues a
// second batch.
func (h *Pages) EvalIssueTokens(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	// The right to the campaign comes before the form: a reader of the
	// campaign learns nothing from the validation of the count.
	if _, err := h.eval.CheckManage(r.Context(), web.Actor(r), id); err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	group := r.PostForm.Get("group")
	n, convErr := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("n")))
	if convErr != nil || n < 1 || n > maxSlips {
		h.evaShowError(w, r, errs.Field("n", "发放数量应为 1–2000 之间的整数", "issue a whole number of codes from 1 to 2000"), nil)
		return
	}
	if group == "" {
		h.evaShowError(w, r, errs.Field("group", "请选择评委组", "choose a rater group"), nil)
		return
	}
	// Codes that cannot be printed would be lost: none are issued then.
	if _, err := h.voteURL(); err != nil {
		h.Redirect(w, r, evaHref(id, "")+"#tokens", "err", errs.As(err).Message(lang))
		return
	}
	codes, err := h.eval.IssueTokens(r.Context(), web.Actor(r), id, group, n)
	if err != nil {
		if k := errs.KindOf(err); k == errs.Conflict {
			h.Redirect(w, r, evaHref(id, ""), "err", errs.As(err).Message(lang))
			return
		}
		h.evaShowError(w, r, err, nil)
		return
	}
	ticket := h.slips.put(slipBatch{user: web.Actor(r).UserID, campaign: id, group: group, codes: codes, expires: h.Now().Add(slipTTL)}, h.Now())
	h.Redirect(w, r, evaHref(id, "/slips/"+ticket), "", "")
}

func (h *Pages) renderSlips(w http.ResponseWriter, r *http.Request, id int64, group string, codes []string) {
	c, err := h.eval.Get(r.Context(), web.Actor(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	name, _ := groupLabel(c.Rules, group)
	p := h.evaPage(r, h.T(lang, "eva.slips_title"), web.Crumb{Label: c.Name, Href: evaHref(id, "")}, web.Crumb{Label: h.T(lang, "eva.slips_title")})
	p.ScopeName = c.OwnerName
	vote, err := h.voteURL()
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &evaSlips{C: c, Group: group, Name: name, VoteURL: vote, Codes: codes, Issued: len(codes), Campaign: id}
	v.Sheets, v.NoQR, err = slipSheets(vote, codes, qrSVG)
	if err != nil {
		h.Logger.Error("qr code", "err", err)
	}
	p.Data = v
	privateResponse(w)
	h.render(w, r, http.StatusOK, "eval_admin_slips", "layout", p)
}

func groupLabel(rules evaluation.Rules, key string) (string, bool) {
	for _, g := range rules.Groups {
		if g.Key == key {
			return g.Name, true
		}
	}
	return key, false
}

// EvalRevokeToken withdraws one unused code, such as that of a lost slip.
func (h *Pages) EvalRevokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	err = h.eval.RevokeToken(r.Context(), web.Actor(r), id, r.PostForm.Get("code"))
	if err != nil {
		if k := errs.KindOf(err); k == errs.Invalid || k == errs.Conflict {
			h.Redirect(w, r, evaHref(id, "")+"#tokens", "err", errs.As(err).Message(lang))
			return
		}
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, evaHref(id, "")+"#tokens", "ok", web.Msg(lang, "测评码已作废，不能再用于投票", "The ballot code is revoked and can no longer be used"))
}

// EvalTokensExport writes the codes posted back from the slips page to
// Excel. The codes come in the body of a POST, never in a URL; the domain
// lets only the campaign's managers export them.
func (h *Pages) EvalTokensExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	sl, err := h.eval.SlipExport(ctx, actor, id, r.PostForm.Get("group"), r.PostForm["code"])
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	vote, err := h.voteURL()
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	scope := sl.Campaign.OwnerName
	if o, err := h.Orgs.Get(ctx, actor, sl.Campaign.OwnerOrgID); err == nil {
		scope = o.Label()
	}
	c, name, codes := sl.Campaign, sl.GroupName, sl.Codes
	lang := i18n.FromRequest(r)
	shown := evaluation.NameIn(name, lang)
	list := i18n.Text{ZH: "测评码_" + name, EN: "codes_" + evaluation.NameIn(name, i18n.EN)}
	header := []string{"序号", "评委组", "测评码", "投票网址"}
	if lang == i18n.EN {
		header = []string{"No.", "Rater group", "Code", "Voting address"}
	}
	s := xlsx.Sheet{Title: web.Msg(lang, c.Name+" 测评码（"+name+"）", c.Name+" codes ("+shown+")"),
		Exporter: actor.Username, Time: h.Now(), Header: header, Widths: []float64{6, 16, 40, 80}, Kinds: []xlsx.Kind{xlsx.Integer}}
	privateResponse(w)
	filters := i18n.Text{ZH: "评委组：" + name + "；共 " + strconv.Itoa(len(codes)) + " 张", EN: "Rater group: " + evaluation.NameIn(name, i18n.EN) + "; " + strconv.Itoa(len(codes)) + " codes"}
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, code := range codes {
			if !yield([]any{i + 1, shown, code, slipURL(vote, code)}) {
				return
			}
		}
	})
}

// evaListXLSX exports campaigns.
func (h *Pages) evaListXLSX(w http.ResponseWriter, r *http.Request, rows []evaluation.Campaign) {
	actor := web.Actor(r)
	scope := web.ExportScope(r, org.Org{}, evaluation.EvaluationRead)
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "评议考核测评", EN: "evaluation campaigns"}
	v := r.URL.Query()
	filters := web.Bilingual(func(lang string) string {
		var parts []string
		if q := strings.TrimSpace(v.Get("q")); q != "" {
			parts = append(parts, web.Msg(lang, "关键词=", "keyword=")+q)
		}
		if y := v.Get("year"); y != "" {
			parts = append(parts, web.Msg(lang, "年度=", "year=")+y)
		}
		if st := v.Get("status"); st != "" {
			parts = append(parts, web.Msg(lang, "状态=", "status=")+h.T(lang, "eva.status_"+st))
		}
		if len(parts) == 0 {
			return ""
		}
		return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
	})
	header := []string{"序号", "测评名称", "类型", "年度", "组织单位", "状态", "开始时间", "结束时间", "结果校验值（SHA-256）"}
	if lang == i18n.EN {
		header = []string{"No.", "Campaign", "Type", "Year", "Organizer", "Status", "Opens", "Closes", "Results checksum (SHA-256)"}
	}
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(),
		Header: header,
		Widths: []float64{6, 40, 16, 8, 28, 10, 18, 18, 68},
		Kinds:  []xlsx.Kind{xlsx.Integer, 3: xlsx.Integer}}
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, c := range rows {
			if !yield([]any{i + 1, c.Name, evaTypeLabel(c.Type, lang), c.Year, c.OwnerName, h.T(lang, "eva.status_"+c.Status),
				c.OpensAt.In(org.Shanghai).Format("2006-01-02 15:04"), c.ClosesAt.In(org.Shanghai).Format("2006-01-02 15:04"), c.ResultsSHA256}) {
				return
			}
		}
	})
}
