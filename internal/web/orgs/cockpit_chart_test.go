package orgs

import (
	"fmt"
	"testing"

	"jiceng/internal/org"
)

// TestLargestChildren: a street with 143 direct children drew 143 bars on
// the cockpit, too thin to read; the chart now names the 20 largest and
// sums the others in one bar without a link.
func TestLargestChildren(t *testing.T) {
	var cs []org.Org
	for i := 1; i <= 143; i++ {
		size := 1
		if i%10 == 0 {
			size = 100 + i // 14 communities with units under them
		}
		cs = append(cs, org.Org{ID: int64(i), Name: fmt.Sprintf("组织%03d", i), SubtreeTotal: size})
	}
	items := largestChildren(cs, 20, "zh-CN")
	if len(items) != 21 {
		t.Fatalf("%d bars, want 21", len(items))
	}
	if items[0].Name != "组织140" || items[0].Value != 240 || items[0].Href != "/?org=140" {
		t.Errorf("largest: %+v", items[0])
	}
	// After the 14 large ones come the first six of size 1, in list order.
	if items[14].Name != "组织001" || items[19].Name != "组织006" || items[19].Value != 1 {
		t.Errorf("smaller: %+v … %+v", items[14], items[19])
	}
	if last := items[20]; last.Name != "其余 123 个组织" || last.Value != 123 || last.Href != "" {
		t.Errorf("the rest: %+v", last)
	}
	if en := largestChildren(cs, 20, "en"); en[20].Name != "123 others" {
		t.Errorf("English: %q", en[20].Name)
	}
	if few := largestChildren(cs[:5], 20, "zh-CN"); len(few) != 5 || few[4].Href == "" {
		t.Errorf("five children: %+v", few)
	}
}
