package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// The static files are served from memory. Each is known under two names:
// its own (/static/app.css) and one carrying the first hashLen hex digits
// of the SHA-256 of its content (/static/app.3f2a9c1b2d.css). Pages link the
// hashed name, which a browser may keep for a year without asking again: a
// changed file gets a new name. The plain name, and a hashed name whose
// hash is no longer current (a page rendered by the previous release), are
// served with no-cache, so they keep working and are revalidated by ETag.
//
// The files are read and hashed once, the first time a page links one
// (a few milliseconds). A text file (CSS, JS, SVG, JSON) is gzipped with the
// best compression the first time a client that accepts gzip asks for it,
// and kept: the cost is paid once per file and process (about 150 ms for
// ECharts on a busy two-core machine, BenchmarkLoadAssets), never per
// request, and the text files go out at a third of their size (1.25 MB →
// 0.41 MB; TestStaticSizes).

const (
	hashLen        = 10
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRevalid   = "no-cache"
)

// asset is one static file in memory.
type asset struct {
	name   string // path below /static/
	hashed string // the same with the content hash before the extension
	hash   string
	ctype  string
	data   []byte
	text   bool // worth gzipping

	gzOnce sync.Once
	gz     []byte // nil when the file is not text or gzip does not pay
}

// gzipped returns the file gzipped, or nil; it compresses on first use.
func (a *asset) gzipped() []byte {
	if !a.text {
		return nil
	}
	a.gzOnce.Do(func() { a.gz = gzipped(a.data) })
	return a.gz
}

type assetSet struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

// compressible are the extensions of text files worth gzipping.
var compressible = map[string]bool{".css": true, ".js": true, ".svg": true, ".json": true, ".txt": true, ".html": true}

// assets reads and hashes the static files once.
var assets = sync.OnceValue(func() *assetSet {
	set, err := loadAssets(Static())
	if err != nil {
		// The files are embedded in the binary: failing to read them is a
		// broken build, not a condition to serve around.
		panic("web: static files: " + err.Error())
	}
	return set
})

func loadAssets(fsys fs.FS) (*assetSet, error) {
	set := &assetSet{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		a := &asset{name: name, hash: hex.EncodeToString(sum[:])[:hashLen], data: data}
		ext := path.Ext(name)
		a.hashed = strings.TrimSuffix(name, ext) + "." + a.hash + ext
		a.ctype = mime.TypeByExtension(ext)
		if a.ctype == "" {
			// VERSIONS, LICENSE and NOTICE files are plain text.
			a.ctype = "text/plain; charset=utf-8"
		}
		a.text = compressible[ext]
		set.byName[name] = a
		set.byHashed[a.hashed] = a
		return nil
	})
	return set, err
}

// gzipped returns data compressed, or nil when that saves less than a
// tenth (a tiny file, where the gzip header eats the gain).
func gzipped(data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(data)                                  // a bytes.Buffer does not fail
	_ = zw.Close()
	if b.Len() > len(data)*9/10 {
		return nil
	}
	return b.Bytes()
}

// lookup finds the file of a path below /static/; immutable says the path
// is the current hashed name.
func (s *assetSet) lookup(name string) (a *asset, immutable bool) {
	if a := s.byHashed[name]; a != nil {
		return a, true
	}
	if a := s.byName[name]; a != nil {
		return a, false
	}
	// A hashed name of an earlier release: the file under its own name.
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(stem, '.'); i >= 0 && isHash(stem[i+1:]) {
		return s.byName[stem[:i]+ext], false
	}
	return nil, false
}

func isHash(s string) bool {
	if len(s) != hashLen {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Asset returns the URL of a static file under its hashed name, e.g.
// Asset("app.css") = "/static/app.3f2a9c1b2d.css". Templates call it as
// {{asset "app.css"}}. A name that is not a static file is returned
// unhashed, so that the page still links it (and the tests catch it).
func Asset(name string) string {
	if a := assets().byName[name]; a != nil {
		return "/static/" + a.hashed
	}
	return "/static/" + name
}

// serveStatic answers GET and HEAD /static/<name> from memory.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	a, immutable := assets().lookup(strings.TrimPrefix(r.URL.Path, "/static/"))
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if immutable {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheRevalid)
	}
	body, etag := a.data, `"`+a.hash+`"`
	if a.text {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			if gz := a.gzipped(); gz != nil {
				body, etag = gz, `"`+a.hash+`-gz"`
				h.Set("Content-Encoding", "gzip")
			}
		}
	}
	h.Set("ETag", etag)
	h.Set("Content-Type", a.ctype)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body) // a client that went away is no error of ours
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed without
// q=0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			if coding == "gzip" {
				return false
			}
			continue
		}
		return true
	}
	return false
}

// etagMatches reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match).
func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == etag || part == "*" {
			return true
		}
	}
	return false
}
