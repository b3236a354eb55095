package web

import (
	"encoding/json"
	"html/template"
	"math"
)

// Chart is the JSON that app.js renders with ECharts.
type Chart struct {
	Type  string      `json:"type"`
	Title string      `json:"title"`
	Unit  string      `json:"unit"`
	Items []ChartItem `json:"items"`
}

// ChartItem is one bar or slice of a chart.
type ChartItem struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
	Href  string `json:"href,omitempty"`
}

// ChartJSON is c for a <script type="application/json"> of a page.
func ChartJSON(c Chart) template.JS {
	b, _ := json.Marshal(c) // json escapes < and >, so no </script> can appear
	return template.JS(b)
}

// RateChart is the JSON of a chart whose values may have decimals (rates).
type RateChart struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	Unit  string `json:"unit"`
	// Change marks values that are changes rather than shares of a whole
	// (growth on last year): their axis follows them instead of running
	// to 100 %.
	Change bool       `json:"change,omitempty"`
	Items  []RateItem `json:"items"`
}

// RateItem is one bar of a rate chart.
type RateItem struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Href  string  `json:"href,omitempty"`
}

// RateChartJSON is c for a <script type="application/json"> of a page.
func RateChartJSON(c RateChart) template.JS {
	if c.Items == nil {
		c.Items = []RateItem{}
	}
	b, _ := json.Marshal(c) // json escapes < and >, so no </script> can appear
	return template.JS(b)
}

// Round1 rounds to one decimal, as rates are shown.
func Round1(f float64) float64 { return math.Round(f*10) / 10 }
