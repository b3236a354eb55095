package people

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The pages of transfers (组织关系转接): the form on a member's page, and
// the list of transfers into and out of the actor's scope, where the
// receiving side accepts or rejects and the sending side withdraws.

// targetPicker is the receiving organization's picker: any active
// organization of the installation, found by name.
var targetPicker = web.PickFilter{Directory: true}

// PersonTransfer requests a member's transfer: to an organization picked
// from the whole tree, or out of the system to one named in words.
func (h *Pages) PersonTransfer(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "people", "")
	v, ok := h.personView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	ctx, actor, f := r.Context(), web.Actor(r), r.PostForm
	p.Form = statusForm(v)
	for _, k := range []string{"to_org", "to_org_q", "out_to", "note", "mode"} {
		p.Form[k] = f[k]
	}
	p.Form.Set("transfer_on", f.Get("transfer_on"))
	p.Picker("to_org", targetPicker)
	in := people.TransferInput{OnDate: f.Get("transfer_on"), Note: f.Get("note")}
	if f.Get("mode") == "out" {
		in.OutTo = f.Get("out_to")
	} else {
		if err := h.ResolveOrg(ctx, actor, p.Form, "to_org", targetPicker); err != nil {
			h.FormError(w, r, h.tmpl, p, "people_person", err)
			return
		}
		if s := p.Form.Get("to_org"); s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				h.FormError(w, r, h.tmpl, p, "people_person", errs.Field("to_org", "请从列表中选择接收党组织", "choose the receiving organization from the list"))
				return
			}
			in.ToOrgID = id
		}
	}
	t, err := h.ppl.RequestTransfer(ctx, actor, v.P.ID, in)
	if err != nil {
		// The domain names the fields of the API; the form's are these.
		e := errs.As(err)
		for i := range e.Details {
			e.Details[i].Field = transferField(e.Details[i].Field, in)
		}
		e.Field = transferField(e.Field, in)
		h.FormError(w, r, h.tmpl, p, "people_person", e)
		return
	}
	if t.State == "out" {
		h.Redirect(w, r, personHref(v.P.ID), "ok", web.Msg(p.Lang, v.P.Name+"的组织关系已转出本系统，转至"+t.ToOrgName, v.P.Name+" has been transferred out of the system to "+t.ToOrgName))
		return
	}
	h.Redirect(w, r, personHref(v.P.ID), "ok", web.Msg(p.Lang, "已提出转接，等待"+t.ToOrgName+"接收", "The transfer is requested and awaits "+t.ToOrgName))
}

// transferField is the form field of a field error of a transfer request.
func transferField(field string, in people.TransferInput) string {
	switch field {
	case "to_org_id":
		return "to_org"
	case "on_date":
		return "transfer_on"
	}
	return field
}

// transferList is what the list of transfers shows.
type transferList struct {
	Rows     []people.Transfer
	List     *web.List
	Dir      string
	State    string
	Pending  int // incoming transfers awaiting the actor's decision
	Today    string
	Filtered bool
}

// transferQuery reads the list's filters from the URL.
func transferQuery(r *http.Request, l *web.List) people.TransferQuery {
	v := r.URL.Query()
	return people.TransferQuery{Direction: v.Get("dir"), State: v.Get("state"), Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}
}

// TransferList lists the transfers into (?dir=in) and out of (?dir=out)
// the actor's scope, pending ones first, with the forms to decide them.
func (h *Pages) TransferList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "people", h.T(i18n.FromRequest(r), "ppl.transfers_title"))
	l := web.ListFrom(r, "")
	q := transferQuery(r, l)
	v := &transferList{List: l, Dir: q.Direction, State: q.State, Today: h.today(), Filtered: l.Q != "" || q.State != ""}
	var err error
	if v.Rows, l.Total, err = h.ppl.Transfers(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	if _, n, err := h.ppl.Transfers(ctx, actor, people.TransferQuery{Direction: "in", State: "pending", Limit: 1}); err == nil {
		v.Pending = n
	}
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "nav.people"), Href: "/people"}, {Label: p.Title}}
	p.ScopeName = web.ScopeName(actor, people.PeopleRead)
	p.Form = r.URL.Query()
	if p.Form.Get("on_date") == "" {
		p.Form.Set("on_date", v.Today)
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "people_transfers", "layout", p)
}

