package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"jiceng/internal/cases"
	"jiceng/internal/module"
)

// The residents' channel's settings of serve: where the text messages and
// e-mails to reporters go, and how long their identities are kept.
//
// The gateways' secrets stay off the command line, where ps shows them to
// every user of the machine: the text-message gateway's token comes from
// JICENG_SMS_TOKEN or a file (--sms-token-file, JICENG_SMS_TOKEN_FILE), and
// an SMTP password is best given in JICENG_SMTP_URL; --smtp-url with a
// password works, with a warning in the log.

// caseGateways reads the gateways from the flags (smtpFlag, smsFlag,
// tokenFile) and the environment, and checks them as the server will use
// them.
func caseGateways(smtpFlag, smsFlag, tokenFile string, getenv func(string) string) (module.Notify, error) {
	n := module.Notify{SMTPURL: smtpFlag, SMSURL: smsFlag}
	if n.SMTPURL == "" {
		n.SMTPURL = getenv("JICENG_SMTP_URL")
	}
	if n.SMSURL == "" {
		n.SMSURL = getenv("JICENG_SMS_URL")
	}
	if n.SMTPURL != "" {
		if _, err := cases.NewSMTPSender(n.SMTPURL, nil); err != nil {
			return module.Notify{}, fmt.Errorf("jiceng serve: --smtp-url %v", err)
		}
	}
	if tokenFile == "" {
		tokenFile = getenv("JICENG_SMS_TOKEN_FILE")
	}
	token := getenv("JICENG_SMS_TOKEN")
	switch {
	case token != "" && tokenFile != "":
		return module.Notify{}, errors.New("jiceng serve: 短信网关令牌只能有一个来源：请去掉环境变量 JICENG_SMS_TOKEN，或去掉 --sms-token-file / JICENG_SMS_TOKEN_FILE")
	case tokenFile != "":
		var err error
		if token, err = readTokenFile(tokenFile); err != nil {
			return module.Notify{}, err
		}
	}
	if token != "" && n.SMSURL == "" {
		return module.Notify{}, errors.New("jiceng serve: 给出了短信网关令牌，却没有短信网关地址：请用 --sms-url（或 JICENG_SMS_URL）指定")
	}
	n.SMSToken = strings.TrimSpace(token)
	if n.SMSURL != "" {
		if _, err := cases.NewSMSSender(n.SMSURL, n.SMSToken); err != nil {
			return module.Notify{}, fmt.Errorf("jiceng serve: --sms-url %v", err)
		}
	}
	return n, nil
}

// readTokenFile reads the text-message gateway's token from path: one line,
// in a file others may not read (like the ballot token key's).
func readTokenFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("jiceng serve: 短信网关令牌文件 %s 不存在", path)
		}
		return "", fmt.Errorf("jiceng serve: 无法读取短信网关令牌文件 %s：%v", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("jiceng serve: 短信网关令牌文件 %s 的权限为 %04o，其他用户可读：请执行 chmod 600 %[1]s 后重新启动", path, st.Mode().Perm())
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("jiceng serve: 短信网关令牌文件 %s 是空的", path)
	}
	return token, nil
}

// caseRetention reads --case-retention, or JICENG_CASE_RETENTION.
func caseRetention(flagValue string, getenv func(string) string) (map[string]int, error) {
	if flagValue == "" {
		flagValue = getenv("JICENG_CASE_RETENTION")
	}
	days, err := cases.ParseRetention(flagValue)
	if err != nil {
		return nil, fmt.Errorf("jiceng serve: --case-retention %v", err)
	}
	return days, nil
}

// logCaseSettings says at start where the messages to reporters go and how
// long their identities are kept, naming no password or token.
func logCaseSettings(logger *slog.Logger, n module.Notify, smtpOnCommandLine bool, retention map[string]int, demo bool) {
	gateways := "none: text messages and e-mails to reporters wait in the outbox"
	switch s, err := cases.NewSenders(n, nil); {
	case demo:
		gateways = "demo: text messages and e-mails are kept in memory, none is sent"
	case err == nil && s != nil:
		gateways = s.String()
	}
	var days []string
	for _, k := range cases.Kinds {
		n, ok := retention[k.Key]
		if !ok {
			n = cases.VaultRetentionDays
		}
		days = append(days, fmt.Sprintf("%s=%d", k.Key, n))
	}
	logger.Info("residents' channel", "notifications", gateways, "retention_days", strings.Join(days, ","))
	if smtpOnCommandLine {
		if u, err := url.Parse(n.SMTPURL); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				logger.Warn("the SMTP password is on the command line (--smtp-url), where ps shows it to every user of the machine: give the address in JICENG_SMTP_URL instead")
			}
		}
	}
}
