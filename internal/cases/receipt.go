package cases

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"time"

	"golang.org/x/crypto/argon2"

	"jiceng/internal/codes"
	"jiceng/internal/errs"
)

// A receipt is the reporter's only credential: 16 random base32 digits (80
// bits) and a check character, printed XXXXX-XXXXX-XXXXX-XX, in the
// alphabet of ballot codes (internal/codes), so that a resident who has
// typed one types the other the same way.
const receiptDigits = 16

// receiptHasher turns a receipt into what the database keeps: argon2id of
// an HMAC of the receipt under a key derived from the installation key.
// Without the key file a stolen database says nothing about any receipt;
// with it, each guess still costs an argon2id, against 2^80 receipts. The
// argon2id is kept light (one pass over 64 KiB) because intake computes one
// per case and must take thousands of cases a second; the receipt's
// entropy and the key, not the hash's cost, are what keep it unguessable.
type receiptHasher struct {
	key []byte
}

func newReceiptHasher(installKey []byte) (receiptHasher, error) {
	k, err := hkdf.Key(sha256.New, installKey, nil, "jiceng case receipt v1", 32)
	if err != nil {
		return receiptHasher{}, err
	}
	return receiptHasher{key: k}, nil
}

// receiptSalt is fixed: the hash must be found by equality, and the HMAC
// key already makes it unique to the installation.
var receiptSalt = []byte("jiceng-receipt-1")

func (h receiptHasher) hash(digits []byte) []byte {
	m := hmac.New(sha256.New, h.key)
	m.Write(digits)
	return argon2.IDKey(m.Sum(nil), receiptSalt, 1, 64, 1, 32)
}

// newReceipt returns a fresh receipt as printed and its hash.
func (h receiptHasher) newReceipt() (string, []byte) {
	d := codes.Random(receiptDigits)
	return codes.Format(d), h.hash(d)
}

// lookup returns the hash of a receipt as typed. A receipt that is not
// well formed is hashed all the same (as a receipt no case has), so that
// every wrong receipt — mistyped, bad check character or unknown — takes
// the same time and gets the same answer, WrongReceipt.
func (h receiptHasher) lookup(s string) ([]byte, bool) {
	d, ok := codes.Parse(s, receiptDigits)
	if !ok {
		h.hash(make([]byte, receiptDigits+1)) // never a receipt: 17 digits
		return nil, false
	}
	return h.hash(d), true
}

// WrongReceipt is the one answer to every receipt that finds no case.
func WrongReceipt() *errs.Error {
	return errs.Field("receipt", "查询码无效，请核对后重新输入", "the receipt code is not valid, please check it and enter it again")
}

// TooManyReceipts answers a client that has entered too many wrong
// receipts, with how long it must wait.
func TooManyReceipts(wait time.Duration) error {
	return errs.TooManyWait("查询码输错次数过多", "too many wrong receipt codes", wait)
}
