// Package evaluation is the evaluation engine of mechanism M2: campaigns in
// which superiors, Party members and — with a large weight — the masses,
// enterprises and project owners rate cadres and agencies on anonymous,
// one-time ballots.
//
// This file and its neighbours are the pure core: the rules of a campaign and
// their validation (rules.go), ballot codes (token.go) and the computation of
// results (scoring.go). They touch no database, so that the arithmetic that
// decides a cadre's grade can be read, tested and re-run by anyone from the
// rules and the ballots alone.
package evaluation

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// The campaign types. The keys are stored and used in URLs, so they stay
// English; the labels are in CampaignTypes.
const (
	TypeReview         = "review"          // 述职评议考核
	TypeQianQi         = "qianqi"          // 千企议科长
	TypeSatisfaction   = "satisfaction"    // 群众满意度测评
	TypeFirstSecretary = "first_secretary" // 第一书记评议
	TypeCustom         = "custom"          // 自定义
)

// CampaignType is a campaign type with its labels.
type CampaignType struct {
	Key string `json:"key"`
	i18n.Text
}

// CampaignTypes lists the campaign types in the order forms offer them.
var CampaignTypes = []CampaignType{
	{TypeReview, i18n.Text{ZH: "述职评议考核", EN: "Report-and-review assessment"}},
	{TypeQianQi, i18n.Text{ZH: "千企议科长", EN: "Enterprises rate agency sections"}},
	{TypeSatisfaction, i18n.Text{ZH: "群众满意度测评", EN: "Public satisfaction survey"}},
	{TypeFirstSecretary, i18n.Text{ZH: "第一书记评议", EN: "First secretary review"}},
	{TypeCustom, i18n.Text{ZH: "自定义", EN: "Custom"}},
}

// The scale kinds of an indicator.
const (
	ScalePoints = "points" // any number from 0 to 100
	ScaleLevels = "levels" // one of a few labelled levels, each worth fixed points
)

// The rules for a group whose ballots did not reach MinBallots.
const (
	FewRenormalize = "renormalize" // leave the group out and divide by the present groups' weights
	FewIncomplete  = "incomplete"  // give the subject no total and no grade
)

// VetoMassesSatisfaction is the veto that applies when the share of
// satisfied answers from the masses' groups falls below a threshold.
const VetoMassesSatisfaction = "masses_satisfaction_below"

// Defaults and limits.
const (
	// DefaultK is the smallest group whose figures are shown. Five is the
	// usual floor in anonymous surveys: with fewer, colleagues can often tell
	// who answered what.
	DefaultK = 5
	// MinK is the floor an administrator may lower K to; with one or two
	// raters a mean is simply their answer.
	MinK = 3
	// MinMassesWeight is the masses' least share of the weights in a village
	// or community template: the 述职评议 rules push the weight of the masses'
	// opinion up, and 40 % is the floor the platform enforces.
	MinMassesWeight = 0.4
	// weightTolerance absorbs the rounding of decimal weights typed in a form
	// (0.1 + 0.2 is not exactly 0.3 in binary).
	weightTolerance = 1e-6
)

// Level is one answer of an ordinal scale and the points it is worth.
type Level struct {
	Label  string  `json:"label"`
	Points float64 `json:"points"`
}

// Scale says how a leaf indicator is answered: points from 0 to 100, or one
// of a few labelled levels. Ballots always carry points; a levels answer is
// the points of the chosen level, which must be distinct so that each answer
// maps back to its label for the satisfaction and dissatisfaction rates.
type Scale struct {
	Kind   string  `json:"kind"`
	Levels []Level `json:"levels,omitempty"`
}

// Indicator is a node of the indicator tree. Leaves are answered on ballots;
// a parent's score is the weighted mean of its children's, so the weights of
// siblings sum to 1. Keys are unique in the whole tree because ballots and
// results name indicators by key alone.
type Indicator struct {
	Key      string      `json:"key"`
	Name     string      `json:"name"`
	Weight   float64     `json:"weight"`
	Scale    Scale       `json:"scale"`
	Children []Indicator `json:"children,omitempty"`
}

