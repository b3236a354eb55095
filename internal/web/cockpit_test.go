package web

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestCockpitBars: a card's chart on the page keeps the CockpitBars
// children with the largest counts or the lowest rates, in the order
// given; the workbook's request keeps every child.
func TestCockpitBars(t *testing.T) {
	var counts []ChartItem
	var rates []RateItem
	for i := range 25 {
		counts = append(counts, ChartItem{Name: fmt.Sprint("c", i), Value: i})
		rates = append(rates, RateItem{Name: fmt.Sprint("r", i), Value: float64(i)})
	}
	page := httptest.NewRequest("GET", "/", nil)
	book := WithAllBars(page)
	if Bars(page) != CockpitBars || Bars(book) < 25 {
		t.Fatalf("bars: page %d, workbook %d", Bars(page), Bars(book))
	}
	kept := TopCounts(counts, Bars(page))
	if len(kept) != 20 || kept[0].Name != "c5" || kept[19].Name != "c24" {
		t.Errorf("the page keeps counts %v", kept)
	}
	low := TopRates(rates, Bars(page))
	if len(low) != 20 || low[0].Name != "r0" || low[19].Name != "r19" {
		t.Errorf("the page keeps rates %v", low)
	}
	if !slices.Equal(TopCounts(counts, Bars(book)), counts) || !slices.Equal(TopRates(rates, Bars(book)), rates) {
		t.Errorf("the workbook lost a child")
	}
}
