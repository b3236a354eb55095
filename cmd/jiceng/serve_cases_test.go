package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/testrig"
)

// TestServeCaseSettingsRefused: a wrong gateway, token or retention stops
// serve with one line that names the setting and the part at fault, and
// never the password or the token.
func TestServeCaseSettingsRefused(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose.token")
	if err := os.WriteFile(loose, []byte(canary+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.token")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.token")
	if err := os.WriteFile(good, []byte(canary+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--case-retention", "integrity=0"}, `jiceng serve: --case-retention "integrity=0" 无效：保存天数应为 1 至 3650 之间的整数`},
		{nil, []string{"--case-retention", "integrity=365,petition=30"}, `jiceng serve: --case-retention "petition=30" 无效：案件类别应为 integrity、mediation、service、opinion 之一`},
		{map[string]string{"JICENG_CASE_RETENTION": "opinion:90"}, nil, `jiceng serve: --case-retention "opinion:90" 无效：应为 类别=天数，以逗号分隔，例如 integrity=365,opinion=90`},
		{nil, []string{"--smtp-url", "smtp://notice:" + canary + "@mail.example.gov.cn:587"},
			`jiceng serve: --smtp-url "smtp://notice@mail.example.gov.cn:587" 无效：缺少发件地址，例如 ?from=noreply@example.gov.cn`},
		{map[string]string{"JICENG_SMTP_URL": "smtp://notice:" + canary + "@mail.example.gov.cn?from=noreply@example.gov.cn&tls=never"}, nil,
			`jiceng serve: --smtp-url "smtp://notice@mail.example.gov.cn?from=noreply@example.gov.cn&tls=never" 无效：tls 应为 starttls（默认）、optional 或 none`},
		{nil, []string{"--sms-url", "http://sms.example.gov.cn/send"},
			`jiceng serve: --sms-url "http://sms.example.gov.cn/send" 无效：令牌和手机号码会经它传送，须使用 https://（仅本机地址可用 http://）`},
		{map[string]string{"JICENG_SMS_TOKEN": canary}, nil, "jiceng serve: 给出了短信网关令牌，却没有短信网关地址：请用 --sms-url（或 JICENG_SMS_URL）指定"},
		{map[string]string{"JICENG_SMS_TOKEN": canary, "JICENG_SMS_URL": "https://sms.example.gov.cn/send"}, []string{"--sms-token-file", good},
			"jiceng serve: 短信网关令牌只能有一个来源：请去掉环境变量 JICENG_SMS_TOKEN，或去掉 --sms-token-file / JICENG_SMS_TOKEN_FILE"},
		{map[string]string{"JICENG_SMS_URL": "https://sms.example.gov.cn/send"}, []string{"--sms-token-file", loose},
			"jiceng serve: 短信网关令牌文件 " + loose + " 的权限为 0644，其他用户可读：请执行 chmod 600 " + loose + " 后重新启动"},
		{map[string]string{"JICENG_SMS_URL": "https://sms.example.gov.cn/send", "JICENG_SMS_TOKEN_FILE": empty}, nil,
			"jiceng serve: 短信网关令牌文件 " + empty + " 是空的"},
		{map[string]string{"JICENG_SMS_URL": "https://sms.example.gov.cn/send"}, []string{"--sms-token-file", filepath.Join(dir, "none")},
			"jiceng serve: 短信网关令牌文件 " + filepath.Join(dir, "none") + " 不存在"},
	} {
		out, got := runCLIEnv(t, c.env, append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...)...)
		if got != c.want {
			t.Errorf("%v %v:\n got %q\nwant %q", c.env, c.args, got, c.want)
		}
		if strings.Contains(got+out, canary) {
			t.Errorf("%v %v: the output shows the secret", c.env, c.args)
		}
	}
}

// TestServeNamesItsGateways: serve says in its log where the messages to
// reporters go and how long their identities are kept, without the SMTP
// password or the gateway's token, and warns of a password on the command
// line.
func TestServeNamesItsGateways(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	url := "sqlite:" + path
	tokenFile := filepath.Join(t.TempDir(), "sms.token")
	if err := os.WriteFile(tokenFile, []byte(canary+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		switch k {
		case "JICENG_KEY_FILE":
			return path + ".key"
		case "JICENG_SMS_URL":
			return "https://sms.example.gov.cn/send"
		case "JICENG_SMS_TOKEN_FILE":
			return tokenFile
		case "JICENG_CASE_RETENTION":
			return "integrity=365,opinion=90"
		}
		return ""
	}
	var out, errb testrig.Buffer
	if err := run(ctx, []string{"init", "--region", "450102", "--db", url}, env, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("init: %v\n%s", err, errb.String())
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--db", url, "--addr", "127.0.0.1:0",
			"--smtp-url", "smtps://notice:" + canary + "@mail.example.gov.cn?from=noreply@example.gov.cn"}, env, strings.NewReader(""), &out, &errb)
	}()
	for i := 0; i < 600 && !strings.Contains(out.String(), "jiceng 已启动"); i++ {
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, errb.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	log := errb.String()
	for _, want := range []string{
		`msg="residents' channel" notifications="email: smtps://notice@mail.example.gov.cn:465 (from noreply@example.gov.cn, tls implicit); sms: https://sms.example.gov.cn/send" retention_days="integrity=365,mediation=180,service=180,opinion=90"`,
		`level=WARN msg="the SMTP password is on the command line (--smtp-url), where ps shows it to every user of the machine: give the address in JICENG_SMTP_URL instead"`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %s:\n%s", want, log)
		}
	}
	if strings.Contains(log+out.String(), canary) {
		t.Errorf("serve's output holds a secret:\n%s\n%s", out.String(), log)
	}
}
