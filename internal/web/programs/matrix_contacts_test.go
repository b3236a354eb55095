package programs_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// contactLines are the matrix lines of the contact points' and the
// pairings' pages. Bodies pass the permission check and stop at
// validation: a contact point or a pairing of a township (which is neither
// a leader's organization nor a grassroots one), a rule for a township, a
// visit without topics, a negative target, a delivery of nothing.
var contactLines = []matrix.Line{
	matrix.L("GET /contacts", programs.ProgramsRead, nil, ""),
	matrix.L("GET /contacts/export.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /contacts/new", programs.ProgramsManage, nil, ""),
	matrix.L("POST /contacts/new", programs.ProgramsManage, matrix.OrgBody, "person_id=&leader_org_id={org}&org_id={org}&year=2026"),
	matrix.L("GET /contacts/rules", programs.ProgramsRead, nil, ""),
	matrix.L("POST /contacts/rules", programs.ProgramsManage, matrix.OrgBody, "rule_org={org}&min_visits=5"),
	matrix.L("GET /contacts/{id}", programs.ProgramsRead, contactPoint, ""),
	matrix.L("POST /contacts/{id}/visits", programs.ProgramsReport, contactPoint, "visited_on=2026-01-05&topics=&solved=0"),
	matrix.L("GET /pairings", programs.ProgramsRead, nil, ""),
	matrix.L("GET /pairings/export.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /pairings/new", programs.ProgramsManage, nil, ""),
	matrix.L("POST /pairings/new", programs.ProgramsManage, matrix.OrgBody, "agency_org_id={org}&grassroots_org_id={org}&from_year=2026"),
	matrix.L("GET /pairings/totals", programs.ProgramsRead, nil, ""),
	matrix.L("GET /pairings/totals.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /pairings/{id}", programs.ProgramsRead, pairing, ""),
	matrix.L("POST /pairings/{id}/commitments", programs.ProgramsManage, pairing, "year=2026&kind=funds&target=-1&content=帮扶资金"),
	matrix.L("POST /pairings/{id}/completions", programs.ProgramsReport, pairing, "year=2026&commitment_id=&amount=0&evidence="),
	matrix.L("GET /pairings/{id}/files/{fid}", programs.ProgramsRead, pairing, ""),
}

// contactAPILines are the lines of their JSON routes.
var contactAPILines = []matrix.Line{
	matrix.L("GET /api/v1/contacts", programs.ProgramsRead, nil, ""),
	matrix.L("POST /api/v1/contacts", programs.ProgramsManage, matrix.OrgBody, `{"person_id":0,"leader_org_id":{org},"org_id":{org},"year":2026}`),
	matrix.L("GET /api/v1/contacts/totals", programs.ProgramsRead, nil, ""),
	matrix.L("GET /api/v1/contacts/{id}", programs.ProgramsRead, contactPoint, ""),
	matrix.L("POST /api/v1/contacts/{id}/visits", programs.ProgramsReport, contactPoint, `{"visited_on":"2026-01-05","topics":""}`),
	matrix.L("GET /api/v1/contact-rules", programs.ProgramsRead, nil, ""),
	matrix.L("PUT /api/v1/contact-rules", programs.ProgramsManage, matrix.OrgBody, `{"org_id":{org},"min_visits":5}`),
	matrix.L("GET /api/v1/pairings", programs.ProgramsRead, nil, ""),
	matrix.L("POST /api/v1/pairings", programs.ProgramsManage, matrix.OrgBody, `{"agency_org_id":{org},"grassroots_org_id":{org},"from_year":2026}`),
	matrix.L("GET /api/v1/pairings/totals", programs.ProgramsRead, nil, ""),
	matrix.L("GET /api/v1/pairings/{id}", programs.ProgramsRead, pairing, ""),
	matrix.L("POST /api/v1/pairings/{id}/commitments", programs.ProgramsManage, pairing, `{"year":2026,"kind":"funds","target":-1,"content":"帮扶资金"}`),
	matrix.L("POST /api/v1/pairings/{id}/completions", programs.ProgramsReport, pairing, `{"commitment_id":0,"done_on":"2026-01-05","amount":0,"evidence":""}`),
	matrix.L("GET /api/v1/pairings/{id}/files/{fid}", programs.ProgramsRead, pairing, ""),
}

