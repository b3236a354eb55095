package evaluation

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"jiceng/internal/errs"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// campaign is the shape of testdata/*.json.
type campaign struct {
	Rules    Rules    `json:"rules"`
	Subjects []string `json:"subjects"`
	Ballots  []Ballot `json:"ballots"`
}

func loadCampaign(t *testing.T, name string) campaign {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c campaign
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	return c
}

// golden computes the campaign in testdata/name.json and compares the
// results, as JSON, with testdata/name.golden.json (rewritten with -update).
func golden(t *testing.T, name string) (campaign, Results, []byte) {
	t.Helper()
	c := loadCampaign(t, name)
	res, err := Compute(c.Rules, c.Subjects, nil, c.Ballots)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("results differ from %s (run go test -update after checking the change):\n%s", path, got)
	}
	// The tallies the mixer keeps must give the very same results.
	fromTallies, err := ComputeTallies(c.Rules, c.Subjects, nil, tallyOf(c.Ballots))
	if err != nil {
		t.Fatalf("ComputeTallies: %v", err)
	}
	if b, _ := json.MarshalIndent(fromTallies, "", "  "); !bytes.Equal(append(b, '\n'), want) {
		t.Errorf("results from the tallies differ from %s:\n%s", path, b)
	}
	return c, res, got
}

// tallyOf counts ballots as the mixer does.
func tallyOf(bs []Ballot) []Tally {
	type key struct {
		s, g, i string
		v       float64
	}
	m := map[key]int{}
	for _, b := range bs {
		for s, answers := range b.Scores {
			for i, v := range answers {
				m[key{s, b.Group, i, v}]++
			}
		}
	}
	out := make([]Tally, 0, len(m))
	for k, n := range m {
		out = append(out, Tally{Subject: k.s, Group: k.g, Indicator: k.i, Points: k.v, N: n})
	}
	return out
}

