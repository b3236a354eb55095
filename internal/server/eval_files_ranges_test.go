package server

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestVoteFileManyRanges: on the public route, a request of 5,000
// one-byte ranges, one query each before, gets the whole file with 200,
// while three ranges across the stored pieces still get a 206
// multipart/byteranges of exactly those bytes.
func TestVoteFileManyRanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	path, data := f.bigReport(t)
	var spec []string
	for i := range 5000 {
		spec = append(spec, fmt.Sprintf("%d-%d", i*60, i*60))
	}
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	req.Header.Set("Range", "bytes="+strings.Join(spec, ","))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Errorf("5,000 ranges: %d, %d bytes (whole file %v), want 200 and the whole file", resp.StatusCode, len(body), bytes.Equal(body, data))
	}

	want := []struct{ from, to int }{{0, 7}, {65530, 65545}, {len(data) - 4, len(data) - 1}}
	req, _ = http.NewRequest("GET", f.srv.URL+path, nil)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d,%d-%d,%d-%d", want[0].from, want[0].to, want[1].from, want[1].to, want[2].from, want[2].to))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != 206 || err != nil || mt != "multipart/byteranges" {
		t.Fatalf("3 ranges: %d %q, want 206 multipart/byteranges", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
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
		if cr := fmt.Sprintf("bytes %d-%d/%d", rg.from, rg.to, len(data)); part.Header.Get("Content-Range") != cr || !bytes.Equal(got, data[rg.from:rg.to+1]) {
			t.Errorf("part %d: %q, %d bytes, want %s with its bytes", i, part.Header.Get("Content-Range"), len(got), cr)
		}
	}
}
