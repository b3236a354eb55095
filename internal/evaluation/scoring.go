package evaluation

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"jiceng/internal/errs"
)

// trimMinN is the smallest group whose answers are trimmed: with seven, five
// answers remain after dropping the highest and the lowest, as many as K.
const trimMinN = 7

// maxBallotErrors bounds the problems Compute lists, so that a wholly wrong
// import yields a readable message rather than thousands.
const maxBallotErrors = 20

// satisfiedLabels are the level labels that count as satisfied in the
// masses' satisfaction rate; an indicator takes part when its scale has a
// 满意 level.
var satisfiedLabels = map[string]bool{"非常满意": true, "满意": true, "比较满意": true, "基本满意": true}

// Ballot is one rater's answers: subject → leaf indicator key → points.
// One ballot may score several subjects (a township's 述职评议 meeting rates
// every village secretary on one sheet) and counts once for each; it must
// answer every leaf for each subject it rates. Ordinal answers are already
// the points of the chosen level.
type Ballot struct {
	Group  string                        `json:"group"`
	Scores map[string]map[string]float64 `json:"scores"`
}

// Results are a campaign's computed results: subjects ordered by rank, then
// by key, unranked (incomplete) subjects last; Flags lists, in that order,
// the subjects graded lowest or hit by a veto — the candidates for
// rectification.
//
// Every exported field may be published: the figures of a group with fewer
// than K ballots are not held anywhere in Results, not even its count.
type Results struct {
	Subjects []SubjectResult `json:"subjects"`
	Flags    []string        `json:"flags"`
}

// SubjectResult is one subject's result. Numbers are rounded to two
// decimals; percentages are in percent.
type SubjectResult struct {
	Subject string `json:"subject"`
	// Rank is 1 for the highest total; equal totals share a rank; 0 means
	// unranked (incomplete).
	Rank  int      `json:"rank,omitempty"`
	Total *float64 `json:"total,omitempty"`
	// ScoreGrade is the grade the total earns; Grade is the final grade after
	// vetoes and the cap on the top grade.
	ScoreGrade string `json:"score_grade,omitempty"`
	Grade      string `json:"grade,omitempty"`
	// Incomplete subjects have no total, grade or rank: a group lacked
	// ballots and the rules say not to grade without it.
	Incomplete bool `json:"incomplete,omitempty"`
	// Short lists the groups that did not reach MinBallots and so do not count.
	Short []string `json:"short,omitempty"`
	// Vetoed lists the veto kinds whose condition held.
	Vetoed []string `json:"vetoed,omitempty"`
	// Capped is set when the total earned the top grade but the cap on the
	// top grade moved the subject down one grade.
	Capped bool `json:"capped,omitempty"`
	// Indicators are the subject's scores per indicator (leaves and parents),
	// weighted over the counted groups like the total.
	Indicators map[string]float64 `json:"indicators,omitempty"`
	// MassesSatisfaction is the share of 满意 and 基本满意 answers from the
	// counted masses groups on the indicators with a 满意 level.
	MassesSatisfaction *float64 `json:"masses_satisfaction,omitempty"`
	// Dissatisfaction is the share of answers at the lowest level of their
	// scale among all ordinal answers of the counted groups.
	Dissatisfaction *float64 `json:"dissatisfaction,omitempty"`
	// NotRating lists the groups that do not rate this subject; they are
	// absent from Shown and the figures below.
	NotRating []string `json:"not_rating,omitempty"`
	// N holds the ballot counts of the shown groups only.
	N map[string]int `json:"n"`
	// Shown tells, for every group that rates the subject, whether it reached K.
	Shown map[string]bool `json:"shown"`
	// Groups holds the shown groups' figures.
	Groups map[string]GroupResult `json:"groups"`
}

// GroupResult is one shown group's figures for a subject: its score and the
// mean of each leaf (trimmed when the rules say so) and score of each parent.
type GroupResult struct {
	Score      float64            `json:"score"`
	Indicators map[string]float64 `json:"indicators"`
}

// leaf is what Compute needs to know about a leaf indicator.
type leaf struct {
	key, name    string
	scale        Scale
	lowest       float64
	labels       map[float64]string
	satisfaction bool
}

