package people

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// sealer keeps personal data unreadable in the database: values are sealed
// with AES-GCM under a key derived from the installation's key file, which
// lives outside the database, and ID numbers are found through a keyed
// index (HMAC), so that neither a stolen database file nor a backup holds a
// number in clear or a hash anyone could check guesses against.
type sealer struct {
	aead  cipher.AEAD
	index []byte
}

// newSealer derives the encryption and index keys from the installation
// key; each use has its own key, so the ballot tokens' HMAC key is never
// used for personal data itself.
func newSealer(key []byte) (*sealer, error) {
	if len(key) < 16 {
		return nil, errors.New("people: the installation key is too short")
	}
	enc, err := hkdf.Key(sha256.New, key, nil, "jiceng people seal v1", 32)
	if err != nil {
		return nil, err
	}
	idx, err := hkdf.Key(sha256.New, key, nil, "jiceng people index v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, index: idx}, nil
}

// seal encrypts value for the column named field; the field is bound into
// the ciphertext, so that a sealed phone copied into the ID column does not
// open as an ID number.
func (s *sealer) seal(field, value string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(value)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("people: random nonce: %v", err)) // crypto/rand does not fail on supported systems
	}
	return s.aead.Seal(nonce, nonce, []byte(value), []byte(field))
}

// open decrypts what seal wrote for field.
func (s *sealer) open(field string, sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("people: sealed value too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(field))
	if err != nil {
		return "", fmt.Errorf("people: open %s: %w", field, err)
	}
	return string(plain), nil
}

// lookup is the index of an ID number: equal numbers have equal indexes, and
// without the key an index says nothing about the number.
func (s *sealer) lookup(idNumber string) string {
	m := hmac.New(sha256.New, s.index)
	m.Write([]byte(idNumber))
	return hex.EncodeToString(m.Sum(nil))
}
