package cases_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// The canary reporter: their name, phone and address must never be found
// in clear outside an approved reveal.
const (
	canaryName  = "甄金雀"
	canaryPhone = "13977071234"
	canaryMail  = "jinque.canary@example.cn"
)

func canarySecrets() map[string]string {
	return map[string]string{"the name": canaryName, "the phone": canaryPhone, "the phone's middle": canaryPhone[3:7] + canaryPhone[7:], "the e-mail": canaryMail}
}

// runCanary takes a report with the canary's identity through acceptance,
// answer, notifications, a reveal and closure; it returns what the service
// handed to those without an approved reveal.
func runCanary(t *testing.T, f *fx) []string {
	t.Helper()
	ctx := context.Background()
	rc := f.submit(t, cases.Report{Kind: cases.KindMediation, RegionCode: "450102001003", Name: canaryName, Phone: canaryPhone, Email: canaryMail,
		Body: "邻居装修噪音扰民，多次协商无果，请社区调解。"})
	var out []string
	c := f.take(t, "comm.handler", rc.CaseID, cases.StepInput{Step: cases.StepAccept})
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepStart})
	r, err := f.s.RequestReveal(ctx, f.as("comm.handler"), c.ID, "需要电话联系反映人确认调解时间")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := f.s.PendingReveals(ctx, f.as("custodian"))
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending reveals %v %v", pending, err)
	}
	out = append(out, fmt.Sprintf("%+v", pending))
	if _, err := f.s.RevealedIdentity(ctx, f.as("comm.handler"), c.ID); err == nil {
		t.Fatal("the identity was shown before approval")
	}
	if err := f.s.DecideReveal(ctx, f.as("custodian"), r.ID, true, "同意，仅限联系调解"); err != nil {
		t.Fatal(err)
	}
	id, err := f.s.RevealedIdentity(ctx, f.as("comm.handler"), c.ID)
	if err != nil || id.Name != canaryName || id.Phone != canaryPhone {
		t.Fatalf("revealed %+v %v", id, err)
	}
	if _, err := f.s.RevealedIdentity(ctx, f.as("comm.secretary"), c.ID); err == nil {
		t.Fatal("someone who did not ask read the identity")
	}
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepAnswer, Text: "已组织双方调解，约定装修时间为工作日9点至18点。"})
	rec := &cases.Recorder{}
	if _, err := f.s.Deliver(ctx, rec); err != nil {
		t.Fatal(err)
	}
	sms := 0
	for _, m := range rec.Sent() {
		if m.Channel == cases.ChannelSMS && m.Address == canaryPhone {
			sms++
		}
		out = append(out, m.Body) // the text is the gateway's to see; only the address may be the phone
	}
	if sms != 2 {
		t.Fatalf("%d text messages to the reporter, want 2 (accepted, answered)", sms)
	}
	p, err := f.s.Follow(ctx, rc.Code)
	if err != nil || len(p.Reveals) != 1 || p.Reveals[0].Reason != "需要电话联系反映人确认调解时间" {
		t.Fatalf("the reporter does not see the reveal: %+v %v", p.Reveals, err)
	}
	out = append(out, fmt.Sprintf("%+v", p))
	for _, who := range []string{"comm.handler", "street.handler", "county.admin", "custodian"} {
		got, evs, _ := f.s.Get(ctx, f.as(who), c.ID)
		list, _, _ := f.s.List(ctx, f.as(who), cases.ListQuery{})
		notices, _, _ := f.s.Notices(ctx, f.as(who), 50)
		reveals, _ := f.s.Reveals(ctx, f.as(who), c.ID)
		out = append(out, fmt.Sprintf("%+v %+v %+v %+v %+v", got, evs, list, notices, reveals))
	}
	f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepVisit, Text: "回访，双方均表示满意"})
	f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepClose, Outcome: cases.Resolved})
	return out
}

// TestCanaryNeverInClear: the reporter's name, phone and e-mail are in no
// answer to anyone without an approved reveal, no notification text, no
// audit entry and no table row — on either engine.
func TestCanaryNeverInClear(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	out := runCanary(t, f)
	for _, table := range []string{"cases", "case_events", "case_files", "case_vault", "case_reveals", "outbox", "notifications", "audit_log"} {
		out = append(out, testrig.DumpTable(t, ctx, f.d, table))
	}
	all := strings.Join(out, "\n")
	for what, s := range canarySecrets() {
		if strings.Contains(all, s) {
			t.Errorf("%s (%s) is in clear", what, s)
		}
	}
}

// TestPurgeLeavesNothingInTheFile: on a SQLite file, the sealed identity
// of a case closed past its retention is gone from the database file and
// its WAL after the purge, and the canary never was in either in clear.
func TestPurgeLeavesNothingInTheFile(t *testing.T) {
	if testrig.Engine() != "sqlite" {
		t.Skip("reads the SQLite file")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cases.db")
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fx{d: d, clock: &clock{t: start}, users: map[string]access.Actor{}}
	f.orgs = org.NewService(d, regions)
	if _, err := f.orgs.InitRegion(ctx, testrig.Admin, "450102"); err != nil {
		t.Fatal(err)
	}
	f.accounts = account.NewService(d, testrig.FastParams, testPerms)
	if f.ppl, err = people.NewService(d, f.orgs, testKey); err != nil {
		t.Fatal(err)
	}
	if f.s, err = cases.NewService(d, f.orgs, f.accounts, regions, testKey); err != nil {
		t.Fatal(err)
	}
	f.s.WithClock(f.clock.Now)
	f.setUsers(t)
	runCanary(t, f)
	var sealed []byte
	if err := d.QueryRow(ctx, "SELECT sealed FROM case_vault").Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	files := func() []byte {
		var all []byte
		for _, p := range []string{path, path + "-wal"} {
			b, _ := os.ReadFile(p)
			all = append(all, b...)
		}
		return all
	}
	if !bytes.Contains(files(), sealed[:24]) {
		if err := d.Scrub(ctx); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(files(), sealed[:24]) {
			t.Fatal("the sealed identity is not in the file before the purge: the test would prove nothing")
		}
	}
	// Not yet: the retention runs 180 days from closure.
	f.clock.Set(start.Add(179 * 24 * time.Hour))
	if n, err := f.s.Purge(ctx); err != nil || n != 0 {
		t.Fatalf("purged %d early (%v)", n, err)
	}
	f.clock.Set(start.Add(181 * 24 * time.Hour))
	if n, err := f.s.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("purged %d (%v)", n, err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_vault"); n != 0 {
		t.Fatalf("%d vault rows left", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM outbox WHERE address IS NOT NULL"); n != 0 {
		t.Fatalf("%d sealed addresses left in the outbox", n)
	}
	check := func(when string) {
		b := files()
		if bytes.Contains(b, sealed[:24]) {
			t.Errorf("%s: the sealed identity is still in the database files", when)
		}
		for what, s := range canarySecrets() {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s: %s is in the database files", when, what)
			}
		}
	}
	check("open")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	check("closed")
}
