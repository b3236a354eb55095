package region

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// divisionsGz is the whole national tree as written by ./gen. It is a string,
// not a []byte, so that the embedded data cannot be modified at run time.
//
//go:embed data/divisions.gz
var divisionsGz string

// Set is the parsed division tree. It is read-only after Load and safe for
// concurrent use.
//
// About 665 thousand divisions are held in three flat arrays and one string
// of names instead of one struct with strings per division, which keeps a
// loaded Set at about 22 MB instead of well over 100 MB and lets Load run in
// one pass without per-row allocations.
type Set struct {
	// keys holds, per division, the code right-padded with zeros to 12
	// digits, shifted left by 3, plus the level. Padding makes numeric order
	// equal to code order with every parent before its descendants, so a
	// subtree is one contiguous range; the level keeps 4419 (city) apart
	// from a 441900 (county) with the same padded code.
	keys []uint64
	// nameEnd[i] is where the name of division i ends in names; it starts
	// where the previous one ends.
	nameEnd []uint32
	// parent[i] is the index of the effective parent, -1 for provinces.
	parent []int32
	names  string
	// holders are the placeholder rows (市辖区 and the like). They are not
	// divisions, but Subtree needs them to tell the user which code to use.
	holders []placeholder
}

// placeholder is a row that stands for its parent rather than for a division.
type placeholder struct {
	key  uint64
	name string
	use  int32 // index of the nearest real ancestor
}

// mult[l] turns the code of level l into the 12-digit padded form.
var mult = [6]uint64{0, 1e10, 1e8, 1e6, 1e3, 1}

// Load parses the embedded division tree. It costs well under a second
// (about 60 ms), so callers should load once and keep the *Set; nothing is
// cached in the package.
func Load() (*Set, error) {
	s, err := parse(strings.NewReader(divisionsGz))
	if err != nil {
		return nil, fmt.Errorf("内置区划数据无法读取，请用 internal/region/gen 重新生成 data/divisions.gz：%w", err)
	}
	return s, nil
}

// parse reads the format documented in ./gen.
func parse(r io.Reader) (*Set, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(zr, 1<<16)
	head, err := br.ReadSlice('\n')
	if err != nil {
		return nil, fmt.Errorf("缺少文件头：%w", err)
	}
	f := strings.Split(strings.TrimSuffix(string(head), "\n"), "\t")
	if len(f) != 5 || f[0] != "#divisions" || f[1] != "1" {
		return nil, fmt.Errorf("文件头 %q 不是版本 1 的区划数据", head)
	}
	var n [3]int
	for i := range n {
		if n[i], err = strconv.Atoi(f[2+i]); err != nil || n[i] < 0 {
			return nil, fmt.Errorf("文件头 %q 中的数字无效", head)
		}
	}
	rows, divisions, nameBytes := n[0], n[1], n[2]
	s := &Set{
		keys:    make([]uint64, 0, divisions),
		nameEnd: make([]uint32, 0, divisions),
		parent:  make([]int32, 0, divisions),
	}
	var names strings.Builder
	names.Grow(nameBytes)

	const unset = -2 // path entry: no row of this level seen under the current parent
	var (
		seg     [6]uint64 // segments of the current code path
		path    [6]int32  // index per level on the current path, -1 placeholder
		prevKey uint64
		lineNo  = 1
	)
	for i := range path {
		path[i] = unset
	}
	for {
		line, err := br.ReadSlice('\n')
		if err == io.EOF && len(line) == 0 {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("第 %d 行：%w", lineNo+1, err)
		}
		lineNo++
		bad := func(why string) error { return fmt.Errorf("第 %d 行 %q：%s", lineNo, line, why) }

		tab := bytes.IndexByte(line, '\t')
		if tab < 1 || line[0] < '1' || line[0] > '5' || tab+2 > len(line)-1 {
			return nil, bad("格式错误")
		}
		level := Level(line[0] - '0')
		if level > Province && path[level-1] == unset {
			return nil, bad("缺少上级行")
		}
		head := line[1:tab]
		holder := len(head) > 0 && head[len(head)-1] == '*'
		if holder {
			head = head[:len(head)-1]
		}
		v := seg[level] + 1
		if len(head) > 0 {
			v = 0
			for _, c := range head {
				if c < '0' || c > '9' {
					return nil, bad("代码段不是数字")
				}
				v = v*10 + uint64(c-'0')
			}
		}
		limit := uint64(100)
		if level > Province {
			limit = mult[level-1] / mult[level]
		}
		if v >= limit {
			return nil, bad("代码段过长")
		}
		seg[level] = v
		var padded uint64
		for l := Province; l <= Village; l++ {
			if l > level {
				seg[l] = 0
				path[l] = unset
			}
			padded += seg[l] * mult[l]
		}
		key := padded<<3 | uint64(level)
		if key <= prevKey {
			return nil, bad("代码未按顺序排列")
		}
		prevKey = key
		up := int32(-1)
		for l := level - 1; l >= Province; l-- {
			if path[l] >= 0 {
				up = path[l]
				break
			}
		}
		name := line[tab+1 : len(line)-1]
		if holder {
			if up < 0 {
				return nil, bad("占位区划没有上级")
			}
			s.holders = append(s.holders, placeholder{key: key, name: string(name), use: up})
			path[level] = -1
			continue
		}
		if up < 0 && level != Province {
			return nil, bad("区划没有上级")
		}
		names.Write(name)
		if names.Len() > nameBytes {
			return nil, bad("名称总长超过文件头所述")
		}
		path[level] = int32(len(s.keys))
		s.keys = append(s.keys, key)
		s.nameEnd = append(s.nameEnd, uint32(names.Len()))
		s.parent = append(s.parent, up)
	}
	if err := zr.Close(); err != nil {
		return nil, err
	}
	if len(s.keys) != divisions || len(s.keys)+len(s.holders) != rows || names.Len() != nameBytes {
		return nil, errors.New("行数或名称长度与文件头不符")
	}
	s.names = names.String()
	return s, nil
}
