package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// part is one file of a multipart upload.
type part struct {
	name string
	data []byte
}

// multipartBody encodes files under the form field "file".
func multipartBody(files ...part) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range files {
		fw, _ := mw.CreateFormFile("file", p.name)
		_, _ = fw.Write(p.data) // into a bytes.Buffer, which does not fail
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &buf
}

// send posts files to the API and decodes the JSON answer.
func (f *fixture) send(t *testing.T, path, token string, files ...part) (int, map[string]any) {
	t.Helper()
	ct, body := multipartBody(files...)
	req, _ := http.NewRequest("POST", f.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// postFiles posts files from the browser, as the campaign page's forms do.
func (b *browser) postFiles(t *testing.T, path string, files ...part) (int, string, string) {
	t.Helper()
	ct, body := multipartBody(files...)
	resp, err := b.c.Post(b.base+path, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.RequestURI(), string(out)
}

// staffWorkbook is a 千企议科长 list as an .xlsx file: three agencies, two
// sections each, and a 科长, a 副科长 and a 科员 in every section.
func staffWorkbook(t *testing.T) []byte {
	t.Helper()
	x := excelize.NewFile()
	rows := [][]string{{"类型", "姓名或名称", "职务", "单位（部门）", "科室", "党组织代码或ID", "评委组", "述职报告"}}
	n := 0
	for _, a := range [][3]string{{"兴宁区行政审批局", "企业登记科", "投资项目审批科"}, {"兴宁区市场监督管理局", "登记注册科", "食品安全科"}, {"兴宁区住房和城乡建设局", "建筑管理科", "房地产市场科"}} {
		for _, sec := range a[1:] {
			for _, post := range []string{"科长", "副科长", "科员"} {
				n++
				groups := ""
				if post == "科员" {
					groups = "企业,服务对象"
				}
				rows = append(rows, []string{"个人", fmt.Sprintf("干部%02d", n), post, a[0], sec, "", groups, ""})
			}
		}
	}
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := x.SetCellStr("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gbk encodes text as Chinese editions of Excel save CSV.
func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// qianqi creates a draft 千企议科长 owned by 民生街道 through the API.
func (f *fixture) qianqi(t *testing.T, token string) int64 {
	t.Helper()
	town, _ := f.evalTown(t, token, 1)
	st, c := f.call(t, "POST", "/api/v1/campaigns", token, campaignBody(town, "2026年度民生街道“千企议科长”评议", `,"type":"qianqi","template":"qianqi"`))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	return int64(c["id"].(float64))
}

const frozenMsg = "测评已开始，指标、评委组、权重和阈值不能再修改"

func TestEvalSubjectImportAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	id := f.qianqi(t, tok)
	path := fmt.Sprintf("/api/v1/campaigns/%d/subjects/import", id)

	st, out := f.send(t, path, tok, part{"科长名单.xlsx", staffWorkbook(t)})
	if st != 201 || out["status"] != "ready" || out["total_rows"].(float64) != 18 || out["campaign_id"].(float64) != float64(id) || len(out["problems"].([]any)) != 0 {
		t.Fatalf("validate: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), tok, "")
	if st != 200 || out["created"].(float64) != 18 {
		t.Fatalf("apply: %d %v", st, out)
	}
	subjects := func() []any {
		t.Helper()
		st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), tok, "")
		if st != 200 {
			t.Fatalf("subjects: %d %v", st, out)
		}
		return out["items"].([]any)
	}
	items := subjects()
	if len(items) != 18 {
		t.Fatalf("%d subjects, want 18", len(items))
	}
	for i, want := range map[int]string{0: "干部01 科长 兴宁区行政审批局 企业登记科 []", 5: "干部06 科员 兴宁区行政审批局 投资项目审批科 [enterprise served]",
		10: "干部11 副科长 兴宁区市场监督管理局 食品安全科 []", 17: "干部18 科员 兴宁区住房和城乡建设局 房地产市场科 [enterprise served]"} {
		s := items[i].(map[string]any)
		if got := fmt.Sprint(s["name"], " ", s["post"], " ", s["unit"], " ", s["section"], " ", s["groups"]); got != want {
			t.Errorf("subject %d: %s, want %s", i+1, got, want)
		}
	}

	// A CSV saved by Excel in GBK with bad rows: every problem by row and
	// column, and nothing added.
	csv := "类型,姓名或名称,职务,单位（部门）,科室,党组织代码或ID,评委组,述职报告\n" +
		"个人,李娜,,兴宁区行政审批局,企业登记科,,,\n" +
		"个人,干部01,科长,兴宁区行政审批局,企业登记科,,,\n" +
		"党组织,,,,,999999,,\n" +
		"个人,王强,科员,兴宁区教育局,,,村民代表,\n" +
		"党组织,,,,,450102101,,\n"
	st, out = f.send(t, path, tok, part{"名单.csv", gbk(t, csv)})
	var got []string
	for _, p := range out["problems"].([]any) {
		got = append(got, p.(map[string]any)["message"].(string))
	}
	want := []string{
		"第 2 行“职务”：请填写职务",
		"第 3 行“姓名或名称”：“干部01”（兴宁区行政审批局 · 企业登记科）已是本次测评的对象",
		"第 4 行“党组织代码或ID”：党组织 999999 不存在或不在您的管理范围内",
		"第 5 行“评委组”：评委组“村民代表”不在本次测评中，可填：企业、项目业主、服务对象",
		"第 6 行“党组织代码或ID”：区划代码 450102101 对应的党组织不存在或不在您的管理范围内",
	}
	if st != 201 || out["status"] != "invalid" || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("bad file: %d %v\n%s", st, out["status"], strings.Join(got, "\n"))
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), tok, "")
	if st != 400 || errMsg(out) != "文件有 5 行错误，请修改后重新上传，未导入任何数据" {
		t.Fatalf("apply a bad file: %d %v", st, out)
	}
	if n := len(subjects()); n != 18 {
		t.Fatalf("%d subjects after a refused file, want 18", n)
	}
	st, out = f.send(t, path, tok, part{"x.xlsx", []byte("PK\x03\x04 not a workbook")})
	if st != 400 || errMsg(out) != "文件不是有效的 Excel（.xlsx）或 CSV 文件，请用 Excel 另存为 .xlsx 后再导入" {
		t.Fatalf("broken file: %d %v", st, out)
	}

	// An auditor may read the campaign but not import into it.
	st, out = f.send(t, path, f.token(t, "auditor"), part{"科长名单.xlsx", staffWorkbook(t)})
	if st != 403 || errMsg(out) != "您没有管理该测评的权限" {
		t.Fatalf("auditor: %d %v", st, out)
	}
	// Once open, the subjects are frozen.
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/open", id), tok, ""); st != 200 {
		t.Fatalf("open: %d %v", st, out)
	}
	st, out = f.send(t, path, tok, part{"科长名单.xlsx", staffWorkbook(t)})
	if st != 409 || errMsg(out) != frozenMsg {
		t.Fatalf("import into an open campaign: %d %v", st, out)
	}
}

func TestEvalSubjectImportPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	id := f.qianqi(t, tok)
	b := f.browser(t, "street_admin")
	base := fmt.Sprintf("/evaluation/%d", id)

	if body := b.get(t, base); !strings.Contains(body, `<a class="btn" href="`+base+`/subjects/import">从 Excel 导入测评对象</a>`) {
		t.Fatal("the campaign page lacks the import link")
	}
	if body := b.get(t, base+"/subjects/import"); !strings.Contains(body, `href="`+base+`/subjects/import/template.xlsx"`) ||
		!strings.Contains(body, `action="`+base+`/subjects/import" enctype="multipart/form-data"`) {
		t.Fatal("the import page lacks the template or the form")
	}
	cd, rows := b.xlsx(t, base+"/subjects/import/template.xlsx")
	if !strings.Contains(cd, "测评对象导入模板") || strings.Join(rows[0], ",") != "类型,姓名或名称*,职务*,单位（部门）*,科室,党组织代码或ID,评委组,述职报告" ||
		strings.Join(rows[1], ",") != "个人,王芳,科长,南宁市行政审批局,企业登记科,,企业、项目业主" {
		t.Fatalf("template %s: %v", cd, rows[:2])
	}

	st, _, body := b.postFiles(t, base+"/subjects/import", part{"名单.csv", []byte("姓名,职务,单位\n李娜,,兴宁区行政审批局\n")})
	if st != 200 || !strings.Contains(text(body), "第 2 行“职务”：请填写职务") || strings.Contains(body, "/apply") {
		t.Fatalf("bad file: %d %s", st, text(body))
	}
	st, _, body = b.postFiles(t, base+"/subjects/import", part{"科长名单.xlsx", staffWorkbook(t)})
	m := regexp.MustCompile(`action="(` + base + `/subjects/import/[0-9a-f]+/apply)"`).FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(text(body), "校验通过，可导入的行数： 18") || row(t, body, "干部06") != "7 干部06 科员 兴宁区行政审批局 投资项目审批科 企业、服务对象 —" {
		t.Fatalf("preview: %d %s", st, text(body))
	}
	st, at, body := b.status(t, "POST", m[1], nil)
	if st != 200 || at != base || !strings.Contains(text(body), "已从 科长名单.xlsx 导入 18 个测评对象") {
		t.Fatalf("apply: %d %s", st, at)
	}
	// Person subjects are shown agency by agency, section by section.
	txt := text(body)
	heads := regexp.MustCompile(`<tr class="group-head"><th colspan="5" scope="rowgroup">([^<]+) <span`).FindAllStringSubmatch(body, -1)
	if len(heads) != 6 || heads[0][1] != "兴宁区行政审批局 › 企业登记科" || heads[5][1] != "兴宁区住房和城乡建设局 › 房地产市场科" || !strings.Contains(txt, "兴宁区行政审批局 › 企业登记科 · 3 人") {
		t.Fatalf("section headings: %v", heads)
	}
	if r := row(t, body, "干部04"); r != "4 干部04 科长 兴宁区行政审批局 投资项目审批科 全部评委组" {
		t.Fatalf("row %q", r)
	}
	// A subject added later to a listed section joins it.
	if st, _, _ := b.status(t, "POST", base+"/subjects", map[string][]string{"kind": {"person"}, "name": {"干部19"}, "post": {"科员"}, "unit": {"兴宁区行政审批局"}, "section": {"企业登记科"}}); st != 200 {
		t.Fatalf("add: %d", st)
	}
	if r := row(t, b.get(t, base), "干部19"); !strings.HasPrefix(r, "4 干部19") {
		t.Fatalf("later subject row %q", r)
	}
	// The form refuses a person already listed, by the import's rules.
	st, _, body = b.status(t, "POST", base+"/subjects", map[string][]string{"kind": {"person"}, "name": {"干部19"}, "post": {"科长"}, "unit": {"兴宁区行政审批局"}, "section": {"企业登记科"}})
	if st != 422 || errAt(body, "name") != "“干部19”（兴宁区行政审批局 · 企业登记科）已是本次测评的对象" {
		t.Fatalf("duplicate person: %d %q", st, errAt(body, "name"))
	}

	if st, _, _ := b.status(t, "POST", base+"/open", nil); st != 200 {
		t.Fatalf("open: %d", st)
	}
	if body := b.get(t, base+"/subjects/import"); !strings.Contains(body, "测评已开始，测评对象已锁定，不能再导入。") || strings.Contains(body, `type="file"`) {
		t.Fatal("the import page of an open campaign still offers the form")
	}
	st, _, body = b.postFiles(t, base+"/subjects/import", part{"科长名单.xlsx", staffWorkbook(t)})
	if st != 409 || !strings.Contains(body, frozenMsg) {
		t.Fatalf("upload into an open campaign: %d", st)
	}
	if body := b.get(t, base); strings.Contains(body, "/subjects/import") {
		t.Fatal("the campaign page of an open campaign links the import")
	}
}

