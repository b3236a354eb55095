package region

import "testing"

func TestSkeleton(t *testing.T) {
	s := mustSet(t)
	committee := func(name, short string) OrgSpec {
		return OrgSpec{Name: name, ShortName: short, Kind: "党委", Category: "机关", KindConfirmed: true}
	}
	work := func(name, short string) OrgSpec {
		return OrgSpec{Name: name, ShortName: short, Kind: "党工委", Category: "机关", KindConfirmed: true}
	}
	branch := func(name, category string) OrgSpec {
		return OrgSpec{Name: name, ShortName: name, Kind: "党支部", Category: category}
	}
	tests := []struct {
		code string // a real row of the 2023 data
		name string // its name, to catch a wrong example
		want OrgSpec
	}{
		// Provinces.
		{"45", "广西壮族自治区", committee("中共广西壮族自治区委员会", "广西壮族自治区党委")},
		{"44", "广东省", committee("中共广东省委员会", "广东省委")},
		{"11", "北京市", committee("中共北京市委员会", "北京市委")},
		// Cities.
		{"4501", "南宁市", committee("中共南宁市委员会", "南宁市委")},
		{"6529", "阿克苏地区", committee("中共阿克苏地区委员会", "阿克苏地委")},
		{"2224", "延边朝鲜族自治州", committee("中共延边朝鲜族自治州委员会", "延边州委")},
		{"5223", "黔西南布依族苗族自治州", committee("中共黔西南布依族苗族自治州委员会", "黔西南州委")},
		{"5328", "西双版纳傣族自治州", committee("中共西双版纳傣族自治州委员会", "西双版纳州委")},
		{"6527", "博尔塔拉蒙古自治州", committee("中共博尔塔拉蒙古自治州委员会", "博尔塔拉州委")},
		{"1525", "锡林郭勒盟", committee("中共锡林郭勒盟委员会", "锡林郭勒盟委")},
		// Counties.
		{"450102", "兴宁区", committee("中共兴宁区委员会", "兴宁区委")},
		{"450123", "隆安县", committee("中共隆安县委员会", "隆安县委")},
		{"450181", "横州市", committee("中共横州市委员会", "横州市委")},
		{"450226", "三江侗族自治县", committee("中共三江侗族自治县委员会", "三江侗族自治县委")},
		{"150723", "鄂伦春自治旗", committee("中共鄂伦春自治旗委员会", "鄂伦春自治旗委")},
		{"429021", "神农架林区", committee("中共神农架林区委员会", "神农架林区委")},
		{"520203", "六枝特区", committee("中共六枝特区委员会", "六枝特区委")},
		{"152571", "乌拉盖管理区管委会", work("中共乌拉盖管理区工作委员会", "乌拉盖管理区党工委")},
		{"632857", "大柴旦行政委员会", work("中共大柴旦行委工作委员会", "大柴旦行委党工委")},
		// Townships.
		{"450102001", "民生街道", work("中共民生街道工作委员会", "民生街道党工委")},
		{"150521403", "保康街道办事处", work("中共保康街道工作委员会", "保康街道党工委")},
		{"450102101", "三塘镇", committee("中共三塘镇委员会", "三塘镇党委")},
		{"450123201", "古潭乡", committee("中共古潭乡委员会", "古潭乡党委")},
		{"150721200", "得力其尔鄂温克民族乡", committee("中共得力其尔鄂温克民族乡委员会", "得力其尔鄂温克民族乡党委")},
		{"150205202", "吉忽伦图苏木", committee("中共吉忽伦图苏木委员会", "吉忽伦图苏木党委")},
		{"450126451", "廖平农场", work("中共廖平农场工作委员会", "廖平农场党工委")},
		{"230382482", "经济开发区管理委员会", work("中共经济开发区工作委员会", "经济开发区党工委")},
		// Villages.
		{"450102001003", "兴宁社区居委会", branch("兴宁社区党支部", "社区")},
		{"450125100005", "茶场社区居民委员会", branch("茶场社区党支部", "社区")},
		{"110102010045", "六铺炕南小街居委会", branch("六铺炕南小街社区党支部", "社区")},
		{"110105027001", "四道口居民委员会", branch("四道口社区党支部", "社区")},
		{"110106008010", "金家村第一社区", branch("金家村第一社区党支部", "社区")},
		{"350111100019", "后浦社区委员会", branch("后浦社区党支部", "社区")},
		{"450102001201", "官桥村委会", branch("官桥村党支部", "农村")},
		{"451202101201", "永兴村民委员会", branch("永兴村党支部", "农村")},
		{"450206100201", "拉堡村村民委员会", branch("拉堡村党支部", "农村")},
		{"450602100201", "华侨渔业村", branch("华侨渔业村党支部", "农村")},
		{"130406001203", "石桥社区村民委员会", branch("石桥社区党支部", "农村")},
		{"150203102211", "卜尔汉图嘎查", branch("卜尔汉图嘎查党支部", "农村")},
		{"152223205210", "都尔本新嘎查委会", branch("都尔本新嘎查党支部", "农村")},
		{"320681110243", "吕复村委会（新）", branch("吕复村（新）党支部", "农村")},
		{"450103451498", "青秀山虚拟社区", branch("青秀山虚拟社区党支部", "其他")},
		{"110108023500", "万柳（集团）股份经济合作社六郎庄生活区", branch("万柳（集团）股份经济合作社六郎庄生活区党支部", "其他")},
		{"130303101500", "山海关林场管理区", branch("山海关林场管理区党支部", "其他")},
	}
	for _, tt := range tests {
		d, ok := s.Lookup(tt.code)
		if !ok || d.Name != tt.name {
			t.Errorf("Lookup(%s) = %q, %v; want %q", tt.code, d.Name, ok, tt.name)
			continue
		}
		if got := Skeleton(d); got != tt.want {
			t.Errorf("Skeleton(%s %s) = %+v, want %+v", tt.code, tt.name, got, tt.want)
		}
	}
}

