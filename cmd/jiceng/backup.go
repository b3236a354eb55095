package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"jiceng/internal/db"
)

func cmdBackup(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("backup")
	out := fs.String("out", "", "backup file")
	dbFlag := fs.String("db", "", "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("jiceng backup: 缺少 --out，例如 --out jiceng-20261126.db")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("jiceng backup: 文件 %s 已存在，请换一个文件名，不会覆盖已有备份", *out)
	}
	url := dbURL(*dbFlag, env.getenv)
	pg := strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
	if pg {
		// libpq reads the passphrase of the client key from the URL or a
		// service file only, never from the environment: passed on, it
		// would stand on pg_dump's command line, which ps shows to every
		// user of the machine. Refused rather than written to a temporary
		// service file, which is one more copy of the secret on disk.
		if secret := db.SecretParams(url); len(secret) > 0 {
			return fmt.Errorf("jiceng backup: 数据库地址带有 %s，它会出现在 pg_dump 的命令行上，本机所有用户都能看到：请改用没有口令的客户端密钥，或自行运行 pg_dump 并把 %s 写在 pg_service.conf 中",
				strings.Join(secret, "、"), strings.Join(secret, "、"))
		}
		if _, err := exec.LookPath("pg_dump"); err != nil {
			return fmt.Errorf("jiceng backup: PostgreSQL 备份需要 pg_dump：请安装 postgresql-client，或手动运行 PGPASSWORD=… pg_dump --format=custom --no-owner --file=%s '%s'（密码放在环境变量 PGPASSWORD 或 ~/.pgpass 中，不要写在命令行上）",
				*out, db.Redact(url))
		}
	}
	// A missing or empty database is refused: backing it up would create
	// it, and the backup would be empty.
	d, err := db.OpenExisting(ctx, url)
	if err != nil {
		return err
	}
	defer d.Close()
	if d.Dialect == db.Postgres {
		// The dump holds password hashes and ballots: the file is created
		// 0600 first, and pg_dump writes into it without changing its mode.
		if err := db.CreateBackupFile(*out); err != nil {
			return fmt.Errorf("jiceng backup: 无法创建 %s：%v", *out, err)
		}
		cmd := pgDumpCommand(ctx, url, *out)
		cmd.Stderr = env.stderr
		if err := cmd.Run(); err != nil {
			_ = os.Remove(*out) // the failed dump is the error to report
			return fmt.Errorf("jiceng backup: pg_dump 失败：%v", err)
		}
	} else if err := db.BackupSQLite(ctx, d, *out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "已备份到 %s（%.1f MB）\n", *out, float64(st.Size())/1e6)
	fmt.Fprintln(env.stdout, "测评码密钥不在备份中：请把密钥文件与数据库备份分开保存（见 docs/OPERATIONS.md）")
	return nil
}

// pgDumpCommand runs pg_dump on the database at url into out. A password
// in url goes to pg_dump in its environment as PGPASSWORD, which only the
// same user can read, and the URL on its command line has none: any user
// of the machine can read a command line with ps.
func pgDumpCommand(ctx context.Context, url, out string) *exec.Cmd {
	pw, rest, ok := db.Password(url)
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--file="+out, rest)
	if ok {
		cmd.Env = append(os.Environ(), "PGPASSWORD="+pw)
	}
	return cmd
}
