package evaluation_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

const usedMsg = "该测评码已经使用过，每张测评票只能提交一次"

// TestOneTokenManySubmissions sends one code from 200 goroutines at once,
// without a wrapping transaction: exactly one ballot gets in.
func TestOneTokenManySubmissions(t *testing.T) { oneTokenManySubmissions(t, false) }

// oneTokenManySubmissions sends one code from 200 goroutines at once, one
// transaction per ballot or through the committer, and checks that exactly
// one ballot gets in and the others are told the code was used.
func oneTokenManySubmissions(t *testing.T, groupCommit bool) {
	ctx := context.Background()
	f := newFx(t)
	if groupCommit {
		f.startCommitter(t)
	}
	c, subs := f.villageCampaign(t, 1)
	code := f.issue(t, c, "masses", 1)[0]
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	scores := map[string]map[string]float64{subs[0].Key: villageAnswers(rand.New(rand.NewPCG(1, 2)))}
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	var trackers []string
	other := map[string]int{}
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tr, err := f.ev.CastBallot(ctx, code, scores, "")
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				trackers = append(trackers, tr)
				return
			}
			e := errs.As(err)
			if e.Kind == errs.Conflict && e.ZH == usedMsg && errs.HTTPStatus(e.Kind) == 409 {
				other["used"]++
			} else {
				other[err.Error()]++
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(trackers) != 1 || other["used"] != n-1 || len(other) != 1 {
		t.Fatalf("%d successes, other answers %v", len(trackers), other)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ? AND tracker = ?", c.ID, trackers[0]); got != 1 {
		t.Fatalf("inbox holds %d ballots with the tracker", got)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox"); got != 1 {
		t.Fatalf("inbox holds %d ballots", got)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE status = 'used'"); got != 1 {
		t.Fatalf("%d tokens used", got)
	}
}