func (l leaf) check(v float64) bool {
	if l.scale.Kind == ScaleLevels {
		_, ok := l.labels[v]
		return ok
	}
	return v >= 0 && v <= 100
}

// groupAcc gathers one group's ballots for one subject: their number and,
// per leaf in the order of collectLeaves, the running figures of the
// answers. Counts of answers are all it keeps, so that it can be filled
// from ballots or from their tallies alike.
type groupAcc struct {
	n            int
	leaves       []leafAcc
	satYes, sat  int // satisfied answers and all answers on satisfaction leaves
	lowest, ords int // answers at their scale's lowest level and all ordinal answers
}

// leafAcc sums one leaf's answers; the highest and the lowest are what a
// trimmed mean drops.
type leafAcc struct {
	n             int
	sum, min, max float64
}

// add counts c answers of v points on leaf li of a group whose masses flag
// is masses.
func (a *groupAcc) add(leaves []leaf, li int, v float64, c int, masses bool) {
	la := &a.leaves[li]
	if la.n == 0 || v < la.min {
		la.min = v
	}
	if la.n == 0 || v > la.max {
		la.max = v
	}
	la.n += c
	la.sum += v * float64(c)
	l := leaves[li]
	if l.scale.Kind != ScaleLevels {
		return
	}
	a.ords += c
	if v == l.lowest {
		a.lowest += c
	}
	if l.satisfaction && masses {
		a.sat += c
		if satisfiedLabels[l.labels[v]] {
			a.satYes += c
		}
	}
}

// newAcc makes the empty accumulators of every subject and group.
func newAcc(subjects, groups, leaves int) [][]*groupAcc {
	acc := make([][]*groupAcc, subjects)
	for i := range acc {
		acc[i] = make([]*groupAcc, groups)
		for j := range acc[i] {
			acc[i][j] = &groupAcc{leaves: make([]leafAcc, leaves)}
		}
	}
	return acc
}

// Compute validates the rules, the subjects and every ballot, and computes
// the results. A bad ballot is reported, with its index (from 1), subject and
// indicator, rather than skipped: results must come from every ballot cast
// or from none.
//
// Grades, vetoes, the cap and ranks are decided on the rounded figures, the
// ones published, so that a reader who sees 90.00 also sees 好.
//
// raters names, for a subject rated by only some groups, those groups (a
// section that project owners never deal with); a subject it does not name
// is rated by every group. A group that does not rate a subject neither
// counts in its total nor makes it short of ballots.
func Compute(r Rules, subjects []string, raters map[string][]string, ballots []Ballot) (Results, error) {
	sc, err := newScoring(r, subjects, raters)
	if err != nil {
		return Results{}, err
	}
	var f errs.Fields
	more := 0
	add := func(field, zh, en string) {
		if len(f) < maxBallotErrors {
			f.Add(field, zh, en)
		} else {
			more++
		}
	}
	for bi, b := range ballots {
		whoZH, whoEN := fmt.Sprintf("第 %d 张测评票", bi+1), fmt.Sprintf("ballot %d", bi+1)
		gi, ok := sc.groupIdx[b.Group]
		if !ok {
			add(fmt.Sprintf("ballots[%d].group", bi), fmt.Sprintf("%s的评委组“%s”不在本次测评中", whoZH, b.Group),
				fmt.Sprintf("%s: the rater group \"%s\" is not part of this campaign", whoEN, b.Group))
			continue
		}
		for _, s := range slices.Sorted(maps.Keys(b.Scores)) {
			p := fmt.Sprintf("ballots[%d].scores[%s]", bi, s)
			si, ok := sc.subjIdx[s]
			if !ok {
				add(p, fmt.Sprintf("%s评价的对象“%s”不在本次测评中", whoZH, s),
					fmt.Sprintf("%s rates \"%s\", who is not a subject of this campaign", whoEN, s))
				continue
			}
			if !sc.rates[si][gi] {
				add(p, fmt.Sprintf("%s的评委组“%s”不评价“%s”", whoZH, b.Group, s),
					fmt.Sprintf("%s: the rater group \"%s\" does not rate \"%s\"", whoEN, b.Group, s))
				continue
			}
			answers := b.Scores[s]
			if !checkAnswers(add, p, whoZH, whoEN, s, answers, sc.leaves, sc.leafIdx) {
				continue
			}
			a := sc.acc[si][gi]
			a.n++
			for li, l := range sc.leaves {
				a.add(sc.leaves, li, answers[l.key], 1, sc.r.Groups[gi].Masses)
			}
		}
	}
	if more > 0 {
		f.Add("ballots", fmt.Sprintf("另有 %d 处测评票错误未列出", more), fmt.Sprintf("%d more ballot errors are not listed", more))
	}
	if err := f.Err(); err != nil {
		return Results{}, err
	}
	return sc.results(), nil
}

