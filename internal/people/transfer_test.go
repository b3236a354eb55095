package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// santang is the organization department of 三塘镇, outside 民生街道's
// scope: it receives the street's member.
func (f *fx) santang() access.Actor {
	return testPerms.Bind(access.Actor{UserID: 4, Username: "santang", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.st.Path}}})
}

// timeline is a person's timeline as one line per step.
func (f *fx) timeline(t *testing.T, id int64) string {
	t.Helper()
	ev, err := f.ppl.Timeline(context.Background(), f.admin, id, "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range ev {
		lines = append(lines, e.OnDate+" "+e.Summary+" ("+e.ActorName+")")
	}
	return strings.Join(lines, "\n")
}

// stateOf is the state of every transfer, for checking that a refusal
// changed nothing.
func (f *fx) stateOf(t *testing.T) string {
	t.Helper()
	rows, err := f.d.Query(context.Background(), "SELECT t.id, t.state, m.org_id, m.active FROM transfers t JOIN memberships m ON m.person_id = t.person_id ORDER BY t.id, m.id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, org int64
		var state string
		var active bool
		if err := rows.Scan(&id, &state, &org, &active); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(id, state, org, active))
	}
	return fmt.Sprint(out, f.count(t, "memberships"), f.count(t, "membership_events"), f.count(t, "audit_log"))
}

