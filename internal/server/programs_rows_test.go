package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// programsRows records, over the API as admin, a venue, a rectification
// candidate, a contact point, a demonstration site nominated by the county,
// a pairing with a commitment and a first secretary (leader) at the
// community 450102001003, for tests that need rows in the programmes' lists
// and exports. leader is a member of the register.
func programsRows(t *testing.T, f *fixture, admin string, leader int64) {
	t.Helper()
	ctx := context.Background()
	today := time.Now().In(org.Shanghai)
	year := today.Year()
	get := func(code string) org.Org {
		l, _, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) == 0 {
			t.Fatalf("org %s: %v", code, err)
		}
		return l[0]
	}
	village, county := get("450102001003"), get("450102")
	agency, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: county.ID, Name: "打印测试财政局机关党支部", Kind: "branch", Category: "organ"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"PUT", fmt.Sprintf("/api/v1/orgs/%d/venue", village.ID), `{"area":250,"functions":["party_room","service_window"],"opening_hours":"周一至周五 8:30–17:30","address":"民生路 8 号"}`},
		{"POST", "/api/v1/rectification", fmt.Sprintf(`{"org_id":%d,"year":%d,"reason":"other","note":"打印测试：组织生活不正常"}`, village.ID, year)},
		{"POST", "/api/v1/contacts", fmt.Sprintf(`{"person_id":%d,"leader_org_id":%d,"org_id":%d,"year":%d,"post":"区委书记"}`, leader, county.ID, village.ID, year)},
		{"POST", "/api/v1/sites", fmt.Sprintf(`{"org_id":%d,"year":%d,"materials":"打印测试：以党建引领基层治理，建成党群服务中心，形成可复制的经验。"}`, village.ID, year)},
		{"POST", "/api/v1/pairings", fmt.Sprintf(`{"agency_org_id":%d,"grassroots_org_id":%d,"from_year":%d}`, agency.ID, village.ID, year)},
		{"POST", "/api/v1/first-secretaries", fmt.Sprintf(`{"person_id":%d,"org_id":%d,"home_agency":"打印测试市财政局","started_on":%q,"ends_on":%q,"duties":"建强村党组织"}`,
			leader, village.ID, today.Format("2006-01-02"), today.AddDate(2, 0, -1).Format("2006-01-02"))},
	} {
		st, out := f.call(t, c.method, c.path, admin, c.body)
		if st != 200 && st != 201 {
			t.Fatalf("%s %s: %d %v", c.method, c.path, st, out)
		}
		if c.path == "/api/v1/pairings" {
			if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/pairings/%d/commitments", int64(out["id"].(float64))), admin,
				fmt.Sprintf(`{"year":%d,"kind":"funds","target":50000,"content":"支持村集体经济"}`, year)); st != 201 {
				t.Fatalf("commitment: %d %v", st, out)
			}
		}
	}
}
