package evaluation

import (
	"errors"
	"strings"
	"testing"

	"jiceng/internal/errs"
)

// details returns the field errors of err, failing unless it is an
// invalid-input *errs.Error whose every detail has an English message.
func details(t *testing.T, err error) errs.Fields {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is %T, want *errs.Error", err, err)
	}
	if e.Kind != errs.Invalid {
		t.Fatalf("kind = %q, want %q", e.Kind, errs.Invalid)
	}
	for _, d := range e.Details {
		if d.EN == "" || d.Kind != errs.Invalid {
			t.Errorf("detail %q: kind %q, English %q", d.ZH, d.Kind, d.EN)
		}
	}
	return e.Details
}

func TestTemplatesAreValid(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]Rules{"village": TemplateVillageSecretary(), "qianqi": TemplateQianQiYiKeZhang()} {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v (%v)", name, err, errs.FieldMessages(err, "zh"))
		}
	}
	v := TemplateVillageSecretary()
	masses := 0.0
	for _, g := range v.Groups {
		if g.Masses {
			masses += g.Weight
		}
	}
	if masses < MinMassesWeight {
		t.Errorf("village template: masses weigh %v", masses)
	}
	// Each call builds its own rules, so that editing one campaign's copy
	// cannot change the template.
	v.Groups[0].Weight = 0.99
	if TemplateVillageSecretary().Groups[0].Weight == 0.99 {
		t.Error("templates share their slices")
	}
	q := TemplateQianQiYiKeZhang()
	for _, g := range q.Groups {
		if !g.Masses {
			t.Errorf("qianqi template: group %s is not a public group", g.Key)
		}
	}
	if q.TopCap != 0.10 {
		t.Errorf("qianqi template: top cap %v", q.TopCap)
	}
}

func TestValidateMessages(t *testing.T) {
	t.Parallel()
	village := TemplateVillageSecretary
	qianqi := TemplateQianQiYiKeZhang
	tests := []struct {
		name   string
		rules  func() Rules
		field  string
		zh     string
		others bool // other problems are expected too
	}{
		{"top level sum", func() Rules { r := village(); r.Indicators[0].Weight = 0.1; return r },
			"indicators", "一级指标权重合计为 90%，应为 100%", false},
		{"second level sum", func() Rules { r := village(); r.Indicators[1].Children[0].Weight = 0.45; return r },
			"indicators[1].children", "第 2 级指标“组织建设”下的权重合计为 95%，应为 100%", false},
		{"third level sum", func() Rules {
			r := village()
			r.Indicators[1].Children[1].Children = []Indicator{
				{Key: "meetings", Name: "三会一课", Weight: 0.6, Scale: goodScale()},
				{Key: "days", Name: "主题党日", Weight: 0.6, Scale: goodScale()},
			}
			return r
		}, "indicators[1].children[1].children", "第 3 级指标“组织生活”下的权重合计为 120%，应为 100%", false},
		{"groups sum", func() Rules { r := qianqi(); r.Groups[2].Weight = 0.25; return r },
			"groups", "评委组权重合计为 105%，应为 100%", false},
		{"k below 3", func() Rules { r := qianqi(); r.K = 2; return r },
			"k", "最小评委组人数 k 不能小于 3，现为 2", false},
		{"masses below 40%", func() Rules {
			r := village()
			r.Groups[0].Weight, r.Groups[2].Weight = 0.4, 0.3
			return r
		}, "groups", "村（社区）模板中群众类评委组权重合计应不低于 40%，现为 30%", false},
		{"negative indicator weight", func() Rules { r := qianqi(); r.Indicators[2].Weight = -0.2; return r },
			"indicators[2].weight", "“依法行政”的权重不能为负数，现为 -0.2", false},
		{"negative group weight", func() Rules { r := qianqi(); r.Groups[1].Weight = -0.3; return r },
			"groups[1].weight", "“项目业主”的权重不能为负数，现为 -0.3", false},
		{"duplicate indicator key", func() Rules { r := village(); r.Indicators[1].Children[1].Key = "duty"; return r },
			"indicators[1].children[1].key", "指标代码“duty”重复", false},
		{"empty indicator key", func() Rules { r := qianqi(); r.Indicators[0].Key = ""; return r },
			"indicators[0].key", "请填写指标代码", false},
		{"indicator name", func() Rules { r := qianqi(); r.Indicators[0].Name = " "; return r },
			"indicators[0].name", "请填写指标名称", false},
		{"duplicate group key", func() Rules { r := qianqi(); r.Groups[2].Key = "owner"; return r },
			"groups[2].key", "评委组代码“owner”重复", false},
		{"group name", func() Rules { r := qianqi(); r.Groups[0].Name = ""; return r },
			"groups[0].name", "请填写评委组名称", false},
		{"one level", func() Rules { r := qianqi(); r.Indicators[0].Scale.Levels = r.Indicators[0].Scale.Levels[:1]; return r },
			"indicators[0].scale.levels", "指标“服务态度”的等级至少应有 2 个，现有 1 个", false},
		{"level points out of range", func() Rules {
			r := village()
			r.Indicators[0].Scale.Levels[0].Points = 120
			return r
		}, "indicators[0].scale.levels[0].points", "指标“责任落实”等级“好”的分值应在 0–100 之间，现为 120", false},
		{"level points repeated", func() Rules {
			r := village()
			r.Indicators[0].Scale.Levels[1].Points = 100
			return r
		}, "indicators[0].scale.levels[1].points", "指标“责任落实”的等级分值 100 重复，各等级分值应互不相同", false},
		{"level label repeated", func() Rules {
			r := village()
			r.Indicators[0].Scale.Levels[1].Label = "好"
			return r
		}, "indicators[0].scale.levels[1].label", "指标“责任落实”的等级“好”重复", false},
		{"scale kind", func() Rules { r := qianqi(); r.Indicators[4].Scale.Kind = "stars"; return r },
			"indicators[4].scale.kind", "请为指标“总体评价”选择评分方式：points（0–100 分）或 levels（等级）", false},
		{"thresholds not descending", func() Rules {
			r := qianqi()
			r.Grades[1].Min = 95
			return r
		}, "grades[1].min", "等次应从高到低排列：“较好”的分数线 95 应低于“好”的 90", false},
		{"lowest threshold", func() Rules { r := qianqi(); r.Grades[3].Min = 10; return r },
			"grades[3].min", "最低等次“差”的分数线应为 0，现为 10", false},
		{"one grade", func() Rules { r := qianqi(); r.Grades = r.Grades[:1]; r.Grades[0].Min = 0; r.Vetoes = nil; return r },
			"grades", "请至少设置两个等次", false},
		{"min ballots below k", func() Rules { r := qianqi(); r.MinBallots = 3; return r },
			"min_ballots", "每组最少有效票数不能小于最小评委组人数 k（5），现为 3", false},
		{"few ballots rule", func() Rules { r := qianqi(); r.FewBallots = "drop"; return r },
			"few_ballots", "票数不足时的处理方式应为 renormalize（按其余评委组权重折算）或 incomplete（该对象不出总分）", false},
		{"type", func() Rules { r := qianqi(); r.Type = "poll"; return r },
			"type", "请选择测评类型（述职评议考核、千企议科长、群众满意度测评、第一书记评议或自定义）", false},
		{"veto grade", func() Rules { r := qianqi(); r.Vetoes[0].Grade = "不合格"; return r },
			"vetoes[0].grade", "否决后的等次“不合格”不在等次设置中", false},
		{"veto kind", func() Rules { r := qianqi(); r.Vetoes[0].Kind = "anything"; return r },
			"vetoes[0].kind", "否决规则类型应为 masses_satisfaction_below（群众满意率低于阈值）", false},
		{"veto threshold", func() Rules { r := qianqi(); r.Vetoes[0].Threshold = 150; return r },
			"vetoes[0].threshold", "否决阈值应在 0 到 100（百分比）之间，现为 150", false},
		{"top cap", func() Rules { r := qianqi(); r.TopCap = 10; return r },
			"top_cap", "最高等次比例上限应在 0 到 1 之间（如 0.1 表示 10%，0 表示不限），现为 10", false},
		{"no indicators", func() Rules { r := qianqi(); r.Indicators = nil; return r },
			"indicators", "请至少设置一项测评指标", false},
		{"no groups", func() Rules { r := qianqi(); r.Groups = nil; return r },
			"groups", "请至少设置一个评委组", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := details(t, tt.rules().Validate())
			found := false
			for _, d := range ds {
				found = found || (d.Field == tt.field && d.ZH == tt.zh)
			}
			if !found || (!tt.others && len(ds) != 1) {
				var got []string
				for _, d := range ds {
					got = append(got, d.Field+": "+d.ZH)
				}
				t.Errorf("want %s: %s\n got:\n%s", tt.field, tt.zh, strings.Join(got, "\n"))
			}
		})
	}
}

