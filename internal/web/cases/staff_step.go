package cases

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// staffMaxForm caps the request of a step: the attachments of an answer,
// which the domain caps together, with room for the text and the parts'
// headers.
const staffMaxForm = cases.MaxAttachmentsBytes + 256<<10

// staffMaxField caps one text field of a multipart form: far more than any
// text the domain accepts, which then says how long it may be.
const staffMaxField = 64 << 10

// staffReadForm reads the form of a step: url-encoded, or multipart when it
// carries files (the evidence of an answer, in the field "attachments").
// The parts are read one by one within staffMaxForm, so that an oversized
// upload is refused as it arrives. Text is checked as the server checks
// url-encoded forms: UTF-8 without NUL.
func staffReadForm(w http.ResponseWriter, r *http.Request) (url.Values, []cases.NamedFile, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return url.Values{}, nil, errs.New(errs.Invalid, "表单无法读取：请回到上一页重新填写并提交", "the form could not be read: go back to the page and submit it again")
		}
		return r.PostForm, nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, staffMaxForm)
	form := url.Values{}
	mr, err := r.MultipartReader()
	if err != nil {
		return form, nil, staffUploadBroken()
	}
	var files []cases.NamedFile
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, files, nil
		}
		if err != nil {
			return form, nil, staffUploadError(err)
		}
		name, file := part.FormName(), part.FileName()
		if file != "" || name == "attachments" {
			data, err := io.ReadAll(part)
			part.Close()
			if err != nil {
				return form, nil, staffUploadError(err)
			}
			if name == "attachments" && (file != "" || len(data) > 0) {
				files = append(files, cases.NamedFile{Name: file, Data: data})
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, staffMaxField))
		part.Close()
		if err != nil {
			return form, nil, staffUploadError(err)
		}
		s := string(b)
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return form, nil, errs.New(errs.Invalid, "请求内容含有无效的 UTF-8 字符或控制字符：请以 UTF-8 编码提交", "the request holds invalid UTF-8 or a control character: send text encoded as UTF-8")
		}
		form.Add(name, s)
	}
}

// staffUploadError is the refusal of a multipart body that could not be read:
// too large, or cut off.
func staffUploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &errs.Error{Kind: errs.TooLarge, Field: "attachments", Text: staffMessages["css.upload_too_big"]}
	}
	return staffUploadBroken()
}

func staffUploadBroken() error {
	return errs.Field("attachments", staffMessages["css.upload_broken"].ZH, staffMessages["css.upload_broken"].EN)
}

// CaseStep takes the step the form names (step=accept, refuse, dispatch,
// return, start, answer, visit, close or duplicate) on the version of the
// case the page showed. A refused input shows the page again with the
// message at its field and what was typed; a case changed since it was
// loaded, or a step its state does not allow, is a conflict (409) that
// changes nothing.
func (h *Pages) CaseStep(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	form, files, err := staffReadForm(w, r)
	step := form.Get("step")
	if err != nil {
		h.staffFormFailed(w, r, id, step, form, err)
		return
	}
	in := cases.StepInput{Step: step, Text: form.Get("text"), Outcome: form.Get("outcome"), Files: files}
	in.Version, _ = strconv.Atoi(form.Get("version")) // a form without one is not checked
	bad := map[string]bool{}
	switch step {
	case cases.StepDispatch:
		// The organization typed and not chosen from the list is the one
		// below the case's that the words name.
		if form.Get("org_id") == "" && strings.TrimSpace(form.Get("org_id_q")) != "" {
			c, _, err := h.cs.Get(ctx, actor, id)
			if err != nil {
				h.Fail(w, r, err)
				return
			}
			if err := h.ResolveOrg(ctx, actor, form, "org_id", web.PickFilter{Under: c.OrgID}); err != nil {
				h.staffFormFailed(w, r, id, step, form, err)
				return
			}
		}
		in.OrgID = web.IDField(form.Get("org_id"), "org_id", bad)
	case cases.StepDup:
		in.DuplicateOf = web.IDField(strings.TrimPrefix(strings.TrimSpace(form.Get("duplicate_of")), "#"), "duplicate_of", bad)
	}
	c, err := h.cs.Take(ctx, actor, id, in)
	if err != nil {
		h.staffFormFailed(w, r, id, step, form, err)
		return
	}
	lang := i18n.FromRequest(r)
	msg := h.T(lang, "css.done."+step)
	switch step {
	case cases.StepAccept:
		msg = fmt.Sprintf(msg, c.ID, bj(c.HandleDue.Add(-1)).Format("2006-01-02"))
	case cases.StepDispatch:
		msg = fmt.Sprintf(msg, c.ID, c.HandlerOrgName)
	case cases.StepReturn:
		msg = fmt.Sprintf(msg, c.ID, c.OrgName)
	case cases.StepClose:
		msg = fmt.Sprintf(msg, c.ID, org.LabelOf(cases.Outcomes, c.Outcome, lang))
	case cases.StepDup:
		msg = fmt.Sprintf(msg, c.ID, c.DuplicateOf)
	default:
		msg = fmt.Sprintf(msg, c.ID)
	}
	h.Redirect(w, r, staffCaseHref(c.ID), "ok", msg)
}

// staffFormFailed answers a form of the case page that the domain refused. A
// refusal of the account or a case it may not see is the error page (403,
// 404); refused input and conflicts show the case page again as it is now,
// with the message, the errors at the fields of the form posted (posted
// names it) and what was typed there. A case changed since the page was
// loaded gets the kit's stale-edit answer, naming the state it is in now.
func (h *Pages) staffFormFailed(w http.ResponseWriter, r *http.Request, id int64, posted string, form url.Values, err error) {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict && e.Kind != errs.TooLarge {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "cases", "")
	v, verr := h.staffView(r, p, id)
	if verr != nil {
		h.Fail(w, r, verr)
		return
	}
	h.staffActivate(p, v.C.Kind)
	v.Posted = posted
	p.Form = form
	if errs.IsStale(err) {
		lang := p.Lang
		stored := url.Values{"version": {strconv.Itoa(v.C.Version)}, "state": {v.C.State}}
		h.StaleForm(w, r, h.tmpl, p, "cases_staff_show", stored, []web.StoredField{{Name: "state", Label: "css.state",
			Show: func(s string) string { return org.LabelOf(cases.States, s, lang) }}})
		return
	}
	p.Errors = errs.FieldMessages(err, p.Lang)
	p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
	if len(e.Details) > 1 {
		p.Flash.Text = web.Msg(p.Lang, "表单中有 "+strconv.Itoa(len(e.Details))+" 处需要修改，请看各字段下的提示", strconv.Itoa(len(e.Details))+" fields need fixing: see the notes below each")
	}
	h.render(w, r, web.Status(e.Kind), "cases_staff_show", "layout", p)
}
