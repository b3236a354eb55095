package cases_test

import (
	"context"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/org"
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
	// The audit log holds the step at the street, where its auditors and
	// its organization department read: they see the entry only if they
	// may also know of the report, and the cadre's account never does.
	both := f.user(t, "street.both", access.Auditor, f.street)
	for _, g := range []struct {
		user  int64
		role  access.Role
		orgID int64
	}{{both.UserID, access.IntegrityOfficer, f.street.ID}, {self.UserID, access.Auditor, f.street.ID}} {
		if err := f.accounts.Grant(ctx, testrigAdmin(), g.user, g.role, g.orgID); err != nil {
			t.Fatal(err)
		}
	}
	f.user(t, "street.auditor", access.Auditor, f.street)
	log := f.orgs.Audit()
	log.Restrict("integrity", func(ctx context.Context, a access.Actor) (string, []any, error) {
		return cases.IntegrityAudit(f.s, ctx, a)
	})
	for name, want := range map[string]int{"street.both": 1, "li.jianguo": 0, "street.auditor": 0, "county.admin": 0} {
		_, a, err := f.accounts.Login(ctx, name, "correct horse 42 battery", "test")
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := log.List(ctx, a, audit.Query{TargetType: "integrity"})
		if err != nil || len(got) != want {
			t.Errorf("%s reads %d audit entries of the report (%v), want %d", name, len(got), err, want)
		}
		all, _, _ := log.List(ctx, a, audit.Query{Limit: 500})
		for _, e := range all {
			if e.TargetType == "integrity" && want == 0 {
				t.Errorf("%s reads %+v", name, e)
			}
		}
	}
	_, err := f.s.Take(ctx, f.as("street.officer"), rc.CaseID, cases.StepInput{Step: cases.StepDispatch, OrgID: f.comm.ID})
	wantErr(t, err, errs.Invalid, "不能把廉洁举报派给被反映的组织或其下级")
}

// TestVisibleAgrees: for every account of the fixture and every case of
// every kind — at the community, the street and the county, dispatched
// down or not, about the community, its secretary or the street — the
// case page (sees, in Go) and the lists (parts, in SQL) agree on who sees
// what, with and without an organization to list under.
func TestVisibleAgrees(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	sec := f.cadre(t, f.comm, "李建国", "secretary", 11)
	self := f.user(t, "li.jianguo", access.IntegrityOfficer, f.street)
	if err := f.accounts.LinkPerson(ctx, testrigAdmin(), self.UserID, sec.ID); err != nil {
		t.Fatal(err)
	}
	f.user(t, "both", access.IntegrityOfficer, f.comm)
	var ids []int64
	add := func(r cases.Report, dispatch int64) {
		rc := f.submit(t, r)
		ids = append(ids, rc.CaseID)
		if dispatch != 0 {
			if _, err := f.s.Take(ctx, testrigAdmin(), rc.CaseID, cases.StepInput{Step: cases.StepAccept}); err != nil {
				t.Fatalf("accept: %v", err)
			}
			if _, err := f.s.Take(ctx, testrigAdmin(), rc.CaseID, cases.StepInput{Step: cases.StepDispatch, OrgID: dispatch}); err != nil {
				t.Fatalf("dispatch: %v", err)
			}
		}
	}
	add(cases.Report{Kind: cases.KindService, RegionCode: "450102001003"}, 0)
	add(cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "elderly"}, f.comm.ID)
	add(cases.Report{Kind: cases.KindOpinion, RegionCode: "450102", Topic: "elderly"}, f.street.ID)
	add(cases.Report{Kind: cases.KindMediation, RegionCode: "450102101"}, 0)
	add(cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", SubjectOrgID: f.comm.ID, SubjectPersonID: sec.ID}, 0)
	add(cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001", SubjectText: "街道干部"}, 0)
	add(cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102101", SubjectText: "镇干部"}, 0)
	for name := range f.users {
		a := f.as(name)
		for _, integrity := range []bool{false, true} {
			for _, under := range []int64{0, f.county.ID, f.street.ID, f.comm.ID} {
				list, _, err := f.s.List(ctx, a, cases.ListQuery{Integrity: integrity, OrgID: under, Limit: 200})
				if err != nil {
					continue // a reader without the permission, or an organization outside the scope
				}
				listed := map[int64]bool{}
				for _, c := range list {
					listed[c.ID] = true
				}
				for _, id := range ids {
					c, _, gerr := f.s.Get(ctx, a, id)
					if gerr != nil {
						if listed[id] {
							t.Errorf("%s lists case %d (integrity %v, under %d) but may not open it", name, id, integrity, under)
						}
						continue
					}
					if (c.Kind == cases.KindIntegrity) != integrity {
						continue
					}
					inUnder := under == 0 || within(f, c, under)
					if listed[id] != inUnder {
						t.Errorf("%s: case %d (integrity %v, under %d) opens, listed %v, want %v", name, id, integrity, under, listed[id], inUnder)
					}
				}
			}
		}
	}
}

// within reports whether c's organization or the one it was dispatched to
// lies in the subtree of org id.
func within(f *fx, c cases.Case, id int64) bool {
	for _, o := range []int64{c.OrgID, c.HandlerOrgID} {
		if o == 0 {
			continue
		}
		ref, _ := org.Lookup(context.Background(), f.d, o)
		root, _ := org.Lookup(context.Background(), f.d, id)
		if access.Within(ref.Path, root.Path) {
			return true
		}
	}
	return false
}