// TestEvalSubjectImportStaysWithItsCampaign: a session uploaded for one
// campaign, applied through another campaign's address (both managed by
// the same user), filled the first campaign. It is not found there now, and
// neither campaign changes.
func TestEvalSubjectImportStaysWithItsCampaign(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	first, second := f.qianqi(t, tok), f.qianqi(t, tok)
	b := f.browser(t, "street_admin")
	base := fmt.Sprintf("/evaluation/%d", first)
	st, _, body := b.postFiles(t, base+"/subjects/import", part{"科长名单.xlsx", staffWorkbook(t)})
	m := regexp.MustCompile(base + `/subjects/import/([0-9a-f]+)/apply`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("upload: %d %s", st, text(body))
	}
	st, _, body = b.status(t, "POST", fmt.Sprintf("/evaluation/%d/subjects/import/%s/apply", second, m[1]), nil)
	if st != 404 || !strings.Contains(text(body), "导入批次不存在或已过期") {
		t.Fatalf("apply through the other campaign: %d %s", st, text(body))
	}
	for _, id := range []int64{first, second} {
		if _, c := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), tok, ""); len(c["items"].([]any)) != 0 {
			t.Errorf("campaign %d has %d subjects, want 0", id, len(c["items"].([]any)))
		}
	}
	// Through its own campaign's address it still applies.
	if st, at, _ := b.status(t, "POST", m[0], nil); st != 200 || at != base {
		t.Fatalf("apply: %d %s", st, at)
	}
}