// TestTransferAcrossScopes: 民生街道 sends a member of 兴宁社区 to 三塘镇,
// which it cannot see into; 三塘镇 accepts. The member leaves the street's
// counts and posts and joins the township's, keeping the dates of joining
// and full membership; both sides see the transfer, each step is on the
// timeline and in the audit log.
func TestTransferAcrossScopes(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	p := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	if _, err := f.ppl.Appoint(ctx, f.admin, people.PostInput{PersonID: p.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2024-01-01"}); err != nil {
		t.Fatal(err)
	}
	santang := f.santang()

	tr, err := f.ppl.RequestTransfer(ctx, f.street, p.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2026-11-30", Note: "工作调动"})
	if err != nil {
		t.Fatal(err)
	}
	if tr.State != "pending" || tr.FromOrgName != "兴宁社区党支部" || tr.ToOrgName != "三塘镇党委" || !tr.Outgoing || tr.Incoming {
		t.Errorf("requested: %+v", tr)
	}
	// Until it is accepted, the member counts where they were.
	if st, _ := f.ppl.Stats(ctx, f.admin, f.c3.ID); st.Total != 2 {
		t.Errorf("兴宁社区 while pending: %d members, want 2", st.Total)
	}
	// The sender cannot accept for the receiving side.
	if _, err := f.ppl.AcceptTransfer(ctx, f.street, tr.ID, "2026-12-02"); errs.KindOf(err) != errs.Forbidden ||
		errs.As(err).ZH != "只有接收党组织“三塘镇党委”的管理人员可以接收或退回这次转接" {
		t.Errorf("sender accepting: %v", err)
	}
	// 三塘镇 sees it among its incoming transfers, with the number masked.
	in, total, err := f.ppl.Transfers(ctx, santang, people.TransferQuery{Direction: "in", State: "pending"})
	if err != nil || total != 1 || in[0].PersonName != "张伟" || in[0].IDMask != "450102********"+idNumber("450102", "19850312", 123)[14:] || !in[0].Incoming || in[0].Outgoing {
		t.Fatalf("incoming for 三塘镇: %d %+v %v", total, in, err)
	}
	// Nothing to receive for the street.
	if _, total, _ := f.ppl.Transfers(ctx, f.street, people.TransferQuery{Direction: "in"}); total != 0 {
		t.Errorf("the street has %d incoming", total)
	}
	if _, err := f.ppl.AcceptTransfer(ctx, santang, tr.ID, "2026-11-29"); errs.As(err).ZH != "接收日期不能早于转接日期 2026-11-30" {
		t.Errorf("accepting before the letter: %v", err)
	}
	tr, err = f.ppl.AcceptTransfer(ctx, santang, tr.ID, "2026-12-02")
	if err != nil {
		t.Fatal(err)
	}
	if tr.State != "accepted" || tr.DecidedBy != "santang" || tr.DecidedOn != "2026-12-02" {
		t.Errorf("accepted: %+v", tr)
	}
	for _, c := range []struct {
		id   int64
		want int
	}{{f.c3.ID, 1}, {f.ms.ID, 1}, {f.st.ID, 1}, {*f.ms.ParentID, 2}} {
		if st, _ := f.ppl.Stats(ctx, f.admin, c.id); st.Total != c.want {
			t.Errorf("org %d: %d members after the transfer, want %d", c.id, st.Total, c.want)
		}
	}
	f.recount(t)
	got, err := f.ppl.Person(ctx, santang, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Membership; m.OrgName != "三塘镇党委" || m.Kind != "full" || m.JoinedOn != "2010-07-01" || m.StartedOn != "2026-12-02" || m.Status != "normal" {
		t.Errorf("membership at 三塘镇: %+v", m)
	}
	// The street reads the member no more, but still sees what it sent.
	if _, err := f.ppl.Person(ctx, f.street, p.ID); errs.KindOf(err) != errs.NotFound {
		t.Errorf("the street reading the transferred member: %v", err)
	}
	if out, total, _ := f.ppl.Transfers(ctx, f.street, people.TransferQuery{Direction: "out"}); total != 1 || out[0].State != "accepted" {
		t.Errorf("the street's outgoing: %d %+v", total, out)
	}
	// The committee post at 兴宁社区 ended with the membership there.
	if posts, _ := f.ppl.OrgPosts(ctx, f.admin, f.c3.ID); len(posts) != 0 {
		t.Errorf("posts left at 兴宁社区: %+v", posts)
	}
	want := `2010-07-01 登记为兴宁社区党支部正式党员 (test)
2024-01-01 任兴宁社区党支部委员 (test)
2026-11-30 提出组织关系转接：转至三塘镇党委 (street)
2026-12-02 组织关系转出兴宁社区党支部 (santang)
2026-12-02 组织关系转入三塘镇党委（兴宁社区党支部转来） (santang)`
	if tl := f.timeline(t, p.ID); tl != want {
		t.Errorf("timeline:\n%s\nwant it to hold:\n%s", tl, want)
	}
	var actions []string
	rows, _ := f.d.Query(ctx, "SELECT action FROM audit_log WHERE action LIKE 'transfer.%' ORDER BY id")
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	rows.Close()
	if fmt.Sprint(actions) != "[transfer.request transfer.accept]" {
		t.Errorf("audited: %v", actions)
	}
	// A second accept finds it decided.
	if _, err := f.ppl.AcceptTransfer(ctx, santang, tr.ID, "2026-12-02"); errs.As(err).ZH != "这次转接“已接收”，不能再处理" {
		t.Errorf("accepting twice: %v", err)
	}
}

// TestTransferRejectedAndWithdrawn: a rejection needs a reason and leaves
// the member where they were; the sender may withdraw a pending transfer,
// the receiver may not.
func TestTransferRejectedAndWithdrawn(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	p := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "probationary", "2026-03-01")
	santang := f.santang()
	tr, err := f.ppl.RequestTransfer(ctx, f.secretary, p.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2026-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	before := f.stateOf(t)
	if _, err := f.ppl.RejectTransfer(ctx, santang, tr.ID, " "); errs.As(err).Field != "reason" || errs.As(err).ZH != "请写明退回的理由（2–200 字），如“介绍信所列接收单位有误”" {
		t.Errorf("rejecting without a reason: %v", err)
	}
	if _, err := f.ppl.CancelTransfer(ctx, santang, tr.ID); errs.As(err).ZH != "只有转出党组织“兴宁社区党支部”的管理人员可以撤回这次转接" {
		t.Errorf("the receiver withdrawing: %v", err)
	}
	if after := f.stateOf(t); after != before {
		t.Errorf("a refusal changed %s to %s", before, after)
	}
	tr, err = f.ppl.RejectTransfer(ctx, santang, tr.ID, "介绍信所列接收单位有误")
	if err != nil || tr.State != "rejected" || tr.Reason != "介绍信所列接收单位有误" {
		t.Fatalf("rejected: %+v %v", tr, err)
	}
	got, _ := f.ppl.Person(ctx, f.secretary, p.ID)
	if got.Membership.OrgID != f.c3.ID || got.Membership.Kind != "probationary" || !got.Membership.Active {
		t.Errorf("after the rejection: %+v", got.Membership)
	}
	if tl := f.timeline(t, p.ID); !strings.HasSuffix(tl, "2026-12-03 三塘镇党委退回组织关系转接：介绍信所列接收单位有误 (santang)") {
		t.Errorf("timeline:\n%s", tl)
	}
	// A new request, withdrawn by the sender.
	tr, err = f.ppl.RequestTransfer(ctx, f.secretary, p.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2026-12-02"})
	if err != nil {
		t.Fatal(err)
	}
	if tr, err = f.ppl.CancelTransfer(ctx, f.secretary, tr.ID); err != nil || tr.State != "cancelled" {
		t.Fatalf("withdrawn: %+v %v", tr, err)
	}
	if _, err := f.ppl.AcceptTransfer(ctx, santang, tr.ID, "2026-12-03"); errs.As(err).ZH != "这次转接“已撤回”，不能再处理" {
		t.Errorf("accepting a withdrawn transfer: %v", err)
	}
	f.recount(t)
}

// TestTransferOutOfTheSystem ends the membership at once with its
// destination; the member leaves the counts and the list of current
// members and is found among those whose membership ended.
func TestTransferOutOfTheSystem(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	p := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	tr, err := f.ppl.RequestTransfer(ctx, f.street, p.ID, people.TransferInput{OutTo: "中共广东省深圳市宝安区新安街道工作委员会", OnDate: "2026-11-20"})
	if err != nil {
		t.Fatal(err)
	}
	if tr.State != "out" || tr.ToOrgName != "中共广东省深圳市宝安区新安街道工作委员会" || tr.Outgoing {
		t.Errorf("out: %+v", tr)
	}
	got, err := f.ppl.Person(ctx, f.street, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Membership; m.Active || m.Status != "transferred_out" || m.EndedOn != "2026-11-20" {
		t.Errorf("membership after leaving: %+v", m)
	}
	if st, _ := f.ppl.Stats(ctx, f.admin, f.ms.ID); st.Total != 1 {
		t.Errorf("民生街道: %d members, want 1", st.Total)
	}
	if _, total, _ := f.ppl.Members(ctx, f.street, people.MemberQuery{}); total != 1 {
		t.Errorf("%d current members, want 1", total)
	}
	if list, total, _ := f.ppl.Members(ctx, f.street, people.MemberQuery{Status: "ended"}); total != 1 || list[0].Name != "张伟" || list[0].Membership.Status != "transferred_out" {
		t.Errorf("ended memberships: %d %+v", total, list)
	}
	if _, err := f.ppl.SetStatus(ctx, f.street, p.ID, people.StatusInput{Status: "normal", OnDate: "2026-11-21"}); errs.As(err).ZH != "张伟的党员身份已于 2026-11-20 结束（转出），不能再变更" {
		t.Errorf("changing a member transferred out: %v", err)
	}
	f.recount(t)
}

// TestBadTransfersRefused: every bad request is refused with a message
// that says what to fix, and nothing changes.
func TestBadTransfersRefused(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	p := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	q := f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	gone := f.add(t, f.st, "王芳", idNumber("450102", "19900101", 222), "full", "2015-01-01")
	if _, err := f.ppl.SetStatus(ctx, f.admin, q.ID, people.StatusInput{Status: "lost", OnDate: "2026-06-01"}); err != nil {
		t.Fatal(err)
	}
	// A dissolved organization: 三塘镇's 新村 branch, emptied and dissolved.
	dead := f.branch(t, f.st, "新村党支部")
	if _, err := f.orgs.Dissolve(ctx, f.admin, dead.ID, "2026-11-01", "合并"); err != nil {
		t.Fatal(err)
	}
	before := f.stateOf(t)
	for _, c := range []struct {
		name  string
		actor access.Actor
		id    int64
		in    people.TransferInput
		field string
		zh    string
	}{
		{"no destination", f.street, p.ID, people.TransferInput{OnDate: "2026-12-01"}, "to_org_id", "请选择接收党组织；转出本系统的，请填写接收党组织全称"},
		{"both", f.street, p.ID, people.TransferInput{ToOrgID: f.st.ID, OutTo: "中共广东省深圳市委组织部", OnDate: "2026-12-01"}, "out_to", "接收党组织在本系统内时不填写系统外名称"},
		{"no such organization", f.street, p.ID, people.TransferInput{ToOrgID: 999999, OnDate: "2026-12-01"}, "to_org_id", "接收党组织 999999 不存在"},
		{"dissolved", f.street, p.ID, people.TransferInput{ToOrgID: dead.ID, OnDate: "2026-12-01"}, "to_org_id", "“新村党支部”已撤销，不能接收党员"},
		{"same organization", f.street, p.ID, people.TransferInput{ToOrgID: f.c3.ID, OnDate: "2026-12-01"}, "to_org_id", "张伟已在“兴宁社区党支部”，请选择另一个党组织"},
		{"future", f.street, p.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2026-12-04"}, "on_date", "转接日期不能晚于今天"},
		{"bad date", f.street, p.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2026-13-01"}, "on_date", "请填写转接日期，格式如 2020-07-01"},
		{"before the membership", f.street, p.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2009-01-01"}, "on_date", "转接日期不能早于在本组织的开始日期 2010-07-01"},
		{"short outside name", f.street, p.ID, people.TransferInput{OutTo: "深圳", OnDate: "2026-12-01"}, "out_to", "请填写系统外接收党组织的全称（4–100 字），如“中共广东省深圳市宝安区新安街道工作委员会”"},
		{"out of contact", f.street, q.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2026-12-01"}, "", "李娜的状态为“失联”，不能转接组织关系：请先恢复为正常"},
		{"outside the sender's scope", f.street, gone.ID, people.TransferInput{ToOrgID: f.c3.ID, OnDate: "2026-12-01"}, "", fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", gone.ID)},
	} {
		_, err := f.ppl.RequestTransfer(ctx, c.actor, c.id, c.in)
		if e := errs.As(err); err == nil || e.Field != c.field || e.ZH != c.zh {
			t.Errorf("%s: %v (field %q), want %q on %q", c.name, err, e.Field, c.zh, c.field)
		}
	}
	if after := f.stateOf(t); after != before {
		t.Errorf("refused requests changed %s to %s", before, after)
	}
	// One pending transfer at a time.
	if _, err := f.ppl.RequestTransfer(ctx, f.street, p.ID, people.TransferInput{ToOrgID: f.st.ID, OnDate: "2026-12-01"}); err != nil {
		t.Fatal(err)
	}
	before = f.stateOf(t)
	if _, err := f.ppl.RequestTransfer(ctx, f.street, p.ID, people.TransferInput{OutTo: "中共广东省深圳市委组织部", OnDate: "2026-12-01"}); errs.As(err).ZH != "张伟已有一份待接收的转接（转至三塘镇党委）：请等待对方处理或先撤回" {
		t.Errorf("a second transfer: %v", err)
	}
	// A secretary of 兴宁社区 cannot accept a transfer into 三塘镇.
	in, _, _ := f.ppl.Transfers(ctx, f.admin, people.TransferQuery{State: "pending"})
	if _, err := f.ppl.AcceptTransfer(ctx, f.secretary, in[0].ID, "2026-12-03"); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("accepting outside one's scope: %v", err)
	}
	if after := f.stateOf(t); after != before {
		t.Errorf("refused steps changed %s to %s", before, after)
	}
}

// TestTransfersMoveWithTheTree: after transfers, moving the receiving
// organization under another township leaves the counts equal to a recount.
func TestTransfersMoveWithTheTree(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	santang := f.santang()
	b := f.branch(t, f.st, "三塘镇机关党支部")
	for i := range 4 {
		p := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 101+2*i), "full", "2010-07-01")
		tr, err := f.ppl.RequestTransfer(ctx, f.street, p.ID, people.TransferInput{ToOrgID: b.ID, OnDate: "2026-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ppl.AcceptTransfer(ctx, santang, tr.ID, "2026-12-02"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.orgs.Move(ctx, f.admin, b.ID, f.ms.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.ppl.Stats(ctx, f.admin, f.ms.ID); st.Total != 4 {
		t.Errorf("民生街道 after the move: %d, want 4", st.Total)
	}
	if st, _ := f.ppl.Stats(ctx, f.admin, f.st.ID); st.Total != 0 {
		t.Errorf("三塘镇 after the move: %d, want 0", st.Total)
	}
	f.recount(t)
}

// branch creates a Party branch under parent.
func (f *fx) branch(t *testing.T, parent org.Org, name string) org.Org {
	t.Helper()
	o, err := f.orgs.Create(context.Background(), f.admin, org.Input{ParentID: parent.ID, Name: name, Kind: "branch", Category: "organ"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestOrgChecks: the branches of 民生街道 are listed by what their counts
// call for, counted by hand: one with two full members and a probationary
// one, one with none registered, one with 50 members.
func TestOrgChecks(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	few, big := f.branch(t, f.ms, "甲党支部"), f.branch(t, f.ms, "丙党支部")
	f.branch(t, f.ms, "乙党支部")
	f.add(t, few, "张伟", idNumber("450102", "19850312", 101), "full", "2010-07-01")
	f.add(t, few, "李娜", idNumber("450102", "19850312", 102), "full", "2010-07-01")
	f.add(t, few, "王芳", idNumber("450102", "19850312", 104), "probationary", "2026-06-01")
	for i := range 50 {
		f.add(t, big, "陈静", idNumber("450102", "19800101", 201+i), "full", "2005-07-01")
	}
	got := func(check string) string {
		t.Helper()
		rows, counts, err := f.ppl.CheckCounts(ctx, f.street, f.ms.ID, check)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, fmt.Sprintf("%s %d/%d", r.Name, r.Full, r.Total))
		}
		return fmt.Sprint(out, counts)
	}
	// The street's own communities are committees and branches of the
	// territorial tree with nobody registered: they count under "none".
	_, counts, err := f.ppl.CheckCounts(ctx, f.street, f.ms.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if counts[people.CheckFewFull] != 1 || counts[people.CheckGeneral] != 1 || counts[people.CheckCommittee] != 0 || counts[people.CheckNone] < 1 {
		t.Errorf("counts: %v", counts)
	}
	if g := got(people.CheckFewFull); !strings.HasPrefix(g, "[甲党支部 2/3]") {
		t.Errorf("few full: %s", g)
	}
	if g := got(people.CheckGeneral); !strings.HasPrefix(g, "[丙党支部 50/50]") {
		t.Errorf("general: %s", g)
	}
	if g := got(people.CheckNone); !strings.Contains(g, "乙党支部 0/0") || strings.Contains(g, "甲党支部") {
		t.Errorf("none: %s", g)
	}

	for _, c := range []struct {
		kind        string
		total, full int
		want        string
	}{{"branch", 0, 0, "none"}, {"branch", 5, 2, "few_full"}, {"joint_branch", 49, 49, ""}, {"branch", 50, 48, "general"}, {"branch", 100, 90, "committee"},
		{"general_branch", 99, 99, ""}, {"general_branch", 100, 100, "committee"}, {"committee", 500, 480, ""}} {
		if got := people.KindCheck(c.kind, c.total, c.full); got != c.want {
			t.Errorf("%s of %d (%d full): %q, want %q", c.kind, c.total, c.full, got, c.want)
		}
	}
	if _, _, err := f.ppl.CheckCounts(ctx, f.street, f.ms.ID, "bogus"); errs.As(err).Field != "check" {
		t.Errorf("a bogus check: %v", err)
	}
}
