package server

import (
	"fmt"
	"strings"
	"testing"
)

// TestUnitsCheckedAgainstTheRegister: a unit with its own branch declares
// five full members; the register holds two full and one probationary
// member there. The unit's page says so with a warning, and the unit list
// filtered to disagreements holds it alone; once the declared counts match
// the register, the list is empty.
func TestUnitsCheckedAgainstTheRegister(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	admin := f.token(t, "admin")
	for i, kind := range []string{"full", "full", "probationary"} {
		name := []string{"张伟", "李娜", "王芳"}[i]
		joined := "2010-07-01"
		if kind == "probationary" {
			joined = "2026-06-01"
		}
		st, out := f.call(t, "POST", "/api/v1/people", admin, memberJSON(map[string]any{"name": name, "id_number": idNumber("19800101", 11+2*i),
			"ethnicity": "汉族", "education": "大学本科", "org_id": f.own.ID, "kind": kind, "joined_on": joined}, nil))
		if st != 201 {
			t.Fatalf("register: %d %v", st, out)
		}
	}
	st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/units/%d", f.units[0].ID), admin, "")
	if st != 200 || out["registered_full_members"] != float64(2) || out["registered_probationary_members"] != float64(1) ||
		!strings.Contains(fmt.Sprint(out["warnings"]), "党员名册中本单位党组织登记正式党员 2 名、预备党员 1 名，与填报的正式 5 名、预备 0 名不一致") {
		t.Fatalf("unit: %d %v", st, out)
	}
	b := f.browser(t, "admin")
	if txt := text(b.get(t, fmt.Sprintf("/coverage/units/%d", f.units[0].ID))); !strings.Contains(txt, "名册登记 正式 2 名、预备 1 名") {
		t.Errorf("unit page: %.800s", txt)
	}
	st, out = f.call(t, "GET", "/api/v1/units?members=mismatch&status=all", admin, "")
	if st != 200 || out["total"] != float64(1) {
		t.Fatalf("mismatches: %d %v", st, out)
	}
	if txt := text(b.get(t, "/coverage/units?members=mismatch")); !strings.Contains(txt, "南宁测试企业01有限公司") || strings.Contains(txt, "南宁测试企业02有限公司") {
		t.Errorf("mismatch list: %.800s", txt)
	}
	_, out = f.call(t, "GET", fmt.Sprintf("/api/v1/units/%d", f.units[0].ID), admin, "")
	st, out = f.call(t, "PATCH", fmt.Sprintf("/api/v1/units/%d", f.units[0].ID), admin, fmt.Sprintf(`{"full_members":2,"probationary_members":1,"version":%v}`, out["version"]))
	if st != 200 {
		t.Fatalf("update: %d %v", st, out)
	}
	if st, out = f.call(t, "GET", "/api/v1/units?members=mismatch", admin, ""); st != 200 || out["total"] != float64(0) {
		t.Errorf("mismatches after the update: %d %v", st, out)
	}
	if st, out = f.call(t, "GET", "/api/v1/units?members=all", admin, ""); st != 400 {
		t.Errorf("members=all: %d %v", st, out)
	}
}