// MarshalJSON leaves out the scale of a parent indicator: it is never used
// (a parent's score comes from its children), and written as {"kind": ""}
// it would be a value the API's scale kinds do not include, so rules read
// from the API could not be written back as they came.
func (in Indicator) MarshalJSON() ([]byte, error) {
	type plain Indicator // without this method, so Marshal does not recurse
	var scale *Scale
	if len(in.Children) == 0 {
		scale = &in.Scale
	}
	return json.Marshal(struct {
		plain
		Scale *Scale `json:"scale,omitempty"`
	}{plain(in), scale})
}

// Group is a rater group (上级党组织, 党员代表, 群众代表, 企业 …) with its weight
// in a subject's total. Masses marks the groups that speak for the public:
// they count for the village template's 40 % floor and for the masses'
// satisfaction veto.
type Group struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Masses bool    `json:"masses,omitempty"`
}

// GradeThreshold is a grade and the lowest total that earns it.
type GradeThreshold struct {
	Grade string  `json:"grade"`
	Min   float64 `json:"min"`
}

// Veto forces a grade whatever the total, when its condition holds.
// Threshold is in percent.
type Veto struct {
	Kind      string  `json:"kind"`
	Threshold float64 `json:"threshold"`
	Grade     string  `json:"grade"`
}

// Rules are everything that decides a campaign's results. The zero values of
// K, MinBallots, FewBallots and Grades mean their defaults (see WithDefaults).
type Rules struct {
	Type       string      `json:"type"`
	Indicators []Indicator `json:"indicators"`
	Groups     []Group     `json:"groups"`
	// K is the smallest number of ballots for which a group's figures are
	// shown anywhere; below it the group's numbers are left out of the results.
	K int `json:"k,omitempty"`
	// FewBallots is what happens to a subject when a group has fewer than
	// MinBallots ballots for it: FewRenormalize or FewIncomplete.
	FewBallots string `json:"few_ballots,omitempty"`
	// MinBallots is the number of ballots a group needs to count in a
	// subject's total; it is at least K.
	MinBallots int `json:"min_ballots,omitempty"`
	// Trim drops each indicator's highest and lowest answer in a group of at
	// least seven (去掉一个最高分和一个最低分).
	Trim bool `json:"trim,omitempty"`
	// Grades are ordered from the best grade down; the last has Min 0.
	Grades []GradeThreshold `json:"grades,omitempty"`
	Vetoes []Veto           `json:"vetoes,omitempty"`
	// TopCap is the largest share of subjects that may keep the best grade
	// (0.10: at most 10 % 好); 0 means no cap.
	TopCap float64 `json:"top_cap,omitempty"`
	// VillageTemplate enforces the masses' 40 % floor of village and
	// community 述职评议.
	VillageTemplate bool `json:"village_template,omitempty"`
}

// builtinNames are the English names of the indicators, grades, answer
// levels and rater groups the built-in templates and DefaultGrades give in
// Chinese. Rules are stored with the Chinese names (scoring and vetoes
// compare them), so the English is looked up when a page is shown; a name a
// user typed is shown as typed. Each English name is used once, so that an
// English form can be read back to the stored names (NameFromEN).
var builtinNames = map[string]string{
	"责任落实":   "Carrying out duties",
	"组织建设":   "Organization building",
	"班子建设":   "Leadership team",
	"组织生活":   "Organizational life",
	"党员教育管理": "Educating and managing members",
	"服务群众":   "Serving the public",
	"党风廉政":   "Integrity and conduct",
	"群众满意度":  "Public satisfaction",
	"服务态度":   "Attitude to the public",
	"办事效率":   "Efficiency",
	"依法行政":   "Acting within the law",
	"廉洁自律":   "Clean and self-disciplined",
	"总体评价":   "Overall rating",
	"好":      "Good",
	"较好":     "Fairly good",
	"一般":     "Average",
	"差":      "Poor",
	"满意":     "Satisfied",
	"基本满意":   "Fairly satisfied",
	"不满意":    "Dissatisfied",
	"上级党组织":  "Higher Party organization",
	"党员代表":   "Party member representatives",
	"群众代表":   "Public representatives",
	"企业":     "Enterprises",
	"项目业主":   "Project owners",
	"服务对象":   "People served",
	// The first secretaries' review (TemplateFirstSecretary).
	"建强基层组织": "Building the Party organization",
	"推动乡村振兴": "Rural revitalization",
	"为民办事服务": "Serving the villagers",
	"提升治理水平": "Improving governance",
	"去留意见":   "Stay or change",
	"建议留任":   "Recommend keeping",
	"建议调整":   "Recommend replacing",
	"村民代表":   "Villagers' representatives",
	"乡镇党委":   "Township Party committee",
	"派出单位":   "Home agency",
	"优秀":     "Excellent",
	"合格":     "Competent",
	"基本合格":   "Basically competent",
	"不合格":    "Not competent",
}

