package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// List is the state of a searchable, sortable, paged table. It lives in
// the URL so that filters survive a reload and can be shared.
type List struct {
	Path   string
	Values url.Values
	Q      string
	Sort   string
	Page   int
	Per    int
	Total  int
	// NextAt and PrevAt are the positions the next and previous pages
	// start from, for a list that pages by position (?after=, ?before=)
	// rather than by offset: the last row shown and the first.
	NextAt, PrevAt string
}

// maxPage caps ?page=: far beyond any list a person pages through (10
// million organizations at 10 a page), and small enough that Offset
// cannot overflow whatever ?per= says. A larger or unparsable number shows
// the empty page past the end, which links back to the last page.
const maxPage = 1_000_000

// ListFrom reads the list state of a page from its URL, sorted by
// defaultSort unless the URL says otherwise.
func ListFrom(r *http.Request, defaultSort string) *List {
	v := r.URL.Query()
	l := &List{Path: r.URL.Path, Values: v, Q: v.Get("q"), Sort: v.Get("sort"), Per: 50}
	if l.Sort == "" {
		l.Sort = defaultSort
	}
	page, err := strconv.Atoi(v.Get("page"))
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v.Get("page"), "-"):
		l.Page = maxPage // a number too big for an int
	case err != nil || page < 1:
		l.Page = 1
	default:
		l.Page = min(page, maxPage)
	}
	if n, err := strconv.Atoi(v.Get("per")); err == nil && n >= 10 && n <= 500 {
		l.Per = n
	}
	return l
}

// ExportCapped reports whether the list is longer than an export holds:
// every list page with a pager offers an export, and says so before anyone
// downloads a file that stops early.
func (l *List) ExportCapped() bool { return l.Total > MaxExportRows }

// ExportCap is how many rows an export holds.
func (l *List) ExportCap() int { return MaxExportRows }

// Offset is the first row of the current page.
func (l *List) Offset() int { return (l.Page - 1) * l.Per }

func (l *List) with(k, val string) string {
	v := url.Values{}
	for key, vs := range l.Values {
		v[key] = append([]string(nil), vs...)
	}
	if val == "" {
		v.Del(k)
	} else {
		v.Set(k, val)
	}
	if k != "page" {
		v.Del("page")
	}
	// A position belongs to the page it was read on.
	v.Del("after")
	v.Del("before")
	if len(v) == 0 {
		return l.Path
	}
	return l.Path + "?" + v.Encode()
}

// SortHref links to the table sorted by key, toggling the direction when it
// is already sorted by it.
func (l *List) SortHref(key string) string {
	if l.Sort == key {
		return l.with("sort", "-"+key)
	}
	return l.with("sort", key)
}

// SortClass is "asc", "desc" or "" for the header of key.
func (l *List) SortClass(key string) string {
	switch l.Sort {
	case key:
		return "asc"
	case "-" + key:
		return "desc"
	}
	return ""
}

// Pages is the number of pages.
func (l *List) Pages() int {
	if l.Total == 0 {
		return 1
	}
	return (l.Total + l.Per - 1) / l.Per
}

// PrevHref and NextHref link to the neighbouring pages, "" at the ends.
// Past the end (a typed or stale page number) the previous page is the
// last one.
func (l *List) PrevHref() string {
	if l.Page <= 1 {
		return ""
	}
	prev := min(l.Page-1, l.Pages())
	if l.PrevAt != "" && prev == l.Page-1 && prev > 1 {
		return l.with("page", strconv.Itoa(prev)) + "&before=" + url.QueryEscape(l.PrevAt)
	}
	return l.with("page", strconv.Itoa(prev))
}

// NextHref links to the next page, "" on the last one.
func (l *List) NextHref() string {
	if l.Page >= l.Pages() {
		return ""
	}
	if l.NextAt != "" {
		return l.with("page", strconv.Itoa(l.Page+1)) + "&after=" + url.QueryEscape(l.NextAt)
	}
	return l.with("page", strconv.Itoa(l.Page+1))
}

// Href returns the current URL with one parameter replaced (e.g. an export
// link that keeps the filters).
func (l *List) Href(path string) string {
	if len(l.Values) == 0 {
		return path
	}
	v := url.Values{}
	for key, vs := range l.Values {
		if key != "page" && key != "after" && key != "before" {
			v[key] = vs
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// Seq is the 序号 of row i on this page.
func (l *List) Seq(i int) int { return l.Offset() + i + 1 }

// SortOnly links to the table sorted by key ascending, for a column whose
// descending order the domain does not offer (the division code).
func (l *List) SortOnly(key string) string { return l.with("sort", key) }