// TestValidateReportsEverything checks that one call lists every problem, so
// that a form shows them all at once.
func TestValidateReportsEverything(t *testing.T) {
	t.Parallel()
	r := TemplateVillageSecretary()
	r.Indicators[0].Weight = 0.1
	r.Groups[2].Weight = 0.45
	r.K = 2
	r.MinBallots = 2
	ds := details(t, r.Validate())
	want := map[string]string{
		"indicators": "一级指标权重合计为 90%，应为 100%",
		"groups":     "评委组权重合计为 105%，应为 100%",
		"k":          "最小评委组人数 k 不能小于 3，现为 2",
	}
	got := map[string]string{}
	for _, d := range ds {
		got[d.Field] = d.ZH
	}
	for f, zh := range want {
		if got[f] != zh {
			t.Errorf("%s: got %q, want %q", f, got[f], zh)
		}
	}
	if len(ds) != len(want) {
		t.Errorf("got %d problems, want %d: %v", len(ds), len(want), got)
	}
}

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	r := Rules{Type: TypeCustom}.WithDefaults()
	if r.K != 5 || r.MinBallots != 5 || r.FewBallots != FewIncomplete || len(r.Grades) != 4 || r.Grades[0] != (GradeThreshold{"好", 90}) {
		t.Errorf("defaults: %+v", r)
	}
	if r := (Rules{K: 7}).WithDefaults(); r.MinBallots != 7 {
		t.Errorf("MinBallots follows K: %d", r.MinBallots)
	}
	// A weight typed as 0.1 + 0.2 + 0.7 does not sum to exactly 1 in binary.
	ok := TemplateQianQiYiKeZhang()
	ok.Groups[0].Weight, ok.Groups[1].Weight, ok.Groups[2].Weight = 0.1, 0.2, 0.7
	if err := ok.Validate(); err != nil {
		t.Errorf("0.1 + 0.2 + 0.7: %v", err)
	}
}
