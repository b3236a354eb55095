package org_test

import (
	"context"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	s := org.NewService(d, regions)
	if _, err := s.InitRegion(ctx, testrig.Admin, "4501"); err != nil {
		t.Fatal(err)
	}
	ms := byRegion(t, s, "450102001")
	var uid int64
	if err := d.WriteQueryRow(ctx, "INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES ('ms', 'x', ?, '', '') RETURNING id", ms.ID).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	actor := testPerms.Bind(access.Actor{UserID: uid, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: ms.ID, OrgPath: ms.Path}}})
	header := []string{"名称*", "类型*", "上级区划代码", "区划代码", "单位类别", "成立日期"}
	bad := [][]string{
		{"民生街道某某科技有限公司党支部", "党支部", "450102001", "450102001003", "非公企业", "2020-07-01"},
		{"跨区党支部", "党支部", "450102001", "450103001", "非公企业", ""},
		{"", "小组", "450102001", "", "", "2020-13-01"},
		{"", "", "", "", "", ""},
		{"越权党支部", "党支部", "450103001", "", "", ""},
	}
	sess, err := s.PrepareImport(ctx, actor, uid, "units.xlsx", header, bad)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"第3行：区划代码 450103001 不在您的管理范围内（450102001）",
		"第4行：请填写党组织名称；请选择组织类型（党委、党工委、党总支、党支部、联合党支部、临时党支部）；成立日期应写成 年-月-日，例如 2024-07-01",
		"第6行：党组织 " + itoa(byRegion(t, s, "450103001").ID) + " 不存在或不在您的管理范围内",
	}
	if sess.Status != "invalid" || sess.Total != 4 || len(sess.Problems) != len(want) {
		t.Fatalf("session %+v", sess)
	}
	for i, w := range want {
		if sess.Problems[i].ZH != w {
			t.Errorf("problem %d:\n got %q\nwant %q", i, sess.Problems[i].ZH, w)
		}
	}
	if _, err := s.ApplyImport(ctx, actor, uid, sess.ID); err == nil || errs.As(err).ZH != "文件有 3 行错误，请修改后重新上传，未导入任何数据" {
		t.Fatalf("apply invalid: %v", err)
	}
	_, c, _ := s.Stats(ctx, actor, ms.ID)
	if c.Total != 14 {
		t.Fatalf("invalid import changed the tree: %d", c.Total)
	}
	good, err := s.PrepareImport(ctx, actor, uid, "units.xlsx", header, bad[:1])
	if err != nil || good.Status != "ready" {
		t.Fatalf("good: %+v %v", good, err)
	}
	n, err := s.ApplyImport(ctx, actor, uid, good.ID)
	if err != nil || n != 1 {
		t.Fatalf("apply: %d %v", n, err)
	}
	_, c, _ = s.Stats(ctx, actor, ms.ID)
	if c.Total != 15 || c.ByLevel["unit"] != 1 {
		t.Fatalf("after import %+v", c)
	}
	if _, err := s.ApplyImport(ctx, actor, uid, good.ID); !errs.Is(err, errs.Conflict) {
		t.Fatalf("second apply: %v", err)
	}
	list, _, _ := s.List(ctx, actor, org.ListQuery{Q: "某某科技"})
	if len(list) != 1 || list[0].Kind != "branch" || list[0].Category != "private" || list[0].FoundedOn != "2020-07-01" {
		t.Fatalf("imported %+v", list)
	}
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
