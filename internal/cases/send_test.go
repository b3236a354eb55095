package cases_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/module"
)

// smtpServer is a minimal SMTP server on 127.0.0.1 that takes one message
// per connection and keeps the commands and the data it was given.
type smtpServer struct {
	addr string
	ext  []string // the extensions EHLO announces, after the greeting line
	mu   sync.Mutex
	cmds []string
	data []string
}

func newSMTPServer(t *testing.T, ext ...string) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	s := &smtpServer{addr: ln.Addr().String(), ext: ext}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer func() { _ = c.Close() }() // the dialogue is over either way
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = io.WriteString(c, line+"\r\n") }
	say("220 mail.test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.mu.Lock()
		s.cmds = append(s.cmds, line)
		s.mu.Unlock()
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch {
		case verb == "EHLO":
			if len(s.ext) == 0 {
				say("250 mail.test")
				continue
			}
			say("250-mail.test")
			for i, e := range s.ext {
				if i == len(s.ext)-1 {
					say("250 " + e)
				} else {
					say("250-" + e)
				}
			}
		case verb == "AUTH":
			say("235 2.7.0 Authentication successful")
		case verb == "MAIL", verb == "RCPT":
			say("250 2.1.0 OK")
		case verb == "DATA":
			say("354 End data with <CR><LF>.<CR><LF>")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.data = append(s.data, data.String())
			s.mu.Unlock()
			say("250 2.0.0 Ok: queued")
		case verb == "QUIT":
			say("221 2.0.0 Bye")
			return
		default:
			say("502 5.5.2 Error: command not recognized")
		}
	}
}

func (s *smtpServer) got() ([]string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.cmds...), append([]string(nil), s.data...)
}

// TestSMTPSendsOneMessage: the dialogue, the headers and the body the
// server receives, byte for byte but for the Message-ID's random part.
func TestSMTPSendsOneMessage(t *testing.T) {
	srv := newSMTPServer(t, "AUTH PLAIN LOGIN", "SIZE 10240000")
	at := time.Date(2026, 9, 24, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	s, err := cases.NewSMTPSender("smtp://notice:s3cret@"+srv.addr+"?tls=none&from="+
		"%E5%85%B4%E5%AE%81%E5%8C%BA%E5%9F%BA%E5%B1%82%E5%B9%B3%E5%8F%B0%20%3Cnoreply%40example.gov.cn%3E", func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	body := "您反映的事项（第 42 号）已受理，将在 2026年10月15日 前答复。"
	if err := s.Send(context.Background(), cases.Message{ID: 42, Channel: cases.ChannelEmail, Address: "resident@example.com", Body: body}); err != nil {
		t.Fatal(err)
	}
	cmds, data := srv.got()
	wantCmds := []string{
		"EHLO localhost",
		"AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00notice\x00s3cret")),
		"MAIL FROM:<noreply@example.gov.cn>",
		"RCPT TO:<resident@example.com>",
		"DATA",
		"QUIT",
	}
	if strings.Join(cmds, "\n") != strings.Join(wantCmds, "\n") {
		t.Fatalf("dialogue:\n%s\nwant\n%s", strings.Join(cmds, "\n"), strings.Join(wantCmds, "\n"))
	}
	if len(data) != 1 {
		t.Fatalf("%d messages", len(data))
	}
	msgID := regexp.MustCompile(`(?m)^Message-ID: <42\.[0-9a-f]{16}@example\.gov\.cn>\r$`)
	if !msgID.MatchString(data[0]) {
		t.Fatalf("no Message-ID of the outbox id in the sender's domain:\n%s", data[0])
	}
	got := msgID.ReplaceAllString(data[0], "Message-ID: <42.X@example.gov.cn>\r")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	want := "From: =?utf-8?q?=E5=85=B4=E5=AE=81=E5=8C=BA=E5=9F=BA=E5=B1=82=E5=B9=B3=E5=8F=B0?= <noreply@example.gov.cn>\r\n" +
		"To: <resident@example.com>\r\n" +
		// Encoded words are at most 75 characters (RFC 2047): the subject takes two.
		"Subject: =?utf-8?q?=E6=82=A8=E5=8F=8D=E6=98=A0=E4=BA=8B=E9=A1=B9=E7=9A=84=E5=8A=9E?= =?utf-8?q?=E7=90=86=E9=80=9A=E7=9F=A5?=\r\n" +
		"Date: Thu, 24 Sep 2026 10:00:00 +0800\r\n" +
		"Message-ID: <42.X@example.gov.cn>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"Auto-Submitted: auto-generated\r\n" +
		"\r\n" +
		enc[:76] + "\r\n" + enc[76:] + "\r\n"
	if got != want {
		t.Fatalf("message:\n%q\nwant\n%q", got, want)
	}
	dec, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(enc, "\r\n", ""))
	if string(dec) != body {
		t.Fatalf("body %q", dec)
	}
}