// Tally is how many counted ballots of a rater group gave a subject Points
// on a leaf indicator: what the mixer keeps so that results need not read
// every ballot.
type Tally struct {
	Subject, Group, Indicator string
	Points                    float64
	N                         int
}

// ComputeTallies computes the same results as Compute from the tallies of
// the ballots instead of the ballots. The tallies come from ballots checked
// when they were cast, so a tally that names an unknown subject, group or
// indicator, holds points off the scale, or leaves a subject's group with
// different numbers of answers on two leaves means the data are damaged: it
// is an error, never skipped.
func ComputeTallies(r Rules, subjects []string, raters map[string][]string, tallies []Tally) (Results, error) {
	sc, err := newScoring(r, subjects, raters)
	if err != nil {
		return Results{}, err
	}
	for _, t := range tallies {
		si, okS := sc.subjIdx[t.Subject]
		gi, okG := sc.groupIdx[t.Group]
		li, okL := sc.leafIdx[t.Indicator]
		if !okS || !okG || !okL || t.N <= 0 || !sc.leaves[li].check(t.Points) || !sc.rates[si][gi] {
			return Results{}, fmt.Errorf("ballot tally %s/%s/%s = %s × %d does not fit the campaign's rules and subjects",
				t.Subject, t.Group, t.Indicator, num(t.Points), t.N)
		}
		sc.acc[si][gi].add(sc.leaves, li, t.Points, t.N, sc.r.Groups[gi].Masses)
	}
	for si, row := range sc.acc {
		for gi, a := range row {
			// Every counted ballot answers every leaf of each subject it rates.
			a.n = a.leaves[0].n
			for li, la := range a.leaves {
				if la.n != a.n {
					return Results{}, fmt.Errorf("ballot tallies of %s by %s: %d answers on %s but %d on %s",
						subjects[si], sc.r.Groups[gi].Key, a.n, sc.leaves[0].key, la.n, sc.leaves[li].key)
				}
			}
		}
	}
	return sc.results(), nil
}

// scoring is what Compute and ComputeTallies share: the valid rules, the
// lookups of subjects, groups and leaves, which groups rate which subject,
// and the accumulators.
type scoring struct {
	r                          Rules
	subjects                   []string
	leaves                     []leaf
	leafIdx, groupIdx, subjIdx map[string]int
	rates                      [][]bool // subject × group
	acc                        [][]*groupAcc
}

