package programs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/ids"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// fsecLines are the matrix lines of the first secretaries' pages and JSON
// routes. Bodies pass the permission check and stop at validation: a
// dispatch to a township (not a village) without a person, a review of
// 1999, a log entry without text before the term, an end of no known kind.
var fsecLines = []matrix.Line{
	matrix.L("GET /first-secretaries", programs.ProgramsRead, nil, ""),
	matrix.L("GET /first-secretaries/export.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /first-secretaries/new", programs.ProgramsManage, nil, ""),
	matrix.L("POST /first-secretaries/new", programs.ProgramsManage, matrix.OrgBody, "person_id=&org_id={org}&home_agency=&started_on=&ends_on=&duties="),
	matrix.L("GET /first-secretaries/review", programs.ProgramsManage, nil, ""),
	matrix.L("POST /first-secretaries/review", programs.ProgramsManage, matrix.OrgBody, "org_id={org}&year=1999&opens_on=&closes_on="),
	matrix.L("GET /first-secretaries/{id}", programs.ProgramsRead, fsecTerm, ""),
	matrix.L("POST /first-secretaries/{id}/logs", programs.ProgramsReport, fsecTerm, "logged_on=1999-01-01&text="),
	matrix.L("POST /first-secretaries/{id}/end", programs.ProgramsManage, fsecTerm, "kind=maybe&ended_on=1999-01-01"),
	matrix.L("GET /first-secretaries/{id}/photos/{pid}", programs.ProgramsRead, fsecTerm, ""),
	matrix.L("GET /api/v1/first-secretaries", programs.ProgramsRead, nil, ""),
	matrix.L("POST /api/v1/first-secretaries", programs.ProgramsManage, matrix.OrgBody, `{"person_id":0,"org_id":{org},"home_agency":"","started_on":"1999-01-01","ends_on":"1999-01-02","duties":""}`),
	matrix.L("POST /api/v1/first-secretaries/reviews", programs.ProgramsManage, matrix.OrgBody, `{"org_id":{org},"year":1999,"opens_on":"1999-01-01","closes_on":"1999-01-02"}`),
	matrix.L("GET /api/v1/first-secretaries/{id}", programs.ProgramsRead, fsecTerm, ""),
	matrix.L("POST /api/v1/first-secretaries/{id}/end", programs.ProgramsManage, fsecTerm, `{"kind":"maybe","ended_on":"1999-01-01"}`),
	matrix.L("GET /api/v1/first-secretaries/{id}/logs", programs.ProgramsRead, fsecTerm, ""),
	matrix.L("POST /api/v1/first-secretaries/{id}/logs", programs.ProgramsReport, fsecTerm, `{"logged_on":"1999-01-01","text":""}`),
	matrix.L("GET /api/v1/first-secretaries/{id}/photos/{pid}", programs.ProgramsRead, fsecTerm, ""),
}

// fsecSerial tells apart the first secretaries the matrix registers.
var fsecSerial atomic.Int32

// fsecTerm is {id} and {pid}: a first secretary of the side's village since
// a month ago, with a log entry carrying a photo.
var fsecTerm = &matrix.Object{Name: "first secretary's term", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	first17 := fmt.Sprintf("%s19820101%03d", s.County.RegionCode[:6], 601+2*fsecSerial.Add(1))
	p, err := app.Service[*people.Service](f.App).AddMember(ctx, testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: "矩阵第一书记", IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       s.County.ID, Kind: "full", JoinedOn: "2006-07-01"})
	if err != nil {
		t.Fatalf("first secretary: %v", err)
	}
	pg := app.Service[*programs.Service](f.App)
	today := pg.Today()
	fs, err := pg.Dispatch(ctx, testrig.Admin, programs.FirstSecInput{PersonID: p.ID, OrgID: s.Village.ID, HomeAgency: "矩阵市财政局",
		StartedOn: today.AddDate(0, -1, 0).Format("2006-01-02"), EndsOn: today.AddDate(2, -1, 0).Format("2006-01-02"), Duties: "建强村党组织"})
	if err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	l, err := pg.AddFirstSecLog(ctx, testrig.Admin, fs.ID, programs.FirstSecLogInput{LoggedOn: today.Format("2006-01-02"), Text: "走访农户 5 户",
		Files: []cases.NamedFile{{Name: "走访.png", Data: venueImage(t)}}})
	if err != nil {
		t.Fatalf("log: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(fs.ID), "pid": fmt.Sprint(l.Photos[0].ID)}
}}

// TestFsecLines checks that every route of the first secretaries has its
// one line; TestMatrix runs them with every part's.
func TestFsecLines(t *testing.T) {
	t.Parallel()
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	routes, _ := matrix.RoutesOf(a, "programs")
	own := func(route string) bool { return strings.Contains(route, "/first-secretaries") }
	var mine []string
	for _, rt := range routes {
		if key := rt.Method + " " + rt.Pattern; own(key) {
			mine = append(mine, key)
		}
	}
	if len(mine) != len(fsecLines) {
		t.Errorf("%d routes of the first secretaries, %d lines", len(mine), len(fsecLines))
	}
	_, problems := matrix.Declarations("programs", routes, fsecLines)
	for _, p := range problems {
		if own(p) {
			t.Error(p)
		}
	}
}
