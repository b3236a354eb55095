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
			var keep []string
			for _, p := range splitQuery(u.RawQuery) {
				if !isSecret(p.key) {
					keep = append(keep, p.raw)
				}
			}
			u.RawQuery = strings.Join(keep, "&")
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

// queryPair is one key=value of a raw query, as written and decoded.
type queryPair struct{ raw, key, value string }

// splitQuery splits a raw query on "&", as libpq does. url.Query is not
// used: it drops a pair holding ";" or a bad "%" escape, and a password so
// written would slip past the search for secrets while libpq still reads
// it. A key or value that does not decode is kept as written.
func splitQuery(raw string) []queryPair {
	var out []queryPair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		out = append(out, queryPair{raw: part, key: k, value: v})
	}
	return out
}

// isSecret reports whether a query key holds "password" in any case.
func isSecret(key string) bool { return strings.Contains(strings.ToLower(key), "password") }

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
	for _, p := range splitQuery(u.RawQuery) {
		if isSecret(p.key) && p.key != "password" && !slices.Contains(out, p.key) {
			out = append(out, p.key)
		}
	}
	slices.Sort(out)
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
		var keep []string
		for _, p := range splitQuery(u.RawQuery) {
			if p.key == "password" {
				password, ok = p.value, true
				continue
			}
			keep = append(keep, p.raw)
		}
		u.RawQuery = strings.Join(keep, "&")
	}
	return password, u.String(), ok
}
