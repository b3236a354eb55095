package region

import (
	"strings"
	"unicode/utf8"
)

// OrgSpec is the Party organization proposed for a division: the committee of
// a province, city, county or township, or the branch of a village or
// community.
type OrgSpec struct {
	Name      string // full name, e.g. 中共南宁市委员会
	ShortName string // common short name, e.g. 南宁市委
	Kind      string // 党委, 党工委 or 党支部
	Category  string // 机关 for committees; 社区, 农村 or 其他 for villages
	// KindConfirmed is false when Kind is only a default that a user must
	// confirm: a village may as well have a 党总支 or a 党委 as a 党支部.
	KindConfirmed bool
}

// Organization kinds and categories used by Skeleton.
const (
	kindCommittee     = "党委"
	kindWorkCommittee = "党工委"
	kindBranch        = "党支部"

	categoryOrgan     = "机关"
	categoryCommunity = "社区"
	categoryRural     = "农村"
	categoryOther     = "其他"
)

// Skeleton names the Party organization that represents a division. The
// names follow the usual forms (中共兴宁区委员会 / 兴宁区委, 中共民生街道工作委员会
// / 民生街道党工委, 兴宁社区党支部); the data has no information on the real
// organization, so unusual divisions get a reasonable default that the user
// can edit. It returns the zero OrgSpec for a division with an invalid Level.
func Skeleton(d Division) OrgSpec {
	switch d.Level {
	case Province:
		return provinceSpec(d.Name)
	case City:
		return citySpec(d.Name)
	case County:
		return countySpec(d.Name)
	case Township:
		return townshipSpec(d.Name)
	case Village:
		return villageSpec(d.Name)
	}
	return OrgSpec{}
}

func committee(name, short string) OrgSpec {
	return OrgSpec{Name: "中共" + name + "委员会", ShortName: short, Kind: kindCommittee, Category: categoryOrgan, KindConfirmed: true}
}

// workCommittee is for units led by a 党工委, the dispatched body of the
// committee one level up (街道, 开发区, 管理区 …). Full names use
// 工作委员会; short names use 党工委.
func workCommittee(name string) OrgSpec {
	return OrgSpec{Name: "中共" + name + "工作委员会", ShortName: name + "党工委", Kind: kindWorkCommittee, Category: categoryOrgan, KindConfirmed: true}
}

// provinceSpec: 广东省委, 北京市委, but 广西壮族自治区党委 — autonomous regions
// are always abbreviated with 党委.
func provinceSpec(name string) OrgSpec {
	if strings.HasSuffix(name, "自治区") {
		return committee(name, name+"党委")
	}
	return committee(name, name+"委")
}

// citySpec: 南宁市委, 阿克苏地委, 锡林郭勒盟委, 延边州委.
func citySpec(name string) OrgSpec {
	switch {
	case strings.HasSuffix(name, "地区"):
		return committee(name, strings.TrimSuffix(name, "地区")+"地委")
	case strings.HasSuffix(name, "自治州"):
		return committee(name, prefectureStem(name)+"州委")
	}
	return committee(name, name+"委")
}

// minorities are the 55 minority nationalities, used to cut the ethnic part
// off an autonomous prefecture's name.
var minorities = strings.Fields(`蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克
	傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南
	仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春
	赫哲 门巴 珞巴 基诺`)

// prefectureStem returns the place name of an autonomous prefecture, the part
// before the first nationality: 延边朝鲜族自治州 → 延边, 黔西南布依族苗族自治州 →
// 黔西南, 博尔塔拉蒙古自治州 → 博尔塔拉. A fixed "first two characters" rule
// would break 黔西南 and 西双版纳. Nationalities are matched as X族, and 蒙古,
// 哈萨克 and 柯尔克孜 also bare because prefecture names use them without 族.
// Local habits that shorten further (巴州, 克州) are left to the user.
func prefectureStem(name string) string {
	stem := strings.TrimSuffix(name, "自治州")
	cut := len(stem)
	for _, m := range minorities {
		for _, form := range []string{m + "族", m} {
			if form == m && m != "蒙古" && m != "哈萨克" && m != "柯尔克孜" {
				continue
			}
			if i := strings.Index(stem, form); i > 0 && i < cut {
				cut = i
			}
		}
	}
	return stem[:cut]
}

// countyLike are the endings of ordinary county-level names (自治县, 自治旗,
// 林区 and 特区 included); each has a committee named 中共X委员会, short X委.
var countyLike = []string{"区", "县", "市", "旗"}

// countySpec: 兴宁区委, 隆安县委, 横州市委, 三江侗族自治县委, 鄂伦春自治旗委. The few
// county-level units with other names (保定白沟新城, 乌拉盖管理区管委会,
// 大柴旦行政委员会, 西沙群岛 …) are administrative zones led by a 党工委.
func countySpec(name string) OrgSpec {
	for _, s := range countyLike {
		if strings.HasSuffix(name, s) {
			return committee(name, name+"委")
		}
	}
	return workCommittee(zoneName(name))
}

