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

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// venueView is one organization's venue page and its form.
type venueView struct {
	programs.VenueOf
	L         venueLabels
	CanRecord bool
	// Checked are the functions ticked in the form.
	Checked map[string]bool
	// Applies is the standard that applies, in words.
	Applies   string
	PhotoRoom int // how many more photos the venue takes
}

// venuePage loads the organization of a venue page for the actor.
func (h *Pages) venuePage(w http.ResponseWriter, r *http.Request, title string) (*web.Page, *venueView, bool) {
	lang := i18n.FromRequest(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	vo, err := h.pg.Venue(r.Context(), web.Actor(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	v := &venueView{VenueOf: vo, L: newVenueLabels(lang), CanRecord: programs.CanRecordVenue(web.Actor(r), vo.OrgPath) && vo.Active, Checked: map[string]bool{}}
	if vo.Standard != nil {
		line := fmt.Sprintf(h.T(lang, "ven.standard_line"), web.FormatInt(vo.Standard.MinArea))
		if len(vo.Standard.Functions) > 0 {
			line += web.Msg(lang, "，须有", "; with ") + fnList(vo.Standard.Functions, lang)
		}
		v.Applies = line
	}
	v.PhotoRoom = programs.MaxVenuePhotos
	if vo.Venue != nil {
		v.PhotoRoom -= len(vo.Venue.Photos)
	}
	p := h.Page(r, "venues", vo.OrgName+" · "+h.T(lang, "ven.venue_of"))
	if title != "" {
		p.Title = vo.OrgName + " · " + title
		h.venueCrumbs(p, web.Crumb{Label: vo.OrgName, Href: venueHref(vo.OrgID)}, web.Crumb{Label: title})
	} else {
		h.venueCrumbs(p, web.Crumb{Label: vo.OrgName})
	}
	p.Data = v
	return p, v, true
}

// VenueShow shows an organization's venue: its details, its check against
// the standard that applies, its photos, and for those who record it the
// forms to change it and to upload photos.
func (h *Pages) VenueShow(w http.ResponseWriter, r *http.Request) {
	p, _, ok := h.venuePage(w, r, "")
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "venue_show", "layout", p)
}

// venueForm is the form of a stored venue.
func venueForm(v *programs.Venue) url.Values {
	f := url.Values{}
	if v == nil {
		return f
	}
	f.Set("area", strconv.Itoa(v.Area))
	f["functions"] = append([]string{}, v.Functions...)
	f.Set("opening_hours", v.OpeningHours)
	f.Set("facilities", v.Facilities)
	f.Set("address", v.Address)
	f.Set("version", strconv.Itoa(v.Version))
	return f
}

func (v *venueView) check(f url.Values) {
	v.Checked = map[string]bool{}
	for _, k := range f["functions"] {
		v.Checked[k] = true
	}
}

// formPage is the venue's form page, refused to readers who may not record
// the venue before they see it.
func (h *Pages) venueFormPage(w http.ResponseWriter, r *http.Request) (*web.Page, *venueView, bool) {
	lang := i18n.FromRequest(r)
	p, v, ok := h.venuePage(w, r, h.T(lang, "ven.form_title"))
	if !ok {
		return nil, nil, false
	}
	if !v.CanRecord {
		err := errs.Newf(errs.Forbidden, "您没有登记“%s”阵地的权限", "you may not record the venue of %s", v.OrgName)
		if !v.Active {
			err = errs.Newf(errs.Conflict, "“%s”已撤销，不能登记阵地", "%s has been dissolved: its venue cannot be recorded", v.OrgName)
		}
		h.Fail(w, r, err)
		return nil, nil, false
	}
	if v.Venue != nil {
		p.Title = v.OrgName + " · " + h.T(lang, "ven.form_edit")
		p.Crumbs[len(p.Crumbs)-1].Label = h.T(lang, "ven.form_edit")
	}
	return p, v, true
}

// VenueEditForm shows the venue's form, filled with the stored venue.
func (h *Pages) VenueEditForm(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.venueFormPage(w, r)
	if !ok {
		return
	}
	p.Form = venueForm(v.Venue)
	v.check(p.Form)
	h.render(w, r, http.StatusOK, "venue_form", "layout", p)
}

// VenueEdit saves the venue's form. A refused input shows the form again
// with what was typed and each message at its field; a save made from a
// version no longer current shows the stored values beside the typed ones.
func (h *Pages) VenueEdit(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.venueFormPage(w, r)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	v.check(p.Form)
	f := r.PostForm
	in := programs.VenueInput{Area: web.IntField(f.Get("area"), "area", map[string]bool{}), Functions: f["functions"], OpeningHours: f.Get("opening_hours"),
		Facilities: f.Get("facilities"), Address: f.Get("address"), Version: web.FormVersion(f)}
	saved, err := h.pg.SaveVenue(r.Context(), web.Actor(r), v.OrgID, in)
	if errs.IsStale(err) {
		if cur, gerr := h.pg.Venue(r.Context(), web.Actor(r), v.OrgID); gerr == nil {
			stored := venueForm(cur.Venue)
			if cur.Venue == nil {
				stored.Set("version", "0")
			}
			stored.Set("functions", strings.Join(stored["functions"], ","))
			p.Form.Set("functions", strings.Join(f["functions"], ","))
			show := func(s string) string { return fnList(strings.Split(s, ","), p.Lang) }
			h.StaleForm(w, r, h.tmpl, p, "venue_form", stored, []web.StoredField{
				{Name: "area", Label: "ven.area_label"}, {Name: "functions", Label: "ven.functions", Show: show},
				{Name: "opening_hours", Label: "ven.hours"}, {Name: "address", Label: "ven.address"}, {Name: "facilities", Label: "ven.facilities"}})
			return
		}
	}
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "venue_form", err)
		return
	}
	h.Redirect(w, r, venueHref(saved.OrgID), "ok", web.Msg(p.Lang, "已保存"+saved.OrgName+"的阵地信息", "Saved the venue of "+saved.OrgName))
}

