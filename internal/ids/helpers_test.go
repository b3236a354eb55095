package ids

import (
	"errors"
	"testing"

	"jiceng/internal/errs"
)

// wantInvalid fails unless err is an invalid-input *errs.Error whose Chinese
// message is exactly zh and which also has an English message.
func wantInvalid(t *testing.T, err error, zh string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", zh)
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is %T, want *errs.Error", err, err)
	}
	if e.Kind != errs.Invalid {
		t.Errorf("kind = %q, want %q", e.Kind, errs.Invalid)
	}
	if e.ZH != zh {
		t.Errorf("message\n got %q\nwant %q", e.ZH, zh)
	}
	if e.EN == "" {
		t.Errorf("message %q has no English counterpart", e.ZH)
	}
}
