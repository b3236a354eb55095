package evaluation

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// DraftLifetime is how long a ballot being filled in stays readable: long
// enough to read the reports and think, short enough that a phone left
// lying about does not keep a code and its answers for days.
const DraftLifetime = 3 * time.Hour

// Draft is a ballot being filled in, between the steps of the public pages:
// the code, the answers in the order the ballot shows them, the comment,
// and whether the rater has asked for the review (so that the form marks
// what is missing). It lives in the rater's browser, sealed, and nowhere on
// the server: the pages post it into a cookie and redirect to a plain GET,
// so that the Back gesture finds a page it can load again rather than a
// post to resubmit.
type Draft struct {
	Code    string   `json:"k"`
	Answers []string `json:"a,omitempty"`
	Comment string   `json:"c,omitempty"`
	Checked bool     `json:"v,omitempty"`
	Expires int64    `json:"e"`
}

// draftKey derives the draft cipher's key from the token key, so that no
// new secret has to be kept and a draft cannot be read without the key
// file.
func (s *Service) draftKey() []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("jiceng ballot draft v1"))
	return m.Sum(nil)
}

// SealDraft encrypts and authenticates d for the rater's browser, valid for
// DraftLifetime. Whoever reads the browser's cookie store learns nothing of
// the code or the answers from it.
func (s *Service) SealDraft(d Draft) (string, error) {
	d.Expires = s.now().Add(DraftLifetime).Unix()
	plain, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	aead, err := s.draftAEAD()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	// crypto/rand.Read does not fail (it aborts the program instead).
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, nil)), nil
}

// OpenDraft reads a sealed draft; ok is false when it is damaged, forged,
// sealed under another key or expired.
func (s *Service) OpenDraft(sealed string) (d Draft, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return Draft{}, false
	}
	aead, err := s.draftAEAD()
	if err != nil || len(b) < aead.NonceSize() {
		return Draft{}, false
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil || json.Unmarshal(plain, &d) != nil || d.Code == "" || !s.now().Before(time.Unix(d.Expires, 0)) {
		return Draft{}, false
	}
	return d, true
}

func (s *Service) draftAEAD() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.draftKey())
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
