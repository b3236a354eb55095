package region

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// testSet loads the embedded data once for all tests.
var testSet = sync.OnceValues(Load)

func mustSet(t *testing.T) *Set {
	t.Helper()
	s, err := testSet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// allDivisions is the number of non-placeholder rows in the source CSVs:
// 31 + 342 + 2,978 + 41,352 + 620,573 = 665,276 data rows (wc -l of the five
// files minus their header lines), less the 15 placeholder rows: 9 cities
// (1101, 1201, 3101, 4190, 4290, 4690, 5001, 5002, 6590), 4 counties
// (441900, 442000, 460400, 620201), 1 township (350527000) and 1 village
// (350527000000).
const allDivisions = 665_261

func countLevels(ds []Division) [6]int {
	var n [6]int
	for _, d := range ds {
		n[d.Level]++
	}
	return n
}

func TestSubtreeCounts(t *testing.T) {
	s := mustSet(t)
	tests := []struct {
		code   string
		levels [6]int // index = level
	}{
		{"all", [6]int{0, 31, 333, 2974, 41351, 620572}},
		{"45", [6]int{0, 1, 14, 111, 1284, 16681}},
		{"4501", [6]int{0, 0, 1, 12, 138, 1856}},
		{"450102001", [6]int{0, 0, 0, 0, 1, 13}},
		{"450102001003", [6]int{0, 0, 0, 0, 0, 1}},
		{"11", [6]int{0, 1, 0, 16, 349, 7535}}, // 市辖区 1101 skipped
		{"4419", [6]int{0, 0, 1, 0, 36, 609}},  // 东莞: no county level
		{"350527", [6]int{0, 0, 0, 1, 0, 0}},   // 金门县: only placeholders below
	}
	for _, tt := range tests {
		ds, err := s.Subtree(tt.code)
		if err != nil {
			t.Errorf("Subtree(%s): %v", tt.code, err)
			continue
		}
		if got := countLevels(ds); got != tt.levels {
			t.Errorf("Subtree(%s) levels = %v, want %v", tt.code, got, tt.levels)
		}
	}
	all, _ := s.Subtree("all")
	if len(all) != allDivisions || s.Len() != allDivisions {
		t.Errorf("Subtree(all) = %d, Len() = %d, want %d", len(all), s.Len(), allDivisions)
	}
	nn, _ := s.Subtree("4501")
	if len(nn) != 2007 {
		t.Errorf("Subtree(4501) = %d divisions, want 2007", len(nn))
	}
	ms, _ := s.Subtree("450102001")
	if len(ms) != 14 || ms[0].Name != "民生街道" {
		t.Errorf("Subtree(450102001) = %d divisions starting with %v, want 14 starting with 民生街道", len(ms), ms[0])
	}
}

func TestParentsExistAndComeFirst(t *testing.T) {
	s := mustSet(t)
	all, err := s.Subtree("all")
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]Level, len(all))
	childCount := map[string]int{}
	for _, d := range all {
		if CheckCode(d.Code) != nil || len(d.Code) != codeLen[d.Level] || d.Name == "" {
			t.Fatalf("malformed division %+v", d)
		}
		if d.Level == Province {
			if d.Parent != "" {
				t.Errorf("province %s has parent %s", d.Code, d.Parent)
			}
		} else {
			pl, ok := seen[d.Parent]
			if !ok {
				t.Fatalf("%s %s: parent %q missing or after the child", d.Code, d.Name, d.Parent)
			}
			if pl >= d.Level || d.Code[:len(d.Parent)] != d.Parent {
				t.Fatalf("%s %s: parent %s is not an ancestor", d.Code, d.Name, d.Parent)
			}
			if _, ok := s.Lookup(d.Parent); !ok {
				t.Fatalf("%s: Lookup(parent %s) failed", d.Code, d.Parent)
			}
			childCount[d.Parent]++
		}
		if _, dup := seen[d.Code]; dup {
			t.Fatalf("duplicate code %s", d.Code)
		}
		seen[d.Code] = d.Level
	}
	// Children must agree with the Parent fields, for every division.
	total := 0
	for _, d := range all {
		if d.Level == Village {
			continue
		}
		n := len(s.Children(d.Code))
		if n != childCount[d.Code] {
			t.Fatalf("Children(%s) = %d, Parent fields say %d", d.Code, n, childCount[d.Code])
		}
		total += n
	}
	if total != allDivisions-31 {
		t.Errorf("children in total = %d, want %d", total, allDivisions-31)
	}
}

