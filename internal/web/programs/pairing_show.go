package programs

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
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// prCommitment is a commitment as the pairing's page shows it.
type prCommitment struct {
	programs.Commitment
	KindLabel string
	Unit      string
	UnitOne   string // the unit of one: "project" where Unit is "projects"
	Left      int
	RateText  string
	Files     map[int64]string // file id → its size in words
}

// prShowView is a pairing's page.
type prShowView struct {
	P           programs.Pairing
	Category    string
	Years       string
	Year        int
	YearOptions []int
	Commitments []prCommitment // of Year
	Open        []prCommitment // of Year, not done in full
	Kinds       []org.Choice
	RateText    string
	CanKeep     bool
	CanRecord   bool
	Runs        bool // the pairing runs in Year
	Today       string
	MaxFiles    int
}

func (h *Pages) prShowPage(w http.ResponseWriter, r *http.Request, year int) (*web.Page, *prShowView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "pairings", "")
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	this := h.pg.Today().Year()
	if year == 0 {
		year = ctYear(r.URL.Query())
	}
	pr, err := h.pg.Pairing(ctx, actor, id, year)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	if year == 0 && !pr.RunsIn(this) {
		// A pairing over, or still to come, shows its last or first year.
		year = max(this, pr.FromYear)
		if pr.ToYear != 0 {
			year = min(year, pr.ToYear)
		}
		pr, err = h.pg.Pairing(ctx, actor, id, year)
		if err != nil {
			h.Fail(w, r, err)
			return nil, nil, false
		}
	}
	v := &prShowView{P: pr, Category: org.LabelOf(org.Categories, pr.AgencyCategory, p.Lang), Years: prYears(pr, p.Lang), Year: pr.Year, Kinds: programs.CommitmentKinds,
		RateText: prRate(pr.Rate), CanKeep: programs.CanKeepPairing(actor, pr), CanRecord: programs.CanRecordCompletion(actor, pr), Runs: pr.RunsIn(pr.Year),
		Today: h.pg.Today().Format("2006-01-02"), MaxFiles: cases.MaxAttachments}
	last := this + 1
	if pr.ToYear != 0 {
		last = min(last, pr.ToYear)
	}
	for y := last; y >= pr.FromYear; y-- {
		v.YearOptions = append(v.YearOptions, y)
	}
	for _, c := range pr.Commitments {
		if c.Year != pr.Year {
			continue
		}
		pc := prCommitment{Commitment: c, KindLabel: org.LabelOf(programs.CommitmentKinds, c.Kind, p.Lang), Unit: programs.CommitmentUnits[c.Kind].In(p.Lang),
			UnitOne: web.Msg(p.Lang, programs.CommitmentUnits[c.Kind].ZH, map[string]string{"funds": "yuan", "projects": "project", "activities": "activity"}[c.Kind]),
			Left:    c.Target - c.Done, RateText: prRate(c.Rate), Files: map[int64]string{}}
		for _, cp := range c.Completions {
			for _, f := range cp.Files {
				pc.Files[f.ID] = prSize(f.Size)
			}
		}
		v.Commitments = append(v.Commitments, pc)
		if pc.Left > 0 {
			v.Open = append(v.Open, pc)
		}
	}
	p.Title = pr.AgencyName + " ↔ " + pr.GrassrootsName
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "pr.title"), Href: "/pairings"}, {Label: p.Title}}
	p.Data = v
	return p, v, true
}

