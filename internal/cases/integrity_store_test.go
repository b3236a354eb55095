package cases_test

import (
	"context"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
)

// TestIntegrityReportNeverReachesTheReported: a report about 兴宁社区 and
// its secretary is routed to 民生街道; the community's own accounts, any
// account inside it and the secretary's account see nothing of it — not
// the case, not a count, not a notice — while the street's and the
// county's integrity officers see it and service handlers never do.
func TestIntegrityReportNeverReachesTheReported(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	sec := f.cadre(t, f.comm, "李建国", "secretary", 11)
	// The secretary's own account holds an integrity grant at the street:
	// it would see the report but for the link to the person.
	self := f.user(t, "li.jianguo", access.IntegrityOfficer, f.street)
	if err := f.accounts.LinkPerson(ctx, testrigAdmin(), self.UserID, sec.ID); err != nil {
		t.Fatal(err)
	}
	rc := f.submit(t, cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", SubjectOrgID: f.comm.ID, SubjectPersonID: sec.ID,
		Body: "社区书记在低保评定中优亲厚友，把自己亲戚评为低保户。"})
	if _, err := f.s.Deliver(ctx, nil); err != nil {
		t.Fatal(err)
	}
	seers := map[string]bool{"street.officer": true, "county.officer": true}
	for name := range f.users {
		a := f.as(name)
		_, _, err := f.s.Get(ctx, a, rc.CaseID)
		list, total, lerr := f.s.List(ctx, a, cases.ListQuery{Integrity: true})
		if lerr != nil && errs.KindOf(lerr) != errs.Forbidden {
			t.Fatalf("%s list: %v", name, lerr)
		}
		// The residents' other cases never include it either.
		others, _, _ := f.s.List(ctx, a, cases.ListQuery{})
		for _, c := range others {
			if c.ID == rc.CaseID {
				t.Errorf("%s found the report among the other cases", name)
			}
		}
		st, serr := f.s.SubtreeStats(ctx, a, f.comm.ID)
		if serr == nil && st.ByKind[cases.KindIntegrity] != 0 && !seers[name] {
			t.Errorf("%s counts the report in the community's statistics", name)
		}
		notices, _, nerr := f.s.Notices(ctx, a, 50)
		if nerr != nil {
			t.Fatal(nerr)
		}
		sawNotice := false
		for _, n := range notices {
			if n.CaseID == rc.CaseID {
				sawNotice = true
			}
		}
		if seers[name] {
			if st, err := f.s.SubtreeStats(ctx, a, f.street.ID); err != nil || st.ByKind[cases.KindIntegrity] != 1 || st.Open != 1 {
				t.Errorf("%s: the street's statistics %+v %v", name, st, err)
			}
			if err != nil || total != 1 || len(list) != 1 {
				t.Errorf("%s: get %v, list %d", name, err, total)
			}
			continue
		}
		if errs.KindOf(err) != errs.NotFound || total != 0 || len(list) != 0 || sawNotice {
			t.Errorf("%s learned of the report: get %v, list %d, notice %v", name, err, total, sawNotice)
		}
	}
	// Only the street's officer, on the routed organization itself, is
	// told; the secretary's account is not, though it is granted there.
	if n := f.count(t, "SELECT COUNT(*) FROM notifications WHERE case_id = ?", rc.CaseID); n != 1 {
		t.Fatalf("%d notices of the report, want 1", n)
	}
	// The community's officer cannot be handed the case either.
	_ = f.take(t, "street.officer", rc.CaseID, cases.StepInput{Step: cases.StepAccept})
	_, err := f.s.Take(ctx, f.as("street.officer"), rc.CaseID, cases.StepInput{Step: cases.StepDispatch, OrgID: f.comm.ID})
	wantErr(t, err, errs.Invalid, "不能把廉洁举报派给被反映的组织或其下级")
}
