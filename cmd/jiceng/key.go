package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// The ballot token key (the HMAC key under which ballot codes are stored)
// lives outside the database, so that a copy of the database alone cannot
// test a printed code: in a key file, or in the environment variable
// JICENG_KEY. A SQLite database keeps its key file beside it by default
// (<db>.key); PostgreSQL has no file to stand beside, so the operator names
// one.

// keyFileFlag adds --key-file to the flags of a command that opens the app.
func keyFileFlag(fs *flag.FlagSet) *string {
	return fs.String("key-file", "", "file holding the ballot token key (default: beside a SQLite database, <db>.key)")
}

// keySource is where the token key comes from: key when JICENG_KEY holds
// it, else the file path.
type keySource struct {
	key  []byte
	path string
}

// resolveKey finds the key's source for the database at url from --key-file
// (flagFile), JICENG_KEY_FILE and JICENG_KEY. It runs before the database
// is opened, so that a server that could not test codes refuses to start
// at once.
func resolveKey(url, flagFile string, getenv func(string) string) (keySource, error) {
	file := flagFile
	if file == "" {
		file = getenv("JICENG_KEY_FILE")
	}
	if v := getenv("JICENG_KEY"); v != "" {
		if file != "" {
			return keySource{}, errs.New(errs.Invalid, "测评码密钥只能有一个来源：请去掉环境变量 JICENG_KEY，或去掉 --key-file / JICENG_KEY_FILE",
				"the ballot token key must come from one place: unset JICENG_KEY, or drop --key-file / JICENG_KEY_FILE")
		}
		key, ok := parseKey(v)
		if !ok {
			return keySource{}, errs.New(errs.Invalid, "环境变量 JICENG_KEY 无效：应为十六进制的密钥，至少 32 个十六进制字符（16 字节）",
				"JICENG_KEY is not valid: it must be a hex key of at least 32 hex digits (16 bytes)")
		}
		return keySource{key: key}, nil
	}
	if file != "" {
		return keySource{path: file}, nil
	}
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		return keySource{path: strings.TrimPrefix(url, "sqlite:") + ".key"}, nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return keySource{}, errs.New(errs.Invalid, "使用 PostgreSQL 时必须指定测评码密钥：请用 --key-file 指定密钥文件（不存在时自动创建），或设置环境变量 JICENG_KEY",
			"PostgreSQL needs the ballot token key: pass --key-file PATH (created if missing) or set JICENG_KEY")
	}
	// Another URL: opening the database reports it.
	return keySource{}, nil
}

// parseKey reads a hex key of at least evaluation.MinKeyBytes.
func parseKey(s string) ([]byte, bool) {
	key, err := hex.DecodeString(strings.TrimSpace(s))
	return key, err == nil && len(key) >= evaluation.MinKeyBytes
}

