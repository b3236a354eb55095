package db

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"jiceng/internal/errs"
)

// OpenExisting opens the database at url like Open, but only one that
// jiceng has set up: a SQLite file that does not exist, or a database
// without jiceng's schema, is refused with a message that names it and
// says to run jiceng init. Only init and demo create a database; every
// other command would otherwise create an empty one at a mistyped path
// (and back it up, or serve it) without a word. A database whose schema is
// older than this binary is accepted: migrating it is the caller's job.
func OpenExisting(ctx context.Context, url string) (*DB, error) {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok && path != "" {
		if err := sqliteInitialised(ctx, path); err != nil {
			return nil, err
		}
		return Open(ctx, url)
	}
	d, err := Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if d.Dialect != Postgres {
		return d, nil
	}
	var ok bool
	err = d.r.QueryRowContext(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&ok)
	if err == nil && ok {
		err = d.r.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations)").Scan(&ok)
	}
	if err != nil {
		d.Close()
		return nil, errs.Wrap(err, "schema check")
	}
	if !ok {
		d.Close()
		return nil, notInitialised(Redact(url))
	}
	return d, nil
}

// sqliteInitialised checks the SQLite file at path before it is opened for
// writing: opening would create a missing file, and switch another
// program's database to WAL mode. It reads through a read-only connection.
func sqliteInitialised(ctx context.Context, path string) error {
	name := path
	if abs, err := filepath.Abs(path); err == nil {
		name = abs
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errs.Newf(errs.Invalid,
			"SQLite 数据库 %s 不存在：请检查 --db 或环境变量 JICENG_DB（相对路径从当前目录算起）；新建数据库请运行 jiceng init --region 区划代码",
			"SQLite database %s does not exist: check --db or JICENG_DB (a relative path starts from the current directory); to create a database, run jiceng init --region CODE",
			name)
	}
	if err != nil {
		return errs.Newf(errs.Invalid, "无法打开 SQLite 数据库 %s：%v", "cannot open SQLite database %s: %v", name, err)
	}
	if st.IsDir() {
		return errs.Newf(errs.Invalid, "%s 是目录，不是 SQLite 数据库文件：请检查 --db 或环境变量 JICENG_DB",
			"%s is a directory, not a SQLite database file: check --db or JICENG_DB", name)
	}
	if st.Size() == 0 {
		return notInitialised(name)
	}
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return errs.Wrap(err, "open sqlite")
	}
	defer c.Close()
	var n int
	err = c.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&n)
	if err == nil && n > 0 {
		err = c.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM schema_migrations LIMIT 1)").Scan(&n)
	}
	if err != nil {
		return errs.Newf(errs.Invalid, "无法读取 SQLite 数据库 %s：%v（是否为 jiceng 的数据库？）",
			"cannot read SQLite database %s: %v (is it a jiceng database?)", name, err)
	}
	if n == 0 {
		return notInitialised(name)
	}
	return nil
}

func notInitialised(name string) error {
	return errs.Newf(errs.Invalid,
		"数据库 %s 尚未初始化（没有 jiceng 的数据表）：请检查 --db 或环境变量 JICENG_DB；新建数据库请运行 jiceng init --region 区划代码",
		"database %s is not initialised (it has no jiceng tables): check --db or JICENG_DB; to set up a new database, run jiceng init --region CODE",
		name)
}