// TestTalliesMatchBallots computes random campaigns both ways: from the
// ballots and from their tallies, with and without trimming, veto and cap.
func TestTalliesMatchBallots(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	for round := range 200 {
		r := TemplateVillageSecretary()
		r.Trim = round%2 == 0
		if round%3 == 0 {
			r.TopCap = 0.2
		}
		subjects := []string{"a", "b", "c", "d", "e", "f"}
		var bs []Ballot
		for range 20 + rng.IntN(120) {
			g := r.Groups[rng.IntN(len(r.Groups))].Key
			b := Ballot{Group: g, Scores: map[string]map[string]float64{}}
			for _, s := range subjects {
				if rng.IntN(3) > 0 {
					b.Scores[s] = randomAnswers(rng)
				}
			}
			bs = append(bs, b)
		}
		want, err := Compute(r, subjects, nil, bs)
		if err != nil {
			t.Fatalf("round %d: Compute: %v", round, err)
		}
		got, err := ComputeTallies(r, subjects, nil, tallyOf(bs))
		if err != nil {
			t.Fatalf("round %d: ComputeTallies: %v", round, err)
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(got)
		if !bytes.Equal(a, b) {
			t.Fatalf("round %d: from ballots\n%s\nfrom tallies\n%s", round, a, b)
		}
	}
}

// randomAnswers answers the village template's leaves at random levels.
func randomAnswers(rng *rand.Rand) map[string]float64 {
	good := []float64{100, 85, 70, 50}
	sat := []float64{100, 60, 0}
	out := map[string]float64{"satisfaction": sat[rng.IntN(len(sat))]}
	for _, k := range []string{"duty", "team", "life", "education", "service", "integrity"} {
		out[k] = good[rng.IntN(len(good))]
	}
	return out
}

// TestDamagedTallies: tallies that do not fit the rules or contradict
// themselves are an error, never skipped.
func TestDamagedTallies(t *testing.T) {
	t.Parallel()
	r := rules3()
	good := tallyOf(ballots("up", 3, 80, "a"))
	tests := []struct {
		name string
		edit func([]Tally) []Tally
		want string
	}{
		{"unknown subject", func(ts []Tally) []Tally { ts[0].Subject = "zz"; return ts }, "does not fit"},
		{"unknown group", func(ts []Tally) []Tally { ts[0].Group = "zz"; return ts }, "does not fit"},
		{"unknown indicator", func(ts []Tally) []Tally { ts[0].Indicator = "zz"; return ts }, "does not fit"},
		{"points off the scale", func(ts []Tally) []Tally {
			return append(ts, Tally{Subject: "a", Group: "up", Indicator: "work", Points: 101, N: 1})
		}, "does not fit"},
		{"answers missing on one leaf", func(ts []Tally) []Tally {
			return append(ts, Tally{Subject: "a", Group: "up", Indicator: "work", Points: 90, N: 1})
		}, "4 answers on work but 3 on sat"},
	}
	for _, tc := range tests {
		ts := tc.edit(append([]Tally(nil), good...))
		_, err := ComputeTallies(r, []string{"a"}, nil, ts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// expect is a subject's figures computed by hand.
type expect struct {
	total        float64
	score, grade string
	rank         int
}

func checkSubject(t *testing.T, res Results, subject string, e expect) SubjectResult {
	t.Helper()
	for _, s := range res.Subjects {
		if s.Subject != subject {
			continue
		}
		if s.Total == nil || *s.Total != e.total || s.ScoreGrade != e.score || s.Grade != e.grade || s.Rank != e.rank {
			total := "none"
			if s.Total != nil {
				total = num(*s.Total)
			}
			t.Errorf("%s: total %s, grade %s → %s, rank %d; by hand %v, %s → %s, rank %d",
				subject, total, s.ScoreGrade, s.Grade, s.Rank, e.total, e.score, e.grade, e.rank)
		}
		return s
	}
	t.Fatalf("no result for %s", subject)
	return SubjectResult{}
}

func eq(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil || *got != want {
		t.Errorf("%s = %v, by hand %v", what, got, want)
	}
}

// TestVillageGolden: six village secretaries, template 村(社区)党组织书记抓基层
// 党建述职评议 with the cap on 好 set to 20 % (one of six). 27 ballots: 5 from
// 上级党组织 and 10 from 党员代表 rating everyone, 8 from 群众代表 rating all but
// zhongcun, 4 more from 群众代表 rating zhongcun only.
//
// Leaf weights in the total: 责任落实 .2, 班子建设 .1, 组织生活 .1 (组织建设 .2 ×
// .5 each), 党员教育管理 .15, 服务群众 .15, 党风廉政 .1, 群众满意度 .2. Levels 好 100,
// 较好 85, 一般 70, 差 50; 满意 100, 基本满意 60, 不满意 0. Groups .3/.3/.4.
//
// dongcun — 上级 all 好/满意 → 100. 党员 (n = 10, trimmed): 责任落实 is 8 × 100,
// 85, 50; trimming drops one 100 and the 50: (7·100 + 85)/8 = 98.125 (untrimmed
// it would be 93.5); the rest 100, so 0.2·98.125 + 0.8·100 = 99.625. 群众
// (n = 8, trimmed): all 好, 群众满意度 7 × 满意 and one 基本满意; trimming drops a
// 100 and the 60 → 100; score 100. Total 0.3·100 + 0.3·99.625 + 0.4·100 =
// 99.8875 → 99.89, 好, rank 1; the only 好 the 20 % cap allows (⌊0.2·6⌋ = 1).
// Dissatisfaction: one 差 among (5 + 10 + 8) × 7 = 161 ordinal answers →
// 0.62 %.
//
// xicun — 上级 all 较好/满意: 0.8·85 + 0.2·100 = 88; 党员 and 群众 all 好/满意 →
// 100. Total 0.3·88 + 0.3·100 + 0.4·100 = 96.4 → 好 by score, but second
// under the cap: 较好, capped, rank 2.
//
// nancun — 上级 and 党员 all 好/满意 → 100. 群众 all 较好, 群众满意度 2 × 满意,
// 1 × 基本满意, 5 × 不满意: trimmed (drop a 100 and a 0) (100 + 60)/6 =
// 26.667; score 0.8·85 + 0.2·26.667 = 73.333. Total 30 + 30 + 0.4·73.333 =
// 89.333 → 89.33, 较好 by score, rank 3. The masses' satisfaction is 3 of 8 =
// 37.5 % < 50 %: vetoed to 差, hence flagged.
//
// beicun — every group all 较好/满意 → 88 each; total 88, 较好.
// hecun — 上级 all 好/满意 → 100; 党员 all 一般/基本满意: 0.8·70 + 0.2·60 = 68;
// 群众 责任落实 较好, 班子建设 一般, the rest 好/满意: 0.2·85 + 0.1·70 + 0.1·100 +
// 0.15·100 + 0.15·100 + 0.1·100 + 0.2·100 = 94. Total 30 + 20.4 + 37.6 = 88:
// tied with beicun at rank 4 (ranks 1, 2, 3, 4, 4).
//
// zhongcun — only 4 群众代表 ballots (< k = 5): the group is not shown, and
// under the template's "incomplete" rule the subject has no total, grade or
// rank. Those 4 ballots are all 差/不满意; none of it may appear anywhere.
func TestVillageGolden(t *testing.T) {
	t.Parallel()
	c, res, out := golden(t, "village")

	// The test data are the template but for the cap.
	tpl := TemplateVillageSecretary()
	tpl.TopCap = 0.2
	if !reflect.DeepEqual(c.Rules, tpl) {
		t.Errorf("village.json rules are not the village template with a 20 %% cap:\n%+v", c.Rules)
	}
	if len(c.Ballots) != 27 {
		t.Errorf("%d ballots", len(c.Ballots))
	}

	d := checkSubject(t, res, "dongcun", expect{99.89, "好", "好", 1})
	if d.Capped || d.Groups["members"].Indicators["duty"] != 98.13 || d.Groups["members"].Score != 99.63 {
		t.Errorf("dongcun: capped %v, members %+v", d.Capped, d.Groups["members"])
	}
	eq(t, "dongcun dissatisfaction", d.Dissatisfaction, 0.62)
	eq(t, "dongcun masses satisfaction", d.MassesSatisfaction, 100)
	x := checkSubject(t, res, "xicun", expect{96.4, "好", "较好", 2})
	if !x.Capped {
		t.Error("xicun is not marked capped")
	}
	n := checkSubject(t, res, "nancun", expect{89.33, "较好", "差", 3})
	if !reflect.DeepEqual(n.Vetoed, []string{VetoMassesSatisfaction}) || n.Groups["masses"].Indicators["satisfaction"] != 26.67 || n.Groups["masses"].Score != 73.33 {
		t.Errorf("nancun: vetoed %v, masses %+v", n.Vetoed, n.Groups["masses"])
	}
	eq(t, "nancun masses satisfaction", n.MassesSatisfaction, 37.5)
	checkSubject(t, res, "beicun", expect{88, "较好", "较好", 4})
	checkSubject(t, res, "hecun", expect{88, "较好", "较好", 4})

	var order []string
	for _, s := range res.Subjects {
		order = append(order, s.Subject)
	}
	if strings.Join(order, " ") != "dongcun xicun nancun beicun hecun zhongcun" {
		t.Errorf("order %v", order)
	}
	if !reflect.DeepEqual(res.Flags, []string{"nancun"}) {
		t.Errorf("flags %v", res.Flags)
	}

	z := res.Subjects[5]
	if !z.Incomplete || z.Total != nil || z.Grade != "" || z.Rank != 0 || z.Shown["masses"] || !reflect.DeepEqual(z.Short, []string{"masses"}) {
		t.Errorf("zhongcun: %+v", z)
	}
	if _, ok := z.N["masses"]; ok {
		t.Error("zhongcun: the hidden group's count is published")
	}
	if _, ok := z.Groups["masses"]; ok {
		t.Error("zhongcun: the hidden group's figures are published")
	}
	if z.MassesSatisfaction != nil {
		t.Error("zhongcun: the masses' satisfaction comes from a hidden group")
	}
	// zhongcun's masses answered 差/不满意 only, so any trace of them would
	// show as a dissatisfaction above 0.
	eq(t, "zhongcun dissatisfaction", z.Dissatisfaction, 0)
	var zj map[string]any
	b, _ := json.Marshal(z)
	if err := json.Unmarshal(b, &zj); err != nil {
		t.Fatal(err)
	}
	if zj["n"].(map[string]any)["masses"] != nil || zj["groups"].(map[string]any)["masses"] != nil {
		t.Errorf("zhongcun JSON carries the hidden group: %s", b)
	}
	if !bytes.Contains(out, []byte(`"subject": "zhongcun"`)) {
		t.Error("golden output lacks zhongcun")
	}
}

// TestQianQiGolden: ten agency sections under the 千企议科长 template (all
// groups public, renormalise when a group is short, at most 10 % 好 — one of
// ten). 30 ballots: 12 企业, 8 项目业主, 10 服务对象. Indicator weights 服务态度 .2,
// 办事效率 .25, 依法行政 .2, 廉洁自律 .15 (满意 100 / 基本满意 60 / 不满意 0), 总体评价
// .2 (points). Groups .5/.3/.2.
//
// shenpi — 企业 (n = 12, trimmed) 满意 on the four levels (0.8·100 = 80);
// 总体评价 95 90 100 92 88 96 94 91 97 93 30 100 → drop one 100 and the 30:
// 936/10 = 93.6 (untrimmed 88.83); score 80 + 0.2·93.6 = 98.72. 项目业主 满意,
// 90 → 98. 服务对象 满意, 95 → 99. Total 0.5·98.72 + 0.3·98 + 0.2·99 = 49.36 +
// 29.4 + 19.8 = 98.56, 好, rank 1, the one 好 the cap allows.
//
// zhuce — everyone 满意 but 办事效率 基本满意, 100 points: 20 + 15 + 20 + 15 +
// 20 = 90. shuiwu — everyone 满意 but 廉洁自律 基本满意, 80 points: 20 + 25 +
// 20 + 9 + 16 = 90. Exactly on the 好 line and tied: both rank 2, both 好 by
// score and both moved to 较好 by the cap.
//
// xiaofang — 企业 满意, 80 → 96; 项目业主 基本满意 基本满意 满意 满意, 70 → 12 + 15 +
// 20 + 15 + 14 = 76; 服务对象 only 3 ballots (< k): hidden and left out, the
// others renormalised: (0.5·96 + 0.3·76)/0.8 = 70.8/0.8 = 88.5, 较好, rank 5
// (after guihua's 89). The 3 hidden ballots were all 不满意 and 10 points: the
// masses' satisfaction is 100 % and the dissatisfaction 0 %, because they
// do not count.
//
// huanbao — 企业 不满意 不满意 满意 基本满意, 60 → 0 + 0 + 20 + 9 + 12 = 41; 项目业主
// 不满意 ×3, 满意, 50 → 15 + 10 = 25; 服务对象 不满意 不满意 满意 满意, 70 → 20 + 15 +
// 14 = 49. Total 20.5 + 7.5 + 9.8 = 37.8, 差, rank 9 (last of nine ranked).
// Satisfied answers: 12·2 + 8·1 + 10·2 = 52 of 30·4 = 120 → 43.33 % < 50 %:
// vetoed too. 不满意 answers 12·2 + 8·3 + 10·2 = 68 of 120 → 56.67 %.
//
// anjian — 4 企业 and 2 项目业主 ballots, no 服务对象: no group reaches k, so there
// is nothing to renormalise: incomplete, and every group hidden.
func TestQianQiGolden(t *testing.T) {
	t.Parallel()
	c, res, _ := golden(t, "qianqi")
	if !reflect.DeepEqual(c.Rules, TemplateQianQiYiKeZhang()) {
		t.Errorf("qianqi.json rules are not the 千企议科长 template:\n%+v", c.Rules)
	}
	if len(c.Ballots) != 30 {
		t.Errorf("%d ballots", len(c.Ballots))
	}

	s := checkSubject(t, res, "shenpi", expect{98.56, "好", "好", 1})
	if s.Groups["enterprise"].Indicators["overall"] != 93.6 || s.Groups["enterprise"].Score != 98.72 || s.Capped {
		t.Errorf("shenpi: %+v", s.Groups["enterprise"])
	}
	for _, k := range []string{"zhuce", "shuiwu"} {
		if z := checkSubject(t, res, k, expect{90, "好", "较好", 2}); !z.Capped {
			t.Errorf("%s is not marked capped", k)
		}
	}
	x := checkSubject(t, res, "xiaofang", expect{88.5, "较好", "较好", 5})
	if x.Shown["served"] || x.N["served"] != 0 || !reflect.DeepEqual(x.Short, []string{"served"}) || x.Incomplete {
		t.Errorf("xiaofang: %+v", x)
	}
	eq(t, "xiaofang masses satisfaction", x.MassesSatisfaction, 100)
	eq(t, "xiaofang dissatisfaction", x.Dissatisfaction, 0)
	h := checkSubject(t, res, "huanbao", expect{37.8, "差", "差", 9})
	if !reflect.DeepEqual(h.Vetoed, []string{VetoMassesSatisfaction}) {
		t.Errorf("huanbao vetoed %v", h.Vetoed)
	}
	eq(t, "huanbao masses satisfaction", h.MassesSatisfaction, 43.33)
	eq(t, "huanbao dissatisfaction", h.Dissatisfaction, 56.67)

	a := res.Subjects[len(res.Subjects)-1]
	if a.Subject != "anjian" || !a.Incomplete || a.Total != nil || len(a.N) != 0 || len(a.Groups) != 0 || len(a.Short) != 3 {
		t.Errorf("anjian: %+v", a)
	}
	// shebao (45, 差, not vetoed: 75 % satisfied) and huanbao, in rank order.
	if !reflect.DeepEqual(res.Flags, []string{"shebao", "huanbao"}) {
		t.Errorf("flags %v", res.Flags)
	}
}

// rules3 is a small rule set for the tests below: one 0–100 indicator and
// one 满意 indicator, three groups.
func rules3() Rules {
	return Rules{
		Type: TypeCustom,
		Indicators: []Indicator{
			{Key: "work", Name: "工作实绩", Weight: 0.5, Scale: Scale{Kind: ScalePoints}},
			{Key: "sat", Name: "满意度", Weight: 0.5, Scale: satisfiedScale()},
		},
		Groups: []Group{
			{Key: "up", Name: "上级", Weight: 0.3},
			{Key: "mem", Name: "党员", Weight: 0.3},
			{Key: "pub", Name: "群众", Weight: 0.4, Masses: true},
		},
		K:          3,
		FewBallots: FewRenormalize,
	}
}

// ballots returns n ballots of group g giving each subject work points and
// the 满意 answer.
func ballots(g string, n int, work float64, subjects ...string) []Ballot {
	var out []Ballot
	for range n {
		b := Ballot{Group: g, Scores: map[string]map[string]float64{}}
		for _, s := range subjects {
			b.Scores[s] = map[string]float64{"work": work, "sat": 100}
		}
		out = append(out, b)
	}
	return out
}

func TestComputeBallotErrors(t *testing.T) {
	t.Parallel()
	r := rules3()
	good := func() Ballot { return ballots("up", 1, 80, "a")[0] }
	tests := []struct {
		name  string
		b     Ballot
		field string
		zh    string
	}{
		{"unknown group", Ballot{Group: "boss", Scores: good().Scores}, "ballots[1].group", "第 2 张测评票的评委组“boss”不在本次测评中"},
		{"unknown subject", func() Ballot { b := good(); b.Scores["z"] = b.Scores["a"]; return b }(), "ballots[1].scores[z]", "第 2 张测评票评价的对象“z”不在本次测评中"},
		{"unknown indicator", func() Ballot { b := good(); b.Scores["a"]["extra"] = 1; return b }(), "ballots[1].scores[a][extra]", "第 2 张测评票对“a”的评分中有未知指标“extra”"},
		{"missing indicator", func() Ballot { b := good(); delete(b.Scores["a"], "sat"); return b }(), "ballots[1].scores[a][sat]", "第 2 张测评票对“a”缺少指标“满意度”的评分"},
		{"points out of range", func() Ballot { b := good(); b.Scores["a"]["work"] = 101; return b }(), "ballots[1].scores[a][work]", "第 2 张测评票对“a”的指标“工作实绩”评分为 101，应在 0–100 之间"},
		{"negative points", func() Ballot { b := good(); b.Scores["a"]["work"] = -1; return b }(), "ballots[1].scores[a][work]", "第 2 张测评票对“a”的指标“工作实绩”评分为 -1，应在 0–100 之间"},
		{"not a level", func() Ballot { b := good(); b.Scores["a"]["sat"] = 80; return b }(), "ballots[1].scores[a][sat]", "第 2 张测评票对“a”的指标“满意度”评分为 80，不是该指标的等级分值（满意=100、基本满意=60、不满意=0）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compute(r, []string{"a"}, nil, []Ballot{good(), tt.b})
			ds := details(t, err)
			if len(ds) != 1 || ds[0].Field != tt.field || ds[0].ZH != tt.zh {
				for _, d := range ds {
					t.Logf("%s: %s", d.Field, d.ZH)
				}
				t.Errorf("want %s: %s", tt.field, tt.zh)
			}
		})
	}

	// Bad rules and bad subjects stop Compute before any ballot is read.
	bad := rules3()
	bad.K = 2
	if _, err := Compute(bad, []string{"a"}, nil, nil); err == nil {
		t.Error("invalid rules accepted")
	}
	ds := details(t, func() error { _, err := Compute(r, []string{"a", "a", ""}, nil, nil); return err }())
	if len(ds) != 2 || ds[0].ZH != "测评对象“a”重复" || ds[1].ZH != "测评对象代码不能为空" {
		t.Errorf("subjects: %v", ds)
	}

	// A wholly wrong import is summarised, not listed in full.
	var many []Ballot
	for range 50 {
		many = append(many, Ballot{Group: "nobody"})
	}
	ds = details(t, func() error { _, err := Compute(r, []string{"a"}, nil, many); return err }())
	if len(ds) != maxBallotErrors+1 || ds[maxBallotErrors].ZH != "另有 30 处测评票错误未列出" {
		t.Errorf("%d errors, last %q", len(ds), ds[len(ds)-1].ZH)
	}
}

// TestFewBallots: a group between K and MinBallots is shown but not counted;
// below K it is hidden; "incomplete" withholds the total.
func TestFewBallots(t *testing.T) {
	t.Parallel()
	r := rules3()
	r.MinBallots = 4
	var bs []Ballot
	bs = append(bs, ballots("up", 5, 90, "a")...)
	bs = append(bs, ballots("mem", 3, 10, "a")...) // K ≤ 3 < MinBallots: shown, not counted
	bs = append(bs, ballots("pub", 5, 70, "a")...)
	res, err := Compute(r, []string{"a"}, nil, bs)
	if err != nil {
		t.Fatal(err)
	}
	a := res.Subjects[0]
	// (0.3·(0.5·90 + 50) + 0.4·(0.5·70 + 50)) / 0.7 = (28.5 + 34) / 0.7 = 89.2857…
	eq(t, "renormalised total", a.Total, 89.29)
	if !a.Shown["mem"] || a.N["mem"] != 3 || a.Groups["mem"].Score != 55 || !reflect.DeepEqual(a.Short, []string{"mem"}) {
		t.Errorf("mem: %+v", a)
	}
	// The subject's indicator scores use the same groups and weights as its total.
	if a.Indicators["work"] != 78.57 || a.Indicators["sat"] != 100 {
		t.Errorf("indicators %v", a.Indicators)
	}

	r.FewBallots = FewIncomplete
	res, _ = Compute(r, []string{"a"}, nil, bs)
	if a := res.Subjects[0]; !a.Incomplete || a.Total != nil || a.Grade != "" || a.Rank != 0 || a.Indicators != nil {
		t.Errorf("incomplete: %+v", a)
	}
}

// TestSubjectRatedBySomeGroups: a subject that only superiors and the
// masses rate is neither short of members' ballots nor left incomplete for
// lack of them; its total is weighted over the groups that rate it.
func TestSubjectRatedBySomeGroups(t *testing.T) {
	t.Parallel()
	r := rules3()
	r.FewBallots = FewIncomplete
	raters := map[string][]string{"b": {"up", "pub"}}
	var bs []Ballot
	bs = append(bs, ballots("up", 5, 90, "a", "b")...)
	bs = append(bs, ballots("mem", 5, 60, "a")...)
	bs = append(bs, ballots("pub", 5, 70, "a", "b")...)
	res, err := Compute(r, []string{"a", "b"}, raters, bs)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]SubjectResult{}
	for _, sr := range res.Subjects {
		byKey[sr.Subject] = sr
	}
	b := byKey["b"]
	// (0.3·(0.5·90 + 50) + 0.4·(0.5·70 + 50)) / 0.7 = 89.29, as in TestFewBallots.
	eq(t, "b's total over the groups that rate it", b.Total, 89.29)
	if b.Incomplete || len(b.Short) != 0 || !reflect.DeepEqual(b.NotRating, []string{"mem"}) {
		t.Errorf("b: incomplete %v, short %v, not rating %v", b.Incomplete, b.Short, b.NotRating)
	}
	if _, ok := b.Shown["mem"]; ok || b.N["mem"] != 0 {
		t.Errorf("b lists the members, who do not rate it: shown %v, n %v", b.Shown, b.N)
	}
	// a, rated by everyone: 0.3·95 + 0.3·80 + 0.4·85 = 86.5.
	eq(t, "a's total", byKey["a"].Total, 86.5)
	fromTallies, err := ComputeTallies(r, []string{"a", "b"}, raters, tallyOf(bs))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromTallies, res) {
		t.Errorf("from tallies %+v\nfrom ballots %+v", fromTallies, res)
	}

	// A members' ballot on b is refused; so is a tally of one.
	bad := append(bs, ballots("mem", 1, 60, "b")...)
	if _, err := Compute(r, []string{"a", "b"}, raters, bad); err == nil || !strings.Contains(errs.As(err).ZH, "第 16 张测评票的评委组“mem”不评价“b”") {
		t.Errorf("a members' ballot on b: %v", err)
	}
	if _, err := ComputeTallies(r, []string{"a", "b"}, raters, tallyOf(bad)); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("a members' tally on b: %v", err)
	}
	if _, err := Compute(r, []string{"a", "b"}, map[string][]string{"b": {"boss"}}, bs); err == nil || !strings.Contains(errs.As(err).ZH, "测评对象“b”的评委组“boss”不在本次测评中") {
		t.Errorf("an unknown rater group: %v", err)
	}
}