// load returns the key, creating the key file when it does not exist yet.
// A key that an earlier version kept in the settings table moves out: it is
// written to the new key file first (synced, with its directory), and only
// then is the row deleted, so that a crash in between leaves both, equal,
// and the next start deletes the row. A row that differs from the key in
// use is refused: codes printed under it would stop working.
//
// The database records a check value of its key (evaluation.KeyCheck): a
// key that does not match it — another key file, a mistyped path that would
// otherwise get a fresh key — is refused, since every code printed under
// the right key would be answered "invalid".
func (src keySource) load(ctx context.Context, d *db.DB) ([]byte, error) {
	stored, has, err := evaluation.StoredKey(ctx, d)
	if err != nil {
		return nil, err
	}
	check, hasCheck, err := evaluation.StoredKeyCheck(ctx, d)
	if err != nil {
		return nil, err
	}
	key := src.key
	where := "JICENG_KEY"
	if key == nil {
		where = src.path
		key, err = readKeyFile(src.path)
		if errors.Is(err, fs.ErrNotExist) {
			if hasCheck && !has {
				return nil, errs.Newf(errs.Invalid,
					"测评码密钥文件 %s 不存在，而本数据库已有密钥：请用 --key-file 或 JICENG_KEY_FILE 指定原来的密钥文件（新建密钥会使已印发的测评码全部失效）",
					"the ballot token key file %s does not exist but this database already has a key: name the original key file with --key-file or JICENG_KEY_FILE (a new key would void every printed code)",
					src.path)
			}
			fresh := stored
			if !has {
				if fresh, err = evaluation.NewKey(); err != nil {
					return nil, err
				}
			}
			key, err = createKeyFile(src.path, fresh)
		}
		if err != nil {
			return nil, err
		}
	}
	if has && !bytes.Equal(stored, key) {
		return nil, errs.Newf(errs.Conflict,
			"数据库中保存的旧测评码密钥与 %s 中的密钥不同：已印发的测评码只能用旧密钥验证。请确认应使用哪个密钥；若用旧密钥，删除或改名 %[1]s 后重新启动，程序会把旧密钥移入密钥文件",
			"the ballot token key kept in the database differs from the key in %s: printed codes verify only under the old key. Decide which key is right; to keep the old one, remove or rename %[1]s and start again, and it moves into the key file",
			where)
	}
	if !hasCheck {
		if check, err = evaluation.SaveKeyCheck(ctx, d, key); err != nil {
			return nil, err
		}
	}
	if check != evaluation.KeyCheck(key) {
		return nil, errs.Newf(errs.Conflict,
			"%s 中的测评码密钥不是本数据库使用的密钥：用它启动，已印发的测评码将全部无效。请指定原来的密钥文件或 JICENG_KEY",
			"the ballot token key in %s is not the key this database is used with: every printed code would be refused. Name the original key file or JICENG_KEY",
			where)
	}
	if !has {
		return key, nil
	}
	if err := evaluation.DropStoredKey(ctx, d, stored); err != nil {
		return nil, err
	}
	// The deleted row must not linger as a dead version or a WAL frame.
	if err := d.Scrub(ctx, "settings"); err != nil {
		return nil, err
	}
	return key, nil
}

// readKeyFile reads a key file.
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, errs.Newf(errs.Invalid, "无法读取测评码密钥文件 %s：%v", "cannot read the ballot token key file %s: %v", path, err)
	}
	// Like ssh with its private keys: a key others may read is refused, so
	// that a loose mode is fixed rather than overlooked.
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return nil, errs.Newf(errs.Invalid, "测评码密钥文件 %s 的权限为 %04o，其他用户可读：请执行 chmod 600 %[1]s 后重新启动",
			"the ballot token key file %s has mode %04o and others may read it: run chmod 600 %[1]s and start again", path, st.Mode().Perm())
	}
	key, ok := parseKey(string(b))
	if !ok {
		return nil, errs.Newf(errs.Invalid, "测评码密钥文件 %s 无效：应为一行十六进制的密钥，至少 32 个十六进制字符（16 字节）",
			"the ballot token key file %s is not valid: it must hold one hex key of at least 32 hex digits (16 bytes)", path)
	}
	return key, nil
}

// createKeyFile writes key to a new file at path, readable by its owner
// only, synced with its directory before it counts as written. The file
// appears whole or not at all (a temporary file linked into place), and an
// existing file is never overwritten: if another process created it first,
// its key is returned instead.
func createKeyFile(path string, key []byte) ([]byte, error) {
	fail := func(err error) ([]byte, error) {
		return nil, errs.Newf(errs.Invalid, "无法创建测评码密钥文件 %s：%v", "cannot create the ballot token key file %s: %v", path, err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".jiceng-key-*") // mode 0600
	if err != nil {
		return fail(err)
	}
	// Once linked or failed, the temporary name is only litter: removing it
	// is best effort.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close() // the error above is the one to report
		return fail(err)
	}
	if _, err := tmp.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		_ = tmp.Close() // the error above is the one to report
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close() // the error above is the one to report
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return fail(err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		_ = d.Close() // opened for reading; the sync is what counts
		if err != nil {
			return fail(err)
		}
	}
	return key, nil
}
