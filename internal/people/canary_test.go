package people_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// canary is a person whose ID number and phone must never be found in clear
// outside a permitted reveal.
var (
	canaryID    = idNumber("450102", "19770707", 777)
	canaryPhone = "13977071234"
)

// useCanary registers the canary, fails to register it twice, changes its
// status, lists it and reveals its number, through every path that could
// leak; it returns every message and value the register handed out.
func useCanary(t *testing.T, ctx context.Context, ppl *people.Service, orgs *org.Service, d *db.DB) []string {
	t.Helper()
	l, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	if err != nil || len(l) != 1 {
		t.Fatalf("community: %v", err)
	}
	c3 := l[0]
	in := people.MemberInput{PersonInput: people.PersonInput{Name: "金丝雀", IDNumber: canaryID, Phone: canaryPhone, Ethnicity: "汉族", Education: "大学本科"},
		OrgID: c3.ID, Kind: "full", JoinedOn: "2005-07-01"}
	p, err := ppl.AddMember(ctx, testrig.Admin, in)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	out = append(out, fmt.Sprintf("%+v %+v", p, *p.Membership))
	secretary := testPerms.Bind(access.Actor{UserID: 3, Username: "sec", Grants: []access.Grant{{Role: access.Secretary, OrgPath: c3.Path}}})
	// Twice, with a wrong gender and birth date beside it: the messages
	// name the person and the fields, never the number.
	in.Gender, in.BirthDate = "女", "1977-07-08"
	for _, actor := range []access.Actor{testrig.Admin, secretary} {
		_, err := ppl.AddMember(ctx, actor, in)
		e := errs.As(err)
		out = append(out, e.ZH, e.EN, fmt.Sprint(errs.FieldMessages(err, ""), errs.FieldMessages(err, "en")))
	}
	if _, err := ppl.SetStatus(ctx, secretary, p.ID, people.StatusInput{Status: "floating", Where: "广东省深圳市", OnDate: "2026-02-01"}); err != nil {
		t.Fatal(err)
	}
	list, _, err := ppl.Members(ctx, secretary, people.MemberQuery{Q: canaryID})
	if err != nil || len(list) != 1 {
		t.Fatalf("find the canary by its number: %v %d", err, len(list))
	}
	out = append(out, fmt.Sprintf("%+v", list))
	// The secretary may not reveal; the system actor may, and is audited.
	_, err = ppl.Reveal(ctx, secretary, p.ID, "id_number")
	if errs.KindOf(err) != errs.Forbidden {
		t.Errorf("the secretary revealed the number: %v", err)
	}
	out = append(out, err.Error())
	if got, err := ppl.Reveal(ctx, testrig.Admin, p.ID, "id_number"); err != nil || got != canaryID {
		t.Errorf("reveal: %q %v", got, err)
	}
	if got, err := ppl.Reveal(ctx, testrig.Admin, p.ID, "phone"); err != nil || got != canaryPhone {
		t.Errorf("reveal phone: %q %v", got, err)
	}
	out = append(out, importCanary(t, ctx, ppl, d, c3)...)
	var reveals int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.reveal'").Scan(&reveals); err != nil || reveals != 2 {
		t.Errorf("%d reveals audited (%v), want 2", reveals, err)
	}
	return out
}