// NameText returns an indicator, grade, answer level or rater-group name of a campaign's
// rules as a text: the built-in names have an English one, a name a user
// typed has only itself.
func NameText(name string) i18n.Text { return i18n.Text{ZH: name, EN: builtinNames[name]} }

// NameIn returns the name of an indicator, grade, answer level or rater
// group in lang; see NameText.
func NameIn(name, lang string) string { return NameText(name).In(lang) }

// NameFromEN returns the stored (Chinese) name of a built-in name an English
// form shows, so that saving an English editor keeps the rules as they
// were; any other name comes back as it is.
func NameFromEN(name string) string {
	for zh, en := range builtinNames {
		if en == name {
			return zh
		}
	}
	return name
}

// DefaultGrades returns the usual grades 好 ≥ 90, 较好 ≥ 80, 一般 ≥ 60, 差.
func DefaultGrades() []GradeThreshold {
	return []GradeThreshold{{"好", 90}, {"较好", 80}, {"一般", 60}, {"差", 0}}
}

// Ordinal scales used by the templates.
func goodScale() Scale {
	return Scale{Kind: ScaleLevels, Levels: []Level{{"好", 100}, {"较好", 85}, {"一般", 70}, {"差", 50}}}
}

func satisfiedScale() Scale {
	return Scale{Kind: ScaleLevels, Levels: []Level{{"满意", 100}, {"基本满意", 60}, {"不满意", 0}}}
}

// TemplateVillageSecretary returns the rules of 村(社区)党组织书记抓基层党建述职评议:
// six indicators answered 好/较好/一般/差 (群众满意度 满意/基本满意/不满意), the
// masses weighing 40 %, a subject without enough ballots from every group left
// ungraded (a secretary must not be graded without the masses' voice), and
// the masses' satisfaction below 50 % forcing 差.
func TemplateVillageSecretary() Rules {
	return Rules{
		Type: TypeReview,
		Indicators: []Indicator{
			{Key: "duty", Name: "责任落实", Weight: 0.2, Scale: goodScale()},
			{Key: "org", Name: "组织建设", Weight: 0.2, Children: []Indicator{
				{Key: "team", Name: "班子建设", Weight: 0.5, Scale: goodScale()},
				{Key: "life", Name: "组织生活", Weight: 0.5, Scale: goodScale()},
			}},
			{Key: "education", Name: "党员教育管理", Weight: 0.15, Scale: goodScale()},
			{Key: "service", Name: "服务群众", Weight: 0.15, Scale: goodScale()},
			{Key: "integrity", Name: "党风廉政", Weight: 0.1, Scale: goodScale()},
			{Key: "satisfaction", Name: "群众满意度", Weight: 0.2, Scale: satisfiedScale()},
		},
		Groups: []Group{
			{Key: "superior", Name: "上级党组织", Weight: 0.3},
			{Key: "members", Name: "党员代表", Weight: 0.3},
			{Key: "masses", Name: "群众代表", Weight: 0.4, Masses: true},
		},
		K:               DefaultK,
		FewBallots:      FewIncomplete,
		MinBallots:      DefaultK,
		Trim:            true,
		Grades:          DefaultGrades(),
		Vetoes:          []Veto{{Kind: VetoMassesSatisfaction, Threshold: 50, Grade: "差"}},
		VillageTemplate: true,
	}
}

