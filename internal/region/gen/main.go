// Command gen turns the five CSV files of the national administrative-division
// tree (统计用区划代码, 2023) into the compact file that package region embeds.
//
// Run it from the module root:
//
//	go run ./internal/region/gen -src ../shared/data/china-division -out internal/region/data/divisions.gz
//
// The output is gzip (best compression) of a text file:
//
//	#divisions<TAB>1<TAB>rows<TAB>divisions<TAB>nameBytes
//	<level>[segment][*]<TAB><name>
//	...
//
// Rows are sorted by code with every parent before its children (pre-order of
// the code tree). A row only carries the last segment of its code (2 digits for
// levels 1–3, 3 digits for levels 4–5); the rest of the code is the segment
// path of the rows above it. The segment itself is omitted when it is the
// previous sibling's segment plus one (or 1 for a first child), which is true
// for most villages and shrinks the file by a sixth. A trailing "*" marks a
// placeholder row: it is kept so that the package can tell the user which code
// to use instead, but it is not a division of its own.
package main

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// row is one line of one of the five CSV files.
type row struct {
	code    string
	name    string
	level   int
	parent  string // code parent as given by the CSV, "" for provinces
	padded  uint64 // code right-padded with zeros to 12 digits
	segment int    // last segment of the code
	holder  bool   // placeholder, not a division of its own
}

// codeLen is the code length of each level; segWidth the digits a level adds.
var (
	codeLen  = [6]int{0, 2, 4, 6, 9, 12}
	segWidth = [6]int{0, 2, 2, 2, 3, 3}
)

// placeholderCities are 地级 rows that only group county-level units and have
// no Party committee of their own.
var placeholderCities = map[string]bool{
	"市辖区":         true,
	"县":           true,
	"省直辖县级行政区划":   true,
	"自治区直辖县级行政区划": true,
}

// source describes one CSV file: its level, header and the column holding the
// code of the parent one level up.
type source struct {
	file      string
	level     int
	header    []string
	parentCol int
}

var sources = []source{
	{"provinces.csv", 1, []string{"code", "name"}, -1},
	{"cities.csv", 2, []string{"code", "name", "provinceCode"}, 2},
	{"areas.csv", 3, []string{"code", "name", "cityCode", "provinceCode"}, 2},
	{"streets.csv", 4, []string{"code", "name", "areaCode", "provinceCode", "cityCode"}, 2},
	{"villages.csv", 5, []string{"code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"}, 2},
}

func main() {
	src := flag.String("src", "../shared/data/china-division", "directory holding provinces.csv … villages.csv")
	out := flag.String("out", "internal/region/data/divisions.gz", "file to write")
	flag.Parse()
	if err := run(*src, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string, log io.Writer) error {
	rows, err := readAll(src)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return errors.New("no rows read")
	}
	if err := markPlaceholders(rows, log); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := write(f, rows); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, err := os.Stat(out)
	if err != nil {
		return err
	}
	var perLevel [6]int
	for _, r := range rows {
		if !r.holder {
			perLevel[r.level]++
		}
	}
	fmt.Fprintf(log, "divisions per level 1–5: %v; written %s (%d bytes)\n", perLevel[1:], out, st.Size())
	return nil
}

// readAll reads the five CSV files and checks that every code is well formed,
// unique and consistent with the parent column.
func readAll(dir string) ([]*row, error) {
	var rows []*row
	seen := map[string]bool{}
	for _, s := range sources {
		f, err := os.Open(filepath.Join(dir, s.file))
		if err != nil {
			return nil, err
		}
		rd := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
		rd.ReuseRecord = true
		head, err := rd.Read()
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s: %w", s.file, err)
		}
		if !slices.Equal(head, s.header) {
			_ = f.Close()
			return nil, fmt.Errorf("%s: header %v, want %v", s.file, head, s.header)
		}
		for {
			rec, err := rd.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				_ = f.Close()
				return nil, fmt.Errorf("%s: %w", s.file, err)
			}
			r, err := parseRow(s, rec)
			if err != nil {
				_ = f.Close()
				return nil, fmt.Errorf("%s: %w", s.file, err)
			}
			if seen[r.code] {
				_ = f.Close()
				return nil, fmt.Errorf("%s: duplicate code %s", s.file, r.code)
			}
			seen[r.code] = true
			rows = append(rows, r)
		}
		_ = f.Close()
	}
	for _, r := range rows {
		if r.parent != "" && !seen[r.parent] {
			return nil, fmt.Errorf("%s %s: parent %s does not exist", r.code, r.name, r.parent)
		}
	}
	// Padded code, then level, is pre-order: 4419 comes before 441900.
	slices.SortFunc(rows, func(a, b *row) int {
		return cmp.Or(cmp.Compare(a.padded, b.padded), cmp.Compare(a.level, b.level))
	})
	return rows, nil
}

