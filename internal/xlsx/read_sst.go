package xlsx

import (
	"archive/zip"
	"bufio"
	"io"

	"jiceng/internal/errs"
)

// maxSharedStrings caps the items of a workbook's shared-strings table.
// excelize indexes every item before it returns the first cell, whether a
// cell uses it or not, at about 100 bytes of heap per item at its peak
// (with the table in a temporary file, see unzipXMLLimit): 3,200,000 empty
// items fit in 54 MB unpacked and cost 300 MB. Only a cell can use an item;
// the biggest real import (about 20,000 rows of 15 columns, 300,000 cells
// of mostly distinct text) needs at most 300,000, and Excel keeps only the
// strings its cells use. 500,000 leaves room for that and keeps the index
// near 50 MB. The count is checked before excelize opens the file.
const maxSharedStrings = 500_000

// maxSharedStringsSize caps the unpacked size of xl/sharedStrings.xml. The
// text itself is capped at maxText (32 MiB, for 500 reports of 20,000
// characters); each item adds about 16 bytes of markup. The biggest real
// import, 300,000 cells of some 20 bytes, is about 11 MB, so 40 MiB admits
// both with room to spare.
const maxSharedStringsSize = maxText + 8<<20

func errTooManySharedStrings() error {
	return errs.Newf(errs.TooLarge, "文件中的共享字符串过多（超过 %s 个）：请另存为新的 .xlsx 或改用 CSV 后再导入",
		"the workbook's shared-strings table has more than %s items: save it as a new .xlsx or use CSV and retry", grouped(maxSharedStrings))
}

func errSharedStringsTooLarge() error {
	return errs.New(errs.TooLarge, "文件中的共享字符串解压后超过 40 MB 上限：请另存为新的 .xlsx 或改用 CSV，或拆分后分批导入",
		"the workbook's shared strings exceed 40 MB once unpacked: save it as a new .xlsx or use CSV, or split it")
}

// checkSharedStrings counts the <si> items of the shared-strings part
// without an XML decoder (which allocates for every token): a byte scanner
// finds each start tag whose local name is "si", with or without a
// namespace prefix. A "<si" inside a comment or CDATA counts too, which can
// only make a pathological file be refused. The declared size is
// trustworthy: archive/zip fails a part that inflates to more.
func checkSharedStrings(zf *zip.File) error {
	n, err := countSharedStrings(zf, maxSharedStrings)
	if err != nil {
		return errNotSpreadsheet(err)
	}
	if n > maxSharedStrings {
		return errTooManySharedStrings()
	}
	if zf.UncompressedSize64 > maxSharedStringsSize {
		return errSharedStringsTooLarge()
	}
	return nil
}

// countSharedStrings returns the number of <si> start tags in the part,
// stopping as soon as it exceeds limit.
func countSharedStrings(zf *zip.File, limit int) (int, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(io.LimitReader(rc, unzipLimit+1), 64<<10)
	var (
		n      int
		inName bool // between '<' and the end of the tag's name
		name   [3]byte
		nlen   int // bytes of the local name so far; > 2 means not "si"
	)
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if !inName {
			if b == '<' {
				inName, nlen = true, 0
			}
			continue
		}
		switch b {
		case ' ', '\t', '\r', '\n', '>', '/':
			inName = false
			if nlen == 2 && name[0] == 's' && name[1] == 'i' {
				if n++; n > limit {
					return n, nil
				}
			}
		case ':':
			nlen = 0 // a prefix: the local name follows
		case '<':
			nlen = 0
		default:
			if nlen < len(name) {
				name[nlen] = b
			}
			nlen++
		}
	}
}
