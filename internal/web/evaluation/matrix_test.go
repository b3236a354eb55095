package evaluation_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix of the evaluation module (internal/testrig/matrix): one
// line per route of its pages and JSON handlers, the public ballot's included.
// A route without its line fails the test.
var lines = []matrix.Line{
	matrix.L("GET /vote", matrix.Public, nil, ""),
	matrix.L("POST /vote", matrix.Public, nil, "c="),
	matrix.L("GET /vote/ballot", matrix.Public, nil, ""),
	matrix.L("POST /vote/review", matrix.Public, nil, "c="),
	matrix.L("GET /vote/review", matrix.Public, nil, ""),
	matrix.L("POST /vote/submit", matrix.Public, nil, "c="),
	matrix.L("GET /vote/files/{id}", matrix.Public, nil, ""),
	matrix.L("GET /bulletin/{id}", matrix.Public, nil, ""),
	matrix.L("POST /bulletin/{id}", matrix.Public, nil, "t="),
	matrix.L("GET /evaluation", evaluation.EvaluationRead, nil, ""),
	matrix.L("GET /evaluation/export.xlsx", evaluation.EvaluationRead, nil, ""),
	matrix.L("GET /evaluation/new", evaluation.EvaluationManage, nil, ""),
	matrix.L("POST /evaluation/new", evaluation.EvaluationManage, matrix.OrgBody, "owner_org_id={org}&name=&type=village_secretary&year=2026"),
	matrix.L("GET /evaluation/{id}", evaluation.EvaluationRead, campaign, ""),
	matrix.L("GET /evaluation/{id}/edit", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/edit", evaluation.EvaluationManage, campaign, "name="),
	matrix.L("POST /evaluation/{id}/edit/check", evaluation.EvaluationManage, campaign, "name="),
	matrix.L("POST /evaluation/{id}/delete", evaluation.EvaluationManage, campaign, "version=-1"),
	matrix.L("POST /evaluation/{id}/open", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/close", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/publish", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/subjects", evaluation.EvaluationManage, campaign, "kind=person&name="),
	matrix.L("POST /evaluation/{id}/subjects/under", evaluation.EvaluationManage, campaign, "under=0&level="),
	matrix.L("POST /evaluation/{id}/subjects/{sid}/remove", evaluation.EvaluationManage, subject, "version=-1"),
	matrix.L("GET /evaluation/{id}/subjects/import", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/subjects/import", evaluation.EvaluationManage, campaign, "file:单位,姓名\n,\n"),
	matrix.L("GET /evaluation/{id}/subjects/import/template.xlsx", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/subjects/import/{sid}/apply", evaluation.EvaluationManage, campaignSession, ""),
	matrix.L("POST /evaluation/{id}/subjects/{sid}/files", evaluation.EvaluationManage, subject, "file:"),
	matrix.L("POST /evaluation/{id}/subjects/{sid}/files/{fid}/remove", evaluation.EvaluationManage, freshFile, ""),
	matrix.L("GET /evaluation/{id}/files/{fid}", evaluation.EvaluationRead, file, ""),
	matrix.L("POST /evaluation/{id}/tokens", evaluation.EvaluationManage, campaign, "group=&n=0"),
	matrix.L("GET /evaluation/{id}/slips/{ticket}", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/tokens/revoke", evaluation.EvaluationManage, campaign, "code="),
	matrix.L("POST /evaluation/{id}/tokens/batches/{batch}/void", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /evaluation/{id}/tokens/export.xlsx", evaluation.EvaluationManage, campaign, "group=&n=0"),
	matrix.L("GET /evaluation/{id}/results", evaluation.EvaluationRead, campaign, ""),
	matrix.L("GET /evaluation/{id}/results.xlsx", evaluation.EvaluationRead, campaign, ""),
	matrix.L("GET /evaluation/{id}/comments.xlsx", evaluation.EvaluationRead, campaign, ""),
	matrix.L("GET /api/v1/campaigns/{id}/comments", evaluation.EvaluationRead, campaign, ""),
	matrix.L("GET /api/v1/campaigns", evaluation.EvaluationRead, nil, ""),
	matrix.L("POST /api/v1/campaigns", evaluation.EvaluationManage, matrix.OrgBody, `{"owner_org_id":{org},"name":"","year":2026}`),
	matrix.L("GET /api/v1/campaigns/{id}", evaluation.EvaluationRead, campaign, ""),
	matrix.L("PUT /api/v1/campaigns/{id}/rules", evaluation.EvaluationManage, campaign, `{}`),
	matrix.L("GET /api/v1/campaigns/{id}/subjects", evaluation.EvaluationRead, campaign, ""),
	matrix.L("POST /api/v1/campaigns/{id}/subjects", evaluation.EvaluationManage, campaign, `{"subjects":[]}`),
	matrix.L("POST /api/v1/campaigns/{id}/subjects/import", evaluation.EvaluationManage, campaign, "file:单位,姓名\n,\n"),
	matrix.L("GET /api/v1/campaigns/{id}/subjects/{sid}/files", evaluation.EvaluationRead, subject, ""),
	matrix.L("POST /api/v1/campaigns/{id}/subjects/{sid}/files", evaluation.EvaluationManage, subject, "file:"),
	matrix.L("GET /api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", evaluation.EvaluationRead, file, ""),
	matrix.L("DELETE /api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", evaluation.EvaluationManage, freshFile, ""),
	matrix.L("POST /api/v1/campaigns/{id}/open", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /api/v1/campaigns/{id}/close", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /api/v1/campaigns/{id}/publish", evaluation.EvaluationManage, campaign, ""),
	matrix.L("POST /api/v1/campaigns/{id}/tokens", evaluation.EvaluationManage, campaign, `{"group":"","count":0}`),
	matrix.L("POST /api/v1/campaigns/{id}/tokens/revoke", evaluation.EvaluationManage, campaign, `{"code":""}`),
	matrix.L("GET /api/v1/campaigns/{id}/results", evaluation.EvaluationRead, campaign, ""),
	matrix.L("GET /api/v1/campaigns/{id}/flags", evaluation.EvaluationRead, campaign, ""),
	matrix.L("POST /api/v1/public/ballots", matrix.Public, nil, `{"token":"","scores":{}}`),
	matrix.L("GET /api/v1/public/campaigns/{id}/bulletin", matrix.Public, nil, ""),
	matrix.L("GET /api/v1/campaigns/export.xlsx", evaluation.EvaluationRead, nil, ""),
	matrix.L("GET /api/v1/campaigns/{id}/subjects/import/template.xlsx", evaluation.EvaluationManage, campaign, ""),
	matrix.L("GET /api/v1/campaigns/{id}/results.xlsx", evaluation.EvaluationRead, campaign, ""),
}

// The objects of the evaluation paths.
var (
	// campaign is {id}: a campaign of the township, not yet open.
	campaign = &matrix.Object{Name: "campaign", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		rules := evaluation.TemplateVillageSecretary()
		c, err := service(f).CreateCampaign(context.Background(), testrig.Admin, evaluation.CampaignInput{OwnerOrgID: s.Township.ID, Name: "矩阵测评", Type: rules.Type, Year: 2026,
			OpensAt: time.Now().Add(24 * time.Hour), ClosesAt: time.Now().Add(48 * time.Hour), Rules: rules})
		if err != nil {
			t.Fatalf("campaign: %v", err)
		}
		return matrix.Values{"id": fmt.Sprint(c.ID)}
	}}
	// subject is {id}, {sid}: the campaign and its subject, the village.
	subject = &matrix.Object{Name: "subject", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		c := f.Of(t, campaign, s)
		subs, err := service(f).AddSubjects(context.Background(), testrig.Admin, num(t, c["id"]), []evaluation.SubjectInput{{Kind: "org", OrgID: s.Village.ID}})
		if err != nil {
			t.Fatalf("subject: %v", err)
		}
		return matrix.Values{"id": c["id"], "sid": fmt.Sprint(subs[0].ID)}
	}}
	// file is {id}, {sid}, {fid}: the campaign, its subject and a report file.
	file = &matrix.Object{Name: "report file", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		v := f.Of(t, subject, s)
		fid, err := attach(t, f, v)
		if err != nil {
			t.Fatalf("attach: %v", err)
		}
		return matrix.Values{"id": v["id"], "sid": v["sid"], "fid": fid}
	}}
	// freshFile is file, attached for this request (it is removed). Once the
	// campaign has been opened by an earlier request, files can neither be
	// attached nor removed: the kept one serves.
	freshFile = &matrix.Object{Name: "fresh report file", Fresh: true, Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		v := f.Of(t, file, s)
		fid, err := attach(t, f, v)
		if err != nil {
			fid = v["fid"]
		}
		return matrix.Values{"id": v["id"], "sid": v["sid"], "fid": fid}
	}}
	// campaignSession is {id}, {sid}: the campaign and an import session
	// that does not exist.
	campaignSession = &matrix.Object{Name: "subject import session", Missing: true, Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		return matrix.Values{"id": f.Of(t, campaign, s)["id"], "sid": matrix.NoSession}
	}}
)

func service(f *matrix.Fixture) *evaluation.Service { return app.Service[*evaluation.Service](f.App) }

// attach adds a one-page PDF to the subject of v and returns its id.
func attach(t testing.TB, f *matrix.Fixture, v matrix.Values) (string, error) {
	fs, err := service(f).AttachFiles(context.Background(), testrig.Admin, num(t, v["id"]), num(t, v["sid"]), []evaluation.Upload{{Name: "述职报告.pdf", Data: reportPDF()}})
	if err != nil {
		return "", err
	}
	return fs[0].ID, nil
}

// num reads an id back from a path value.
func num(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// reportPDF is a one-page PDF.
func reportPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, "evaluation", lines)
}