func parseRow(s source, rec []string) (*row, error) {
	code, name := rec[0], strings.TrimSpace(rec[1])
	if len(code) != codeLen[s.level] || strings.Trim(code, "0123456789") != "" || code[0] == '0' {
		return nil, fmt.Errorf("malformed code %q", code)
	}
	if name == "" || strings.ContainsAny(name, "\t\r\n") {
		return nil, fmt.Errorf("%s: unusable name %q", code, name)
	}
	r := &row{code: code, name: name, level: s.level}
	if s.parentCol >= 0 {
		r.parent = rec[s.parentCol]
		if r.parent != code[:codeLen[s.level-1]] {
			return nil, fmt.Errorf("%s: parent column %s is not its code prefix", code, r.parent)
		}
	}
	// Every code column must agree with the code itself, or the tree built
	// from code prefixes would differ from the one the CSV describes.
	for i := 2; i < len(rec); i++ {
		if c := rec[i]; !strings.HasPrefix(code, c) || len(c) >= len(code) {
			return nil, fmt.Errorf("%s: column %d (%s) is not a code prefix", code, i+1, c)
		}
	}
	padded, _ := strconv.ParseUint(code+strings.Repeat("0", 12-len(code)), 10, 64)
	r.padded = padded
	r.segment, _ = strconv.Atoi(code[len(code)-segWidth[s.level]:])
	return r, nil
}

// markPlaceholders flags rows that stand for their parent rather than for a
// division of their own, and checks that every remaining row still has an
// existing effective parent (its nearest non-placeholder ancestor).
func markPlaceholders(rows []*row, log io.Writer) error {
	byCode := make(map[string]*row, len(rows))
	countyCount := map[string]int{}
	for _, r := range rows {
		byCode[r.code] = r
		if r.level == 3 {
			countyCount[r.parent]++
		}
	}
	for _, r := range rows {
		switch {
		case r.level == 2 && placeholderCities[r.name]:
			// 市辖区 / 县 / 省直辖县级行政区划: a grouping row under a
			// municipality or province.
			r.holder = true
		case r.level > 1 && r.segment == 0:
			// A code whose own segment is all zeros repeats its parent:
			// 441900 东莞市, 442000 中山市, 460400 儋州市 (cities without
			// counties) and 350527000 / 350527000000 金门县.
			r.holder = true
		case r.level == 3 && countyCount[r.parent] == 1 && byCode[r.parent].name == r.name:
			// 620201 嘉峪关市: the only county-level row of a city without
			// counties, named like the city itself.
			r.holder = true
		}
	}
	for _, r := range rows {
		if r.holder {
			p := effectiveParent(r, byCode)
			fmt.Fprintf(log, "placeholder %s %s → use %s\n", r.code, r.name, p.code)
			continue
		}
		if r.level > 1 && effectiveParent(r, byCode) == nil {
			return fmt.Errorf("%s %s has no effective parent", r.code, r.name)
		}
	}
	return nil
}

func effectiveParent(r *row, byCode map[string]*row) *row {
	for p := byCode[r.parent]; p != nil; p = byCode[p.parent] {
		if !p.holder {
			return p
		}
	}
	return nil
}

// write emits the header and one line per row, gzip-compressed.
func write(w io.Writer, rows []*row) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(zw, 1<<20)
	divisions, nameBytes := 0, 0
	for _, r := range rows {
		if !r.holder {
			divisions++
			nameBytes += len(r.name)
		}
	}
	fmt.Fprintf(bw, "#divisions\t1\t%d\t%d\t%d\n", len(rows), divisions, nameBytes)
	var lastSeg [6]int
	for _, r := range rows {
		bw.WriteByte(byte('0' + r.level))
		if r.segment != lastSeg[r.level]+1 {
			fmt.Fprintf(bw, "%0*d", segWidth[r.level], r.segment)
		}
		lastSeg[r.level] = r.segment
		for l := r.level + 1; l <= 5; l++ {
			lastSeg[l] = 0
		}
		if r.holder {
			bw.WriteByte('*')
		}
		bw.WriteByte('\t')
		bw.WriteString(r.name)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}
