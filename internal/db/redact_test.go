package db

import (
	"strings"
	"testing"
)

// TestRedact: no form of a password survives redaction; the rest of the
// address stays readable.
func TestRedact(t *testing.T) {
	const canary = "Canary-7f3a"
	for in, want := range map[string]string{
		"postgres://jiceng:" + canary + "@db.example:5432/jiceng?sslmode=verify-full": "postgres://jiceng@db.example:5432/jiceng?sslmode=verify-full",
		"postgres://jiceng@db.example/jiceng?password=" + canary + "&sslmode=disable": "postgres://jiceng@db.example/jiceng?sslmode=disable",
		"postgresql://jiceng:" + canary + "@db.example/jiceng?password=" + canary:     "postgresql://jiceng@db.example/jiceng",
		"postgres://db.example/jiceng?PASSWORD=" + canary + "&password=" + canary:     "postgres://db.example/jiceng",
		"postgres://u:" + canary + "@127.0.0.1:5439/x?sslpassword=" + canary:          "postgres://u@127.0.0.1:5439/x",
		"postgres://db.example/x?sslmode=verify-full&SSLPassword=" + canary:           "postgres://db.example/x?sslmode=verify-full",
		"host=db.example sslpassword=" + canary + " dbname=jiceng":                    "host=db.example dbname=jiceng",
		"host=db.example SSLPASSWORD = '" + canary + "' dbname=jiceng":                "host=db.example dbname=jiceng",
		"host=db.example user=jiceng password=" + canary + " dbname=jiceng":           "host=db.example user=jiceng dbname=jiceng",
		"host=db.example password='" + canary + " x' dbname=jiceng":                   "host=db.example dbname=jiceng",
		"postgres://jiceng:" + canary + "@db.example:5432/jic%eng":                    "postgres://jiceng@db.example:5432/jic%eng",
		// url.Query drops a pair with ";" or a bad escape; libpq keeps it.
		"postgres://u@127.0.0.1:1/db?sslpassword=" + canary + ";x&sslmode=require": "postgres://u@127.0.0.1:1/db?sslmode=require",
		"postgres://u@127.0.0.1:1/db?password=" + canary + ";x":                    "postgres://u@127.0.0.1:1/db",
		"postgres://u@127.0.0.1:1/db?sslmode=require&sslpassword=ab%ZZ" + canary:   "postgres://u@127.0.0.1:1/db?sslmode=require",
		"sqlite:/var/lib/jiceng/jiceng.db":                                         "sqlite:/var/lib/jiceng/jiceng.db",
		"postgres://jiceng@db.example/jiceng":                                      "postgres://jiceng@db.example/jiceng",
	} {
		got := Redact(in)
		if strings.Contains(got, canary) {
			t.Errorf("Redact(%q) = %q keeps the password", in, got)
		}
		if got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	pw, rest, ok := Password("postgres://jiceng:" + canary + "@db.example/jiceng?sslmode=disable")
	if !ok || pw != canary || rest != "postgres://jiceng@db.example/jiceng?sslmode=disable" {
		t.Errorf("Password: %q %q %v", pw, rest, ok)
	}
	pw, rest, ok = Password("postgres://jiceng@db.example/jiceng?sslmode=disable&password=" + canary + ";x")
	if !ok || pw != canary+";x" || rest != "postgres://jiceng@db.example/jiceng?sslmode=disable" {
		t.Errorf("Password with a semicolon: %q %q %v", pw, rest, ok)
	}
	pw, rest, ok = Password("postgres://jiceng@db.example/jiceng?password=" + canary)
	if !ok || pw != canary || rest != "postgres://jiceng@db.example/jiceng" {
		t.Errorf("Password from the query: %q %q %v", pw, rest, ok)
	}
	if _, _, ok := Password("postgres://jiceng@db.example/jiceng"); ok {
		t.Error("Password found one in a URL without")
	}
}

// TestSecretParams: the password-like query parameters that Password does
// not take out, by name, so that no command line carries them.
func TestSecretParams(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h/x?sslpassword=s&sslmode=require": "sslpassword",
		"postgres://h/x?password=p&SSLPassword=s":           "SSLPassword",
		"postgres://u:pw@h/x?password=p&sslmode=require":    "",
		"postgres://h/x":                     "",
		"postgres://h/x?sslpassword=se;cret": "sslpassword",
		"postgres://h/x?sslpassword=ab%ZZcd": "sslpassword",
	} {
		if got := strings.Join(SecretParams(in), ","); got != want {
			t.Errorf("SecretParams(%q) = %q, want %q", in, got, want)
		}
	}
}
