package db

import (
	"net/url"
	"regexp"
	"strings"
)

// Redact returns the database URL rawURL without its password, for
// messages and logs: the password in the user information and a password
// query parameter are removed, and so is a password=… pair of a key=value
// connection string. Start-up lines and errors end up in the system
// journal, readable by more people than the database.
func Redact(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Scheme != "" && u.Opaque == "" {
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		if u.RawQuery != "" {
			q := u.Query()
			if q.Has("password") {
				q.Del("password")
				u.RawQuery = q.Encode()
			}
		}
		return u.String()
	}
	// Not a URL that parses: remove what could be a password anyway.
	s := rawURL
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.LastIndex(s, "@"); j > i {
			user, _, _ := strings.Cut(s[i+3:j], ":")
			s = s[:i+3] + user + s[j:]
		}
	}
	return passwordPair.ReplaceAllString(s, "${1}")
}

// passwordPair matches password=… in a key=value connection string or a
// query, quoted or not, with what precedes it.
var passwordPair = regexp.MustCompile(`(?i)(^|[\s&?;])password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&;]*)\s*`)

// Password returns the password that rawURL carries, in its user
// information or its password query parameter (the latter wins, as libpq
// reads it last), and the URL without it.
func Password(rawURL string) (password, rest string, ok bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", rawURL, false
	}
	if u.User != nil {
		if p, has := u.User.Password(); has {
			password, ok = p, true
			u.User = url.User(u.User.Username())
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		if q.Has("password") {
			password, ok = q.Get("password"), true
			q.Del("password")
			u.RawQuery = q.Encode()
		}
	}
	return password, u.String(), ok
}
