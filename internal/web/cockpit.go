package web

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"
)

// CockpitBars is how many child organizations a cockpit chart names: a
// street with 143 direct children drew 143 bars too thin to read.
const CockpitBars = 20

type allBarsKey struct{}

// WithAllBars marks the request of the cockpit's workbook: its cards keep
// a bar for every child, where the page shows CockpitBars of them.
func WithAllBars(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), allBarsKey{}, true))
}

// Bars is how many child organizations a card's chart names for the
// request: CockpitBars on the page, every one in the workbook.
func Bars(r *http.Request) int {
	if r.Context().Value(allBarsKey{}) != nil {
		return math.MaxInt
	}
	return CockpitBars
}

// CockpitYear is the year the cockpit shows, from its ?year= (the yearly
// workbook of a past year): this year when absent or not a year from 2000
// to this one. Each card reads the year its figures count by; figures
// that exist only as of today (the members) say so.
func (k *Kit) CockpitYear(r *http.Request) int {
	this := k.Now().Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= this {
		return y
	}
	return this
}

// CockpitHref is the cockpit of an organization: where a card's bar of a
// child organization leads, keeping the year shown.
func CockpitHref(orgID int64, year, thisYear int) string {
	h := "/?org=" + strconv.FormatInt(orgID, 10)
	if year != thisYear {
		h += "&year=" + strconv.Itoa(year)
	}
	return h
}

// TopRates keeps the n children whose rates are lowest (those that need
// attention first) in the order given; a chart of counts keeps the largest
// with TopCounts.
func TopRates(items []RateItem, n int) []RateItem {
	if len(items) <= n {
		return items
	}
	keep := slices.Clone(items)
	slices.SortStableFunc(keep, func(a, b RateItem) int { return cmp.Compare(a.Value, b.Value) })
	keep = keep[:n]
	return slices.DeleteFunc(slices.Clone(items), func(it RateItem) bool { return !slices.Contains(keep, it) })
}

// TopCounts keeps the n children with the largest counts, in the order given.
func TopCounts(items []ChartItem, n int) []ChartItem {
	if len(items) <= n {
		return items
	}
	keep := slices.Clone(items)
	slices.SortStableFunc(keep, func(a, b ChartItem) int { return cmp.Compare(b.Value, a.Value) })
	keep = keep[:n]
	return slices.DeleteFunc(slices.Clone(items), func(it ChartItem) bool { return !slices.Contains(keep, it) })
}