// TemplateFirstSecretary returns the rules of the yearly review of first
// secretaries (第一书记“三述三评”): the first secretary reports to the
// villagers, the township's Party committee and the home agency (三述), and
// each of them rates (三评) the four duties of a first secretary, answered
// 满意/基本满意/不满意, and whether the first secretary should stay,
// 建议留任/建议调整. The villagers weigh 40 %; a first secretary without
// enough ballots from every group is left ungraded; the villagers'
// satisfaction below 50 % forces 不合格; at most 10 % may be graded 优秀.
func TemplateFirstSecretary() Rules {
	return Rules{
		Type: TypeFirstSecretary,
		Indicators: []Indicator{
			{Key: "build", Name: "建强基层组织", Weight: 0.25, Scale: satisfiedScale()},
			{Key: "develop", Name: "推动乡村振兴", Weight: 0.25, Scale: satisfiedScale()},
			{Key: "serve", Name: "为民办事服务", Weight: 0.2, Scale: satisfiedScale()},
			{Key: "govern", Name: "提升治理水平", Weight: 0.15, Scale: satisfiedScale()},
			{Key: "stay", Name: "去留意见", Weight: 0.15, Scale: Scale{Kind: ScaleLevels, Levels: []Level{{"建议留任", 100}, {"建议调整", 0}}}},
		},
		Groups: []Group{
			{Key: "villagers", Name: "村民代表", Weight: 0.4, Masses: true},
			{Key: "township", Name: "乡镇党委", Weight: 0.3},
			{Key: "agency", Name: "派出单位", Weight: 0.3},
		},
		K:          DefaultK,
		FewBallots: FewIncomplete,
		MinBallots: DefaultK,
		Trim:       true,
		Grades:     []GradeThreshold{{"优秀", 90}, {"合格", 75}, {"基本合格", 60}, {"不合格", 0}},
		Vetoes:     []Veto{{Kind: VetoMassesSatisfaction, Threshold: 50, Grade: "不合格"}},
		TopCap:     0.10,
	}
}

// TemplateQianQiYiKeZhang returns the rules of 千企议科长: enterprises, project
// owners and the people served judge agency sections; every group speaks
// for the public. A group that met too few sections' staff is left out and
// the others renormalised, since not every enterprise deals with every
// section; at most 10 % of the sections may be graded 好.
func TemplateQianQiYiKeZhang() Rules {
	return Rules{
		Type: TypeQianQi,
		Indicators: []Indicator{
			{Key: "attitude", Name: "服务态度", Weight: 0.2, Scale: satisfiedScale()},
			{Key: "efficiency", Name: "办事效率", Weight: 0.25, Scale: satisfiedScale()},
			{Key: "lawful", Name: "依法行政", Weight: 0.2, Scale: satisfiedScale()},
			{Key: "clean", Name: "廉洁自律", Weight: 0.15, Scale: satisfiedScale()},
			{Key: "overall", Name: "总体评价", Weight: 0.2, Scale: Scale{Kind: ScalePoints}},
		},
		Groups: []Group{
			{Key: "enterprise", Name: "企业", Weight: 0.5, Masses: true},
			{Key: "owner", Name: "项目业主", Weight: 0.3, Masses: true},
			{Key: "served", Name: "服务对象", Weight: 0.2, Masses: true},
		},
		K:          DefaultK,
		FewBallots: FewRenormalize,
		MinBallots: DefaultK,
		Trim:       true,
		Grades:     DefaultGrades(),
		Vetoes:     []Veto{{Kind: VetoMassesSatisfaction, Threshold: 50, Grade: "差"}},
		TopCap:     0.10,
	}
}

// WithDefaults returns r with its unset fields filled in: K 5, MinBallots K,
// FewBallots incomplete (leaving a subject ungraded is the cautious choice;
// renormalising must be asked for) and the default grades.
func (r Rules) WithDefaults() Rules {
	if r.K == 0 {
		r.K = DefaultK
	}
	if r.MinBallots == 0 {
		r.MinBallots = r.K
	}
	if r.FewBallots == "" {
		r.FewBallots = FewIncomplete
	}
	if len(r.Grades) == 0 {
		r.Grades = DefaultGrades()
	}
	return r
}

