package cases_test

import (
	"context"
	"fmt"

	"sync"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

var (
	regions   = region.NewHolder()
	xingning  = testrig.Tree(regions, "450102")
	testPerms = access.MustCatalogue(cases.Permissions(), people.Permissions())
	testKey   = []byte("test-key-for-case-vault-sealing-0123")
	// start is a Thursday morning in Beijing, 2026-09-24 10:00.
	start = time.Date(2026, 9, 24, 2, 0, 0, 0, time.UTC)
)

func TestMain(m *testing.M) { testrig.Main(m) }

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// fx is 兴宁区 with accounts at its levels:
//
//	兴宁区委 (county)        county officer (integrity), county handler, custodian
//	└ 民生街道党工委 (street) street handler, street officer (integrity)
//	  └ 兴宁社区 (community)  community handler, community secretary, community officer (integrity)
type fx struct {
	d        *db.DB
	orgs     *org.Service
	accounts *account.Service
	ppl      *people.Service
	s        *cases.Service
	clock    *clock
	county   org.Org
	street   org.Org
	comm     org.Org
	other    org.Org // 三塘镇, another township
	users    map[string]access.Actor
}

func newFx(t *testing.T) *fx {
	t.Helper()
	d, _ := xingning.Open(t)
	f := &fx{d: d, clock: &clock{t: start}, users: map[string]access.Actor{}}
	f.orgs = org.NewService(d, regions)
	f.accounts = account.NewService(d, testrig.FastParams, testPerms)
	var err error
	if f.ppl, err = people.NewService(d, f.orgs, testKey); err != nil {
		t.Fatal(err)
	}
	if f.s, err = cases.NewService(d, f.orgs, f.accounts, regions, testKey); err != nil {
		t.Fatal(err)
	}
	f.s.WithClock(f.clock.Now)
	f.setUsers(t)
	return f
}

// orgOf is the organization of a division code.
func (f *fx) orgOf(t *testing.T, code string) org.Org {
	t.Helper()
	l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
	if err != nil || len(l) == 0 {
		t.Fatalf("org %s: %v", code, err)
	}
	return l[0]
}

// setUsers finds the organizations of the fixture and creates its accounts.
func (f *fx) setUsers(t *testing.T) {
	t.Helper()
	get := func(code string) org.Org { return f.orgOf(t, code) }
	f.county, f.street, f.comm, f.other = get("450102"), get("450102001"), get("450102001003"), get("450102101")
	for _, u := range []struct {
		name string
		role access.Role
		at   org.Org
	}{
		{"county.officer", access.IntegrityOfficer, f.county},
		{"county.handler", access.CaseHandler, f.county},
		{"custodian", access.Custodian, f.county},
		{"street.handler", access.CaseHandler, f.street},
		{"street.officer", access.IntegrityOfficer, f.street},
		{"comm.handler", access.CaseHandler, f.comm},
		{"comm.secretary", access.Secretary, f.comm},
		{"comm.officer", access.IntegrityOfficer, f.comm},
		{"other.handler", access.CaseHandler, f.other},
		{"county.admin", access.OrgAdmin, f.county},
	} {
		f.user(t, u.name, u.role, u.at)
	}
}

// user creates an account with one grant and returns it as an actor.
func (f *fx) user(t *testing.T, name string, role access.Role, at org.Org) access.Actor {
	t.Helper()
	ctx := context.Background()
	if _, err := f.accounts.Create(ctx, testrig.Admin, account.NewUser{Username: name, Password: "correct horse 42 battery", HomeOrgID: at.ID, Role: role}); err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	_, a, err := f.accounts.Login(ctx, name, "correct horse 42 battery", "test")
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	f.users[name] = a
	return a
}

func (f *fx) as(name string) access.Actor {
	a, ok := f.users[name]
	if !ok {
		panic("no user " + name)
	}
	return a
}

// submit files a report and returns its receipt.
func (f *fx) submit(t *testing.T, r cases.Report) cases.Receipt {
	t.Helper()
	if r.Body == "" {
		r.Body = "楼道里的路灯坏了三个星期，晚上出入很不方便，请尽快修理。"
	}
	rc, err := f.s.Submit(context.Background(), r)
	if err != nil {
		t.Fatalf("submit %+v: %v", r, err)
	}
	return rc
}

// take applies a step and fails the test on an error.
func (f *fx) take(t *testing.T, who string, id int64, in cases.StepInput) cases.Case {
	t.Helper()
	c, err := f.s.Take(context.Background(), f.as(who), id, in)
	if err != nil {
		t.Fatalf("%s %s case %d: %v", who, in.Step, id, err)
	}
	return c
}

// beijing is a time in Beijing.
func beijing(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.FixedZone("CST", 8*3600))
}

// wantErr checks err's kind and Chinese message.
func wantErr(t *testing.T, err error, kind errs.Kind, zh string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %q", kind, zh)
	}
	e := errs.As(err)
	if e.Kind != kind || e.Message("zh-CN") != zh {
		t.Fatalf("got %s %q, want %s %q", e.Kind, e.Message("zh-CN"), kind, zh)
	}
}

func (f *fx) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// idNumber builds a valid ID number of region, birth date and serial.
func idNumber(region, birth string, serial int) string {
	first17 := fmt.Sprintf("%s%s%03d", region, birth, serial)
	return first17 + string(ids.IDCardCheckChar(first17))
}

// cadre registers a member of o holding post there and returns the person.
func (f *fx) cadre(t *testing.T, o org.Org, name, post string, serial int) people.Person {
	t.Helper()
	ctx := context.Background()
	p, err := f.ppl.AddMember(ctx, testrig.Admin, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: idNumber("450102", "19800101", serial),
		Ethnicity: "汉族", Education: "大学本科"}, OrgID: o.ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	if _, err := f.ppl.Appoint(ctx, testrig.Admin, people.PostInput{PersonID: p.ID, OrgID: o.ID, Post: post, StartedOn: "2021-01-01"}); err != nil {
		t.Fatalf("post %s: %v", name, err)
	}
	return p
}

func testrigAdmin() access.Actor { return testrig.Admin }
