package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/clientip"
	"jiceng/internal/db"
	"jiceng/internal/server"
)

func cmdServe(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("serve")
	addr := fs.String("addr", "", "listen address")
	dbFlag := fs.String("db", "", "database URL")
	withDemo := fs.Bool("demo", false, "serve a fresh demo database of Nanning")
	keyFile := keyFileFlag(fs)
	publicURL := fs.String("public-url", "", "the address users reach jiceng by, e.g. https://dj.example.gov.cn")
	proxies := fs.String("trusted-proxies", "", "reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1/32,10.0.0.0/8")
	idleFlag := fs.String("session-idle", "", "end a session unused this long, e.g. 30m (default 30m)")
	smtpFlag := fs.String("smtp-url", "", "mail server of the e-mails to reporters, smtp://user:password@host:587?from=noreply@example.gov.cn (better in JICENG_SMTP_URL)")
	smsFlag := fs.String("sms-url", "", "text-message gateway, e.g. https://sms.example.gov.cn/send")
	smsTokenFile := fs.String("sms-token-file", "", "file holding the text-message gateway's bearer token (or JICENG_SMS_TOKEN)")
	readFlag := fs.String("db-read", "", "read replica for staff pages, lists, statistics and exports, postgres://…?target_session_attrs=prefer-standby")
	lagFlag := fs.String("db-read-max-lag", "", "the most the read replica may lag before reads go back to the primary, e.g. 10s (default 10s)")
	retentionFlag := fs.String("case-retention", "", "days a reporter's identity is kept after closure, by kind, e.g. integrity=365,opinion=90 (default 180)")
	if err := parse(fs, args); err != nil {
		return err
	}
	notify, err := caseGateways(*smtpFlag, *smsFlag, *smsTokenFile, env.getenv)
	if err != nil {
		return err
	}
	retention, err := caseRetention(*retentionFlag, env.getenv)
	if err != nil {
		return err
	}
	if *proxies == "" {
		*proxies = env.getenv("JICENG_TRUSTED_PROXIES")
	}
	trusted, err := clientip.Parse(*proxies)
	if err != nil {
		return fmt.Errorf("jiceng serve: --trusted-proxies %w", err)
	}
	if *idleFlag == "" {
		*idleFlag = env.getenv("JICENG_SESSION_IDLE")
	}
	idle := account.DefaultIdleTimeout
	if *idleFlag != "" {
		idle, err = time.ParseDuration(*idleFlag)
		if err != nil || idle < time.Minute || idle > 12*time.Hour {
			return fmt.Errorf("jiceng serve: --session-idle %q 无效：应为 1m 至 12h 之间的时长，例如 30m", *idleFlag)
		}
	}
	if *readFlag == "" {
		*readFlag = env.getenv("JICENG_DB_READ")
	}
	if *lagFlag == "" {
		*lagFlag = env.getenv("JICENG_DB_READ_MAX_LAG")
	}
	maxLag := 10 * time.Second
	if *lagFlag != "" {
		maxLag, err = time.ParseDuration(*lagFlag)
		if err != nil || maxLag < time.Second || maxLag > time.Hour {
			return fmt.Errorf("jiceng serve: --db-read-max-lag %q 无效：应为 1s 至 1h 之间的时长，例如 10s", *lagFlag)
		}
		if *readFlag == "" {
			return fmt.Errorf("jiceng serve: --db-read-max-lag 需要同时指定 --db-read（只读副本地址）")
		}
	}
	if *publicURL == "" {
		*publicURL = env.getenv("JICENG_PUBLIC_URL")
	}
	if *publicURL != "" {
		u, err := server.ParsePublicURL(*publicURL)
		if err != nil {
			return fmt.Errorf("jiceng serve: --public-url %w", err)
		}
		*publicURL = u
	}
	if *addr == "" {
		*addr = env.getenv("JICENG_ADDR")
	}
	if *addr == "" {
		*addr = "127.0.0.1:8080"
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("jiceng serve: --addr %q 无效，应为 主机:端口，例如 127.0.0.1:8080", *addr)
	}
	// The address is taken before anything else: on a port in use, serve
	// fails at once, before a demo is seeded and its accounts printed.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("jiceng serve: 无法监听 %s：%v", *addr, err)
	}
	defer ln.Close() // closed by the server once it serves; this covers the errors before
	url := dbURL(*dbFlag, env.getenv)
	if *withDemo && *dbFlag == "" && env.getenv("JICENG_DB") == "" {
		dir, err := os.MkdirTemp("", "jiceng-demo-")
		if err != nil {
			return err
		}
		// The demo database and its key are thrown away on exit; deferred
		// before the database is opened, this runs after it is closed.
		defer func() { _ = os.RemoveAll(dir) }()
		url = "sqlite:" + filepath.Join(dir, "demo.db")
	}
	// A demo is tried on the machine it runs on: its own address is the
	// one to print on slips. A real install names its public address.
	demoURL := *withDemo && *publicURL == ""
	if demoURL {
		*publicURL = "http://" + ln.Addr().String()
	}
	logger := slog.New(slog.NewTextHandler(env.stderr, nil))
	cfg := app.Config{Logger: logger, IdleTimeout: idle, PublicURL: *publicURL, Demo: *withDemo, Notify: notify, CaseRetention: retention}
	// Only a demo may create its database; a mistyped --db is refused.
	open := openApp
	if *withDemo {
		open = createApp
	}
	a, err := open(ctx, env, url, *keyFile, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *readFlag != "" {
		if err := a.Core().DB.AttachReplica(ctx, *readFlag, maxLag); err != nil {
			return fmt.Errorf("jiceng serve: --db-read %w", err)
		}
		lag, usable := a.Core().DB.ReplicaLag()
		logger.Info("read replica", "url", db.Redact(*readFlag), "max_lag", maxLag.String(), "lag", lag.String(), "usable", usable)
		if !usable {
			// Not streaming, not answering, or the account may not see
			// pg_stat_wal_receiver: reads stay on the primary until it is.
			logger.Warn("the read replica is not usable now: reads go to the primary until it streams from it (the database account needs pg_read_all_stats to see that it does)")
		}
	}
	if *withDemo {
		res, err := a.Seed(ctx, "4501")
		if err != nil {
			return err
		}
		printDemo(env, res, url, "http://"+*addr)
	}
	if demoURL {
		fmt.Fprintf(env.stdout, "演示：选票二维码指向 %s；要用手机扫码，请以 --public-url 指定手机能访问的地址\n", *publicURL)
	}
	logCaseSettings(logger, notify, *smtpFlag != "", retention, *withDemo)
	// Every module's background work, until ctx ends (see module.Job).
	a.Start(ctx)
	h, err := server.NewServer(a, server.Options{TrustedProxies: trusted})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(env.stdout, "jiceng 已启动：http://%s/ （数据库 %s）\n", ln.Addr(), db.Redact(url))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// Connections still open after the grace period are cut; that is
		// worth a line in the log, not a failed exit.
		if err := srv.Shutdown(sctx); err != nil {
			logger.Error("shutdown", "err", err)
		}
	}
	return nil
}