// importCanaryPay names the canary by its ID number in pay imports: with a
// wrong name, without a post, then as the secretary it has become; it
// returns every problem, session and message the imports gave.
func importCanaryPay(t *testing.T, ctx context.Context, ppl *people.Service, d *db.DB) []string {
	t.Helper()
	list, _, err := ppl.Members(ctx, testrig.Admin, people.MemberQuery{Q: canaryID})
	if err != nil || len(list) != 1 {
		t.Fatalf("the canary: %v", err)
	}
	c := list[0]
	var uid int64
	if err := d.WriteQueryRow(ctx, d.Rebind("INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES ('canary_pay', 'x', ?, '', '') RETURNING id"), c.OrgID).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	header := []string{"年度", "姓名", "身份证号", "年基本报酬"}
	var out []string
	prepare := func(rows [][]string) string {
		s, err := ppl.PreparePayImport(ctx, testrig.Admin, uid, "pay.xlsx", header, rows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%+v", s))
		return s.ID
	}
	prepare([][]string{{"2026", "金丝鸟", canaryID, "40000"}, {"2026", "金丝雀", canaryID, "40000"}, {"2026", "金丝雀", canaryID[:17], "40000"}})
	if _, err := ppl.Appoint(ctx, testrig.Admin, people.PostInput{PersonID: c.ID, OrgID: c.OrgID, Post: "secretary", StartedOn: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	id := prepare([][]string{{"2026", "金丝雀", canaryID, "40000"}})
	if n, err := ppl.ApplyPayImport(ctx, testrig.Admin, uid, id); err != nil || n != 1 {
		t.Fatalf("the canary's pay: %d %v", n, err)
	}
	rep, err := ppl.PayCompliance(ctx, testrig.Admin, c.OrgID, 2026)
	if err != nil || rep.Total != 1 {
		t.Fatalf("the canary's compliance: %+v %v", rep, err)
	}
	return append(out, fmt.Sprintf("%+v", rep))
}

// importCanary imports the canary's attendance of a course: first in a file
// refused for a name that does not match and a row that repeats the number,
// then alone; it returns every problem and answer.
func importCanary(t *testing.T, ctx context.Context, ppl *people.Service, d *db.DB, c3 org.Org) []string {
	t.Helper()
	var uid int64
	if err := d.WriteQueryRow(ctx, "INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES ('canary', 'x', ?, '', '') RETURNING id", c3.ID).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	c, err := ppl.CreateCourse(ctx, testrig.Admin, people.CourseInput{OrgID: c3.ID, Title: "党课", Kind: "lecture", StartsOn: "2026-03-01", EndsOn: "2026-03-01", Hours: 2})
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"姓名", "身份证号", "认定学时"}
	bad, err := ppl.PrepareAttendImport(ctx, testrig.Admin, uid, c.ID, "名单.xlsx", header, [][]string{{"金丝鸟", canaryID, "2"}, {"金丝雀", canaryID, "3"}})
	if err != nil || len(bad.Problems) != 2 {
		t.Fatalf("the refused import: %+v %v", bad.Problems, err)
	}
	out := []string{fmt.Sprintf("%+v", bad)}
	_, _, err = ppl.ApplyAttendImport(ctx, testrig.Admin, uid, bad.ID)
	out = append(out, fmt.Sprint(err))
	good, err := ppl.PrepareAttendImport(ctx, testrig.Admin, uid, c.ID, "名单.xlsx", header, [][]string{{"金丝雀", " " + canaryID + " ", ""}})
	if err != nil || good.Status != "ready" {
		t.Fatalf("the import: %+v %v", good, err)
	}
	if _, n, err := ppl.ApplyAttendImport(ctx, testrig.Admin, uid, good.ID); err != nil || n != 1 {
		t.Fatalf("apply: %d %v", n, err)
	}
	// Once more, now recorded already.
	again, err := ppl.PrepareAttendImport(ctx, testrig.Admin, uid, c.ID, "名单.xlsx", header, [][]string{{"金丝雀", canaryID, ""}})
	if err != nil || len(again.Problems) != 1 {
		t.Fatalf("again: %+v %v", again, err)
	}
	return append(out, fmt.Sprintf("%+v %+v", good, again))
}

// secrets are the forms in which the canary could leak.
func secrets() map[string]string {
	return map[string]string{"the ID number": canaryID, "the ID number's middle": canaryID[6:14], "the phone": canaryPhone, "the phone's middle": canaryPhone[3:7]}
}

// TestCanaryNeverInClear: the canary's ID number and phone are in no
// message, list, audit entry or table row — on either engine — and, on
// SQLite, nowhere in the database files.
func TestCanaryNeverInClear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, _ := xingning.Open(t)
	orgs := org.NewService(d, regions)
	ppl, err := people.NewService(d, orgs, testKey)
	if err != nil {
		t.Fatal(err)
	}
	ppl.WithClock(func() time.Time { return today })
	out := useCanary(t, ctx, ppl, orgs, d)
	out = append(out, importCanaryPay(t, ctx, ppl, d)...)
	for _, table := range []string{"persons", "memberships", "membership_events", "people_agg", "audit_log", "import_sessions", "posts", "cadre_pay", "training_attendance"} {
		out = append(out, testrig.DumpTable(t, ctx, d, table))
	}
	all := strings.Join(out, "\n")
	for what, s := range secrets() {
		if testrig.InClear([]byte(all), s) {
			t.Errorf("%s (%s) is in clear in what the register gave or stored", what, s)
		}
	}
}

// TestCanaryNotInTheFile: on SQLite the database file and its WAL hold the
// canary's number and phone only sealed.
func TestCanaryNotInTheFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path, d, orgs, ppl := fileRegister(t)
	useCanary(t, ctx, ppl, orgs, d)
	secretsInFiles(t, path, d, secrets())
}

