package region

import (
	"slices"
	"strconv"
	"strings"
)

// Len returns the number of divisions, placeholders not counted.
func (s *Set) Len() int { return len(s.keys) }

// Lookup returns the division with the given code. Placeholder rows such as
// 1101 市辖区 are not divisions and are not found.
func (s *Set) Lookup(code string) (Division, bool) {
	i, ok := s.index(code)
	if !ok {
		return Division{}, false
	}
	return s.division(i), true
}

// Children returns the effective children of a division ordered by code:
// the districts of 北京 are children of 11 although their codes start with
// 1101, and the townships of 东莞市 are children of the city 4419. The code
// "all" returns the provinces. An unknown or malformed code has no children.
func (s *Set) Children(code string) []Division {
	lo, hi := 0, len(s.keys)
	if code != "all" {
		i, ok := s.index(code)
		if !ok {
			return nil
		}
		lo, hi = i+1, s.subtreeEnd(i)
	}
	var out []Division
	// Whatever in the range is not inside an earlier child's subtree has no
	// real division between itself and code, so it is a child; skipping each
	// child's subtree visits the children only.
	for j := lo; j < hi; j = s.subtreeEnd(j) {
		out = append(out, s.division(j))
	}
	return out
}

// Ancestors returns the effective ancestors of a division, from the province
// down to the parent, the division itself excluded. It returns nil for a
// province and for an unknown code.
func (s *Set) Ancestors(code string) []Division {
	i, ok := s.index(code)
	if !ok {
		return nil
	}
	var out []Division
	for p := s.parent[i]; p >= 0; p = s.parent[p] {
		out = append(out, s.division(int(p)))
	}
	slices.Reverse(out)
	return out
}

// Subtree returns the division with the given code and all its effective
// descendants in code order, which puts every parent before its children.
// The code "all" returns the whole country. Errors name what to fix: a
// malformed code, a code that does not exist, or a placeholder row (市辖区,
// 省直辖县级行政区划 …) together with the code to use instead.
func (s *Set) Subtree(code string) ([]Division, error) {
	lo, hi := 0, len(s.keys)
	if code != "all" {
		if err := CheckCode(code); err != nil {
			return nil, err
		}
		i, ok := s.index(code)
		if !ok {
			if h, ok := s.holder(code); ok {
				return nil, placeholderError(code, h.name, s.code(int(h.use)))
			}
			return nil, unknownError(code)
		}
		lo, hi = i, s.subtreeEnd(i)
	}
	out := make([]Division, hi-lo)
	// All codes of the result share one string, so a subtree of the whole
	// country costs one allocation for its codes instead of 665 thousand.
	var codes strings.Builder
	size := 0
	for j := lo; j < hi; j++ {
		size += codeLen[s.keys[j]&7]
	}
	codes.Grow(size)
	for j := lo; j < hi; j++ {
		codes.Write(s.appendCode(make([]byte, 0, 12), j))
	}
	all := codes.String()
	at := 0
	for j := lo; j < hi; j++ {
		d := &out[j-lo]
		d.Level = Level(s.keys[j] & 7)
		d.Code = all[at : at+codeLen[d.Level]]
		at += codeLen[d.Level]
		d.Name = s.name(j)
		switch p := int(s.parent[j]); {
		case p >= lo:
			d.Parent = out[p-lo].Code
		case p >= 0:
			d.Parent = s.code(p)
		}
	}
	return out, nil
}

// index finds a division by code; malformed codes are simply not found.
func (s *Set) index(code string) (int, bool) {
	key, ok := keyOf(code)
	if !ok {
		return 0, false
	}
	return slices.BinarySearch(s.keys, key)
}

// holder finds a placeholder row by code.
func (s *Set) holder(code string) (placeholder, bool) {
	key, ok := keyOf(code)
	if !ok {
		return placeholder{}, false
	}
	for _, h := range s.holders {
		if h.key == key {
			return h, true
		}
	}
	return placeholder{}, false
}

// keyOf turns a well-formed code into its key (see Set.keys).
func keyOf(code string) (uint64, bool) {
	level, ok := levelOf(code)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseUint(code, 10, 64)
	if err != nil {
		return 0, false
	}
	return v*mult[level]<<3 | uint64(level), true
}

// subtreeEnd returns the index just past the last descendant of division i:
// the first key at or beyond the next code of the same level.
func (s *Set) subtreeEnd(i int) int {
	level := s.keys[i] & 7
	unit := mult[level]
	next := (s.keys[i]>>3/unit + 1) * unit
	end, _ := slices.BinarySearch(s.keys[i+1:], next<<3)
	return i + 1 + end
}

func (s *Set) name(i int) string {
	start := uint32(0)
	if i > 0 {
		start = s.nameEnd[i-1]
	}
	return s.names[start:s.nameEnd[i]]
}

// appendCode appends the code of division i, zero-padded to its level's
// length.
func (s *Set) appendCode(b []byte, i int) []byte {
	level := s.keys[i] & 7
	v := s.keys[i] >> 3 / mult[level]
	var digits [12]byte
	n := codeLen[level]
	for k := n - 1; k >= 0; k-- {
		digits[k] = byte('0' + v%10)
		v /= 10
	}
	return append(b, digits[:n]...)
}

func (s *Set) code(i int) string {
	var buf [12]byte
	return string(s.appendCode(buf[:0], i))
}

func (s *Set) division(i int) Division {
	d := Division{Code: s.code(i), Name: s.name(i), Level: Level(s.keys[i] & 7)}
	if p := s.parent[i]; p >= 0 {
		d.Parent = s.code(int(p))
	}
	return d
}

// ProvinceCodes returns the two-digit codes of the provinces, in order:
// the key the large tables are partitioned by.
func (s *Set) ProvinceCodes() []string {
	var out []string
	for _, p := range s.Children("all") {
		out = append(out, p.Code[:2])
	}
	return out
}