// newScoring validates the rules, the subjects and their rater groups.
func newScoring(r Rules, subjects []string, raters map[string][]string) (*scoring, error) {
	r = r.WithDefaults()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	sc := &scoring{r: r, subjects: subjects, leafIdx: map[string]int{}, groupIdx: map[string]int{}, subjIdx: map[string]int{}}
	collectLeaves(r.Indicators, &sc.leaves)
	for i, l := range sc.leaves {
		sc.leafIdx[l.key] = i
	}
	for i, g := range r.Groups {
		sc.groupIdx[g.Key] = i
	}
	var f errs.Fields
	if len(subjects) == 0 {
		f.Add("subjects", "请至少添加一个测评对象", "add at least one subject")
	}
	for i, s := range subjects {
		if s == "" {
			f.Add(fmt.Sprintf("subjects[%d]", i), "测评对象代码不能为空", "a subject's key cannot be empty")
		} else if _, dup := sc.subjIdx[s]; dup {
			f.Add(fmt.Sprintf("subjects[%d]", i), fmt.Sprintf("测评对象“%s”重复", s), fmt.Sprintf("the subject \"%s\" is listed twice", s))
		}
		sc.subjIdx[s] = i
	}
	sc.rates = make([][]bool, len(subjects))
	for si, s := range subjects {
		sc.rates[si] = make([]bool, len(r.Groups))
		gs, some := raters[s]
		for gi := range r.Groups {
			sc.rates[si][gi] = !some || len(gs) == 0
		}
		for _, g := range gs {
			gi, ok := sc.groupIdx[g]
			if !ok {
				f.Add(fmt.Sprintf("raters[%s]", s), fmt.Sprintf("测评对象“%s”的评委组“%s”不在本次测评中", s, g),
					fmt.Sprintf("the subject \"%s\" names the rater group \"%s\", which is not part of this campaign", s, g))
				continue
			}
			sc.rates[si][gi] = true
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	sc.acc = newAcc(len(subjects), len(r.Groups), len(sc.leaves))
	return sc, nil
}

// results turns the filled accumulators into grades, ranks and flags.
func (sc *scoring) results() Results {
	r, subjects := sc.r, sc.subjects
	res := Results{Subjects: make([]SubjectResult, len(subjects)), Flags: []string{}}
	for si, s := range subjects {
		res.Subjects[si] = subjectResult(r, s, sc.acc[si], sc.rates[si], sc.leafIdx)
	}
	applyCap(r, res.Subjects, len(subjects))
	rank(res.Subjects)
	sort.SliceStable(res.Subjects, func(i, j int) bool {
		a, b := res.Subjects[i], res.Subjects[j]
		if (a.Rank == 0) != (b.Rank == 0) {
			return a.Rank != 0
		}
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.Subject < b.Subject
	})
	lowest := r.Grades[len(r.Grades)-1].Grade
	for _, sr := range res.Subjects {
		if sr.Grade == lowest || len(sr.Vetoed) > 0 {
			res.Flags = append(res.Flags, sr.Subject)
		}
	}
	return res
}

// checkAnswers checks one ballot's answers for one subject against the
// leaves, reporting each problem through add with field prefix p; whoZH and
// whoEN name the ballot in messages. It reports whether the answers are good.
func checkAnswers(add func(field, zh, en string), p, whoZH, whoEN, s string, answers map[string]float64, leaves []leaf, leafIdx map[string]int) bool {
	good := true
	for _, k := range slices.Sorted(maps.Keys(answers)) {
		if _, ok := leafIdx[k]; !ok {
			good = false
			add(p+"["+k+"]", fmt.Sprintf("%s对“%s”的评分中有未知指标“%s”", whoZH, s, k),
				fmt.Sprintf("%s rates \"%s\" on \"%s\", which is not an indicator to answer", whoEN, s, k))
		}
	}
	for _, l := range leaves {
		v, ok := answers[l.key]
		switch {
		case !ok:
			good = false
			add(p+"["+l.key+"]", fmt.Sprintf("%s对“%s”缺少指标“%s”的评分", whoZH, s, l.name),
				fmt.Sprintf("%s does not rate \"%s\" on \"%s\"", whoEN, s, l.name))
		case !l.check(v):
			good = false
			if l.scale.Kind == ScaleLevels {
				add(p+"["+l.key+"]", fmt.Sprintf("%s对“%s”的指标“%s”评分为 %s，不是该指标的等级分值（%s）", whoZH, s, l.name, num(v), levelList(l.scale)),
					fmt.Sprintf("%s rates \"%s\" %s on \"%s\", which is not one of its levels (%s)", whoEN, s, num(v), l.name, levelList(l.scale)))
			} else {
				add(p+"["+l.key+"]", fmt.Sprintf("%s对“%s”的指标“%s”评分为 %s，应在 0–100 之间", whoZH, s, l.name, num(v)),
					fmt.Sprintf("%s rates \"%s\" %s on \"%s\"; points go from 0 to 100", whoEN, s, num(v), l.name))
			}
		}
	}
	return good
}

// ValidateBallot checks one ballot as it is cast, with the messages Compute
// would give it, so that a ballot accepted at the door never makes Compute
// fail at publication. subjects are the keys the ballot's group may rate; r
// must already be valid. A ballot must rate at least one subject, and each
// subject it rates on every leaf.
func ValidateBallot(r Rules, subjects []string, b Ballot) error {
	r = r.WithDefaults()
	var leaves []leaf
	collectLeaves(r.Indicators, &leaves)
	leafIdx := map[string]int{}
	for i, l := range leaves {
		leafIdx[l.key] = i
	}
	var f errs.Fields
	add := func(field, zh, en string) {
		if len(f) < maxBallotErrors {
			f.Add(field, zh, en)
		}
	}
	const whoZH, whoEN = "本测评票", "this ballot"
	known := false
	for _, g := range r.Groups {
		known = known || g.Key == b.Group
	}
	if !known {
		add("group", fmt.Sprintf("%s的评委组“%s”不在本次测评中", whoZH, b.Group),
			fmt.Sprintf("%s: the rater group \"%s\" is not part of this campaign", whoEN, b.Group))
		return f.Err()
	}
	if len(b.Scores) == 0 {
		add("scores", "请至少评价一个测评对象", "rate at least one subject")
		return f.Err()
	}
	allowed := map[string]bool{}
	for _, s := range subjects {
		allowed[s] = true
	}
	for _, s := range slices.Sorted(maps.Keys(b.Scores)) {
		p := "scores[" + s + "]"
		if !allowed[s] {
			add(p, fmt.Sprintf("%s评价的对象“%s”不在本次测评中", whoZH, s),
				fmt.Sprintf("%s rates \"%s\", who is not a subject of this campaign", whoEN, s))
			continue
		}
		checkAnswers(add, p, whoZH, whoEN, s, b.Scores[s], leaves, leafIdx)
	}
	return f.Err()
}

// subjectResult computes one subject's figures, grade and vetoes; the cap
// and the rank need every subject and come later.
func subjectResult(r Rules, subject string, acc []*groupAcc, rates []bool, leafIdx map[string]int) SubjectResult {
	sr := SubjectResult{Subject: subject, N: map[string]int{}, Shown: map[string]bool{}, Groups: map[string]GroupResult{}}
	var wSum, massW, total float64
	ind := map[string]float64{}
	var satYes, sat, lowest, ords int
	for gi, g := range r.Groups {
		if !rates[gi] {
			sr.NotRating = append(sr.NotRating, g.Key)
			continue
		}
		a := acc[gi]
		shown := a.n >= r.K
		sr.Shown[g.Key] = shown
		if a.n < r.MinBallots {
			sr.Short = append(sr.Short, g.Key)
		}
		if !shown {
			continue
		}
		scores := map[string]float64{}
		score := treeScore(r.Indicators, a, leafIdx, r.Trim, scores)
		sr.N[g.Key] = a.n
		sr.Groups[g.Key] = GroupResult{Score: round2(score), Indicators: roundMap(scores)}
		if a.n < r.MinBallots {
			continue
		}
		wSum += g.Weight
		total += g.Weight * score
		for k, v := range scores {
			ind[k] += g.Weight * v
		}
		if g.Masses {
			massW += g.Weight
		}
		satYes, sat = satYes+a.satYes, sat+a.sat
		lowest, ords = lowest+a.lowest, ords+a.ords
	}
	if sat > 0 {
		sr.MassesSatisfaction = ptr(round2(100 * float64(satYes) / float64(sat)))
	}
	if ords > 0 {
		sr.Dissatisfaction = ptr(round2(100 * float64(lowest) / float64(ords)))
	}

	switch {
	case len(sr.Short) > 0 && r.FewBallots == FewIncomplete, wSum <= 0:
		sr.Incomplete = true
	case r.VillageTemplate && massW/wSum < MinMassesWeight-weightTolerance:
		// Renormalising without enough masses' ballots would grade a village
		// secretary mostly by superiors and members, which the template forbids.
		sr.Incomplete = true
	}
	if sr.Incomplete {
		return sr
	}
	// Dividing by the counted weights also absorbs the tolerance allowed in
	// weights that sum to 1 only to within 1e-6.
	t := round2(total / wSum)
	sr.Total = &t
	sr.Indicators = map[string]float64{}
	for k, v := range ind {
		sr.Indicators[k] = round2(v / wSum)
	}
	gi := gradeIndex(r.Grades, t)
	sr.ScoreGrade = r.Grades[gi].Grade
	for _, v := range r.Vetoes {
		if v.Kind == VetoMassesSatisfaction && sr.MassesSatisfaction != nil && *sr.MassesSatisfaction < v.Threshold {
			sr.Vetoed = append(sr.Vetoed, v.Kind)
			// A veto only lowers: a subject already below its grade stays there.
			if vi := gradeNamed(r.Grades, v.Grade); vi > gi {
				gi = vi
			}
		}
	}
	sr.Grade = r.Grades[gi].Grade
	return sr
}

// treeScore is the weighted score of inds for one group, recording every
// indicator's score in out.
func treeScore(inds []Indicator, a *groupAcc, leafIdx map[string]int, trim bool, out map[string]float64) float64 {
	sum := 0.0
	for _, in := range inds {
		var v float64
		if len(in.Children) > 0 {
			v = treeScore(in.Children, a, leafIdx, trim, out)
		} else {
			v = a.leaves[leafIdx[in.Key]].mean(trim)
		}
		out[in.Key] = v
		sum += in.Weight * v
	}
	return sum
}

// mean is the mean of the answers, without the highest and the lowest one
// when trim is set and there are at least trimMinN answers.
func (la leafAcc) mean(trim bool) float64 {
	if trim && la.n >= trimMinN {
		return (la.sum - la.min - la.max) / float64(la.n-2)
	}
	return la.sum / float64(la.n)
}

// applyCap keeps the top grade for at most floor(TopCap × n) subjects, the
// highest totals; the others move down one grade, lowest totals first. Those
// tied with the first subject over the limit move down too: "at most" is a
// hard limit, and nothing fair breaks a tie.
func applyCap(r Rules, subs []SubjectResult, n int) {
	if r.TopCap <= 0 || r.TopCap >= 1 {
		return
	}
	top := r.Grades[0].Grade
	var pool []*SubjectResult
	for i := range subs {
		if subs[i].Grade == top {
			pool = append(pool, &subs[i])
		}
	}
	// The epsilon keeps 0.3 × 10 = 2.9999999999999996 from losing a place.
	slots := int(math.Floor(r.TopCap*float64(n) + 1e-9))
	if len(pool) <= slots {
		return
	}
	sort.SliceStable(pool, func(i, j int) bool { return *pool[i].Total > *pool[j].Total })
	cut := *pool[slots].Total
	for _, s := range pool {
		if *s.Total <= cut {
			s.Grade = r.Grades[1].Grade
			s.Capped = true
		}
	}
}

// rank numbers the complete subjects by total, equal totals sharing a rank
// (1, 2, 2, 4).
func rank(subs []SubjectResult) {
	for i := range subs {
		if subs[i].Total == nil {
			continue
		}
		subs[i].Rank = 1
		for j := range subs {
			if subs[j].Total != nil && *subs[j].Total > *subs[i].Total {
				subs[i].Rank++
			}
		}
	}
}

// gradeIndex is the index of the first grade whose threshold t reaches.
func gradeIndex(gs []GradeThreshold, t float64) int {
	for i, g := range gs {
		if t >= g.Min {
			return i
		}
	}
	return len(gs) - 1
}

func gradeNamed(gs []GradeThreshold, name string) int {
	for i, g := range gs {
		if g.Grade == name {
			return i
		}
	}
	return -1
}

func collectLeaves(inds []Indicator, out *[]leaf) {
	for _, in := range inds {
		if len(in.Children) > 0 {
			collectLeaves(in.Children, out)
			continue
		}
		l := leaf{key: in.Key, name: in.Name, scale: in.Scale}
		if in.Scale.Kind == ScaleLevels {
			l.labels = map[float64]string{}
			l.lowest = math.Inf(1)
			for _, lv := range in.Scale.Levels {
				l.labels[lv.Points] = lv.Label
				l.lowest = math.Min(l.lowest, lv.Points)
				l.satisfaction = l.satisfaction || lv.Label == "满意"
			}
		}
		*out = append(*out, l)
	}
}

// levelList shows a scale's levels for a message: 好=100、较好=85 ….
func levelList(s Scale) string {
	parts := make([]string, len(s.Levels))
	for i, l := range s.Levels {
		parts[i] = l.Label + "=" + num(l.Points)
	}
	return strings.Join(parts, "、")
}

// round2 rounds half away from zero to two decimals. Rounding first to nine
// decimals removes binary noise, so that 89.995 computed as 89.99499999999
// still rounds up as a person would.
func round2(x float64) float64 {
	return math.Round(math.Round(x*1e9)/1e7) / 100
}

func roundMap(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = round2(v)
	}
	return out
}

func ptr(x float64) *float64 { return &x }
