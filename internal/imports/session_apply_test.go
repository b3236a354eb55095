package imports_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/imports"
	"jiceng/internal/testrig"
)

// settingsKind is a kind whose rows are settings keys: Write inserts them
// one by one and refuses the key "bad" after inserting those before it, so
// the tests see whether a refusal undoes the rows already written.
func settingsKind(allowed error) imports.Kind[[]string] {
	return imports.Kind[[]string]{
		Name: "setting",
		Now:  time.Now,
		Allowed: func(context.Context, access.Actor) error {
			return allowed
		},
		Write: func(ctx context.Context, tx *db.Tx, _ access.Actor, s imports.Session, keys []string) (int, audit.Entry, error) {
			for i, k := range keys {
				if k == "bad" {
					return 0, audit.Entry{}, imports.NothingImported(errs.Newf(errs.Conflict, "第%d行：不能导入", "row %d: refused", i+2))
				}
				if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, '1')", k); err != nil {
					return 0, audit.Entry{}, errs.Wrap(err, "insert")
				}
			}
			return len(keys), audit.Entry{Action: "setting.import", TargetType: "import", TargetID: s.ID, Summary: i18n.Text{ZH: s.FileName}}, nil
		},
	}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestApplyAllOrNothing: a session is applied once, all rows with their
// audit entry; a refused row leaves nothing written and the session ready.
func TestApplyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	user := sessionUser(t, d)
	k := settingsKind(nil)
	actor := access.Actor{UserID: user, Username: "importer"}

	bad, err := imports.Save(ctx, d, time.Now(), user, k.Name, "bad.xlsx", 2, []string{"import.a", "bad"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = imports.Apply(ctx, d, k, actor, user, bad.ID)
	if e := errs.As(err); e.Kind != errs.Conflict || e.ZH != "第3行：不能导入（未导入任何数据）" || e.EN != "row 3: refused (nothing was imported)" {
		t.Fatalf("refused apply: %v", err)
	}
	if n := count(t, d, "SELECT COUNT(*) FROM settings WHERE key = 'import.a'"); n != 0 {
		t.Errorf("a refused import left %d rows", n)
	}
	if s, err := imports.Load(ctx, d, time.Now(), user, k.Name, bad.ID, new([]string)); err != nil || s.Status != "ready" {
		t.Errorf("after a refusal the session is %q (%v), want ready", s.Status, err)
	}

	good, err := imports.Save(ctx, d, time.Now(), user, k.Name, "good.xlsx", 2, []string{"import.a", "import.b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, keys, n, err := imports.Apply(ctx, d, k, actor, user, good.ID)
	if err != nil || n != 2 || s.Status != "applied" || !slices.Equal(keys, []string{"import.a", "import.b"}) {
		t.Fatalf("apply: %d %q %v %v", n, s.Status, keys, err)
	}
	if n := count(t, d, "SELECT COUNT(*) FROM settings WHERE key LIKE 'import.%'"); n != 2 {
		t.Errorf("%d rows written, want 2", n)
	}
	if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'setting.import' AND target_id = ?", good.ID); n != 1 {
		t.Errorf("%d audit entries, want 1", n)
	}
	_, _, _, err = imports.Apply(ctx, d, k, actor, user, good.ID)
	if e := errs.As(err); e.Kind != errs.Conflict || e.ZH != "该导入批次已经导入过了" {
		t.Errorf("second apply: %v", err)
	}

	invalid, err := imports.Save(ctx, d, time.Now(), user, k.Name, "invalid.xlsx", 1, []string{}, []imports.Problem{{Row: 2, ZH: "第2行：有误", EN: "row 2: wrong"}})
	if err != nil || invalid.Status != "invalid" {
		t.Fatalf("save invalid: %+v %v", invalid, err)
	}
	_, _, _, err = imports.Apply(ctx, d, k, actor, user, invalid.ID)
	if e := errs.As(err); e.Kind != errs.Invalid || e.ZH != "文件有 1 行错误，请修改后重新上传，未导入任何数据" {
		t.Errorf("apply of an invalid session: %v", err)
	}
	if _, err := imports.Save(ctx, d, time.Now(), user, k.Name, "empty.xlsx", 0, []string{}, nil); errs.As(err).ZH != "文件中没有数据行" {
		t.Errorf("save without rows: %v", err)
	}
}

// TestApplyAnyPicksTheKind: the API's apply endpoint finds the session's
// kind, so a kind the caller may not import does not hide another kind's
// session; the permission still comes before the session of its kind.
func TestApplyAnyPicksTheKind(t *testing.T) {
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	user := sessionUser(t, d)
	actor := access.Actor{UserID: user, Username: "importer"}
	forbidden := errs.New(errs.Forbidden, "不能导入", "may not import")
	other := settingsKind(forbidden)
	other.Name = "other"
	k := settingsKind(nil)
	kinds := []imports.Applier{imports.NewApplier(d, other), imports.NewApplier(d, k)}

	s, err := imports.Save(ctx, d, time.Now(), user, k.Name, "a.xlsx", 1, []string{"import.a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := imports.ApplyAny(ctx, actor, user, s.ID, kinds...); err != nil || n != 1 {
		t.Fatalf("apply: %d %v", n, err)
	}
	if _, err := imports.ApplyAny(ctx, actor, user, "missing", kinds...); errs.As(err).ZH != "导入批次不存在或已过期" {
		t.Errorf("missing session: %v", err)
	}
	o, err := imports.Save(ctx, d, time.Now(), user, other.Name, "o.xlsx", 1, []string{"import.o"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := imports.ApplyAny(ctx, actor, user, o.ID, kinds...); !errs.Is(err, errs.Forbidden) {
		t.Errorf("session of a kind the actor may not import: %v", err)
	}
}

// TestRowsSkipBlankRows: blank rows are skipped but keep their numbers.
func TestRowsSkipBlankRows(t *testing.T) {
	cols := map[string]int{"名称": 0, "备注": 2}
	var got []string
	for r := range imports.Rows(cols, [][]string{{" 甲 ", "x"}, {"", " "}, {"乙", "", "注"}, {"丙"}}) {
		got = append(got, r.Cell("名称")+"/"+r.Cell("备注")+"/"+r.Cell("无此列")+"@"+string(rune('0'+r.Line)))
	}
	if want := []string{"甲//@2", "乙/注/@4", "丙//@5"}; !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
}