// prSize writes a file's size as people read it.
func prSize(n int) string {
	switch {
	case n < 1<<10:
		return strconv.Itoa(n) + " B"
	case n < 1<<20:
		return strconv.Itoa((n+1<<10-1)>>10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// prDefaults are the forms' values before anything is typed.
func (v *prShowView) prDefaults() url.Values {
	f := url.Values{"year": {strconv.Itoa(v.Year)}, "done_on": {v.Today}}
	if len(v.Open) == 1 {
		f.Set("commitment_id", strconv.FormatInt(v.Open[0].ID, 10))
	}
	return f
}

// PairingShow shows a pairing: its organizations and years, the
// commitments of a year (?year=, this year by default) with what was
// delivered and the evidence, and the forms that add a commitment and
// record a completion for accounts that may.
func (h *Pages) PairingShow(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.prShowPage(w, r, 0)
	if !ok {
		return
	}
	p.Form = v.prDefaults()
	h.render(w, r, http.StatusOK, "pairing_show", "layout", p)
}

// PairingCommit adds a commitment; a refused one shows the page again with
// the message at its field and what was typed.
func (h *Pages) PairingCommit(w http.ResponseWriter, r *http.Request) {
	if !h.ParseForm(w, r) {
		return
	}
	year := ctInt(r.PostForm.Get("year"))
	p, v, ok := h.prShowPage(w, r, max(year, 0))
	if !ok {
		return
	}
	p.Form = v.prDefaults()
	for k, vs := range r.PostForm {
		p.Form[k] = vs
	}
	f := p.Form
	in := programs.CommitmentInput{Year: year, Kind: f.Get("kind"), Target: ctInt(f.Get("target")), Content: f.Get("content")}
	pr, err := h.pg.AddCommitment(r.Context(), web.Actor(r), v.P.ID, in)
	if err != nil {
		if errs.KindOf(err) == errs.Forbidden {
			h.Redirect(w, r, prHref(v.P.ID), "err", web.ErrMessage(err, p.Lang))
			return
		}
		h.FormError(w, r, h.tmpl, p, "pairing_show", err)
		return
	}
	h.Redirect(w, r, prHref(pr.ID)+"?year="+strconv.Itoa(in.Year), "ok", fmt.Sprintf(h.T(p.Lang, "pr.committed"), in.Year, org.LabelOf(programs.CommitmentKinds, in.Kind, p.Lang)))
}

// prMaxForm caps the request of a completion: its files, which the domain
// caps together, with room for the text and the parts' headers.
const prMaxForm = cases.MaxAttachmentsBytes + 256<<10

// prMaxField caps one text field of the multipart form.
const prMaxField = 64 << 10

// readUpload reads a form that may carry files (a completion, a progress
// report, an acceptance): url-encoded, or multipart when it
// carries files (in the field "attachments"), read part by part within
// prMaxForm so that an oversized upload is refused as it arrives. Text is
// checked as the server checks url-encoded forms: UTF-8 without NUL.
func readUpload(w http.ResponseWriter, r *http.Request) (url.Values, []cases.NamedFile, error) {
	broken := errs.Field("attachments", "上传未完成或文件已损坏，请重新选择文件后提交", "the upload did not finish or is damaged: choose the files again and submit")
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return url.Values{}, nil, errs.New(errs.Invalid, "表单无法读取：请回到上一页重新填写并提交", "the form could not be read: go back to the page and submit it again")
		}
		return r.PostForm, nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, prMaxForm)
	form := url.Values{}
	mr, err := r.MultipartReader()
	if err != nil {
		return form, nil, broken
	}
	fail := func(err error) error {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			e := errs.Newf(errs.TooLarge, "附件合计超过 %d MB，请删去或压缩部分附件后再提交", "the attachments exceed %d MB together: remove or compress some and submit again", cases.MaxAttachmentsBytes>>20)
			e.Field = "attachments"
			return e
		}
		return broken
	}
	var files []cases.NamedFile
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, files, nil
		}
		if err != nil {
			return form, nil, fail(err)
		}
		name, file := part.FormName(), part.FileName()
		if file != "" || name == "attachments" {
			data, err := io.ReadAll(part)
			part.Close()
			if err != nil {
				return form, nil, fail(err)
			}
			if name == "attachments" && (file != "" || len(data) > 0) {
				files = append(files, cases.NamedFile{Name: file, Data: data})
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, prMaxField))
		part.Close()
		if err != nil {
			return form, nil, fail(err)
		}
		s := string(b)
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return form, nil, errs.New(errs.Invalid, "请求内容含有无效的 UTF-8 字符或控制字符：请以 UTF-8 编码提交", "the request holds invalid UTF-8 or a control character: send text encoded as UTF-8")
		}
		form.Add(name, s)
	}
}

// PairingComplete records what was delivered, with its evidence and files;
// a refused one shows the page again with the message at its field and
// what was typed (files are chosen again).
func (h *Pages) PairingComplete(w http.ResponseWriter, r *http.Request) {
	// The pairing and the right to record come before the body: an upload
	// refused anyway is not read.
	p, v, ok := h.prShowPage(w, r, 0)
	if !ok {
		return
	}
	if !v.CanRecord {
		h.Redirect(w, r, prHref(v.P.ID), "err", web.Msg(p.Lang, "您没有登记该结对承诺完成情况的权限", "you may not record what this pairing delivered"))
		return
	}
	form, files, ferr := readUpload(w, r)
	p, v, ok = h.prShowPage(w, r, max(ctInt(form.Get("year")), 0))
	if !ok {
		return
	}
	p.Form = v.prDefaults()
	for k, vs := range form {
		p.Form[k] = vs
	}
	if ferr != nil {
		h.FormError(w, r, h.tmpl, p, "pairing_show", ferr)
		return
	}
	f := p.Form
	in := programs.CompletionInput{CommitmentID: ctID(f.Get("commitment_id")), DoneOn: f.Get("done_on"), Amount: ctInt(f.Get("amount")), Evidence: f.Get("evidence"), Files: files}
	pr, err := h.pg.RecordCompletion(r.Context(), web.Actor(r), v.P.ID, in)
	if err != nil {
		if errs.KindOf(err) == errs.Forbidden {
			h.Redirect(w, r, prHref(v.P.ID), "err", web.ErrMessage(err, p.Lang))
			return
		}
		if errs.KindOf(err) == errs.TooLarge {
			e := errs.As(err)
			p.Errors = map[string]string{"attachments": e.Message(p.Lang)}
			p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
			h.render(w, r, http.StatusRequestEntityTooLarge, "pairing_show", "layout", p)
			return
		}
		h.FormError(w, r, h.tmpl, p, "pairing_show", err)
		return
	}
	h.Redirect(w, r, prHref(pr.ID)+"?year="+strconv.Itoa(pr.Year), "ok", h.T(p.Lang, "pr.completed_saved"))
}

// PairingFile sends a file of a completion's evidence as a download: never
// shown inline, and never sniffed into something else.
func (h *Pages) PairingFile(w http.ResponseWriter, r *http.Request) {
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
	f, err := h.pg.PairingFileOf(r.Context(), web.Actor(r), id, fid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sendFile(w, f.Name, f.MIME, f.Data)
}
