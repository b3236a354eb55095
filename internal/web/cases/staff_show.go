package cases

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// staffEvent is one event of a case's history as the page shows it: what
// happened and by whom, in words.
type staffEvent struct {
	cases.Event
	Label string
	Who   string
	Files []staffFile
}

// staffFile is an attachment with its size in words.
type staffFile struct {
	cases.File
	SizeText string
	Href     string
}

// staffCaseView is a case's page.
type staffCaseView struct {
	C      cases.Case
	Events []staffEvent
	// Files are the reporter's attachments, shown with the report.
	Files []staffFile
	Place string
	// Next are the steps the actor may take now, one form each; Waits the
	// steps the case waits for, and WaitsAt where they are taken.
	Next    []string
	Waits   string
	WaitsAt string
	// Posted names the form whose input was refused, so that its errors
	// and what was typed show there and nowhere else: a step's key,
	// "extension", "reveal" or "decide:<id>".
	Posted      string
	EscalatedTo string
	Extensions  []cases.Extension
	ExtPending  bool
	CanExtend   bool
	CanDecide   bool
	HasIdentity bool
	Reveals     []cases.Reveal
	CanReveal   bool
	OwnPending  bool
	OwnApproved bool
	Integrity   bool
}

// Decide is the Posted value of the decision form of extension x.
func (v *staffCaseView) Decide(x cases.Extension) string {
	return "decide:" + strconv.FormatInt(x.ID, 10)
}

// staffStepOrder is the order of the steps' forms: the ones that move a
// case on first, those that end or send it back after.
var staffStepOrder = []string{cases.StepAccept, cases.StepDispatch, cases.StepStart, cases.StepAnswer, cases.StepVisit, cases.StepClose,
	cases.StepReturn, cases.StepRefuse, cases.StepDup}

// staffSteps orders steps for the page and leaves out a return (退单) of
// a case that was never dispatched: only the organization it was sent to
// sends it back.
func staffSteps(c cases.Case, steps []string) []string {
	var out []string
	for _, s := range staffStepOrder {
		if slices.Contains(steps, s) && (s != cases.StepReturn || c.HandlerOrgID != 0) {
			out = append(out, s)
		}
	}
	return out
}

// staffHandleAction is the permission that handles a case of kind, as the
// domain's catalogue has it.
func staffHandleAction(kind string) access.Action {
	if kind == cases.KindIntegrity {
		return cases.IntegrityHandle
	}
	return cases.CasesHandle
}

// staffParentPath is the path of the organization above the one of path:
// "/1/17/203/" gives "/1/17/", a root gives "".
func staffParentPath(path string) string {
	t := strings.TrimSuffix(path, "/")
	i := strings.LastIndex(t, "/")
	if i <= 0 {
		return ""
	}
	return t[:i+1]
}

