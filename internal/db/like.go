package db

import "strings"

// likeMeta are LIKE's wildcards, taken out of what a user types, so that a
// search for "50%" or "a_b" matches those words rather than everything.
var likeMeta = strings.NewReplacer("%", "", "_", "")

// Contains is the LIKE pattern of values containing s.
func Contains(s string) string { return "%" + likeMeta.Replace(s) + "%" }

// Prefix is the LIKE pattern of values starting with s.
func Prefix(s string) string { return likeMeta.Replace(s) + "%" }

// Marks is n placeholders for an IN list: "?, ?, ?".
func Marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