// TestSMTPRefusesHeaderInjection: a line break in the subject is refused
// when the address is read, and one in a recipient's address before
// anything is sent.
func TestSMTPRefusesHeaderInjection(t *testing.T) {
	srv := newSMTPServer(t)
	base := "smtp://" + srv.addr + "?tls=none&from=noreply@example.gov.cn"
	for _, subject := range []string{"%E9%80%9A%E7%9F%A5%0D%0ABcc:%20spy@example.com", "a%0Ab", "a%0Db"} {
		_, err := cases.NewSMTPSender(base+"&subject="+subject, nil)
		want := `"` + base + `&subject=` + subject + `" 无效：邮件标题 subject 不能为空，也不能含换行等控制字符`
		if err == nil || err.Error() != want {
			t.Errorf("subject %s: %v, want %s", subject, err, want)
		}
	}
	s, err := cases.NewSMTPSender(base+"&subject=%E9%80%9A%E7%9F%A5", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"resident@example.com\r\nBcc: spy@example.com", "resident@example.com\nBcc: spy@example.com", "Spy <spy@example.com>", "a@example.com, b@example.com"} {
		if err := s.Send(context.Background(), cases.Message{ID: 1, Channel: cases.ChannelEmail, Address: addr, Body: "x"}); err == nil {
			t.Errorf("sent to %q", addr)
		}
	}
	if cmds, _ := srv.got(); len(cmds) != 0 {
		t.Fatalf("the server was spoken to: %q", cmds)
	}
}

// TestSMTPRequiresSTARTTLS: a server that does not offer STARTTLS gets no
// password and no message unless the address allows plain text.
func TestSMTPRequiresSTARTTLS(t *testing.T) {
	srv := newSMTPServer(t, "AUTH PLAIN")
	s, err := cases.NewSMTPSender("smtp://notice:s3cret@"+srv.addr+"?from=noreply@example.gov.cn", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), cases.Message{ID: 7, Channel: cases.ChannelEmail, Address: "resident@example.com", Body: "x"})
	if err == nil || err.Error() != "smtp: the server does not offer STARTTLS; add ?tls=optional to send in plain text when it does not" {
		t.Fatalf("got %v", err)
	}
	if cmds, _ := srv.got(); strings.Join(cmds, "|") != "EHLO localhost" {
		t.Fatalf("dialogue %q", cmds)
	}
}

// TestSMTPAddressErrors: what a wrong address is told, never with its
// password.
func TestSMTPAddressErrors(t *testing.T) {
	const pw = "Canary-pw-77"
	for raw, want := range map[string]string{
		"smtp://u:" + pw + "@mail.example.gov.cn":                             `"smtp://u@mail.example.gov.cn" 无效：缺少发件地址，例如 ?from=noreply@example.gov.cn`,
		"http://u:" + pw + "@mail.example.gov.cn?from=a@example.gov.cn":       `"http://u@mail.example.gov.cn?from=a@example.gov.cn" 无效：协议应为 smtp 或 smtps`,
		"smtp://u@mail.example.gov.cn?from=a@example.gov.cn":                  `"smtp://u@mail.example.gov.cn?from=a@example.gov.cn" 无效：用户名和密码应同时给出`,
		"smtp://mail.example.gov.cn?from=a@example.gov.cn&tls=off":            `"smtp://mail.example.gov.cn?from=a@example.gov.cn&tls=off" 无效：tls 应为 starttls（默认）、optional 或 none`,
		"smtps://mail.example.gov.cn?from=a@example.gov.cn&tls=none":          `"smtps://mail.example.gov.cn?from=a@example.gov.cn&tls=none" 无效：smtps:// 始终使用 TLS，不接受 tls 参数`,
		"smtp://mail.example.gov.cn?from=a@example.gov.cn&form=x":             `"smtp://mail.example.gov.cn?from=a@example.gov.cn&form=x" 无效：未知参数 form（可用参数：from、subject、tls）`,
		"smtp://u:" + pw + "@mail.example.gov.cn:99999?from=a@example.gov.cn": `"smtp://u@mail.example.gov.cn:99999?from=a@example.gov.cn" 无效：端口应为 1 至 65535`,
		"smtp://u:" + pw + "@mail.example.gov.cn?from=nobody":                 `"smtp://u@mail.example.gov.cn?from=nobody" 无效：发件地址 from=nobody 不是有效的电子邮箱地址`,
	} {
		_, err := cases.NewSMTPSender(raw, nil)
		if err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", raw, err, want)
		}
		if err != nil && strings.Contains(err.Error(), pw) {
			t.Errorf("%s: the error shows the password", raw)
		}
	}
	s, err := cases.NewSMTPSender("smtps://u:"+pw+"@mail.example.gov.cn?from=a@example.gov.cn", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "smtps://u@mail.example.gov.cn:465 (from a@example.gov.cn, tls implicit)" {
		t.Errorf("String: %q", got)
	}
}