func TestLookup(t *testing.T) {
	s := mustSet(t)
	tests := []struct {
		code string
		want Division
		ok   bool
	}{
		{"45", Division{"45", "广西壮族自治区", Province, ""}, true},
		{"4501", Division{"4501", "南宁市", City, "45"}, true},
		{"450102", Division{"450102", "兴宁区", County, "4501"}, true},
		{"450102001", Division{"450102001", "民生街道", Township, "450102"}, true},
		{"450102001003", Division{"450102001003", "兴宁社区居委会", Village, "450102001"}, true},
		{"110101", Division{"110101", "东城区", County, "11"}, true},            // under 市辖区 1101
		{"500229", Division{"500229", "城口县", County, "50"}, true},            // under 县 5002
		{"429021", Division{"429021", "神农架林区", County, "42"}, true},          // under 4290
		{"441900003", Division{"441900003", "东城街道", Township, "4419"}, true}, // 东莞, no county
		{"620201100", Division{"620201100", "新城镇", Township, "6202"}, true},  // 嘉峪关, no county
		{"350527", Division{"350527", "金门县", County, "3505"}, true},
		{"1101", Division{}, false},
		{"441900", Division{}, false},
		{"350527000", Division{}, false},
		{"350527000000", Division{}, false},
		{"9999", Division{}, false},
		{"all", Division{}, false},
		{"45010", Division{}, false},
	}
	for _, tt := range tests {
		got, ok := s.Lookup(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestChildrenAndAncestors(t *testing.T) {
	s := mustSet(t)
	codes := func(ds []Division) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Code)
		}
		return out
	}
	if got := len(s.Children("all")); got != 31 {
		t.Errorf("Children(all) = %d provinces, want 31", got)
	}
	if got := codes(s.Children("45")); len(got) != 14 || got[0] != "4501" || got[13] != "4514" {
		t.Errorf("Children(45) = %v, want 14 cities 4501…4514", got)
	}
	if got := codes(s.Children("42")); got[len(got)-4] != "429004" || got[len(got)-1] != "429021" {
		t.Errorf("Children(42) ends with %v, want the four 省直辖 units 429004…429021", got[len(got)-4:])
	}
	if got := codes(s.Children("450102001")); len(got) != 13 || got[0] != "450102001003" {
		t.Errorf("Children(450102001) = %v", got)
	}
	for _, code := range []string{"350527", "450102001003", "1101", "9999", "x"} {
		if got := s.Children(code); len(got) != 0 {
			t.Errorf("Children(%s) = %v, want none", code, got)
		}
	}
	tests := []struct {
		code string
		want []string
	}{
		{"450102001003", []string{"45", "4501", "450102", "450102001"}},
		{"110101001001", []string{"11", "110101", "110101001"}},
		{"441900003001", []string{"44", "4419", "441900003"}},
		{"4501", []string{"45"}},
		{"45", nil},
		{"1101", nil},
	}
	for _, tt := range tests {
		got := codes(s.Ancestors(tt.code))
		if len(got) != len(tt.want) {
			t.Errorf("Ancestors(%s) = %v, want %v", tt.code, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Ancestors(%s) = %v, want %v", tt.code, got, tt.want)
				break
			}
		}
	}
}

func TestSubtreeErrors(t *testing.T) {
	s := mustSet(t)
	tests := []struct {
		code, want string
	}{
		{"45010", "区划代码 45010 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{"", "区划代码为空：应为 2、4、6、9 或 12 位数字，或 all"},
		{"南宁", "区划代码 南宁 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{"9999", "区划代码 9999 不存在（2023 年统计用区划代码）"},
		{"99", "区划代码 99 不存在（2023 年统计用区划代码）"},
		{"450102001999", "区划代码 450102001999 不存在（2023 年统计用区划代码）"},
		{"1101", "1101 “市辖区”是占位区划，不对应党组织，请使用上级区划代码 11"},
		{"5001", "5001 “市辖区”是占位区划，不对应党组织，请使用上级区划代码 50"},
		{"5002", "5002 “县”是占位区划，不对应党组织，请使用上级区划代码 50"},
		{"4290", "4290 “省直辖县级行政区划”是占位区划，不对应党组织，请使用上级区划代码 42"},
		{"6590", "6590 “自治区直辖县级行政区划”是占位区划，不对应党组织，请使用上级区划代码 65"},
		{"441900", "441900 “东莞市”是占位区划，不对应党组织，请使用上级区划代码 4419"},
		{"620201", "620201 “嘉峪关市”是占位区划，不对应党组织，请使用上级区划代码 6202"},
		{"350527000", "350527000 “金门县”是占位区划，不对应党组织，请使用上级区划代码 350527"},
		{"350527000000", "350527000000 “金门县”是占位区划，不对应党组织，请使用上级区划代码 350527"},
	}
	for _, tt := range tests {
		ds, err := s.Subtree(tt.code)
		if err == nil {
			t.Errorf("Subtree(%q) = %d divisions, want error %q", tt.code, len(ds), tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Subtree(%q) error = %q, want %q", tt.code, err, tt.want)
		}
	}
}

func TestLoadCost(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	s, err := Load()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("Load: %v, %d divisions, heap growth %.1f MB, allocated during Load %.1f MB",
		elapsed, s.Len(), float64(heap)/(1<<20), float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
	if heap > 60<<20 {
		t.Errorf("heap growth %d bytes, want < 60 MB", heap)
	}
	runtime.KeepAlive(s)
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSubtreeAll(b *testing.B) {
	s, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Subtree("all"); err != nil {
			b.Fatal(err)
		}
	}
}
