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
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// venueLines are the matrix lines of the venue pages. Bodies pass the
// permission check and stop at validation: a negative area, an upload
// without a photo, a standard on a township (which only a county or the
// city may set); a deletion deletes a photo made anew for each request.
var venueLines = []matrix.Line{
	matrix.L("GET /venues", programs.ProgramsRead, nil, ""),
	matrix.L("GET /venues/export.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("GET /venues/open", programs.ProgramsRead, nil, ""),
	matrix.L("GET /venues/orgs/{id}", programs.ProgramsRead, venueVillage, ""),
	matrix.L("GET /venues/orgs/{id}/edit", programs.ProgramsReport, venueVillage, ""),
	matrix.L("POST /venues/orgs/{id}/edit", programs.ProgramsReport, venueVillage, "area=-1&functions=party_room&opening_hours=&address="),
	matrix.L("POST /venues/orgs/{id}/photos", programs.ProgramsReport, venueVillage, "file:"),
	matrix.L("GET /venues/orgs/{id}/photos/{fid}", programs.ProgramsRead, venuePhoto, ""),
	matrix.L("POST /venues/orgs/{id}/photos/{fid}/delete", programs.ProgramsReport, freshVenuePhoto, ""),
	matrix.L("GET /venues/standards", programs.ProgramsRead, nil, ""),
	matrix.L("POST /venues/standards", programs.ProgramsManage, matrix.OrgBody, "org_id={org}&kind=rural&min_area=-1"),
	matrix.L("POST /venues/standards/clear", programs.ProgramsManage, matrix.OrgBody, "org_id={org}&kind=rural"),
}

// venueAPILines are the lines of the venues' JSON routes.
var venueAPILines = []matrix.Line{
	matrix.L("GET /api/v1/venues", programs.ProgramsRead, nil, ""),
	matrix.L("GET /api/v1/orgs/{id}/venue", programs.ProgramsRead, venueVillage, ""),
	matrix.L("PUT /api/v1/orgs/{id}/venue", programs.ProgramsReport, venueVillage, `{"area":-1,"functions":["party_room"],"opening_hours":"","address":""}`),
	matrix.L("GET /api/v1/orgs/{id}/venue/photos", programs.ProgramsRead, venueVillage, ""),
	matrix.L("POST /api/v1/orgs/{id}/venue/photos", programs.ProgramsReport, venueVillage, `{"photos":[]}`),
	matrix.L("GET /api/v1/orgs/{id}/venue/photos/{fid}", programs.ProgramsRead, venuePhoto, ""),
	matrix.L("DELETE /api/v1/orgs/{id}/venue/photos/{fid}", programs.ProgramsReport, freshVenuePhoto, ""),
	matrix.L("GET /api/v1/orgs/{id}/venue-standards", programs.ProgramsRead, venueTownship, ""),
	matrix.L("PUT /api/v1/orgs/{id}/venue-standards/{kind}", programs.ProgramsManage, venueTownship, `{"min_area":-1}`),
	matrix.L("DELETE /api/v1/orgs/{id}/venue-standards/{kind}", programs.ProgramsManage, venueTownship, ""),
}

// venueVillage is {id}: the side's village, whose venue the routes read
// and record.
var venueVillage = &matrix.Object{Name: "venue's organization", Make: func(_ testing.TB, _ *matrix.Fixture, s matrix.Side) matrix.Values {
	return matrix.Values{"id": fmt.Sprint(s.Village.ID)}
}}

// venueTownship is {id} and {kind}: the side's township and a kind of
// standard, which a township may not set.
var venueTownship = &matrix.Object{Name: "standard's organization", Make: func(_ testing.TB, _ *matrix.Fixture, s matrix.Side) matrix.Values {
	return matrix.Values{"id": fmt.Sprint(s.Township.ID), "kind": "rural"}
}}

// makeVenuePhoto records the venue of o if it has none, removes its photos
// and adds one.
func makeVenuePhoto(t testing.TB, f *matrix.Fixture, o org.Org) matrix.Values {
	ctx := context.Background()
	pg := app.Service[*programs.Service](f.App)
	v, err := pg.Venue(ctx, testrig.Admin, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Venue == nil {
		if _, err := pg.SaveVenue(ctx, testrig.Admin, o.ID, programs.VenueInput{Area: 220, Functions: []string{"party_room"}, OpeningHours: "周一至周五", Address: "矩阵村"}); err != nil {
			t.Fatal(err)
		}
	} else {
		for _, p := range v.Venue.Photos {
			if err := pg.DeleteVenuePhoto(ctx, testrig.Admin, o.ID, p.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	added, err := pg.AddVenuePhotos(ctx, testrig.Admin, o.ID, []cases.NamedFile{{Name: "门头.png", Data: venueImage(t)}})
	if err != nil {
		t.Fatal(err)
	}
	return matrix.Values{"id": fmt.Sprint(o.ID), "fid": fmt.Sprint(added[0].ID)}
}

// venuePhoto is {id} and {fid}: a photo of the side's village's venue.
var venuePhoto = &matrix.Object{Name: "venue photo", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	return makeVenuePhoto(t, f, s.Village)
}}

// freshVenuePhoto is a photo of the side's township's venue, made anew for
// every request, which deletes it.
var freshVenuePhoto = &matrix.Object{Name: "venue photo to delete", Fresh: true, Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	return makeVenuePhoto(t, f, s.Township)
}}

// venueMatrixLines are the venues' part of the programmes' matrix: the
// module's matrix is Run with every part's lines.
var venueMatrixLines = slices.Concat(venueLines, venueAPILines)

// venueRoute reports whether a route (or a problem naming one) is the
// venues'.
func venueRoute(s string) bool {
	return strings.Contains(s, " /venues") || strings.Contains(s, "/venue")
}

// TestVenueLines checks that every route of the venues has its one line of
// the matrix, and no line names a route that is not served. The
// programmes' matrix is Run once for the whole module, with every part's
// lines (venueMatrixLines among them), by the test that runs it.
func TestVenueLines(t *testing.T) {
	t.Parallel()
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	routes, _ := matrix.RoutesOf(a, "programs")
	n := 0
	for _, rt := range routes {
		if venueRoute(rt.Method + " " + rt.Pattern) {
			n++
		}
	}
	if n != len(venueMatrixLines) || n != 22 {
		t.Errorf("%d routes of the venues, %d lines; want 22 of each", n, len(venueMatrixLines))
	}
	_, problems := matrix.Declarations("programs", routes, venueMatrixLines)
	for _, p := range problems {
		if venueRoute(p) {
			t.Error(p)
		}
	}
}
