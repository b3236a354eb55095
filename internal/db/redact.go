package db

import (
	"net/url"
	"regexp"
	"slices"
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
			if secret := secretKeys(q); len(secret) > 0 {
				for _, k := range secret {
					q.Del(k)
				}
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

// passwordPair matches password=…, sslpassword=… and the like in a
// key=value connection string or a query, quoted or not, with what
// precedes it.
var passwordPair = regexp.MustCompile(`(?i)(^|[\s&?;])\w*password\w*\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&;]*)\s*`)

// secretKeys returns the names in q that hold "password" in any case,
// sorted.
func secretKeys(q url.Values) []string {
	var keys []string
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// SecretParams returns the names of the query parameters of rawURL that
// hold "password" but that Password does not take out (sslpassword, the
// passphrase of the client key): libpq reads sslpassword from no
// environment variable, so a command that passes rawURL on to another
// program cannot keep it off that program's command line.
func SecretParams(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || u.RawQuery == "" {
		return nil
	}
	var out []string
	for _, k := range secretKeys(u.Query()) {
		if k != "password" {
			out = append(out, k)
		}
	}
	return out
}

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