// Validate reports every problem of r (after WithDefaults) at once, as an
// *errs.Error of kind Invalid whose Details name each field, so that a form
// can show all of them next to their fields.
func (r Rules) Validate() error {
	r = r.WithDefaults()
	var f errs.Fields

	known := false
	for _, t := range CampaignTypes {
		known = known || t.Key == r.Type
	}
	if !known {
		f.Add("type", "请选择测评类型（述职评议考核、千企议科长、群众满意度测评、第一书记评议或自定义）",
			"choose a campaign type: review, qianqi, satisfaction, first_secretary or custom")
	}

	if len(r.Indicators) == 0 {
		f.Add("indicators", "请至少设置一项测评指标", "add at least one indicator")
	}
	keys := map[string]bool{}
	validateIndicators(&f, r.Indicators, "indicators", 1, "", keys)

	if len(r.Groups) == 0 {
		f.Add("groups", "请至少设置一个评委组", "add at least one rater group")
	}
	gkeys := map[string]bool{}
	sum, masses, weightsOK := 0.0, 0.0, true
	for i, g := range r.Groups {
		p := fmt.Sprintf("groups[%d]", i)
		switch {
		case g.Key == "":
			f.Add(p+".key", "请填写评委组代码", "enter the rater group's key")
		case gkeys[g.Key]:
			f.Add(p+".key", fmt.Sprintf("评委组代码“%s”重复", g.Key), fmt.Sprintf("the rater group key \"%s\" is used twice", g.Key))
		}
		gkeys[g.Key] = true
		if strings.TrimSpace(g.Name) == "" {
			f.Add(p+".name", "请填写评委组名称", "enter the rater group's name")
		}
		if !validWeight(&f, p+".weight", g.Name, g.Weight) {
			weightsOK = false
			continue
		}
		sum += g.Weight
		if g.Masses {
			masses += g.Weight
		}
	}
	if weightsOK && len(r.Groups) > 0 && math.Abs(sum-1) > weightTolerance {
		f.Add("groups", fmt.Sprintf("评委组权重合计为 %s%%，应为 100%%", num(sum*100)),
			fmt.Sprintf("the rater groups' weights sum to %s%%, they must sum to 100%%", num(sum*100)))
	}
	if r.VillageTemplate && weightsOK && masses < MinMassesWeight-weightTolerance {
		f.Add("groups", fmt.Sprintf("村（社区）模板中群众类评委组权重合计应不低于 40%%，现为 %s%%", num(masses*100)),
			fmt.Sprintf("in a village or community template the masses' groups must weigh at least 40%%, they weigh %s%%", num(masses*100)))
	}

	if r.K < MinK {
		f.Add("k", fmt.Sprintf("最小评委组人数 k 不能小于 3，现为 %d", r.K),
			fmt.Sprintf("the minimum group size k cannot be below 3, it is %d", r.K))
	}
	// A group counted in the total but hidden could be recovered from the
	// total and the other groups' shown scores, so counting needs at least K.
	if r.MinBallots < r.K {
		f.Add("min_ballots", fmt.Sprintf("每组最少有效票数不能小于最小评委组人数 k（%d），现为 %d", r.K, r.MinBallots),
			fmt.Sprintf("the ballots a group needs to count cannot be fewer than k (%d), they are %d", r.K, r.MinBallots))
	}
	if r.FewBallots != FewRenormalize && r.FewBallots != FewIncomplete {
		f.Add("few_ballots", "票数不足时的处理方式应为 renormalize（按其余评委组权重折算）或 incomplete（该对象不出总分）",
			"the rule for too few ballots must be renormalize or incomplete")
	}

	validateGrades(&f, r.Grades)
	grades := map[string]bool{}
	for _, g := range r.Grades {
		grades[g.Grade] = true
	}
	for i, v := range r.Vetoes {
		p := fmt.Sprintf("vetoes[%d]", i)
		if v.Kind != VetoMassesSatisfaction {
			f.Add(p+".kind", "否决规则类型应为 masses_satisfaction_below（群众满意率低于阈值）",
				"the veto kind must be masses_satisfaction_below")
		}
		if !(v.Threshold >= 0 && v.Threshold <= 100) {
			f.Add(p+".threshold", fmt.Sprintf("否决阈值应在 0 到 100（百分比）之间，现为 %s", num(v.Threshold)),
				fmt.Sprintf("the veto threshold must be a percentage from 0 to 100, it is %s", num(v.Threshold)))
		}
		if !grades[v.Grade] {
			f.Add(p+".grade", fmt.Sprintf("否决后的等次“%s”不在等次设置中", v.Grade),
				fmt.Sprintf("the veto grade \"%s\" is not one of the grades", v.Grade))
		}
	}
	if !(r.TopCap >= 0 && r.TopCap <= 1) {
		f.Add("top_cap", fmt.Sprintf("最高等次比例上限应在 0 到 1 之间（如 0.1 表示 10%%，0 表示不限），现为 %s", num(r.TopCap)),
			fmt.Sprintf("the cap on the top grade must be from 0 to 1 (0.1 is 10%%, 0 no cap), it is %s", num(r.TopCap)))
	}
	return f.Err()
}

