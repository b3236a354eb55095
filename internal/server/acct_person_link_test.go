package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// linkFixture is the Nanning tree with the member register at hand, and
// members in the street of street_admin (民生街道) and in 三塘镇, another
// township of the county that street_admin cannot see.
type linkFixture struct {
	*acctFixture
	ppl          *people.Service
	street, town org.Org
}

func newLinkFixture(t *testing.T) *linkFixture {
	t.Helper()
	d, res := nanning.Open(t)
	a, h := newApp(t, d, nil)
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	base := &fixture{srv: srv, d: d, orgs: a.Core().Orgs, accts: a.Core().Accounts, perms: a.Core().Perms, pw: map[string]string{}, root: res.Init.RootID}
	for _, acc := range res.Accounts {
		base.pw[acc.Username] = acc.Password
	}
	f := &linkFixture{acctFixture: &acctFixture{fixture: base, accounts: base.accts}, ppl: app.Service[*people.Service](a)}
	get := func(code string) org.Org {
		l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("org %s: %v %d", code, err, len(l))
		}
		return l[0]
	}
	f.street, f.town = get("450102001"), get("450102101")
	if f.street.ID != f.homeOf(t, "street_admin") {
		t.Fatalf("street_admin is not homed in %s", f.street.Label())
	}
	return f
}

// member adds a member to the register; n makes the ID number.
func (f *linkFixture) member(t *testing.T, name string, at org.Org, n int) people.Person {
	t.Helper()
	first17 := fmt.Sprintf("45010219800101%03d", n)
	id := first17 + string(ids.IDCardCheckChar(first17))
	p, err := f.ppl.AddMember(context.Background(), testrig.Admin, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: id,
		Ethnicity: "汉族", Education: "大学本科"}, OrgID: at.ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return p
}

// account adds a secretary homed at at.
func (f *linkFixture) account(t *testing.T, name string, at org.Org) account.User {
	t.Helper()
	u, err := f.accounts.Create(context.Background(), testrig.Admin, account.NewUser{Username: name, DisplayName: name, Password: "Link-password-2026", HomeOrgID: at.ID, Role: access.Secretary})
	if err != nil {
		t.Fatalf("account %s: %v", name, err)
	}
	return u
}

