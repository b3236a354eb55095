package cases

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// DefaultMailSubject is the subject of the e-mails to reporters unless the
// SMTP address names another (?subject=). It says nothing of the case: the
// body names it by its number.
const DefaultMailSubject = "您反映事项的办理通知"

// sendTimeout bounds one delivery, dial to QUIT, when the caller's context
// has no earlier deadline: a gateway that hangs must not hold the rows the
// worker claimed past their lease.
const sendTimeout = 30 * time.Second

// How the connection to the SMTP server is encrypted.
const (
	tlsStartTLS = "starttls" // STARTTLS, refused by a server that does not offer it
	tlsOptional = "optional" // STARTTLS when the server offers it
	tlsNone     = "none"     // plain text: a relay on the same host
	tlsImplicit = "implicit" // smtps://: TLS from the first byte
)

// SMTPSender sends the e-mails of the outbox through an SMTP server. It is
// configured by an address such as
//
//	smtp://user:password@mail.example.gov.cn:587?from=noreply@example.gov.cn
//	smtps://user:password@mail.example.gov.cn:465?from=noreply@example.gov.cn
//
// smtp:// requires STARTTLS unless ?tls=optional (use it when offered) or
// ?tls=none (plain text, for a relay on the same host) says otherwise;
// smtps:// speaks TLS from the first byte. Credentials, when given, are
// sent with AUTH PLAIN, which net/smtp sends only over TLS or to the local
// host. ?subject= replaces DefaultMailSubject.
type SMTPSender struct {
	addr, host string
	user, pass string
	auth       bool
	from       mail.Address
	subject    string
	mode       string
	now        func() time.Time
	// tlsConfig is the client's TLS configuration; nil verifies the
	// server's certificate against the system's roots for its host name.
	tlsConfig *tls.Config
}

// NewSMTPSender reads the SMTP address raw (see SMTPSender). now is the
// clock of the Date header; nil is time.Now. Its errors name the address
// without its password.
func NewSMTPSender(raw string, now func() time.Time) (*SMTPSender, error) {
	shown := db.Redact(raw)
	bad := func(zh, en string) error {
		return errs.Newf(errs.Invalid, "%q 无效："+zh, "%q is not valid: "+en, shown)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, bad("应为 smtp://用户名:密码@主机:587?from=发件地址 或 smtps://…", "it must be smtp://user:password@host:587?from=address or smtps://…")
	}
	s := &SMTPSender{host: u.Hostname(), now: now, subject: DefaultMailSubject}
	if s.now == nil {
		s.now = time.Now
	}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		s.mode = tlsStartTLS
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.mode = tlsImplicit
		if port == "" {
			port = "465"
		}
	default:
		return nil, bad("协议应为 smtp 或 smtps", "the scheme must be smtp or smtps")
	}
	if s.host == "" || strings.HasSuffix(u.Host, ":") {
		return nil, bad("缺少邮件服务器地址", "the mail server's host is missing")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, bad("端口应为 1 至 65535", "the port must be 1 to 65535")
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.Path != "" && u.Path != "/" || u.Fragment != "" {
		return nil, bad("地址中不应有路径", "the address must have no path")
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.user == "" || s.pass == "" {
			return nil, bad("用户名和密码应同时给出", "give both the user name and the password")
		}
		s.auth = true
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, bad("参数无法解析", "its parameters do not parse")
	}
	for k, v := range q {
		if len(v) != 1 {
			return nil, errs.Newf(errs.Invalid, "%q 无效：参数 %s 只能给一次", "%q is not valid: give %s once", shown, k)
		}
		switch k {
		case "from":
			a, err := mail.ParseAddress(v[0])
			if err != nil || strings.ContainsAny(v[0], "\r\n") {
				return nil, errs.Newf(errs.Invalid, "%q 无效：发件地址 from=%s 不是有效的电子邮箱地址", "%q is not valid: from=%s is not an e-mail address", shown, v[0])
			}
			s.from = *a
		case "subject":
			if err := headerText(v[0]); err != nil || strings.TrimSpace(v[0]) == "" {
				return nil, bad("邮件标题 subject 不能为空，也不能含换行等控制字符", "the subject must not be empty nor hold a line break or another control character")
			}
			s.subject = v[0]
		case "tls":
			switch {
			case s.mode == tlsImplicit:
				return nil, bad("smtps:// 始终使用 TLS，不接受 tls 参数", "smtps:// always uses TLS and takes no tls parameter")
			case v[0] == tlsStartTLS || v[0] == tlsOptional || v[0] == tlsNone:
				s.mode = v[0]
			default:
				return nil, bad("tls 应为 starttls（默认）、optional 或 none", "tls must be starttls (the default), optional or none")
			}
		default:
			return nil, errs.Newf(errs.Invalid, "%q 无效：未知参数 %s（可用参数：from、subject、tls）", "%q is not valid: unknown parameter %s (known: from, subject, tls)", shown, k)
		}
	}
	if s.from.Address == "" {
		return nil, bad("缺少发件地址，例如 ?from=noreply@example.gov.cn", "the sender is missing, e.g. ?from=noreply@example.gov.cn")
	}
	return s, nil
}