// validateIndicators checks one level of the tree: prefix is the JSON path
// of the slice, depth its level (1 for the top), parent the name of the
// indicator it belongs to.
func validateIndicators(f *errs.Fields, inds []Indicator, prefix string, depth int, parent string, keys map[string]bool) {
	sum, weightsOK := 0.0, true
	for i, in := range inds {
		p := fmt.Sprintf("%s[%d]", prefix, i)
		switch {
		case in.Key == "":
			f.Add(p+".key", "请填写指标代码", "enter the indicator's key")
		case keys[in.Key]:
			f.Add(p+".key", fmt.Sprintf("指标代码“%s”重复", in.Key), fmt.Sprintf("the indicator key \"%s\" is used twice", in.Key))
		}
		keys[in.Key] = true
		if strings.TrimSpace(in.Name) == "" {
			f.Add(p+".name", "请填写指标名称", "enter the indicator's name")
		}
		if validWeight(f, p+".weight", in.Name, in.Weight) {
			sum += in.Weight
		} else {
			weightsOK = false
		}
		if len(in.Children) > 0 {
			// A parent's scale is never used: its score comes from its children.
			validateIndicators(f, in.Children, p+".children", depth+1, in.Name, keys)
		} else {
			validateScale(f, p+".scale", in.Name, in.Scale)
		}
	}
	if !weightsOK || len(inds) == 0 || math.Abs(sum-1) <= weightTolerance {
		return
	}
	if depth == 1 {
		f.Add(prefix, fmt.Sprintf("一级指标权重合计为 %s%%，应为 100%%", num(sum*100)),
			fmt.Sprintf("the top-level indicators' weights sum to %s%%, they must sum to 100%%", num(sum*100)))
		return
	}
	f.Add(prefix, fmt.Sprintf("第 %d 级指标“%s”下的权重合计为 %s%%，应为 100%%", depth, parent, num(sum*100)),
		fmt.Sprintf("the weights of the level-%d indicators under \"%s\" sum to %s%%, they must sum to 100%%", depth, parent, num(sum*100)))
}

// validWeight reports whether w is a usable weight, adding the problem to f.
func validWeight(f *errs.Fields, field, name string, w float64) bool {
	if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
		f.Add(field, fmt.Sprintf("“%s”的权重不能为负数，现为 %s", name, num(w)),
			fmt.Sprintf("the weight of \"%s\" cannot be negative, it is %s", name, num(w)))
		return false
	}
	return true
}

