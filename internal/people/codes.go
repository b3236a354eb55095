package people

import (
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Ethnicities are the 56 ethnic groups with their GB 3304 codes, in the
// standard's order.
var Ethnicities = []org.Choice{
	{Key: "01", Text: i18n.Text{ZH: "汉族", EN: "Han"}}, {Key: "02", Text: i18n.Text{ZH: "蒙古族", EN: "Mongol"}},
	{Key: "03", Text: i18n.Text{ZH: "回族", EN: "Hui"}}, {Key: "04", Text: i18n.Text{ZH: "藏族", EN: "Tibetan"}},
	{Key: "05", Text: i18n.Text{ZH: "维吾尔族", EN: "Uyghur"}}, {Key: "06", Text: i18n.Text{ZH: "苗族", EN: "Miao"}},
	{Key: "07", Text: i18n.Text{ZH: "彝族", EN: "Yi"}}, {Key: "08", Text: i18n.Text{ZH: "壮族", EN: "Zhuang"}},
	{Key: "09", Text: i18n.Text{ZH: "布依族", EN: "Bouyei"}}, {Key: "10", Text: i18n.Text{ZH: "朝鲜族", EN: "Korean"}},
	{Key: "11", Text: i18n.Text{ZH: "满族", EN: "Manchu"}}, {Key: "12", Text: i18n.Text{ZH: "侗族", EN: "Dong"}},
	{Key: "13", Text: i18n.Text{ZH: "瑶族", EN: "Yao"}}, {Key: "14", Text: i18n.Text{ZH: "白族", EN: "Bai"}},
	{Key: "15", Text: i18n.Text{ZH: "土家族", EN: "Tujia"}}, {Key: "16", Text: i18n.Text{ZH: "哈尼族", EN: "Hani"}},
	{Key: "17", Text: i18n.Text{ZH: "哈萨克族", EN: "Kazakh"}}, {Key: "18", Text: i18n.Text{ZH: "傣族", EN: "Dai"}},
	{Key: "19", Text: i18n.Text{ZH: "黎族", EN: "Li"}}, {Key: "20", Text: i18n.Text{ZH: "傈僳族", EN: "Lisu"}},
	{Key: "21", Text: i18n.Text{ZH: "佤族", EN: "Va"}}, {Key: "22", Text: i18n.Text{ZH: "畲族", EN: "She"}},
	{Key: "23", Text: i18n.Text{ZH: "高山族", EN: "Gaoshan"}}, {Key: "24", Text: i18n.Text{ZH: "拉祜族", EN: "Lahu"}},
	{Key: "25", Text: i18n.Text{ZH: "水族", EN: "Sui"}}, {Key: "26", Text: i18n.Text{ZH: "东乡族", EN: "Dongxiang"}},
	{Key: "27", Text: i18n.Text{ZH: "纳西族", EN: "Naxi"}}, {Key: "28", Text: i18n.Text{ZH: "景颇族", EN: "Jingpo"}},
	{Key: "29", Text: i18n.Text{ZH: "柯尔克孜族", EN: "Kyrgyz"}}, {Key: "30", Text: i18n.Text{ZH: "土族", EN: "Tu"}},
	{Key: "31", Text: i18n.Text{ZH: "达斡尔族", EN: "Daur"}}, {Key: "32", Text: i18n.Text{ZH: "仫佬族", EN: "Mulao"}},
	{Key: "33", Text: i18n.Text{ZH: "羌族", EN: "Qiang"}}, {Key: "34", Text: i18n.Text{ZH: "布朗族", EN: "Blang"}},
	{Key: "35", Text: i18n.Text{ZH: "撒拉族", EN: "Salar"}}, {Key: "36", Text: i18n.Text{ZH: "毛南族", EN: "Maonan"}},
	{Key: "37", Text: i18n.Text{ZH: "仡佬族", EN: "Gelao"}}, {Key: "38", Text: i18n.Text{ZH: "锡伯族", EN: "Xibe"}},
	{Key: "39", Text: i18n.Text{ZH: "阿昌族", EN: "Achang"}}, {Key: "40", Text: i18n.Text{ZH: "普米族", EN: "Pumi"}},
	{Key: "41", Text: i18n.Text{ZH: "塔吉克族", EN: "Tajik"}}, {Key: "42", Text: i18n.Text{ZH: "怒族", EN: "Nu"}},
	{Key: "43", Text: i18n.Text{ZH: "乌孜别克族", EN: "Uzbek"}}, {Key: "44", Text: i18n.Text{ZH: "俄罗斯族", EN: "Russian"}},
	{Key: "45", Text: i18n.Text{ZH: "鄂温克族", EN: "Evenki"}}, {Key: "46", Text: i18n.Text{ZH: "德昂族", EN: "De'ang"}},
	{Key: "47", Text: i18n.Text{ZH: "保安族", EN: "Bonan"}}, {Key: "48", Text: i18n.Text{ZH: "裕固族", EN: "Yugur"}},
	{Key: "49", Text: i18n.Text{ZH: "京族", EN: "Gin"}}, {Key: "50", Text: i18n.Text{ZH: "塔塔尔族", EN: "Tatar"}},
	{Key: "51", Text: i18n.Text{ZH: "独龙族", EN: "Derung"}}, {Key: "52", Text: i18n.Text{ZH: "鄂伦春族", EN: "Oroqen"}},
	{Key: "53", Text: i18n.Text{ZH: "赫哲族", EN: "Hezhen"}}, {Key: "54", Text: i18n.Text{ZH: "门巴族", EN: "Monpa"}},
	{Key: "55", Text: i18n.Text{ZH: "珞巴族", EN: "Lhoba"}}, {Key: "56", Text: i18n.Text{ZH: "基诺族", EN: "Jino"}},
}

// Educations are the levels of GB/T 4658 a member's highest education is
// recorded at: the graduate codes of each level the collection form asks
// for.
var Educations = []org.Choice{
	{Key: "11", Text: i18n.Text{ZH: "博士研究生", EN: "Doctorate"}},
	{Key: "14", Text: i18n.Text{ZH: "硕士研究生", EN: "Master's degree"}},
	{Key: "21", Text: i18n.Text{ZH: "大学本科", EN: "Bachelor's degree"}},
	{Key: "31", Text: i18n.Text{ZH: "大学专科", EN: "College diploma"}},
	{Key: "41", Text: i18n.Text{ZH: "中等专科", EN: "Secondary specialized school"}},
	{Key: "44", Text: i18n.Text{ZH: "职业高中", EN: "Vocational high school"}},
	{Key: "47", Text: i18n.Text{ZH: "技工学校", EN: "Technical school"}},
	{Key: "61", Text: i18n.Text{ZH: "普通高中", EN: "Senior high school"}},
	{Key: "71", Text: i18n.Text{ZH: "初中", EN: "Junior high school"}},
	{Key: "81", Text: i18n.Text{ZH: "小学", EN: "Primary school"}},
	{Key: "90", Text: i18n.Text{ZH: "其他", EN: "Other"}},
}

// EducationBands group the education codes as member statistics report
// them; a code belongs to the first band whose prefix it starts with.
var EducationBands = []org.Choice{
	{Key: "1", Text: i18n.Text{ZH: "研究生", EN: "Graduate"}},
	{Key: "2", Text: i18n.Text{ZH: "大学本科", EN: "Bachelor's"}},
	{Key: "3", Text: i18n.Text{ZH: "大学专科", EN: "College"}},
	{Key: "4", Text: i18n.Text{ZH: "中专、中职", EN: "Secondary vocational"}},
	{Key: "6", Text: i18n.Text{ZH: "高中", EN: "Senior high"}},
	{Key: "7", Text: i18n.Text{ZH: "初中及以下", EN: "Junior high or less"}},
}

// educationBand is the band of an education code.
func educationBand(code string) string {
	switch code[:1] {
	case "1", "2", "3", "4", "6":
		return code[:1]
	}
	return "7"
}

// Bachelor reports whether an education code is 大学本科 or higher.
func Bachelor(code string) bool { return code != "" && code[0] >= '1' && code[0] <= '2' }

// Kinds of membership.
var Kinds = []org.Choice{
	{Key: "full", Text: i18n.Text{ZH: "正式党员", EN: "Full member"}},
	{Key: "probationary", Text: i18n.Text{ZH: "预备党员", EN: "Probationary member"}},
}

// Statuses of a membership; the last three end it.
var Statuses = []org.Choice{
	{Key: "normal", Text: i18n.Text{ZH: "正常", EN: "Normal"}},
	{Key: "floating", Text: i18n.Text{ZH: "流动党员", EN: "Away (floating)"}},
	{Key: "lost", Text: i18n.Text{ZH: "失联", EN: "Out of contact"}},
	{Key: "suspended", Text: i18n.Text{ZH: "停止党籍", EN: "Membership suspended"}},
	{Key: "expelled", Text: i18n.Text{ZH: "出党", EN: "Left the Party"}},
	{Key: "deceased", Text: i18n.Text{ZH: "去世", EN: "Deceased"}},
	{Key: "transferred_out", Text: i18n.Text{ZH: "转出", EN: "Transferred out"}},
}

// MemberFilters are the statuses the member list filters by: those of a
// current membership, and "ended" for those whose membership ended.
var MemberFilters = append(Statuses[:4:4], org.Choice{Key: "ended", Text: i18n.Text{ZH: "已离开（出党、去世、转出）", EN: "Left (left the Party, deceased, transferred out)"}})

// ends reports whether a status ends the membership.
func ends(status string) bool {
	return status == "expelled" || status == "deceased" || status == "transferred_out"
}

// Genders.
var Genders = []org.Choice{
	{Key: "male", Text: i18n.Text{ZH: "男", EN: "Male"}},
	{Key: "female", Text: i18n.Text{ZH: "女", EN: "Female"}},
}

// AgeBands are the age groups of member statistics, by age at the end of
// the current year; Max is the oldest age in the band (0: no limit).
var AgeBands = []struct {
	Key  string
	Max  int
	Text i18n.Text
}{
	{"35", 35, i18n.Text{ZH: "35岁及以下", EN: "35 or younger"}},
	{"45", 45, i18n.Text{ZH: "36至45岁", EN: "36–45"}},
	{"55", 55, i18n.Text{ZH: "46至55岁", EN: "46–55"}},
	{"60", 60, i18n.Text{ZH: "56至60岁", EN: "56–60"}},
	{"61", 0, i18n.Text{ZH: "61岁及以上", EN: "61 or older"}},
}