// transferDecision runs one decision on a transfer and returns to the
// list with what happened.
func (h *Pages) transferDecision(w http.ResponseWriter, r *http.Request, do func(id int64) (people.Transfer, error), done func(t people.Transfer, lang string) string) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	back := "/people/transfers?dir=" + map[bool]string{true: "in", false: "out"}[r.PostForm.Get("back") != "out"]
	t, err := do(id)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.Invalid || e.Kind == errs.Conflict || e.Kind == errs.Forbidden {
			h.Redirect(w, r, back, "err", e.Message(lang))
			return
		}
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, back, "ok", done(t, lang))
}

// TransferAccept accepts a transfer into an organization the actor manages.
func (h *Pages) TransferAccept(w http.ResponseWriter, r *http.Request) {
	h.transferDecision(w, r, func(id int64) (people.Transfer, error) {
		return h.ppl.AcceptTransfer(r.Context(), web.Actor(r), id, r.PostForm.Get("on_date"))
	}, func(t people.Transfer, lang string) string {
		return web.Msg(lang, "已接收"+t.PersonName+"的组织关系，转入"+t.ToOrgName, t.PersonName+" is now a member of "+t.ToOrgName)
	})
}

// TransferReject returns a transfer to the sender with a reason.
func (h *Pages) TransferReject(w http.ResponseWriter, r *http.Request) {
	h.transferDecision(w, r, func(id int64) (people.Transfer, error) {
		return h.ppl.RejectTransfer(r.Context(), web.Actor(r), id, r.PostForm.Get("reason"))
	}, func(t people.Transfer, lang string) string {
		return web.Msg(lang, "已退回"+t.PersonName+"的组织关系转接", "The transfer of "+t.PersonName+" is rejected")
	})
}

// TransferCancel withdraws a transfer the actor's side sent.
func (h *Pages) TransferCancel(w http.ResponseWriter, r *http.Request) {
	h.transferDecision(w, r, func(id int64) (people.Transfer, error) {
		return h.ppl.CancelTransfer(r.Context(), web.Actor(r), id)
	}, func(t people.Transfer, lang string) string {
		return web.Msg(lang, "已撤回"+t.PersonName+"的组织关系转接", "The transfer of "+t.PersonName+" is withdrawn")
	})
}

// TransferExport exports the list of transfers with the page's filters.
func (h *Pages) TransferExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	l := web.ListFrom(r, "")
	q := transferQuery(r, l)
	q.Limit, q.Offset = web.ExportFetch, 0
	rows, _, err := h.ppl.Transfers(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "组织关系转接", EN: "transfers"}
	header := []string{"序号", "姓名", "身份证号", "类别", "转出党组织", "接收党组织", "转接日期", "状态", "办理日期", "经办人", "退回理由", "备注"}
	if lang == i18n.EN {
		header = []string{"No.", "Name", "ID number", "Kind", "From", "To", "Date", "State", "Decided on", "Decided by", "Reason for rejecting", "Note"}
	}
	scope := web.ExportScope(r, org.Org{}, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 20, 12, 28, 28, 12, 12, 12, 12, 24, 24}, Kinds: []xlsx.Kind{xlsx.Integer, 10: xlsx.Wrap, 11: xlsx.Wrap}}
	filters := web.Bilingual(func(lang string) string {
		var parts []string
		if q.Direction != "" {
			parts = append(parts, web.Msg(lang, map[string]string{"in": "转入", "out": "转出"}[q.Direction], map[string]string{"in": "incoming", "out": "outgoing"}[q.Direction]))
		}
		if q.State != "" {
			parts = append(parts, org.LabelOf(people.TransferStates, q.State, lang))
		}
		if q.Q != "" {
			parts = append(parts, web.Msg(lang, "关键词=", "search=")+q.Q)
		}
		if len(parts) == 0 {
			return ""
		}
		return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, t := range rows {
			row := []any{i + 1, t.PersonName, t.IDMask, org.LabelOf(people.Kinds, t.Kind, lang), t.FromOrgName, t.ToOrgName, t.OnDate,
				org.LabelOf(people.TransferStates, t.State, lang), t.DecidedOn, t.DecidedBy, t.Reason, t.Note}
			if !yield(row) {
				return
			}
		}
	})
}