func (f *linkFixture) personOf(t *testing.T, u account.User) int64 {
	t.Helper()
	id, err := f.accounts.PersonOf(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestAccountPersonLink is the street administrator linking an account of
// its street to its holder's record in the register through the user page:
// the picker finds only members it may read and asks before linking; the
// linked person shows masked, without ID number, on the user page, in the
// list and in the export; a person outside its scope or linked to another
// account is refused with a message at the picker and nothing changes;
// unlinking is audited too.
func TestAccountPersonLink(t *testing.T) {
	t.Parallel()
	f := newLinkFixture(t)
	ctx := context.Background()
	zhang := f.member(t, "张建华", f.street, 11)
	wang := f.member(t, "王晓明", f.town, 12)
	zhao := f.member(t, "赵立新", f.street, 13)
	chen := f.member(t, "陈思远", f.street, 14)
	target := f.account(t, "lianjie", f.street)
	// 赵立新 already belongs to an account of 三塘镇, which street_admin
	// cannot see; 陈思远 to one of its own street, which it can.
	far := f.account(t, "santang_zhao", f.town)
	near := f.account(t, "minsheng_chen", f.street)
	for _, l := range []struct {
		u account.User
		p int64
	}{{far, zhao.ID}, {near, chen.ID}} {
		if err := f.accounts.LinkPerson(ctx, testrig.Admin, l.u.ID, l.p); err != nil {
			t.Fatal(err)
		}
	}
	id := itoa(target.ID)
	page := "/users/" + id
	b := f.browser(t, "street_admin")
	audits := func() int { return f.auditCount(t, "user.person", target.ID) }
	before := audits()

	// Not linked yet: the page says so, and offers the picker.
	body := b.get(t, page)
	if got := text(between(body, `<dd id="linked-person">`, "</dd>")); got != "未关联" {
		t.Errorf("linked person before linking: %q", got)
	}
	if !strings.Contains(body, `name="person_q"`) || !strings.Contains(text(body), "关联人员档案") {
		t.Errorf("the user page offers no person picker")
	}

	// A member of another township is not found, by name or by number.
	body = b.get(t, page+"?person_q="+url.QueryEscape("王晓明"))
	if got := errAt(body, "person_id"); got != "在您的管理范围内没有姓名含“王晓明”的党员，请换个词或输入完整身份证号" {
		t.Errorf("searching a member outside the scope: %q", got)
	}
	if strings.Contains(body, `value="`+itoa(wang.ID)+`"`) {
		t.Errorf("the picker offers a member outside the scope")
	}

	// Posting that member's id anyway is refused at the picker.
	st, _, body := b.status(t, "POST", page, url.Values{"op": {"person"}, "person_id": {itoa(wang.ID)}})
	if want := fmt.Sprintf("人员 %d 不存在或不在您的管理范围内，未作关联", wang.ID); st != 422 || errAt(body, "person_id") != want {
		t.Errorf("linking a member outside the scope: %d %q, want %q", st, errAt(body, "person_id"), want)
	}
	if strings.Contains(body, "王晓明") {
		t.Errorf("the refusal names the member outside the scope")
	}

	// A member linked to an account street_admin cannot see: refused,
	// without naming that account.
	st, _, body = b.status(t, "POST", page, url.Values{"op": {"person"}, "person_id": {itoa(zhao.ID)}})
	if want := "该人员已关联其他账号（不在您的管理范围内）；一名人员只能关联一个账号"; st != 409 || errAt(body, "person_id") != want {
		t.Errorf("linking a member of a hidden account: %d %q, want %q", st, errAt(body, "person_id"), want)
	}
	if strings.Contains(body, "santang_zhao") {
		t.Errorf("the refusal names an account outside the scope")
	}
	// … and one linked to an account it can see: that account is named.
	st, _, body = b.status(t, "POST", page, url.Values{"op": {"person"}, "person_id": {itoa(chen.ID)}})
	if want := "该人员已关联账号 minsheng_chen；一名人员只能关联一个账号，请先在该账号上解除关联"; st != 409 || errAt(body, "person_id") != want {
		t.Errorf("linking a member of another account: %d %q, want %q", st, errAt(body, "person_id"), want)
	}
	if p := f.personOf(t, target); p != 0 || audits() != before {
		t.Fatalf("after the refusals the account is linked to %d, %d audit entries", p, audits()-before)
	}
	if f.personOf(t, far) != zhao.ID || f.personOf(t, near) != chen.ID {
		t.Fatalf("a refusal changed another account's link")
	}

	// Found by name: the picker shows the member and asks before linking.
	body = b.get(t, page+"?person_q="+url.QueryEscape("张建"))
	if errAt(body, "person_id") != "" || !strings.Contains(body, `<input type="hidden" name="person_id" value="`+itoa(zhang.ID)+`">`) ||
		!strings.Contains(text(body), "张建华 · "+f.street.Label()) {
		t.Fatalf("the picker does not offer 张建华: %q", errAt(body, "person_id"))
	}
	if !strings.Contains(body, `data-confirm="确定将账号 lianjie 关联到人员 张*华？`) {
		t.Errorf("linking asks for no confirmation")
	}
	st, at, body := b.status(t, "POST", page, url.Values{"op": {"person"}, "person_id": {itoa(zhang.ID)}})
	if st != 200 || at != page || !strings.Contains(text(body), "已关联人员 张*华") {
		t.Fatalf("linking: %d %s %.300s", st, at, text(body))
	}
	if p := f.personOf(t, target); p != zhang.ID || audits() != before+1 {
		t.Fatalf("linked to %d with %d audit entries", p, audits()-before)
	}
	shown := "张*华 · " + f.street.Label()
	if got := text(between(body, `<dd id="linked-person">`, "</dd>")); got != shown {
		t.Errorf("the user page shows the linked person as %q, want %q", got, shown)
	}
	if strings.Contains(body, zhang.IDMask) || strings.Contains(body, "450102") || strings.Contains(body, "张建华") {
		t.Errorf("the user page shows the linked person's name or ID number")
	}
	if !strings.Contains(body, `value="unlink"`) {
		t.Errorf("the user page offers no unlinking")
	}
	if got := row(t, b.get(t, "/users?q=lianjie"), ">lianjie<"); !strings.HasSuffix(got, shown) || strings.Contains(got, "张建华") {
		t.Errorf("the users list row: %q", got)
	}
	_, rows := b.xlsx(t, "/users/export.xlsx?q=lianjie")
	var header, line []string
	for _, r := range rows {
		if len(r) > 1 && r[0] == "序号" {
			header = r
		}
		if len(r) > 1 && r[1] == "lianjie" {
			line = r
		}
	}
	if len(header) != 8 || header[7] != "关联人员" || len(line) != 8 || line[7] != shown {
		t.Errorf("export header %q, row %q", header, line)
	}

	// Unlinking: asked for, audited.
	if !strings.Contains(body, `data-confirm="确定解除该账号与人员档案的关联？`) {
		t.Errorf("unlinking asks for no confirmation")
	}
	st, _, body = b.status(t, "POST", page, url.Values{"op": {"unlink"}})
	if st != 200 || !strings.Contains(text(body), "已解除人员关联") || text(between(body, `<dd id="linked-person">`, "</dd>")) != "未关联" {
		t.Errorf("unlinking: %d %.300s", st, text(body))
	}
	if p := f.personOf(t, target); p != 0 || audits() != before+2 {
		t.Errorf("after unlinking: person %d, %d audit entries", p, audits()-before)
	}
}

// TestAccountPersonLinkNeedsManage is the picker refused to who may not
// manage the account: the street administrator reads an account of its
// street that also holds a city role, gets no picker, and posting a link
// is refused without change. The secretary, who may not manage users at
// all, is refused too.
func TestAccountPersonLinkNeedsManage(t *testing.T) {
	t.Parallel()
	f := newLinkFixture(t)
	ctx := context.Background()
	zhang := f.member(t, "张建华", f.street, 21)
	dual := f.account(t, "shuangzhi", f.street)
	if err := f.accounts.Grant(ctx, testrig.Admin, dual.ID, access.Admin, f.root); err != nil {
		t.Fatal(err)
	}
	page := "/users/" + itoa(dual.ID)
	b := f.browser(t, "street_admin")
	if body := b.get(t, page+"?person_q="+url.QueryEscape("张建华")); strings.Contains(body, `name="person_q"`) || strings.Contains(body, "张建华") {
		t.Errorf("the picker is offered on an account the reader cannot manage")
	}
	st, _, body := b.status(t, "POST", page, url.Values{"op": {"person"}, "person_id": {itoa(zhang.ID)}})
	if st != 403 || !strings.Contains(text(body), "您不能管理该用户") {
		t.Errorf("linking an account the reader cannot manage: %d %.300s", st, text(body))
	}
	sec := f.browser(t, "secretary")
	if st, _, _ := sec.status(t, "POST", page, url.Values{"op": {"person"}, "person_id": {itoa(zhang.ID)}}); st != 403 && st != 404 {
		t.Errorf("a secretary linking: %d", st)
	}
	if p := f.personOf(t, dual); p != 0 || f.auditCount(t, "user.person", dual.ID) != 0 {
		t.Errorf("a refused link changed the account: person %d", p)
	}
}

// between returns what s holds between the first from and the next to.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(rest, to)
	return in
}

// TestAccountPersonLinkNotOwn: an administrator linked to a cadre cannot
// unlink or relink their own account — which would let them read the
// integrity reports about themselves — and nothing changes.
func TestAccountPersonLinkNotOwn(t *testing.T) {
	t.Parallel()
	f := newLinkFixture(t)
	ctx := context.Background()
	zhang := f.member(t, "张建华", f.street, 31)
	other := f.member(t, "王志强", f.street, 32)
	var self account.User
	if err := f.d.QueryRow(ctx, "SELECT id FROM users WHERE username = 'street_admin'").Scan(&self.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.accounts.LinkPerson(ctx, testrig.Admin, self.ID, zhang.ID); err != nil {
		t.Fatal(err)
	}
	audits := f.auditCount(t, "user.person", self.ID)
	b := f.browser(t, "street_admin")
	page := "/users/" + itoa(self.ID)
	for _, form := range []url.Values{{"op": {"unlink"}}, {"op": {"person"}, "person_id": {itoa(other.ID)}}} {
		// unlinking goes back to the page with the message; linking
		// answers it at the picker
		st, _, body := b.status(t, "POST", page, form)
		if st != 403 && st != 200 || !strings.Contains(text(body), "不能更改自己账号的人员档案关联，请由其他管理员办理") {
			t.Errorf("%v on its own account: %d %.300s", form, st, text(body))
		}
	}
	if p := f.personOf(t, self); p != zhang.ID || f.auditCount(t, "user.person", self.ID) != audits {
		t.Errorf("a refused change of its own link changed the account: person %d", p)
	}
}

// TestAccountPersonSearchCut: a search that finds more members than the
// picker lists says so and lists the first ten.
func TestAccountPersonSearchCut(t *testing.T) {
	t.Parallel()
	f := newLinkFixture(t)
	for i, name := range []string{"覃秀英", "覃秀兰", "覃秀珍", "覃秀芳", "覃秀梅", "覃秀华", "覃秀云", "覃秀莲", "覃秀玲", "覃秀娟", "覃秀琴"} {
		f.member(t, name, f.street, 41+i)
	}
	u := f.account(t, "qin_clerk", f.street)
	body := f.browser(t, "street_admin").get(t, "/users/"+itoa(u.ID)+"?person_q="+url.QueryEscape("覃秀"))
	if want := "姓名含“覃秀”的党员超过 10 名，下面只列出前 10 名；请输入更完整的姓名或身份证号"; errAt(body, "person_id") != want {
		t.Errorf("the message: %q", errAt(body, "person_id"))
	}
	if n := strings.Count(body, `name="person_id" value=`); n != 10 {
		t.Errorf("%d persons offered, want 10", n)
	}
}