// TestBadCodesAnswerAlike: unknown, revoked and malformed codes all get
// InvalidCode's message and change nothing.
func TestBadCodesAnswerAlike(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 6)
	if err := f.ev.RevokeToken(ctx, f.admin, c.ID, codes[0]); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "revoke twice", f.ev.RevokeToken(ctx, f.admin, c.ID, codes[0]), errs.Conflict, "该测评码已经作废")
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	raw, _ := evaluation.NewToken()
	unknown := evaluation.FormatCode(raw)
	// The same code with another valid check character fails its check.
	wrongCheck := codes[1][:len(codes[1])-1] + map[bool]string{true: "0", false: "1"}[!strings.HasSuffix(codes[1], "0")]
	scores := map[string]map[string]float64{subs[0].Key: villageAnswers(rand.New(rand.NewPCG(3, 4)))}
	want := evaluation.InvalidCode()
	for name, code := range map[string]string{"unknown": unknown, "revoked": codes[0], "short": "ABCDE-12345", "empty": "",
		"wrong check": wrongCheck, "not base32": "UUUUU-UUUUU-UUUUU-UUUUU-UUUUU-UU", "long": strings.Repeat("A", 300)} {
		_, err := f.ev.CastBallot(ctx, code, scores, "")
		wantErr(t, name, err, want.Kind, want.ZH)
		if errs.As(err).EN != want.EN {
			t.Errorf("%s: English message %q", name, errs.As(err).EN)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_inbox"); n != 0 {
		t.Fatalf("inbox holds %d", n)
	}
	counts, err := f.ev.TokenCounts(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m := counts[2]; m.Group != "masses" || m.Issued != 5 || m.Revoked != 1 || m.Used != 0 || m.Counted != 0 {
		t.Fatalf("masses counts %+v", m)
	}
	// Codes are read as raters type them: lower case, no dashes, full width.
	typed := strings.ToLower(strings.ReplaceAll(codes[1], "-", ""))
	if _, err := f.ev.CastBallot(ctx, typed, scores, ""); err != nil {
		t.Fatalf("typed code: %v", err)
	}
	wantErr(t, "revoke a used code", f.ev.RevokeToken(ctx, f.admin, c.ID, codes[1]), errs.Conflict, "该测评码已经使用过，不能作废")
}

// TestBadBallotsChangeNothing checks each refused ballot's exact message
// and that its token stays unused.
func TestBadBallotsChangeNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	opens, closes := window()
	c, err := f.ev.CreateCampaign(ctx, f.admin, evaluation.CampaignInput{OwnerOrgID: f.district.ID, Name: "2026年千企议科长",
		Type: evaluation.TypeQianQi, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateQianQiYiKeZhang()})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{
		{Kind: evaluation.SubjectPerson, Name: "李四", Post: "科长", Unit: "兴宁区市场监督管理局", Section: "登记注册科"},
		{Kind: evaluation.SubjectPerson, Name: "王五", Post: "科长", Unit: "兴宁区住房和城乡建设局", Section: "建筑管理科", Groups: []string{"owner"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	li, wang := subs[0].Key, subs[1].Key
	codes := f.issue(t, c, "enterprise", 3)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	good := func() map[string]float64 {
		return map[string]float64{"attitude": 100, "efficiency": 60, "lawful": 100, "clean": 100, "overall": 88}
	}
	with := func(edit func(map[string]float64)) map[string]map[string]float64 {
		a := good()
		edit(a)
		return map[string]map[string]float64{li: a}
	}
	cases := []struct {
		name    string
		scores  map[string]map[string]float64
		comment string
		kind    errs.Kind
		msg     string
	}{
		{"subject of another group", map[string]map[string]float64{li: good(), wang: good()}, "", errs.Invalid, "“王五”不由企业评价，请只评价本组的测评对象"},
		{"unknown subject", map[string]map[string]float64{"s999": good()}, "", errs.Invalid, "本测评票评价的对象“s999”不在本次测评中"},
		{"points out of range", with(func(a map[string]float64) { a["overall"] = 101 }), "", errs.Invalid, "本测评票对“" + li + "”的指标“总体评价”评分为 101，应在 0–100 之间"},
		{"not a level", with(func(a map[string]float64) { a["attitude"] = 80 }), "", errs.Invalid, "本测评票对“" + li + "”的指标“服务态度”评分为 80，不是该指标的等级分值（满意=100、基本满意=60、不满意=0）"},
		{"missing indicator", with(func(a map[string]float64) { delete(a, "clean") }), "", errs.Invalid, "本测评票对“" + li + "”缺少指标“廉洁自律”的评分"},
		{"unknown indicator", with(func(a map[string]float64) { a["speed"] = 90 }), "", errs.Invalid, "本测评票对“" + li + "”的评分中有未知指标“speed”"},
		{"nothing rated", map[string]map[string]float64{}, "", errs.Invalid, "请至少评价一个测评对象"},
		{"long comment", with(func(map[string]float64) {}), strings.Repeat("好", 501), errs.Invalid, "意见建议最多 500 字，现为 501 字"},
	}
	for _, tc := range cases {
		_, err := f.ev.CastBallot(ctx, codes[0], tc.scores, tc.comment)
		wantErr(t, tc.name, err, tc.kind, tc.msg)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE status = 'issued'"); n != 3 {
		t.Fatalf("%d tokens unused after refused ballots, want 3", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_inbox"); n != 0 {
		t.Fatalf("inbox holds %d", n)
	}

	if _, err := f.ev.CastBallot(ctx, codes[0], with(func(map[string]float64) {}), strings.Repeat("好", 500)); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.CastBallot(ctx, codes[0], with(func(map[string]float64) {}), "")
	wantErr(t, "used token", err, errs.Conflict, usedMsg)
	if errs.HTTPStatus(errs.KindOf(err)) != 409 {
		t.Fatal("used token is not 409")
	}

	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.CastBallot(ctx, codes[1], with(func(map[string]float64) {}), "")
	wantErr(t, "closed campaign", err, errs.Conflict, "测评未开始或已结束")
	_, err = f.ev.IssueTokens(ctx, f.admin, c.ID, "enterprise", 1)
	wantErr(t, "issue after close", err, errs.Conflict, "测评已结束，不能再发放测评码")

	// An open campaign outside its hours takes no ballot either.
	later, err := f.ev.CreateCampaign(ctx, f.admin, evaluation.CampaignInput{OwnerOrgID: f.district.ID, Name: "下月测评",
		Type: evaluation.TypeQianQi, Year: 2026, OpensAt: time.Now().Add(24 * time.Hour), ClosesAt: time.Now().Add(48 * time.Hour), Rules: evaluation.TemplateQianQiYiKeZhang()})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := f.ev.AddSubjects(ctx, f.admin, later.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "李四", Post: "科长", Unit: "兴宁区市场监督管理局"}})
	if err != nil {
		t.Fatal(err)
	}
	lc := f.issue(t, later, "owner", 1)[0]
	if _, err := f.ev.Open(ctx, f.admin, later.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.CastBallot(ctx, lc, map[string]map[string]float64{ls[0].Key: good()}, "")
	wantErr(t, "before opening time", err, errs.Conflict, "测评未开始或已结束")
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE status = 'used'"); n != 1 {
		t.Fatalf("%d tokens used, want 1", n)
	}
}