// TestVillageRenormalizeGuard: a village template that renormalises may not
// grade a secretary once the masses' share of the counted weights drops
// below 40 %.
func TestVillageRenormalizeGuard(t *testing.T) {
	t.Parallel()
	r := TemplateVillageSecretary()
	r.FewBallots = FewRenormalize
	mk := func(g string, n int) []Ballot {
		var out []Ballot
		for range n {
			out = append(out, Ballot{Group: g, Scores: map[string]map[string]float64{"a": {
				"duty": 100, "team": 100, "life": 100, "education": 100, "service": 100, "integrity": 100, "satisfaction": 100}}})
		}
		return out
	}
	bs := append(mk("superior", 5), mk("members", 5)...)
	res, err := Compute(r, []string{"a"}, nil, append(bs, mk("masses", 2)...))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Subjects[0].Incomplete {
		t.Errorf("graded without the masses: %+v", res.Subjects[0])
	}
	// Without the superiors the masses weigh 0.4/0.7: renormalising is fine.
	res, _ = Compute(r, []string{"a"}, nil, append(mk("members", 5), mk("masses", 5)...))
	eq(t, "total without superiors", res.Subjects[0].Total, 100)
}

// TestTopCap: lowest totals move down first, and subjects tied with the
// first one over the limit move down with it.
func TestTopCap(t *testing.T) {
	t.Parallel()
	r := rules3()
	r.TopCap = 0.3 // ⌊0.3 × 10⌋ = 3 of 10 keep 好 (0.3·10 is 2.9999… in binary)
	subjects := []string{"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"}
	works := []float64{100, 98, 96, 94, 92, 70, 60, 50, 40, 30} // totals 100, 99, 98, 97, 96, …
	var bs []Ballot
	for i, s := range subjects {
		for _, g := range []string{"up", "mem", "pub"} {
			bs = append(bs, ballots(g, 3, works[i], s)...)
		}
	}
	res, err := Compute(r, subjects, nil, bs)
	if err != nil {
		t.Fatal(err)
	}
	grades := func(res Results) string {
		var out []string
		for _, s := range res.Subjects {
			g := s.Grade
			if s.Capped {
				g += "*"
			}
			out = append(out, s.Subject+":"+g)
		}
		return strings.Join(out, " ")
	}
	if got, want := grades(res), "s0:好 s1:好 s2:好 s3:较好* s4:较好* s5:较好 s6:较好 s7:一般 s8:一般 s9:一般"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// s2 and s3 tie on the third and fourth place: neither keeps 好.
	works[3] = 96
	bs = bs[:0]
	for i, s := range subjects {
		for _, g := range []string{"up", "mem", "pub"} {
			bs = append(bs, ballots(g, 3, works[i], s)...)
		}
	}
	res, _ = Compute(r, subjects, nil, bs)
	if got, want := grades(res), "s0:好 s1:好 s2:较好* s3:较好* s4:较好* s5:较好 s6:较好 s7:一般 s8:一般 s9:一般"; got != want {
		t.Errorf("tie at the limit:\ngot  %s\nwant %s", got, want)
	}
	if res.Subjects[2].Rank != 3 || res.Subjects[3].Rank != 3 || res.Subjects[4].Rank != 5 {
		t.Errorf("ranks %d %d %d", res.Subjects[2].Rank, res.Subjects[3].Rank, res.Subjects[4].Rank)
	}
}

