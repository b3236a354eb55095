// Package account holds users, their passwords, grants and sessions, and the
// login rate limit.
package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"jiceng/internal/errs"
)

// Params are the argon2id cost parameters. Production uses DefaultParams;
// tests may pass cheaper ones through the constructor.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams follow the OWASP recommendation for argon2id (19 MiB, 2 passes).
var DefaultParams = Params{Time: 2, Memory: 19 * 1024, Threads: 1}

// HashPassword returns an encoded argon2id hash of pw.
func HashPassword(pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// PasswordRule is the rule shown to users when a password is refused.
const (
	PasswordRuleZH = "密码至少 10 位，须同时包含字母和数字，且不能包含用户名"
	PasswordRuleEN = "a password needs at least 10 characters, both letters and digits, and must not contain the username"
)

// CheckStrength enforces PasswordRule.
func CheckStrength(username, pw string) error {
	var letter, digit bool
	for _, r := range pw {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		}
	}
	weak := utf8.RuneCountInString(pw) < 10 || !letter || !digit ||
		(username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)))
	if weak || utf8.RuneCountInString(pw) > 256 {
		return errs.Field("password", "密码强度不够："+PasswordRuleZH, "password too weak: "+PasswordRuleEN)
	}
	return nil
}

// RandomPassword returns a strong random password (14 characters from an
// alphabet without look-alikes, about 80 bits), for demo and new accounts.
func RandomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	for {
		out := make([]byte, 14)
		for i := range out {
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			if err != nil {
				panic(err) // the system's random source is broken: nothing safe can go on
			}
			out[i] = alphabet[n.Int64()]
		}
		if CheckStrength("", string(out)) == nil {
			return string(out)
		}
	}
}