// venueMaxForm caps the request of a photo upload: the photos, which the
// domain caps together, with room for the parts' headers.
const venueMaxForm = cases.MaxAttachmentsBytes + 64<<10

// venueReadPhotos reads the photos of an upload (the field "photos") within
// venueMaxForm, part by part, so that an oversized upload is refused as it
// arrives.
func venueReadPhotos(w http.ResponseWriter, r *http.Request) ([]cases.NamedFile, error) {
	broken := errs.Field("photos", "上传未完成，请重新选择照片后再上传", "the upload did not arrive whole: choose the photos and upload them again")
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, broken
	}
	r.Body = http.MaxBytesReader(w, r.Body, venueMaxForm)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, broken
	}
	var files []cases.NamedFile
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, &errs.Error{Kind: errs.TooLarge, Field: "photos", Text: i18n.Text{ZH: fmt.Sprintf("照片合计超过 %d MB，请分次上传或压缩后上传", cases.MaxAttachmentsBytes>>20),
					EN: fmt.Sprintf("the photos total more than %d MB: upload them in turns or compress them", cases.MaxAttachmentsBytes>>20)}}
			}
			return nil, broken
		}
		data, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, &errs.Error{Kind: errs.TooLarge, Field: "photos", Text: i18n.Text{ZH: fmt.Sprintf("照片合计超过 %d MB，请分次上传或压缩后上传", cases.MaxAttachmentsBytes>>20),
					EN: fmt.Sprintf("the photos total more than %d MB: upload them in turns or compress them", cases.MaxAttachmentsBytes>>20)}}
			}
			return nil, broken
		}
		if part.FormName() == "photos" && (part.FileName() != "" || len(data) > 0) {
			files = append(files, cases.NamedFile{Name: part.FileName(), Data: data})
		}
	}
}

// VenuePhotoUpload adds the photos of the upload form to the venue; the
// page says what was refused and why, and nothing is stored then.
func (h *Pages) VenuePhotoUpload(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	// Who may not record the venue is refused before the upload is read.
	vo, err := h.pg.Venue(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !programs.CanRecordVenue(actor, vo.OrgPath) {
		h.Fail(w, r, errs.Newf(errs.Forbidden, "您没有登记“%s”阵地的权限", "you may not record the venue of %s", vo.OrgName))
		return
	}
	files, err := venueReadPhotos(w, r)
	if err == nil {
		var added []programs.VenuePhoto
		if added, err = h.pg.AddVenuePhotos(ctx, actor, id, files); err == nil {
			h.Redirect(w, r, venueHref(id)+"#photos", "ok", web.Msg(lang, fmt.Sprintf("已上传 %d 张照片", len(added)), fmt.Sprintf("Uploaded %d photos", len(added))))
			return
		}
	}
	if k := errs.KindOf(err); k == errs.Forbidden || k == errs.NotFound || k == errs.Internal {
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, venueHref(id)+"#photos", "err", web.ErrMessage(err, lang))
}

// VenuePhoto sends a photo of a venue to a reader of the organization's
// programmes: an image shown in the page, whose type the server set from
// its bytes and which browsers may not sniff into something else.
func (h *Pages) VenuePhoto(w http.ResponseWriter, r *http.Request) {
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
	ph, err := h.pg.VenuePhotoFile(r.Context(), web.Actor(r), id, fid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ph.MIME)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Disposition", xlsx.Disposition("inline", ph.Name, "photo"+venueExt(ph.MIME)))
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Content-Length", strconv.Itoa(len(ph.Data)))
	hd.Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(ph.Data) // a client that went away has nothing to be told
}

func venueExt(mime string) string {
	if mime == "image/png" {
		return ".png"
	}
	return ".jpg"
}

// VenuePhotoDelete removes a photo of the venue.
func (h *Pages) VenuePhotoDelete(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
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
	if err := h.pg.DeleteVenuePhoto(r.Context(), web.Actor(r), id, fid); err != nil {
		if k := errs.KindOf(err); k == errs.Conflict {
			h.Redirect(w, r, venueHref(id)+"#photos", "err", web.ErrMessage(err, lang))
			return
		}
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, venueHref(id)+"#photos", "ok", web.Msg(lang, "已删除照片", "Deleted the photo"))
}