func validateScale(f *errs.Fields, field, name string, s Scale) {
	switch s.Kind {
	case ScalePoints:
	case ScaleLevels:
		if len(s.Levels) < 2 {
			f.Add(field+".levels", fmt.Sprintf("指标“%s”的等级至少应有 2 个，现有 %d 个", name, len(s.Levels)),
				fmt.Sprintf("the indicator \"%s\" needs at least 2 levels, it has %d", name, len(s.Levels)))
		}
		labels := map[string]bool{}
		points := map[float64]bool{}
		for j, l := range s.Levels {
			p := fmt.Sprintf("%s.levels[%d]", field, j)
			switch {
			case strings.TrimSpace(l.Label) == "":
				f.Add(p+".label", fmt.Sprintf("指标“%s”第 %d 个等级缺少名称", name, j+1),
					fmt.Sprintf("level %d of the indicator \"%s\" has no label", j+1, name))
			case labels[l.Label]:
				f.Add(p+".label", fmt.Sprintf("指标“%s”的等级“%s”重复", name, l.Label),
					fmt.Sprintf("the level \"%s\" of the indicator \"%s\" is listed twice", l.Label, name))
			}
			labels[l.Label] = true
			switch {
			case !(l.Points >= 0 && l.Points <= 100):
				f.Add(p+".points", fmt.Sprintf("指标“%s”等级“%s”的分值应在 0–100 之间，现为 %s", name, l.Label, num(l.Points)),
					fmt.Sprintf("the level \"%s\" of the indicator \"%s\" must be worth 0–100 points, it is worth %s", l.Label, name, num(l.Points)))
			case points[l.Points]:
				// Ballots carry points; two levels worth the same could not be told apart.
				f.Add(p+".points", fmt.Sprintf("指标“%s”的等级分值 %s 重复，各等级分值应互不相同", name, num(l.Points)),
					fmt.Sprintf("two levels of the indicator \"%s\" are worth %s points; each level needs its own", name, num(l.Points)))
			}
			points[l.Points] = true
		}
	default:
		f.Add(field+".kind", fmt.Sprintf("请为指标“%s”选择评分方式：points（0–100 分）或 levels（等级）", name),
			fmt.Sprintf("choose how the indicator \"%s\" is answered: points (0–100) or levels", name))
	}
}

func validateGrades(f *errs.Fields, gs []GradeThreshold) {
	if len(gs) < 2 {
		f.Add("grades", "请至少设置两个等次", "set at least two grades")
	}
	seen := map[string]bool{}
	for i, g := range gs {
		p := fmt.Sprintf("grades[%d]", i)
		switch {
		case strings.TrimSpace(g.Grade) == "":
			f.Add(p+".grade", "请填写等次名称", "enter the grade's name")
		case seen[g.Grade]:
			f.Add(p+".grade", fmt.Sprintf("等次“%s”重复", g.Grade), fmt.Sprintf("the grade \"%s\" is listed twice", g.Grade))
		}
		seen[g.Grade] = true
		switch {
		case !(g.Min >= 0 && g.Min <= 100):
			f.Add(p+".min", fmt.Sprintf("等次“%s”的分数线应在 0–100 之间，现为 %s", g.Grade, num(g.Min)),
				fmt.Sprintf("the threshold of the grade \"%s\" must be from 0 to 100, it is %s", g.Grade, num(g.Min)))
		case i > 0 && g.Min >= gs[i-1].Min:
			f.Add(p+".min", fmt.Sprintf("等次应从高到低排列：“%s”的分数线 %s 应低于“%s”的 %s", g.Grade, num(g.Min), gs[i-1].Grade, num(gs[i-1].Min)),
				fmt.Sprintf("grades go from high to low: the threshold of \"%s\", %s, must be below that of \"%s\", %s", g.Grade, num(g.Min), gs[i-1].Grade, num(gs[i-1].Min)))
		}
	}
	// Every total must earn a grade, so the lowest grade starts at 0.
	if n := len(gs); n >= 2 && gs[n-1].Min != 0 && gs[n-1].Min >= 0 && gs[n-1].Min < gs[n-2].Min {
		f.Add(fmt.Sprintf("grades[%d].min", n-1), fmt.Sprintf("最低等次“%s”的分数线应为 0，现为 %s", gs[n-1].Grade, num(gs[n-1].Min)),
			fmt.Sprintf("the lowest grade \"%s\" must start at 0, it starts at %s", gs[n-1].Grade, num(gs[n-1].Min)))
	}
}

// num formats a number for a message: rounded to six decimals so that a sum
// like 0.95000000000000001 reads 0.95.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
}
