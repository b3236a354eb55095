package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// ErrFormOp refuses a form whose operation the page does not know.
var ErrFormOp = errs.New(errs.Invalid, "未知的操作", "unknown operation")

// errBadForm refuses a form that cannot be read, such as one whose address
// holds a broken %-escape.
var errBadForm = errs.New(errs.Invalid, "表单无法读取：请回到上一页重新填写并提交", "the form could not be read: go back to the page and submit it again")

// ParseForm parses the form of r; when it cannot, it answers with the error
// page and returns false.
func (k *Kit) ParseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		k.Fail(w, r, errBadForm)
		return false
	}
	return true
}

// FormVersion reads the version an edit form was loaded with: the save is
// refused when the record has changed since. A form without one (sent by
// hand) is not checked.
func FormVersion(f url.Values) *int {
	v, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		return nil
	}
	return &v
}

// StoredField is a field of an edit form for the note that lists the
// stored values after a stale save: its form name, the catalogue key of its
// label and how a stored value reads (a label for a code), nil for as is.
type StoredField struct {
	Name, Label string
	Show        func(string) string
}

// StaleForm shows again a form whose save was refused because its record
// changed since the form was loaded (by someone else, or by the same user
// in another window). What was typed stays; the form now carries the
// current version, so that saving again knowingly overwrites; and the
// message lists the stored values of the fields that differ from the typed
// ones, so the user sees what they would overwrite.
func (k *Kit) StaleForm(w http.ResponseWriter, r *http.Request, t *Templates, p *Page, page string, stored url.Values, fields []StoredField) {
	p.Form.Set("version", stored.Get("version"))
	sep := "；"
	if p.Lang == i18n.EN {
		sep = "; "
	}
	var diffs []string
	for _, f := range fields {
		cur := stored.Get(f.Name)
		if strings.TrimSpace(p.Form.Get(f.Name)) == strings.TrimSpace(cur) {
			continue
		}
		if f.Show != nil && cur != "" {
			cur = f.Show(cur)
		}
		diffs = append(diffs, k.T(p.Lang, f.Label)+"“"+cur+"”")
	}
	text := k.T(p.Lang, "common.stale_form")
	if len(diffs) > 0 {
		text += k.T(p.Lang, "common.stale_stored") + strings.Join(diffs, sep)
	} else {
		text += k.T(p.Lang, "common.stale_same")
	}
	p.Errors = map[string]string{}
	p.Flash = &Flash{Kind: "err", Text: text}
	k.Render(w, r, http.StatusConflict, t, page, "layout", p)
}

// FormError re-renders a form with its field errors, or fails the page.
func (k *Kit) FormError(w http.ResponseWriter, r *http.Request, t *Templates, p *Page, page string, err error) {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict {
		k.Fail(w, r, err)
		return
	}
	p.Errors = errs.FieldMessages(err, p.Lang)
	p.Flash = &Flash{Kind: "err", Text: e.Message(p.Lang)}
	if len(e.Details) > 1 {
		p.Flash.Text = Msg(p.Lang, "表单中有 "+strconv.Itoa(len(e.Details))+" 处需要修改，请看各字段下的提示", strconv.Itoa(len(e.Details))+" fields need fixing: see the notes below each")
	}
	k.Render(w, r, Status(e.Kind), t, page, "layout", p)
}

// IntField parses a whole number typed into a form: "" is 0, anything else
// that is not a number is -1, which the domain refuses; bad records the
// field so that the page can say "enter a number" instead.
func IntField(v, field string, bad map[string]bool) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		bad[field] = true
		return -1
	}
	return n
}

// IDField is IntField for an organization number.
func IDField(v, field string, bad map[string]bool) int64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		bad[field] = true
		return -1
	}
	return n
}
