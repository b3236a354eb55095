package programs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// siteLines are the matrix lines of the demonstration sites' pages. Bodies
// pass the permission check and stop at validation or at the state: a
// nomination or a quota for a township (which is no nominating unit) in a
// year out of range, and every step of a site that was revoked. A step
// above the nominating unit (acceptance, designation, re-check,
// revocation) is refused to whoever does not hold its permission over the
// unit before the state is looked at; the state is said before the level
// above is asked for, so that the county's department, which may read the
// site, learns that it is revoked rather than that the city would decide.
var siteLines = []matrix.Line{
	matrix.L("GET /sites", programs.ProgramsRead, nil, ""),
	matrix.L("GET /sites/export.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /sites/new", programs.ProgramsManage, nil, ""),
	matrix.L("POST /sites/new", programs.ProgramsManage, matrix.OrgBody, "org_id={org}&year=1999&materials="),
	matrix.L("GET /sites/quotas", programs.ProgramsRead, nil, ""),
	matrix.L("POST /sites/quotas", programs.ProgramsManage, matrix.OrgBody, "quota_org={org}&quota_year=2026&min=2&max=3"),
	matrix.L("GET /sites/quotas.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /sites/spread", programs.ProgramsRead, nil, ""),
	matrix.L("GET /sites/spread.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /sites/{id}", programs.ProgramsRead, revokedSite, ""),
	matrix.L("POST /sites/{id}/cultivate", programs.ProgramsManage, revokedSite, "cultivate_on=2026-01-01&text="),
	matrix.L("POST /sites/{id}/accept", programs.ProgramsAccept, revokedSite, "decision=maybe&conclusion=&accept_on="),
	matrix.L("POST /sites/{id}/designate", programs.ProgramsAccept, revokedSite, "designate_year=1999&designate_on="),
	matrix.L("POST /sites/{id}/recheck", programs.ProgramsAccept, revokedSite, "recheck_year=1999&result=kept&reason=&recheck_on="),
	matrix.L("POST /sites/{id}/revoke", programs.ProgramsAccept, revokedSite, "revoke_reason=&revoke_on="),
	matrix.L("POST /sites/{id}/lead", programs.ProgramsManage, revokedSite, "org_id=&lead_year=1999"),
	matrix.L("GET /sites/{id}/files/{fid}", programs.ProgramsRead, revokedSite, ""),
}

// siteAPILines are the lines of their JSON routes.
var siteAPILines = []matrix.Line{
	matrix.L("GET /api/v1/sites", programs.ProgramsRead, nil, ""),
	matrix.L("POST /api/v1/sites", programs.ProgramsManage, matrix.OrgBody, `{"org_id":{org},"year":1999,"materials":""}`),
	matrix.L("GET /api/v1/sites/spread", programs.ProgramsRead, nil, ""),
	matrix.L("GET /api/v1/sites/tree", programs.ProgramsRead, nil, ""),
	matrix.L("GET /api/v1/sites/{id}", programs.ProgramsRead, revokedSite, ""),
	matrix.L("POST /api/v1/sites/{id}/cultivate", programs.ProgramsManage, revokedSite, `{"on_date":"2026-01-01","text":""}`),
	matrix.L("POST /api/v1/sites/{id}/accept", programs.ProgramsAccept, revokedSite, `{"decision":"maybe","conclusion":"","on_date":""}`),
	matrix.L("POST /api/v1/sites/{id}/designate", programs.ProgramsAccept, revokedSite, `{"year":1999,"on_date":""}`),
	matrix.L("POST /api/v1/sites/{id}/recheck", programs.ProgramsAccept, revokedSite, `{"year":1999,"result":"kept","reason":"","on_date":""}`),
	matrix.L("POST /api/v1/sites/{id}/revoke", programs.ProgramsAccept, revokedSite, `{"reason":"","on_date":""}`),
	matrix.L("POST /api/v1/sites/{id}/led", programs.ProgramsManage, revokedSite, `{"org_id":0,"year":1999}`),
	matrix.L("GET /api/v1/sites/{id}/files/{fid}", programs.ProgramsRead, revokedSite, ""),
	matrix.L("GET /api/v1/site-quotas", programs.ProgramsRead, nil, ""),
	matrix.L("PUT /api/v1/site-quotas", programs.ProgramsManage, matrix.OrgBody, `{"org_id":{org},"year":2026,"min":2,"max":3}`),
}

// siteMatrixLines are the demonstration sites' part of the programmes'
// matrix.
var siteMatrixLines = slices.Concat(siteLines, siteAPILines)

// revokedSite is {id} and {fid}: the side's village nominated by its
// county this year with a photo, cultivated, accepted with a photo,
// designated and then revoked, so that every step's form exists and is
// refused by the state once the permission is checked.
var revokedSite = &matrix.Object{Name: "demonstration site", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	pg := app.Service[*programs.Service](f.App)
	today := pg.Today()
	on := today.Format("2006-01-02")
	photo := []cases.NamedFile{{Name: "现场.png", Data: venueImage(t)}}
	x, err := pg.Nominate(ctx, testrig.Admin, programs.SiteInput{OrgID: s.Village.ID, Year: today.Year(), Materials: "以党建引领基层治理，建成党群服务中心，计划一年内形成可复制经验。", Files: photo})
	if err != nil {
		t.Fatalf("nominate: %v", err)
	}
	fid := x.Steps[0].Files[0].ID
	steps := []func() (programs.Site, error){
		func() (programs.Site, error) {
			return pg.Cultivate(ctx, testrig.Admin, x.ID, programs.SiteNoteInput{OnDate: on, Text: "召开创建推进会，明确任务清单。"})
		},
		func() (programs.Site, error) {
			return pg.AcceptSite(ctx, testrig.Admin, x.ID, programs.SiteAcceptInput{Decision: "pass", Conclusion: "阵地规范、制度落实，同意通过验收。", OnDate: on, Files: photo})
		},
		func() (programs.Site, error) {
			return pg.Designate(ctx, testrig.Admin, x.ID, programs.SiteDesignateInput{Year: today.Year(), OnDate: on})
		},
		func() (programs.Site, error) {
			return pg.RevokeSite(ctx, testrig.Admin, x.ID, programs.SiteRevokeInput{Reason: "矩阵测试撤销", OnDate: on})
		},
	}
	for _, step := range steps {
		if _, err := step(); err != nil {
			t.Fatalf("site step: %v", err)
		}
	}
	return matrix.Values{"id": fmt.Sprint(x.ID), "fid": fmt.Sprint(fid)}
}}

// siteOwnRoute reports whether a route is one of the demonstration
// sites'.
func siteOwnRoute(route string) bool {
	for _, p := range []string{" /sites", " /api/v1/sites", " /api/v1/site-quotas"} {
		if strings.Contains(route, p) {
			return true
		}
	}
	return false
}

// TestSitesLines checks that every route of the demonstration sites has
// its one line; TestMatrix runs them with every part's.
func TestSitesLines(t *testing.T) {
	t.Parallel()
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	routes, _ := matrix.RoutesOf(a, "programs")
	var own []string
	for _, rt := range routes {
		if key := rt.Method + " " + rt.Pattern; siteOwnRoute(key) {
			own = append(own, key)
		}
	}
	if len(own) != len(siteMatrixLines) {
		t.Errorf("%d routes of the demonstration sites, %d lines", len(own), len(siteMatrixLines))
	}
	_, problems := matrix.Declarations("programs", routes, siteMatrixLines)
	for _, p := range problems {
		if siteOwnRoute(p) {
			t.Error(p)
		}
	}
}