// TestGradeOnRoundedTotal: a total that prints as 90.00 earns 好, and a
// veto never raises a grade.
func TestGradeOnRoundedTotal(t *testing.T) {
	t.Parallel()
	r := rules3()
	r.Vetoes = []Veto{{Kind: VetoMassesSatisfaction, Threshold: 50, Grade: "一般"}}
	// work 79.99 → total 0.5·79.99 + 50 = 89.995 → 90.00.
	var bs []Ballot
	for _, g := range []string{"up", "mem", "pub"} {
		bs = append(bs, ballots(g, 3, 79.99, "a")...)
	}
	// b: low work, and the masses unsatisfied: 差 by score, vetoed to 一般 would raise it.
	for _, g := range []string{"up", "mem", "pub"} {
		for _, b := range ballots(g, 3, 10, "b") {
			if g == "pub" {
				b.Scores["b"]["sat"] = 0
			}
			bs = append(bs, b)
		}
	}
	res, err := Compute(r, []string{"a", "b"}, nil, bs)
	if err != nil {
		t.Fatal(err)
	}
	checkSubject(t, res, "a", expect{90, "好", "好", 1})
	// b: 0.3·55 + 0.3·55 + 0.4·5 = 35.
	if b := checkSubject(t, res, "b", expect{35, "差", "差", 2}); len(b.Vetoed) != 1 {
		t.Errorf("b vetoed %v", b.Vetoed)
	}
}

