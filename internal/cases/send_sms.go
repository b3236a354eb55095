package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// SMSSender sends the text messages of the outbox through an HTTP gateway:
// the providers' own APIs differ, so a small relay of the installation's
// (or a provider that takes it as it is) receives one POST per message,
//
//	POST <url>
//	Authorization: Bearer <token>      (when a token is configured)
//	Idempotency-Key: <outbox id>
//	Content-Type: application/json; charset=utf-8
//
//	{"phone": "13907712345", "text": "您反映的事项……", "id": "42"}
//
// and answers 2xx once it has taken the message. Anything else — another
// status, a redirect, no answer within the timeout — is a failure, and the
// outbox tries again later with the same id, by which the gateway drops a
// message it has taken already.
type SMSSender struct {
	url    string
	token  string
	client *http.Client
}

// NewSMSSender checks the gateway's address raw and the bearer token (""
// for none). The address is HTTPS, or HTTP on the local host only, since
// the token and the phone numbers travel in it.
func NewSMSSender(raw, token string) (*SMSSender, error) {
	// What errors show of the address: no password, no query (a key may
	// ride in it), no fragment.
	shown := db.Redact(raw)
	if i := strings.IndexAny(shown, "?#"); i >= 0 {
		shown = shown[:i] + "?…"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" || u.User != nil || u.Fragment != "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, errs.Newf(errs.Invalid, "%q 无效：应为短信网关的 HTTPS 地址，例如 https://sms.example.gov.cn/send（令牌另行给出，不写在地址中）",
			"%q is not valid: it must be the HTTPS address of the text-message gateway, e.g. https://sms.example.gov.cn/send (the token is given apart, not in the address)", shown)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return nil, errs.Newf(errs.Invalid, "%q 无效：令牌和手机号码会经它传送，须使用 https://（仅本机地址可用 http://）",
			"%q is not valid: the token and phone numbers travel through it, so it must be https:// (http:// only on the local host)", shown)
	}
	for _, r := range token {
		if r <= ' ' || r == 0x7f {
			return nil, errs.New(errs.Invalid, "短信网关令牌无效：不能含空格、换行等字符", "the gateway token is not valid: it must hold no space, line break or control character")
		}
	}
	return &SMSSender{url: raw, token: token, client: &http.Client{
		Timeout: sendTimeout,
		// A redirect is a failure: it would carry the message to an
		// address nobody configured, or turn the POST into a GET.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// loopback tells whether host names this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send posts m to the gateway.
func (s *SMSSender) Send(ctx context.Context, m Message) error {
	id := strconv.FormatInt(m.ID, 10)
	body, err := json.Marshal(struct {
		Phone string `json:"phone"`
		Text  string `json:"text"`
		ID    string `json:"id"`
	}{m.Address, m.Body, id})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Idempotency-Key", id)
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		// The client's error repeats the address, which may hold a
		// provider's key in its query: only the cause is kept.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("sms: the gateway did not answer (%s): %w", time.Since(start).Round(time.Millisecond), err)
	}
	// The reply is read (so that the connection is reused) but not kept:
	// a gateway may repeat the phone number in it, and the error is kept
	// in the outbox in clear.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close() // read to the end or given up; nothing to report
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("sms: the gateway answered %s", resp.Status)
	}
	return nil
}

// String names the gateway without its query, which may hold a key.
func (s *SMSSender) String() string {
	u, err := url.Parse(s.url)
	if err != nil {
		return "sms gateway"
	}
	u.RawQuery = ""
	return u.String()
}
