package evaluation

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
)

// countingContent is a file's content that counts its Reads: each Read of
// a stored report file is one query to the database.
type countingContent struct {
	*bytes.Reader
	reads int
}

func (c *countingContent) Read(p []byte) (int, error) {
	c.reads++
	return c.Reader.Read(p)
}

func reportFixture() (evaluation.SubjectFile, []byte) {
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	copy(data, "%PDF-1.4\n")
	return evaluation.SubjectFile{ID: "f", Name: "述职报告.pdf", ContentType: "application/pdf", Size: int64(len(data)), SHA256: "abc"}, data
}

// TestReportManyRangesServedWhole: a request for 5,000 one-byte ranges of
// a report file gets the whole file once, in a handful of reads, instead
// of one read (one query) per range.
func TestReportManyRangesServedWhole(t *testing.T) {
	fl, data := reportFixture()
	var spec []string
	for i := range 5000 {
		spec = append(spec, fmt.Sprintf("%d-%d", i*60, i*60))
	}
	req := httptest.NewRequest("GET", "/vote/files/f", nil)
	req.Header.Set("Range", "bytes="+strings.Join(spec, ","))
	w := httptest.NewRecorder()
	c := &countingContent{Reader: bytes.NewReader(data)}
	serveReportContent(w, req, fl, c)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), data) || w.Header().Get("Content-Type") != "application/pdf" {
		t.Errorf("5,000 ranges: %d %q, %d bytes (whole file %v), want 200 with the whole file", w.Code, w.Header().Get("Content-Type"), w.Body.Len(), bytes.Equal(w.Body.Bytes(), data))
	}
	// 300,000 bytes in reads of 32 KB at least: 10, and the final EOF.
	if c.reads > 12 {
		t.Errorf("5,000 ranges cost %d reads of the file, want at most 12", c.reads)
	}
}

// TestReportFewRanges: a request of three ranges, as a PDF viewer may
// send, still gets them as multipart/byteranges with exactly those bytes.
func TestReportFewRanges(t *testing.T) {
	fl, data := reportFixture()
	req := httptest.NewRequest("GET", "/vote/files/f", nil)
	req.Header.Set("Range", "bytes=0-9,70000-70100,299990-299999")
	w := httptest.NewRecorder()
	serveReportContent(w, req, fl, &countingContent{Reader: bytes.NewReader(data)})
	mt, params, err := mime.ParseMediaType(w.Header().Get("Content-Type"))
	if w.Code != 206 || err != nil || mt != "multipart/byteranges" {
		t.Fatalf("3 ranges: %d %q, want 206 multipart/byteranges", w.Code, w.Header().Get("Content-Type"))
	}
	want := []struct{ from, to int }{{0, 9}, {70000, 70100}, {299990, 299999}}
	mr := multipart.NewReader(w.Body, params["boundary"])
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			if i != len(want) {
				t.Errorf("%d parts, want %d", i, len(want))
			}
			break
		}
		if err != nil || i >= len(want) {
			t.Fatalf("part %d: %v", i, err)
		}
		got, _ := io.ReadAll(part)
		rg := want[i]
		cr := fmt.Sprintf("bytes %d-%d/%d", rg.from, rg.to, len(data))
		if part.Header.Get("Content-Range") != cr || part.Header.Get("Content-Type") != "application/pdf" || !bytes.Equal(got, data[rg.from:rg.to+1]) {
			t.Errorf("part %d: %q %q, %d bytes, want %s application/pdf with its bytes", i, part.Header.Get("Content-Range"), part.Header.Get("Content-Type"), len(got), cr)
		}
	}
}