// headerText refuses what would end a header line or start another: a
// value with CR, LF or another control character.
func headerText(s string) error {
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return errors.New("a header value holds a control character")
		}
	}
	return nil
}

// recipient checks an address the outbox hands over: one bare address,
// nothing that could add a header or a recipient.
func recipient(addr string) (string, error) {
	if err := headerText(addr); err != nil {
		return "", errors.New("the recipient's address holds a line break or another control character")
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(addr) {
		return "", errors.New("the recipient's address is not one e-mail address")
	}
	return a.Address, nil
}

// Send delivers m by e-mail. An error that the server's reply would make
// name the recipient names it "<recipient>" instead: the error is kept in
// the outbox in clear, the address only sealed.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	to, err := recipient(m.Address)
	if err != nil {
		return err
	}
	msg, err := s.compose(m, to)
	if err != nil {
		return err
	}
	if err := s.send(ctx, to, msg); err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), to, "<recipient>"))
	}
	return nil
}

// compose writes the message: UTF-8 throughout, the subject as RFC 2047
// encoded words, the body in base64 so that no line of it is taken for a
// header or the end of the data.
func (s *SMTPSender) compose(m Message, to string) ([]byte, error) {
	if err := headerText(s.subject); err != nil {
		return nil, errors.New("the subject holds a line break or another control character")
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", (&mail.Address{Address: to}).String())
	header("Subject", mime.QEncoding.Encode("utf-8", s.subject))
	header("Date", s.now().Format(time.RFC1123Z))
	header("Message-ID", messageID(m.ID, s.from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := base64.StdEncoding.EncodeToString([]byte(m.Body))
	for len(body) > 76 {
		b.WriteString(body[:76] + "\r\n")
		body = body[76:]
	}
	b.WriteString(body + "\r\n")
	return b.Bytes(), nil
}

// messageID is a Message-ID in the sender's domain: the outbox id, for
// whoever traces a message back, and a random part, since ids start again
// in a new database and mail services drop a Message-ID they have seen.
func messageID(id int64, from string) string {
	domain := "localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i+1 < len(from) {
		domain = from[i+1:]
	}
	var r [8]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read does not fail
	return "<" + strconv.FormatInt(id, 10) + "." + hex.EncodeToString(r[:]) + "@" + domain + ">"
}

// send runs the SMTP dialogue, within sendTimeout of the caller's context.
func (s *SMTPSender) send(ctx context.Context, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	tlsConfig := s.tlsConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	var err error
	if s.mode == tlsImplicit {
		d := &tls.Dialer{Config: tlsConfig}
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", s.addr, err)
	}
	// The deadline bounds every read and write; a cancelled context
	// closes the connection at once.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl) // a failure shows as the next read's
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		_ = conn.Close() // the greeting's error is the one to report
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer func() { _ = c.Close() }() // after QUIT, or to give up
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if s.mode == tlsStartTLS || s.mode == tlsOptional {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("smtp: STARTTLS: %w", err)
			}
		} else if s.mode == tlsStartTLS {
			return errors.New("smtp: the server does not offer STARTTLS; add ?tls=optional to send in plain text when it does not")
		}
	}
	if s.auth {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("smtp: the server does not offer AUTH, but a user name and password are configured")
		}
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("smtp: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		_ = w.Close() // the write's error is the one to report
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	// The server took the message with its reply to the data; a failed
	// QUIT does not undo that, and reporting it would send it twice.
	_ = c.Quit()
	return nil
}

// String names the server and the sender, never the password.
func (s *SMTPSender) String() string {
	scheme := "smtp"
	if s.mode == tlsImplicit {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: s.addr}
	if s.auth {
		u.User = url.User(s.user)
	}
	return u.String() + " (from " + s.from.Address + ", tls " + s.mode + ")"
}