// zoneName drops a trailing 管委会 / 管理委员会 (the administrative body, not
// the place) and shortens 行政委员会 to 行委, so that the Party body is not
// named "…委员会工作委员会".
func zoneName(name string) string {
	for _, s := range []string{"管理委员会", "管委会"} {
		if rest := strings.TrimSuffix(name, s); rest != name && utf8.RuneCountInString(rest) >= 2 {
			return rest
		}
	}
	if rest, ok := strings.CutSuffix(name, "行政委员会"); ok && rest != "" {
		return rest + "行委"
	}
	return name
}

// townshipSpec: 街道 have a 党工委 (民生街道党工委); 镇, 乡, 民族乡 and 苏木 have a
// 党委 (三塘镇党委); anything else (开发区, 农场, 林场, 园区 …) is a zone led
// by a 党工委.
func townshipSpec(name string) OrgSpec {
	if rest, ok := strings.CutSuffix(name, "街道办事处"); ok {
		name = rest + "街道"
	}
	switch {
	case strings.HasSuffix(name, "街道"):
		return workCommittee(name)
	case strings.HasSuffix(name, "镇"), strings.HasSuffix(name, "乡"), strings.HasSuffix(name, "苏木"):
		return OrgSpec{Name: "中共" + name + "委员会", ShortName: name + "党委", Kind: kindCommittee, Category: categoryOrgan, KindConfirmed: true}
	}
	return workCommittee(zoneName(name))
}

// Committee suffixes of village-level names. The committee type, when
// present, decides the category: a 居委会 is an urban community even when its
// name says 村, a 村委会 is rural even when its name says 社区 (XX社区村民委员会
// is common in Hebei and Xinjiang). The clipped forms (村民委会, 居委 …) occur
// a few dozen times each in the source data.
var (
	communitySuffixes = []string{"居民委员会", "居民委会", "居委会", "居委"}
	ruralSuffixes     = []string{"村民委员会", "村民委会", "村委会", "村委"}
)

// villageSpec names the branch of a village-level unit after the place, not
// after its self-governing committee: 兴宁社区居委会 → 兴宁社区党支部, 东风居委会 →
// 东风社区党支部, 那马村委会 and 那马村村民委员会 → 那马村党支部. 嘎查 is the
// Mongolian word for 村 in Inner Mongolia and counts as rural. Units that are
// neither (…生活区, …管理区, 虚拟社区, farms, companies) keep their name and
// category 其他. A trailing qualifier in brackets, such as （新） or （省级）,
// is kept in the name but ignored for the classification. The kind is always
// 党支部, to be confirmed by the user.
func villageSpec(name string) OrgSpec {
	core, qualifier := splitQualifier(name)
	base, category := core, ""
	if rest, ok := cutAny(core, communitySuffixes); ok {
		base, category = rest, categoryCommunity
	} else if rest, ok := cutAny(core, ruralSuffixes); ok {
		base, category = rest, categoryRural
	} else if rest, ok := cutAny(core, []string{"委员会", "委会"}); ok && endsWithAny(rest, "社区", "村", "嘎查") {
		// 后浦社区委员会, 阿麻忽洞嘎查委员会, 都尔本新嘎查委会: a bare
		// committee after the place type.
		base = rest
	}
	switch {
	case strings.HasSuffix(base, "虚拟社区"):
		// Statistical stand-ins for areas without a real community.
		base, category = core, categoryOther
	case category == categoryCommunity:
		if !strings.HasSuffix(base, "社区") {
			base += "社区"
		}
	case category == categoryRural:
		if !endsWithAny(base, "村", "社区", "嘎查") {
			base += "村"
		}
	case strings.HasSuffix(base, "社区"):
		category = categoryCommunity
	case endsWithAny(base, "村", "嘎查"):
		category = categoryRural
	default:
		base, category = core, categoryOther
	}
	full := base + qualifier + kindBranch
	return OrgSpec{Name: full, ShortName: full, Kind: kindBranch, Category: category}
}

// splitQualifier splits trailing bracketed qualifiers off a name:
// 吕复村委会（新） → 吕复村委会, （新）. A name that is all brackets is kept whole.
func splitQualifier(name string) (core, qualifier string) {
	core = name
	for strings.HasSuffix(core, "）") || strings.HasSuffix(core, ")") {
		i := max(strings.LastIndex(core, "（"), strings.LastIndex(core, "("))
		if i <= 0 {
			break
		}
		core = core[:i]
	}
	return core, name[len(core):]
}

// cutAny removes the first of suffixes that name ends with, as long as
// something is left.
func cutAny(name string, suffixes []string) (string, bool) {
	for _, x := range suffixes {
		if rest, ok := strings.CutSuffix(name, x); ok && rest != "" {
			return rest, true
		}
	}
	return name, false
}

func endsWithAny(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
