package imports_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/imports"
	"jiceng/internal/testrig"
)

// TestApplyAcrossLostConnection loses the connection of an import's
// transaction as a failover does, on PostgreSQL. Lost before the rows were
// written, the import is applied again and reports its rows; lost after the
// server committed it, it is not applied twice: the user is told it was
// committed and to check the list, and the rows are there once.
func TestApplyAcrossLostConnection(t *testing.T) {
	if testrig.Engine() != "postgres" {
		t.Skip("losing a connection needs PostgreSQL (set JICENG_TEST_POSTGRES)")
	}
	ctx := context.Background()
	base := testrig.NewTestDB(t)
	user := sessionUser(t, base)
	p := testrig.NewLossyProxy(t, base.URL)
	d := p.Open(t)
	k := settingsKind(nil)
	actor := access.Actor{UserID: user, Username: "importer"}

	first, err := imports.Save(ctx, d, time.Now(), user, k.Name, "first.xlsx", 2, []string{"lost.a", "lost.b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.CutAt("insert into settings")
	if _, _, n, err := imports.Apply(ctx, d, k, actor, user, first.ID); err != nil || n != 2 {
		t.Fatalf("import lost before its rows: %d rows, %v; want 2, nil", n, err)
	}

	second, err := imports.Save(ctx, d, time.Now(), user, k.Name, "second.xlsx", 1, []string{"lost.c"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.LoseAnswerTo("commit")
	_, _, _, err = imports.Apply(ctx, d, k, actor, user, second.ID)
	if e := errs.As(err); e.Kind != errs.Conflict || e.ZH != "数据库切换主库时此导入已经提交，请在列表中核对导入的数据，不要再次导入" {
		t.Fatalf("import whose commit answer was lost: %v", err)
	}
	if p.Lost() != 2 {
		t.Fatalf("%d connections lost, want 2", p.Lost())
	}
	if n := count(t, base, "SELECT COUNT(*) FROM settings WHERE key IN ('lost.a', 'lost.b', 'lost.c')"); n != 3 {
		t.Fatalf("%d rows imported, want 3", n)
	}
	if n := count(t, base, "SELECT COUNT(*) FROM audit_log WHERE action = 'setting.import'"); n != 2 {
		t.Fatalf("%d audit entries, want 2", n)
	}
}