// fileRegister is the register of 兴宁区 on a SQLite file of its own, for
// tests that read the file.
func fileRegister(t *testing.T) (string, *db.DB, *org.Service, *people.Service) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "register.db")
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	orgs := org.NewService(d, regions)
	if _, err := orgs.InitRegion(ctx, testrig.Admin, "450102"); err != nil {
		t.Fatal(err)
	}
	ppl, err := people.NewService(d, orgs, testKey)
	if err != nil {
		t.Fatal(err)
	}
	ppl.WithClock(func() time.Time { return today })
	return path, d, orgs, ppl
}

// secretsInFiles fails for each secret found in the database file or its
// WAL, read while the database is open (the WAL holds the latest pages)
// and after it is closed (checkpointed into the main file).
func secretsInFiles(t *testing.T, path string, d *db.DB, secrets map[string]string) {
	t.Helper()
	check := func(when string) {
		for _, f := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for what, s := range secrets {
				if testrig.InClear(b, s) {
					t.Errorf("%s: %s holds %s in clear", when, filepath.Base(f), what)
				}
			}
		}
	}
	check("open")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	check("closed")
}

// TestMaskAndBirthDateNeverTogether: the mask hides exactly the birth date
// (characters 7–14), so a reader who may not reveal the number is given the
// age instead of the date — in the person, the list and the timeline — and
// the audit log keeps no birth date beside the mask.
func TestMaskAndBirthDateNeverTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	p := f.add(t, f.c3, "金丝雀", canaryID, "full", "2005-07-01")
	date := canaryID[6:10] + "-" + canaryID[10:12] + "-" + canaryID[12:14]
	got, err := f.ppl.Person(ctx, f.secretary, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := f.ppl.Members(ctx, f.secretary, people.MemberQuery{})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v", err)
	}
	tl, err := f.ppl.Timeline(ctx, f.secretary, p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	seen := fmt.Sprintf("%+v %+v %+v %+v", got, *got.Membership, list, tl)
	if strings.Contains(seen, date) || strings.Contains(seen, canaryID[6:14]) {
		t.Errorf("a secretary, who may not reveal, is given the birth date beside the mask: %s", seen)
	}
	if got.Age != 49 || list[0].Age != 49 || got.IDMask != "450102********"+canaryID[14:] {
		t.Errorf("age %d / %d, mask %s: want 49 and the mask", got.Age, list[0].Age, got.IDMask)
	}
	// The organization department, which may reveal, sees the date.
	if got, err := f.ppl.Person(ctx, f.street, p.ID); err != nil || got.BirthDate != date {
		t.Errorf("the street's department: %q %v", got.BirthDate, err)
	}
	if audit := testrig.DumpTable(t, ctx, f.d, "audit_log"); strings.Contains(audit, date) {
		t.Errorf("the audit log keeps the birth date beside the mask")
	}
}
