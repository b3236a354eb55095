package evaluation

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"io"
	"math"
	"strconv"
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
	Code    string
	Answers []string
	Comment string
	Checked bool
	Expires int64
}

// draftKey derives the draft cipher's key from the token key, so that no
// new secret has to be kept and a draft cannot be read without the key
// file. The label names the encoding: a draft sealed in an older one does
// not open and the rater is asked for the code again.
func (s *Service) draftKey() []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("jiceng ballot draft v2"))
	return m.Sum(nil)
}

// SealDraft encrypts and authenticates d for the rater's browser, valid for
// DraftLifetime. Whoever reads the browser's cookie store learns nothing of
// the code or the answers from it.
//
// A browser keeps at most 4096 bytes of one cookie, and the draft of a
// large ballot must still get through the redirect, so the draft is packed
// tightly before it is sealed: the code as its 16 bytes, each answer that
// is a score of at most two decimals in one or two bytes (the points of a
// level are such scores), the comment as raw UTF-8 — never escaped as in
// JSON — and the whole compressed with DEFLATE, which shrinks the long runs
// of few distinct answers that ballots of levels are made of. The demo
// ballot with a 500-character comment seals to well under 2 KB; a larger
// one is split over several cookies by the pages.
func (s *Service) SealDraft(d Draft) (string, error) {
	d.Expires = s.now().Add(DraftLifetime).Unix()
	var buf bytes.Buffer
	zw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write(packDraft(d)); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	aead, err := s.draftAEAD()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	// crypto/rand.Read does not fail (it aborts the program instead).
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, buf.Bytes(), nil)), nil
}

// maxDraftPlain bounds what an opened draft may inflate to: far more than
// any ballot needs, far less than a compressed bomb could ask for.
const maxDraftPlain = 1 << 20

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
	packed, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil {
		return Draft{}, false
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxDraftPlain+1))
	if err != nil || len(plain) > maxDraftPlain {
		return Draft{}, false
	}
	d, ok = unpackDraft(plain)
	if !ok || d.Code == "" || !s.now().Before(time.Unix(d.Expires, 0)) {
		return Draft{}, false
	}
	return d, true
}

// The packed draft: a version byte, a flags byte, the expiry (uvarint Unix
// seconds), the code (16 bytes, or its text when it is not in the printed
// form), the comment, and the answers, each one token:
//
//	0x00            no answer
//	0x01–0x65       a whole score 0–100, written without leading zeros
//	0x80–0xA7 + 1 b a score of hundredths 0–10000 (14 bits), as
//	                strconv.FormatFloat(v/100, 'f', -1, 64) writes it
//	0xFF + text     anything else, as posted
//
// Texts are a uvarint length and the bytes.
const (
	draftVersion  = 2
	draftChecked  = 1 << 0
	draftTextCode = 1 << 1
	tokenText     = 0xFF
)

func packDraft(d Draft) []byte {
	b := []byte{draftVersion, 0}
	if d.Checked {
		b[1] |= draftChecked
	}
	b = binary.AppendUvarint(b, uint64(max(d.Expires, 0)))
	if raw, err := ParseCode(d.Code); err == nil && FormatCode(raw) == d.Code {
		b = append(b, raw[:]...)
	} else {
		b[1] |= draftTextCode
		b = appendText(b, d.Code)
	}
	b = appendText(b, d.Comment)
	b = binary.AppendUvarint(b, uint64(len(d.Answers)))
	for _, a := range d.Answers {
		b = appendAnswer(b, a)
	}
	return b
}

func appendText(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendAnswer(b []byte, a string) []byte {
	if a == "" {
		return append(b, 0)
	}
	if n, err := strconv.Atoi(a); err == nil && n >= 0 && n <= 100 && strconv.Itoa(n) == a {
		return append(b, byte(n+1))
	}
	if v, err := strconv.ParseFloat(a, 64); err == nil && v >= 0 && v <= 100 && !math.Signbit(v) {
		h := math.Round(v * 100)
		if strconv.FormatFloat(h/100, 'f', -1, 64) == a {
			return append(b, 0x80|byte(int(h)>>8), byte(int(h)))
		}
	}
	return appendText(append(b, tokenText), a)
}

// unpackDraft reverses packDraft; ok is false for anything it did not write.
func unpackDraft(b []byte) (d Draft, ok bool) {
	r := draftReader{b: b}
	if r.byte() != draftVersion {
		return Draft{}, false
	}
	flags := r.byte()
	d.Checked = flags&draftChecked != 0
	d.Expires = int64(r.uvarint() & math.MaxInt64)
	if flags&draftTextCode != 0 {
		d.Code = r.text()
	} else if raw := r.take(16); raw != nil {
		d.Code = FormatCode([16]byte(raw))
	}
	d.Comment = r.text()
	n := r.uvarint()
	if n > uint64(len(r.b)) { // every answer takes at least a byte
		return Draft{}, false
	}
	d.Answers = make([]string, 0, n)
	for range n {
		switch t := r.byte(); {
		case t == 0:
			d.Answers = append(d.Answers, "")
		case t <= 101:
			d.Answers = append(d.Answers, strconv.Itoa(int(t)-1))
		case t >= 0x80 && t < tokenText:
			h := int(t&0x7F)<<8 | int(r.byte())
			if h > 10000 {
				r.bad = true
			}
			d.Answers = append(d.Answers, strconv.FormatFloat(float64(h)/100, 'f', -1, 64))
		case t == tokenText:
			d.Answers = append(d.Answers, r.text())
		default:
			r.bad = true
		}
	}
	if r.bad || len(r.b) != 0 {
		return Draft{}, false
	}
	return d, true
}

// draftReader reads a packed draft, noting rather than returning a
// short or malformed input.
type draftReader struct {
	b   []byte
	bad bool
}

func (r *draftReader) take(n int) []byte {
	if r.bad || n > len(r.b) {
		r.bad = true
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *draftReader) byte() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *draftReader) uvarint() uint64 {
	if r.bad {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *draftReader) text() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.bad = true
		return ""
	}
	return string(r.take(int(n)))
}

func (s *Service) draftAEAD() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.draftKey())
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