// staffView loads case id for the page: the case and its history from the
// domain, which answers 404 for a case the actor may not see, the steps the
// actor may take, its extensions and reveals. Which secondary forms to
// offer (an extension, a decision, a reveal) follows the domain's rules as
// far as the actor's grants tell; the domain has the last word on each.
func (h *Pages) staffView(r *http.Request, p *web.Page, id int64) (*staffCaseView, error) {
	ctx, actor := r.Context(), web.Actor(r)
	c, evs, err := h.cs.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	v := &staffCaseView{C: c, Place: h.staffPlace(c, true), Integrity: c.Kind == cases.KindIntegrity}
	next, err := h.cs.NextFor(ctx, actor, c)
	if err != nil {
		return nil, err
	}
	v.Next = staffSteps(c, next)
	if v.Extensions, err = h.cs.Extensions(ctx, actor, id); err != nil {
		return nil, err
	}
	if v.HasIdentity, err = h.cs.HasIdentity(ctx, actor, id); err != nil {
		return nil, err
	}
	if v.Reveals, err = h.cs.Reveals(ctx, actor, id); err != nil {
		return nil, err
	}
	for _, e := range evs {
		ev := staffEvent{Event: e, Label: e.Type, Who: e.Actor}
		for _, f := range e.Files {
			ev.Files = append(ev.Files, staffFile{File: f, SizeText: staffFileSize(p.Lang, f.Size), Href: staffCaseHref(c.ID) + "/files/" + strconv.FormatInt(f.ID, 10)})
		}
		if _, ok := staffMessages["css.ev."+e.Type]; ok {
			ev.Label = h.T(p.Lang, "css.ev."+e.Type)
		}
		switch e.Actor {
		case "reporter":
			ev.Who = h.T(p.Lang, "css.by_reporter")
		case "system":
			ev.Who = h.T(p.Lang, "css.by_system")
		}
		if e.Type == "submit" {
			v.Files = ev.Files
		}
		if e.Type == "escalate" {
			v.EscalatedTo = e.OrgName
		}
		v.Events = append(v.Events, ev)
	}
	var waits []string
	for _, s := range staffSteps(c, cases.NextSteps(c.State)) {
		waits = append(waits, org.LabelOf(cases.Steps, s, p.Lang))
	}
	v.Waits = strings.Join(waits, web.Msg(p.Lang, "、", ", "))
	v.WaitsAt = c.OrgName
	if c.HandlerOrgID != 0 && (c.State == cases.Dispatched || c.State == cases.InProgress) {
		v.WaitsAt = c.HandlerOrgName
	}

	// Where the actor handles: the organizations it may read of the
	// responsible one and the one dispatched to.
	act := staffHandleAction(c.Kind)
	var orgPath, handlerPath string
	if o, err := h.Orgs.Get(ctx, actor, c.OrgID); err == nil {
		orgPath = o.Path
	}
	if c.HandlerOrgID != 0 {
		if o, err := h.Orgs.Get(ctx, actor, c.HandlerOrgID); err == nil {
			handlerPath = o.Path
		}
	}
	can := func(path string) bool { return path != "" && actor.Can(act, path) }
	handles := can(orgPath) || can(handlerPath)
	for _, x := range v.Extensions {
		v.ExtPending = v.ExtPending || x.State == "pending"
	}
	answerAt := orgPath
	if c.HandlerOrgID != 0 {
		answerAt = handlerPath
	}
	v.CanExtend = can(answerAt) && !c.HandleDue.IsZero() && !c.Deadline.IsZero() && !v.ExtPending
	v.CanDecide = v.ExtPending && can(staffParentPath(orgPath))
	for _, rv := range v.Reveals {
		if rv.RequestedBy == actor.Username {
			v.OwnPending = v.OwnPending || rv.State == "pending"
			v.OwnApproved = v.OwnApproved || rv.State == "approved"
		}
	}
	v.CanReveal = v.HasIdentity && handles && !v.OwnPending && !v.OwnApproved

	p.Title = fmt.Sprintf(h.T(p.Lang, "css.number"), c.ID) + " · " + org.LabelOf(cases.Kinds, c.Kind, p.Lang)
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, staffListTitle(c.Kind)), Href: staffListHref(c.Kind)}, {Label: p.Title}}
	p.Picker("org_id", web.PickFilter{Under: c.OrgID})
	p.Data = v
	return v, nil
}

// CaseShow shows a case: its facts, the report, the history with what the
// reporter is shown marked, the attachments, one form per step the actor
// may take now, the extensions and the requests to reveal the reporter.
func (h *Pages) CaseShow(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "cases", "")
	v, err := h.staffView(r, p, id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.staffActivate(p, v.C.Kind)
	h.render(w, r, http.StatusOK, "cases_staff_show", "layout", p)
}

// staffActivate marks the sidebar entry of the list a case of kind is in.
func (h *Pages) staffActivate(p *web.Page, kind string) {
	for i := range p.Nav {
		p.Nav[i].Active = p.Nav[i].Key == staffNavKey(kind)
	}
}

// CaseFile sends an attachment of a case the actor sees, as a download:
// never shown inline, and never sniffed into something else.
func (h *Pages) CaseFile(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	fid, err := web.PathID(r, "fid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	f, err := h.cs.CaseFile(r.Context(), web.Actor(r), id, fid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.MIME)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Disposition", xlsx.Disposition("attachment", f.Name, "attachment"+staffExt(f.MIME)))
	hd.Set("Content-Length", strconv.Itoa(len(f.Data)))
	hd.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(f.Data) // a client that went away has nothing to be told
}

// staffExt is the extension of an attachment's type, for a name that cannot
// go out as it is.
func staffExt(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "application/pdf":
		return ".pdf"
	}
	return ""
}

// staffFileSize writes a size in bytes as people read it.
func staffFileSize(lang string, n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.Itoa((n+512)>>10) + " KB"
	}
	return strconv.Itoa(n) + web.Msg(lang, " 字节", " bytes")
}
