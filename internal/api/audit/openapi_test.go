package audit

import (
	"encoding/json"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/audit"
)

// TestSpecDescribesTheAnswer: the description of GET /api/v1/audit said
// nothing of what it answers. It now gives the page and each entry, field
// for field as the handler writes them.
func TestSpecDescribesTheAnswer(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	type schema struct {
		Ref        string            `json:"$ref"`
		Type       string            `json:"type"`
		Required   []string          `json:"required"`
		Properties map[string]schema `json:"properties"`
		Items      *schema           `json:"items"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema schema `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	page := doc.Paths["/api/v1/audit"]["get"].Responses["200"].Content["application/json"].Schema
	if got := slices.Sorted(maps.Keys(page.Properties)); !slices.Equal(got, []string{"items", "next_cursor", "total"}) {
		t.Fatalf("the page holds %v, want items, next_cursor and total", got)
	}
	items := page.Properties["items"]
	if items.Type != "array" || items.Items == nil || items.Items.Ref != "#/components/schemas/AuditEntry" {
		t.Fatalf("items: %+v", items)
	}
	entry, ok := doc.Components.Schemas["AuditEntry"]
	if !ok {
		t.Fatal("no AuditEntry schema")
	}
	var fields []string
	rt := reflect.TypeFor[audit.Record]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
	}
	slices.Sort(fields)
	if got := slices.Sorted(maps.Keys(entry.Properties)); !slices.Equal(got, fields) {
		t.Errorf("AuditEntry describes %v, the handler writes %v", got, fields)
	}
	for _, r := range entry.Required {
		if _, ok := entry.Properties[r]; !ok {
			t.Errorf("AuditEntry requires %s, which it does not describe", r)
		}
	}
}
