package cases

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

// The custodian's page (身份查看审批): the requests to reveal a reporter's
// identity that wait for the actor's decision, each with its case number,
// reason, requester and time, and the form that approves or refuses it.
// Nothing of the identity itself is shown here: a custodian decides, the
// requester reads.

// revealRoutes are the custodian's pages; the domain decides which
// requests the actor sees (RevealApprove at the case's organization, from
// above the organization concerned for an integrity report).
func (h *Pages) revealRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/cases/reveals", module.Web, h.RevealList),
		module.R("POST", "/cases/reveals/{rid}/decide", module.Web, h.RevealDecide),
	}
}

// errRevealApprove refuses the page to an account that decides no request
// anywhere.
var errRevealApprove = errs.New(errs.Forbidden, "您没有审批查看反映人身份的权限", "you may not decide requests to reveal a reporter's identity")

// revealsView is the custodian's page.
type revealsView struct {
	Rows []cases.Reveal
	// Failed is the request whose form is shown again with its error.
	Failed int64
	// Me is the actor's user name: its own requests get no buttons, as
	// the domain refuses them.
	Me string
}

// revealPage starts the page with the requests waiting for the actor.
func (h *Pages) revealPage(w http.ResponseWriter, r *http.Request) (*web.Page, *revealsView, bool) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "reveals", h.T(lang, "crv.title"))
	rows, err := h.cs.PendingReveals(r.Context(), web.Actor(r))
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	v := &revealsView{Rows: rows, Me: web.Actor(r).Username}
	p.Data = v
	return p, v, true
}

// RevealList lists the requests waiting for the actor's decision, oldest
// first, with what a decision does.
func (h *Pages) RevealList(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(cases.RevealApprove) {
		h.Fail(w, r, errRevealApprove)
		return
	}
	p, _, ok := h.revealPage(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "cases_reveals", "layout", p)
}

// RevealDecide approves or refuses a request (decision=approve|refuse,
// with an optional note). A refusal of the domain that concerns this
// request — one's own request, one decided already — is shown above the
// list with its status; a request the actor may not see is not found.
func (h *Pages) RevealDecide(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(cases.RevealApprove) {
		h.Fail(w, r, errRevealApprove)
		return
	}
	rid, err := web.PathID(r, "rid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p, v, ok := h.revealPage(w, r)
	if !ok {
		return
	}
	decision := r.PostForm.Get("decision")
	p.Form = url.Values{"note": {r.PostForm.Get("note")}}
	if decision != "approve" && decision != "refuse" {
		v.Failed = rid
		h.FormError(w, r, h.tmpl, p, "cases_reveals", errs.Field("decision", "请选择“批准”或“不批准”", "choose approve or refuse"))
		return
	}
	// The case number for the message, read before the decision takes the
	// request off the list.
	var caseID int64
	for _, rv := range v.Rows {
		if rv.ID == rid {
			caseID = rv.CaseID
		}
	}
	err = h.cs.DecideReveal(ctx, actor, rid, decision == "approve", r.PostForm.Get("note"))
	switch kind := errs.KindOf(err); {
	case err == nil:
		no := strconv.FormatInt(caseID, 10)
		msg := web.Msg(p.Lang, "已批准第 "+no+" 号案件查看反映人身份的申请：申请人现在可以查看，反映人会看到身份已被查看及申请理由",
			"Approved the request on case "+no+": the requester may now read the reporter's identity, and the reporter is told so, with the reason")
		if decision == "refuse" {
			msg = web.Msg(p.Lang, "已不予批准第 "+no+" 号案件查看反映人身份的申请", "Refused the request on case "+no)
		}
		h.Redirect(w, r, "/cases/reveals", "ok", msg)
	case kind == errs.Invalid:
		v.Failed = rid
		h.FormError(w, r, h.tmpl, p, "cases_reveals", err)
	case kind == errs.Forbidden || kind == errs.Conflict:
		// The request is in the actor's reach but cannot be decided by it
		// or any more: say so above the list as it now is.
		p.Flash = &web.Flash{Kind: "err", Text: web.ErrMessage(err, p.Lang)}
		h.render(w, r, web.Status(kind), "cases_reveals", "layout", p)
	default:
		h.Fail(w, r, err)
	}
}

// revealMessages is the catalogue of the custodian's page.
var revealMessages = i18n.Catalog{
	"crv.title":         {ZH: "身份查看审批", EN: "Identity reveals"},
	"crv.explain_head":  {ZH: "审批前请了解", EN: "Before you decide"},
	"crv.explain_1":     {ZH: "反映人留下的姓名和联系方式加密保存，办理人员看不到。办理人员确需联系反映人时，须说明理由并经您批准。", EN: "The name and contact a reporter leaves are sealed: those handling the case cannot see them. When one of them must reach the reporter, they give a reason and you decide."},
	"crv.explain_2":     {ZH: "批准后，申请人可以查看该案件反映人的身份信息；您在本页看不到这些信息。", EN: "Once you approve, the requester may read the reporter's identity on the case; you do not see it on this page."},
	"crv.explain_3":     {ZH: "申请人的每一次查看都会记入审计日志。", EN: "Every reading by the requester is written to the audit log."},
	"crv.explain_4":     {ZH: "反映人在查询页会看到身份已被查看、批准的时间和申请理由。", EN: "The reporter sees on the follow-up page that their identity was revealed, when, and the reason given."},
	"crv.explain_5":     {ZH: "不能审批自己提出的申请；不批准时，申请人可补充理由后重新申请。", EN: "You may not decide your own request. After a refusal, the requester may ask again with a better reason."},
	"crv.pending":       {ZH: "待审批的申请", EN: "Requests waiting for you"},
	"crv.count":         {ZH: "共 %s 项待审批", EN: "%s waiting"},
	"crv.none":          {ZH: "目前没有待您审批的申请。有新申请时，系统会通知您。", EN: "No request is waiting for you. You are notified when one comes in."},
	"crv.case":          {ZH: "案件编号", EN: "Case"},
	"crv.case_no":       {ZH: "第 %d 号", EN: "No. %d"},
	"crv.reason":        {ZH: "申请理由", EN: "Reason"},
	"crv.requester":     {ZH: "申请人", EN: "Requested by"},
	"crv.at":            {ZH: "申请时间", EN: "Requested at"},
	"crv.note":          {ZH: "审批意见", EN: "Note"},
	"crv.note_hint":     {ZH: "选填，最多 500 字；申请人可以看到", EN: "Optional, up to 500 characters; the requester sees it"},
	"crv.approve":       {ZH: "批准查看", EN: "Approve"},
	"crv.refuse":        {ZH: "不批准", EN: "Refuse"},
	"crv.approve_check": {ZH: "批准后，申请人即可查看第 %d 号案件反映人的姓名和联系方式，反映人会看到批准及申请理由。确定批准？", EN: "Once approved, the requester may read the name and contact of the reporter of case %d, and the reporter sees the approval and the reason. Approve?"},
	"crv.decision":      {ZH: "审批", EN: "Decision"},
	"crv.own":           {ZH: "这是您本人提出的申请，须由其他身份信息保管人审批。", EN: "This is your own request: another custodian must decide it."},
}