// gateway is a text-message gateway that answers each request with the
// next status of its script (200 once the script is used up) and keeps
// what it was sent.
type gateway struct {
	mu     sync.Mutex
	script []int
	reqs   []gatewayReq
}

type gatewayReq struct {
	auth, key, ctype string
	body             map[string]string
	status           int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]string
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	_ = dec.Decode(&body)
	g.mu.Lock()
	status := http.StatusOK
	if len(g.script) > 0 {
		status, g.script = g.script[0], g.script[1:]
	}
	g.reqs = append(g.reqs, gatewayReq{auth: r.Header.Get("Authorization"), key: r.Header.Get("Idempotency-Key"), ctype: r.Header.Get("Content-Type"), body: body, status: status})
	g.mu.Unlock()
	if r.Method != http.MethodPost {
		status = http.StatusMethodNotAllowed
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"ok":true,"phone":"`+body["phone"]+`"}`)
}

func (g *gateway) requests() []gatewayReq {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayReq(nil), g.reqs...)
}

// TestSMSRetriedThenDeliveredOnce: the reporter's text message goes to the
// gateway as JSON with the token and the outbox id as its idempotency
// key; the gateway's 500 leaves it waiting with the reason, the next try
// after the back-off delivers it, and later rounds send nothing again. An
// e-mail, with no mail server configured, waits.
func TestSMSRetriedThenDeliveredOnce(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	g := &gateway{script: []int{http.StatusInternalServerError}}
	srv := httptest.NewServer(g)
	defer srv.Close()
	senders, err := cases.NewSenders(module.Notify{SMSURL: srv.URL + "/send", SMSToken: "tok-123"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rc := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Phone: "13907712345"})
	f.take(t, "comm.handler", rc.CaseID, cases.StepInput{Step: cases.StepAccept})
	rm := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Email: "resident@example.com"})
	f.take(t, "comm.handler", rm.CaseID, cases.StepInput{Step: cases.StepAccept})
	smsID := int64(f.count(t, "SELECT id FROM outbox WHERE channel = 'sms'"))
	mailID := int64(f.count(t, "SELECT id FROM outbox WHERE channel = 'email'"))

	if _, err := f.s.Deliver(ctx, senders); err != nil {
		t.Fatal(err)
	}
	var lastError string
	if err := f.d.QueryRow(ctx, "SELECT last_error FROM outbox WHERE id = ? AND sent_at IS NULL AND attempts = 1", smsID).Scan(&lastError); err != nil {
		t.Fatalf("the failed message: %v", err)
	}
	if lastError != "sms: the gateway answered 500 Internal Server Error" {
		t.Fatalf("last_error %q", lastError)
	}
	if err := f.d.QueryRow(ctx, "SELECT last_error FROM outbox WHERE id = ? AND sent_at IS NULL", mailID).Scan(&lastError); err != nil {
		t.Fatalf("the e-mail: %v", err)
	}
	if lastError != "no mail server is configured (serve --smtp-url): the message waits" {
		t.Fatalf("e-mail last_error %q", lastError)
	}
	// Not before its back-off.
	if _, err := f.s.Deliver(ctx, senders); err != nil {
		t.Fatal(err)
	}
	if n := len(g.requests()); n != 1 {
		t.Fatalf("%d requests before the back-off ended", n)
	}
	for range 3 {
		f.clock.Set(f.clock.Now().Add(10 * time.Minute))
		if _, err := f.s.Deliver(ctx, senders); err != nil {
			t.Fatal(err)
		}
	}
	reqs := g.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2: %+v", len(reqs), reqs)
	}
	key := strconv.FormatInt(smsID, 10)
	text := "您反映的事项（第 " + strconv.FormatInt(rc.CaseID, 10) + " 号）已受理，将在 "
	for i, r := range reqs {
		if r.auth != "Bearer tok-123" || r.key != key || r.ctype != "application/json; charset=utf-8" || len(r.body) != 3 ||
			r.body["phone"] != "13907712345" || r.body["id"] != key || !strings.HasPrefix(r.body["text"], text) {
			t.Errorf("request %d: %+v, want the phone, id %s and a text starting %q", i, r, key, text)
		}
	}
	if reqs[0].status != 500 || reqs[1].status != 200 {
		t.Fatalf("statuses %d, %d", reqs[0].status, reqs[1].status)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM outbox WHERE id = ? AND sent_at IS NOT NULL AND last_error = '' AND attempts = 2", smsID); n != 1 {
		t.Fatal("the text message is not marked sent after its second attempt")
	}
	if n := f.count(t, "SELECT COUNT(*) FROM outbox WHERE id = ? AND sent_at IS NULL", mailID); n != 1 {
		t.Fatal("the e-mail did not wait")
	}
}

// TestSMSFailures: a gateway that does not answer in time, or redirects,
// has not taken the message.
func TestSMSFailures(t *testing.T) {
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	s, err := cases.NewSMSSender(slow.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = s.Send(ctx, cases.Message{ID: 1, Channel: cases.ChannelSMS, Address: "13907712345", Body: "x"})
	if err == nil || strings.Contains(err.Error(), slow.URL) {
		t.Fatalf("a gateway that hangs: %v", err)
	}
	moved := httptest.NewServer(http.RedirectHandler("https://elsewhere.example.com/", http.StatusTemporaryRedirect))
	defer moved.Close()
	if s, err = cases.NewSMSSender(moved.URL, ""); err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), cases.Message{ID: 1, Channel: cases.ChannelSMS, Address: "13907712345", Body: "x"})
	if err == nil || err.Error() != "sms: the gateway answered 307 Temporary Redirect" {
		t.Fatalf("a redirect: %v", err)
	}
	for raw, want := range map[string]string{
		"http://sms.example.gov.cn/send":       `"http://sms.example.gov.cn/send" 无效：令牌和手机号码会经它传送，须使用 https://（仅本机地址可用 http://）`,
		"https://u:pw@sms.example.gov.cn/send": `"https://u@sms.example.gov.cn/send" 无效：应为短信网关的 HTTPS 地址，例如 https://sms.example.gov.cn/send（令牌另行给出，不写在地址中）`,
		"sms.example.gov.cn":                   `"sms.example.gov.cn" 无效：应为短信网关的 HTTPS 地址，例如 https://sms.example.gov.cn/send（令牌另行给出，不写在地址中）`,
	} {
		if _, err := cases.NewSMSSender(raw, ""); err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", raw, err, want)
		}
	}
	if _, err := cases.NewSMSSender("https://sms.example.gov.cn/send", "tok\r\nX-Evil: 1"); err == nil {
		t.Error("a token with a line break was taken")
	}
}

// TestSMSAddressErrorsHideKeys: a refused gateway address is named in the
// error without its query or fragment, where a provider's key may ride.
func TestSMSAddressErrorsHideKeys(t *testing.T) {
	for _, raw := range []string{"http://sms.example.com/send?key=S3CRETKEY", "ftp://sms.example.com/?access_token=S3CRETKEY", "https://sms.example.com/send?key=S3CRETKEY#x"} {
		_, err := cases.NewSMSSender(raw, "")
		if err == nil {
			t.Fatalf("%s accepted", raw)
		}
		if msg := errs.As(err).Message("zh-CN") + errs.As(err).Message("en"); strings.Contains(msg, "S3CRETKEY") || !strings.Contains(msg, "sms.example.com") {
			t.Errorf("%s: %s", raw, msg)
		}
	}
}
