package evaluation

import (
	"fmt"
	"testing"

	"jiceng/internal/errs"
)

// TestTemplateFirstSecretary: the first secretaries' review (三述三评) is a
// valid first_secretary template whose every built-in name has its English,
// graded 优秀/合格/基本合格/不合格 with at most 10 % 优秀.
func TestTemplateFirstSecretary(t *testing.T) {
	t.Parallel()
	r := TemplateFirstSecretary()
	if err := r.Validate(); err != nil {
		t.Fatalf("%v (%v)", err, errs.FieldMessages(err, "zh"))
	}
	if r.Type != TypeFirstSecretary || r.TopCap != 0.10 || r.FewBallots != FewIncomplete {
		t.Errorf("type %q, cap %v, few ballots %q", r.Type, r.TopCap, r.FewBallots)
	}
	var grades []string
	for _, g := range r.Grades {
		grades = append(grades, fmt.Sprintf("%s≥%v", g.Grade, g.Min))
	}
	if got := fmt.Sprint(grades); got != "[优秀≥90 合格≥75 基本合格≥60 不合格≥0]" {
		t.Errorf("grades %s", got)
	}
	masses := 0.0
	names := []string{}
	for _, g := range r.Groups {
		names = append(names, g.Name)
		if g.Masses {
			masses += g.Weight
		}
	}
	if masses != 0.4 || fmt.Sprint(names) != "[村民代表 乡镇党委 派出单位]" {
		t.Errorf("groups %v, the villagers weigh %v", names, masses)
	}
	for _, in := range r.Indicators {
		names = append(names, in.Name)
		for _, l := range in.Scale.Levels {
			names = append(names, l.Label)
		}
	}
	for _, g := range r.Grades {
		names = append(names, g.Grade)
	}
	for _, n := range names {
		if NameIn(n, "en") == "" || NameFromEN(NameIn(n, "en")) != n {
			t.Errorf("%s: English name %q", n, NameIn(n, "en"))
		}
	}
	if TemplateFirstSecretary().Groups[0].Weight = 0.99; TemplateFirstSecretary().Groups[0].Weight == 0.99 {
		t.Error("templates share their slices")
	}
}

// TestFirstSecretaryCap: of eleven first secretaries, three earn 优秀 by
// their totals; ⌊10 % × 11⌋ = 1 keeps it, the other two move down to 合格
// and are marked capped; the others keep what their totals earn.
func TestFirstSecretaryCap(t *testing.T) {
	t.Parallel()
	r := TemplateFirstSecretary().WithDefaults()
	var subjects []string
	for i := range 11 {
		subjects = append(subjects, fmt.Sprintf("s%d", i+1))
	}
	// answer is what a rater of a group gives subject i: the first three
	// all 满意 and 建议留任 but for the villagers' 提升治理水平, answered
	// 基本满意 by as many of them as the subject's place (0, 1, 2); the
	// others 基本满意 throughout.
	answer := func(group string, n, i int) map[string]float64 {
		if i >= 3 {
			return map[string]float64{"build": 60, "develop": 60, "serve": 60, "govern": 60, "stay": 100}
		}
		govern := 100.0
		if group == "villagers" && n < i {
			govern = 60
		}
		return map[string]float64{"build": 100, "develop": 100, "serve": 100, "govern": govern, "stay": 100}
	}
	var ballots []Ballot
	for _, g := range []string{"villagers", "township", "agency"} {
		for n := range 5 {
			b := Ballot{Group: g, Scores: map[string]map[string]float64{}}
			for i, s := range subjects {
				b.Scores[s] = answer(g, n, i)
			}
			ballots = append(ballots, b)
		}
	}
	res, err := Compute(r, subjects, nil, ballots)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s1": "优秀 100 false", "s2": "合格 99.52 true", "s3": "合格 99.04 true"}
	for i := 4; i <= 11; i++ {
		want[fmt.Sprintf("s%d", i)] = "基本合格 66 false"
	}
	excellent := 0
	for _, s := range res.Subjects {
		got := fmt.Sprintf("%s %v %v", s.Grade, *s.Total, s.Capped)
		if got != want[s.Subject] {
			t.Errorf("%s: %s, want %s", s.Subject, got, want[s.Subject])
		}
		if s.Grade == "优秀" {
			excellent++
		}
	}
	if excellent != 1 {
		t.Errorf("%d graded 优秀, the cap allows 1", excellent)
	}
}
