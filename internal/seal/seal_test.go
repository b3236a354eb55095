package seal

import (
	"bytes"
	"testing"
)

// TestSealBindsFieldAndKey: a value opens for its field under its key, and
// for no other field, purpose or key; equal values seal differently.
func TestSealBindsFieldAndKey(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	b, err := New(key, "test v1")
	if err != nil {
		t.Fatal(err)
	}
	one, two := b.Seal("phone", "13907710001"), b.Seal("phone", "13907710001")
	if bytes.Equal(one, two) || bytes.Contains(one, []byte("13907710001")) {
		t.Fatal("sealing is not randomized or leaks the value")
	}
	if got, err := b.Open("phone", one); err != nil || got != "13907710001" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := b.Open("name", one); err == nil {
		t.Fatal("a phone opened as a name")
	}
	other, _ := New(key, "test v2")
	if _, err := other.Open("phone", one); err == nil {
		t.Fatal("a value opened under another purpose")
	}
	if _, err := New([]byte("short"), "x"); err == nil {
		t.Fatal("a short key was taken")
	}
}