// TestHiddenGroupNeverPublished scans the JSON of a result for the figures
// of a group below K.
func TestHiddenGroupNeverPublished(t *testing.T) {
	t.Parallel()
	r := rules3()
	r.K, r.MinBallots = 5, 5
	var bs []Ballot
	bs = append(bs, ballots("up", 5, 80, "a")...)
	bs = append(bs, ballots("mem", 5, 80, "a")...)
	bs = append(bs, ballots("pub", 4, 13.37, "a")...)
	res, err := Compute(r, []string{"a"}, nil, bs)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res)
	for _, leak := range []string{"13.37", `"pub":4`, `"pub":{`, "56.69"} {
		if bytes.Contains(b, []byte(leak)) {
			t.Errorf("%s found in %s", leak, b)
		}
	}
	if !bytes.Contains(b, []byte(`"pub":false`)) {
		t.Errorf("shown flag missing: %s", b)
	}
}

// TestRound2 rounds as a person reading the decimals would, although 1.005
// and 2.675 are stored as 1.00499999… and 2.67499999… in binary.
func TestRound2(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]float64{{1.005, 1.01}, {2.675, 2.68}, {98.125, 98.13}, {99.8875, 99.89}, {89.3333333, 89.33}, {0, 0}, {100, 100}} {
		if got := round2(c[0]); got != c[1] {
			t.Errorf("round2(%v) = %v, want %v", c[0], got, c[1])
		}
	}
}