// contactMatrixLines are the contact points' and the pairings' part of
// the programmes' matrix: the module's matrix is Run with every part's
// lines.
var contactMatrixLines = slices.Concat(contactLines, contactAPILines)

// ctSerial tells apart the leaders the matrix registers.
var ctSerial atomic.Int32

// contactPoint is {id}: a contact point of the side's county leader at the
// side's village for 2026.
var contactPoint = &matrix.Object{Name: "contact point", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	first17 := fmt.Sprintf("%s19700101%03d", s.County.RegionCode[:6], 801+2*ctSerial.Add(1))
	p, err := app.Service[*people.Service](f.App).AddMember(ctx, testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: "矩阵领导", IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "研究生"},
		OrgID:       s.County.ID, Kind: "full", JoinedOn: "1995-07-01"})
	if err != nil {
		t.Fatalf("leader: %v", err)
	}
	c, err := app.Service[*programs.Service](f.App).CreateContact(ctx, testrig.Admin, programs.ContactInput{PersonID: p.ID, LeaderOrgID: s.County.ID, OrgID: s.Village.ID, Year: 2026, Post: "区委书记"})
	if err != nil {
		t.Fatalf("contact point: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(c.ID)}
}}

// pairing is {id} and {fid}: an organ's branch of the side's county paired
// with the side's village from 2026, with a funds commitment and a
// delivery carrying a photo.
var pairing = &matrix.Object{Name: "pairing", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	a, err := f.App.Core().Orgs.Create(ctx, testrig.Admin, org.Input{ParentID: s.County.ID, Name: "矩阵财政局机关党支部", Kind: "branch", Category: "organ"})
	if err != nil {
		t.Fatalf("agency: %v", err)
	}
	pg := app.Service[*programs.Service](f.App)
	p, err := pg.CreatePairing(ctx, testrig.Admin, programs.PairingInput{AgencyOrgID: a.ID, GrassrootsOrgID: s.Village.ID, FromYear: 2026})
	if err != nil {
		t.Fatalf("pairing: %v", err)
	}
	p, err = pg.AddCommitment(ctx, testrig.Admin, p.ID, programs.CommitmentInput{Year: 2026, Kind: "funds", Target: 50000, Content: "支持村集体经济"})
	if err != nil {
		t.Fatalf("commitment: %v", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 22, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p, err = pg.RecordCompletion(ctx, testrig.Admin, p.ID, programs.CompletionInput{CommitmentID: p.Commitments[0].ID, DoneOn: "2026-03-01", Amount: 10000, Evidence: "资金已拨付",
		Files: []cases.NamedFile{{Name: "回单.png", Data: b.Bytes()}}})
	if err != nil {
		t.Fatalf("completion: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(p.ID), "fid": fmt.Sprint(p.Commitments[0].Completions[0].Files[0].ID)}
}}

// ctOwnRoute reports whether a route is one of the contact points' or the
// pairings'.
func ctOwnRoute(route string) bool {
	for _, p := range []string{" /contacts", " /pairings", " /api/v1/contacts", " /api/v1/contact-rules", " /api/v1/pairings"} {
		if strings.Contains(route, p) {
			return true
		}
	}
	return false
}

// TestContactsLines checks that every route of the contact points and the
// pairings has its one line; TestMatrix runs them with every part's.
func TestContactsLines(t *testing.T) {
	t.Parallel()
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	routes, _ := matrix.RoutesOf(a, "programs")
	var own []string
	for _, rt := range routes {
		if key := rt.Method + " " + rt.Pattern; ctOwnRoute(key) {
			own = append(own, key)
		}
	}
	if len(own) != len(contactMatrixLines) {
		t.Errorf("%d routes of the contact points and pairings, %d lines", len(own), len(contactMatrixLines))
	}
	_, problems := matrix.Declarations("programs", routes, contactMatrixLines)
	for _, p := range problems {
		if ctOwnRoute(p) {
			t.Error(p)
		}
	}
}
