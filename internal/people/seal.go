package people

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"

	"jiceng/internal/seal"
)

// sealer keeps personal data unreadable in the database: values are sealed
// under a key derived from the installation key (internal/seal), and ID
// numbers are found through a keyed index (HMAC), so that neither a stolen
// database file nor a backup holds a number in clear or a hash anyone could
// check guesses against.
type sealer struct {
	box   *seal.Box
	index []byte
}

// newSealer derives the encryption and index keys from the installation
// key; each use has its own key, so the ballot tokens' HMAC key is never
// used for personal data itself.
func newSealer(key []byte) (*sealer, error) {
	box, err := seal.New(key, "jiceng people seal v1")
	if err != nil {
		return nil, err
	}
	idx, err := hkdf.Key(sha256.New, key, nil, "jiceng people index v1", 32)
	if err != nil {
		return nil, err
	}
	return &sealer{box: box, index: idx}, nil
}

// seal encrypts value for the column named field.
func (s *sealer) seal(field, value string) []byte { return s.box.Seal(field, value) }

// open decrypts what seal wrote for field.
func (s *sealer) open(field string, sealed []byte) (string, error) { return s.box.Open(field, sealed) }

// lookup is the index of an ID number: equal numbers have equal indexes, and
// without the key an index says nothing about the number.
func (s *sealer) lookup(idNumber string) string {
	m := hmac.New(sha256.New, s.index)
	m.Write([]byte(idNumber))
	return hex.EncodeToString(m.Sum(nil))
}
