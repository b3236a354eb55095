package cases

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/cases"

	"jiceng/internal/web"
)

// StationPage is a workstation's public page, where its poster's QR code
// leads: where it is, when it is open, how to call it, and the way to
// report through it.
func (h *Pages) StationPage(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	st, err := h.cs.PublicStation(r.Context(), id)
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	p := h.publicPage(r, "csp.station_title", "/station/"+strconv.FormatInt(st.ID, 10))
	p.Title = st.Name
	v := pubStationView{Station: st}
	if st.Phone != "" {
		// The domain keeps a phone to digits and dashes (mobileRE,
		// landlineRE), which a tel: address takes as they are; html/template
		// would refuse the scheme of a plain string.
		v.Tel = template.URL("tel:" + strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '-' {
				return r
			}
			return -1
		}, st.Phone))
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "cases_public_station", "bare", p)
}

// pubStationView is a workstation with the address its phone number is
// dialled by.
type pubStationView struct {
	cases.Station
	Tel template.URL
}
