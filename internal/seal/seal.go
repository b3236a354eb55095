// Package seal keeps personal data unreadable in the database: values are
// sealed with AES-GCM under a key derived from the installation's key file,
// which lives outside the database, so that neither a stolen database file
// nor a backup holds them in clear.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Box seals and opens values under one key.
type Box struct {
	aead cipher.AEAD
}

// New derives a box's key from the installation key for one purpose
// ("jiceng people seal v1"): each use has its own key, so that no key
// serves two purposes.
func New(installKey []byte, purpose string) (*Box, error) {
	if len(installKey) < 16 {
		return nil, errors.New("seal: the installation key is too short")
	}
	k, err := hkdf.Key(sha256.New, installKey, nil, purpose, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts value for the column named field; the field is bound into
// the ciphertext, so that a value sealed for one column copied into another
// does not open there.
func (b *Box) Seal(field, value string) []byte {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(value)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("seal: random nonce: %v", err)) // crypto/rand does not fail on supported systems
	}
	return b.aead.Seal(nonce, nonce, []byte(value), []byte(field))
}

// Open decrypts what Seal wrote for field.
func (b *Box) Open(field string, sealed []byte) (string, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("seal: sealed value too short")
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(field))
	if err != nil {
		return "", fmt.Errorf("seal: open %s: %w", field, err)
	}
	return string(plain), nil
}