// TestSkeletonNames covers name forms by name alone, including the examples
// of the naming rules that have no exact row in the data.
func TestSkeletonNames(t *testing.T) {
	tests := []struct {
		level          Level
		name           string
		full, short    string
		kind, category string
		confirmed      bool
	}{
		{Village, "东风居委会", "东风社区党支部", "东风社区党支部", "党支部", "社区", false},
		{Village, "东风居民委员会", "东风社区党支部", "东风社区党支部", "党支部", "社区", false},
		{Village, "那马村委会", "那马村党支部", "那马村党支部", "党支部", "农村", false},
		{Village, "那马村民委员会", "那马村党支部", "那马村党支部", "党支部", "农村", false},
		{Village, "那马村村民委员会", "那马村党支部", "那马村党支部", "党支部", "农村", false},
		{Village, "红星社区居委会（含红星村村委）", "红星社区（含红星村村委）党支部", "红星社区（含红星村村委）党支部", "党支部", "社区", false},
		{Village, "某某普查区", "某某普查区党支部", "某某普查区党支部", "党支部", "其他", false},
		{Village, "（高家坪村委会）", "（高家坪村委会）党支部", "（高家坪村委会）党支部", "党支部", "其他", false},
		{Township, "某某园区管委会", "中共某某园区工作委员会", "某某园区党工委", "党工委", "机关", true},
		{County, "西沙群岛", "中共西沙群岛工作委员会", "西沙群岛党工委", "党工委", "机关", true},
		{City, "阿拉善盟", "中共阿拉善盟委员会", "阿拉善盟委", "党委", "机关", true},
		{Level(0), "无效", "", "", "", "", false},
	}
	for _, tt := range tests {
		want := OrgSpec{Name: tt.full, ShortName: tt.short, Kind: tt.kind, Category: tt.category, KindConfirmed: tt.confirmed}
		if got := Skeleton(Division{Name: tt.name, Level: tt.level}); got != want {
			t.Errorf("Skeleton(%d %s) = %+v, want %+v", tt.level, tt.name, got, want)
		}
	}
}

// TestSkeletonCategories pins the village classification over the whole
// country, so that a change of rules shows up as a change of these numbers.
func TestSkeletonCategories(t *testing.T) {
	s := mustSet(t)
	all, err := s.Subtree("all")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, d := range all {
		o := Skeleton(d)
		if o.Name == "" || o.ShortName == "" || o.Kind == "" || o.Category == "" {
			t.Fatalf("Skeleton(%+v) incomplete: %+v", d, o)
		}
		if d.Level == Village {
			got[o.Category]++
		} else {
			got[o.Kind]++
		}
	}
	t.Logf("organizations per kind and village category: %v", got)
	want := map[string]int{
		"党委":  32_914, // provinces, cities, counties, 镇/乡/苏木
		"党工委": 11_775, // 街道 and zones (开发区, 农场, 林场 …)
		"社区":  126_248,
		"农村":  487_044,
		"其他":  7_280, // mostly 生活区, 管理区, 虚拟社区, 生产队, 连队
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d organizations, want %d", k, got[k], n)
		}
	}
}
