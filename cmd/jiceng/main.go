// Command jiceng serves the grassroots Party-building platform and manages
// its database from the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // dates are shown in Asia/Shanghai on any machine

	"jiceng/internal/errs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), shutdownSignals()...)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jiceng: "+oneLine(err))
		os.Exit(1)
	}
}

// shutdownSignals end the program through its context, so that serve
// drains its connections and serve --demo removes its temporary database:
// Ctrl-C, a service manager's TERM, and HUP, which closing the terminal a
// demo runs in sends (its default action killed the process and left the
// demo database behind). A process started to ignore HUP (nohup) keeps
// ignoring it: asking for it would undo that.
func shutdownSignals() []os.Signal {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	return sigs
}

// oneLine renders an error as the single line the user sees.
func oneLine(err error) string {
	var e *errs.Error
	msg := err.Error()
	if errors.As(err, &e) && e.Kind != errs.Internal {
		msg = e.ZH
	}
	// A driver's message may span lines (pgx lists every address tried).
	return strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " ")
}

const usage = `用法: jiceng <命令> [参数]
  serve    [--addr 127.0.0.1:8080] [--db URL] [--demo]   启动服务
           [--public-url https://dj.example.gov.cn]   用户访问本系统的地址（经 HTTPS 代理时填写；JICENG_PUBLIC_URL）
           [--trusted-proxies 127.0.0.1/32,10.0.0.0/8]   受信任的反向代理，按其 X-Forwarded-For 区分客户端（JICENG_TRUSTED_PROXIES）
           [--session-idle 30m]   会话闲置多久后失效，1m 至 12h（JICENG_SESSION_IDLE）
           [--smtp-url smtp://用户名:密码@主机:587?from=noreply@example.gov.cn]   发给反映人的电子邮件经此服务器发送（JICENG_SMTP_URL，含密码时宜用环境变量）
           [--sms-url https://sms.example.gov.cn/send] [--sms-token-file PATH]   短信网关地址及其令牌文件（JICENG_SMS_URL；令牌也可用 JICENG_SMS_TOKEN）
           [--case-retention integrity=365,opinion=90]   案件办结后反映人身份信息按类别保存的天数，默认均为 180（JICENG_CASE_RETENTION）
           [--db-read postgres://…?target_session_attrs=prefer-standby] [--db-read-max-lag 10s]   只读副本：工作人员的页面、列表、统计和导出读自副本，延迟超过上限时回到主库（JICENG_DB_READ、JICENG_DB_READ_MAX_LAG）
  init     --region CODE [--db URL] [--admin NAME] [--password-stdin]   按行政区划建立党组织体系
  user add --username NAME --role ROLE --org ID|REGION_CODE [--name 姓名] [--db URL] [--password-stdin]
  demo     --region CODE [--db URL]   在新数据库中生成演示数据
  migrate  [--db URL]   升级数据库结构
  partition --db postgres://…   将大表按省份分区（仅 PostgreSQL，见 OPERATIONS.md）
  backup   --out FILE [--db URL]   备份数据库
  version   显示版本
数据库 URL: sqlite:PATH 或 postgres://…（也可用环境变量 JICENG_DB、JICENG_ADDR）
测评码密钥: serve、init、user add、demo 均可加 --key-file PATH（或环境变量 JICENG_KEY_FILE、JICENG_KEY）；
  SQLite 默认为数据库旁的 <数据库>.key，PostgreSQL 必须指定`

// run is the whole program behind main, with its environment passed in so
// that tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stdout, usage)
		return errors.New("缺少命令，例如 jiceng serve --demo")
	}
	env := cmdEnv{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, env, args[1:])
	case "init":
		return cmdInit(ctx, env, args[1:])
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return errors.New("用法: jiceng user add --username NAME --role ROLE --org ID|REGION_CODE")
		}
		return cmdUserAdd(ctx, env, args[2:])
	case "demo":
		return cmdDemo(ctx, env, args[1:])
	case "migrate":
		return cmdMigrate(ctx, env, args[1:])
	case "partition":
		return cmdPartition(ctx, env, args[1:])
	case "backup":
		return cmdBackup(ctx, env, args[1:])
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("未知命令 %q；可用命令: serve、init、user add、demo、migrate、partition、backup、version", args[0])
}

type cmdEnv struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// flags returns a flag set that reports errors as one line instead of
// printing usage.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args and turns flag errors and stray arguments into one line.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "flag provided but not defined: ") {
			msg = "未知参数 " + strings.TrimPrefix(msg, "flag provided but not defined: ")
		} else if strings.HasPrefix(msg, "flag needs an argument: ") {
			msg = "参数缺少取值：" + strings.TrimPrefix(msg, "flag needs an argument: ")
		}
		return fmt.Errorf("jiceng %s: %s（运行 jiceng help 查看用法）", fs.Name(), msg)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("jiceng %s: 多余的参数 %q（运行 jiceng help 查看用法）", fs.Name(), fs.Arg(0))
	}
	return nil
}

// dbURL returns the --db value, else JICENG_DB, else the default file.
func dbURL(flagVal string, getenv func(string) string) string {
	if flagVal != "" {
		return flagVal
	}
	if v := getenv("JICENG_DB"); v != "" {
		return v
	}
	return "sqlite:jiceng.db"
}

// readPassword reads one line from stdin.
func readPassword(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1024))
	if err != nil {
		return "", err
	}
	pw := strings.TrimRight(string(b), "\r\n")
	if i := strings.IndexAny(pw, "\r\n"); i >= 0 {
		pw = pw[:i]
	}
	if pw == "" {
		return "", errors.New("--password-stdin: 标准输入中没有密码")
	}
	return pw, nil
}
