// Package spec checks the answers of a test server against the merged
// OpenAPI document, the contract third-party clients are generated from.
// Tests wrap every server they build in Checked, so that a status, header
// or body the document does not describe fails the test that produced it,
// and the document and the server cannot drift apart.
package spec

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"jiceng/internal/api"
)

// XLSXType is the media type of the Excel answers.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// contract loads the merged document once for the whole test binary.
func contract() (routers.Router, error) {
	specOnce.Do(func() {
		// Binary answers are checked for their media type and status only.
		openapi3filter.RegisterBodyDecoder(XLSXType, openapi3filter.FileBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPIDocument())
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			specErr = fmt.Errorf("the OpenAPI document is not valid: %w", err)
			return
		}
		// The document names the server relative to where it is served; the
		// router matches the test server's paths without a host.
		doc.Servers = nil
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	return specRouter, specErr
}

// Checked wraps h so that every /api/v1 answer is validated against the
// OpenAPI document; mismatches fail t once the test's servers are closed,
// when no handler can still be running.
func Checked(t *testing.T, h http.Handler) http.Handler {
	t.Helper()
	router, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var problems []string
	// Cleanups run last-registered first: the test's httptest server,
	// registered after this, is closed (and waits for its handlers) before
	// the problems are reported.
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Error(p)
		}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			h.ServeHTTP(w, r)
			return
		}
		rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		if p := checkAnswer(router, r, rec); p != "" {
			mu.Lock()
			problems = append(problems, p)
			mu.Unlock()
		}
	})
}

// checkAnswer returns what is wrong with the answer rec recorded to r, or "".
func checkAnswer(router routers.Router, r *http.Request, rec *recordingWriter) string {
	what := fmt.Sprintf("%s %s answered %d", r.Method, r.URL.RequestURI(), rec.status)
	route, params, err := router.FindRoute(r)
	if err != nil {
		// A path or method the document does not describe: the router of the
		// server refused it too (TestOpenAPIDescribesEveryRoute checks that
		// every served route is described).
		if rec.status == http.StatusNotFound || rec.status == http.StatusMethodNotAllowed {
			return ""
		}
		return fmt.Sprintf("%s, but the OpenAPI document has no such operation: %v", what, err)
	}
	op := route.Operation
	// Clients branch on the documented statuses: any answer but a 5xx must be
	// listed by the operation itself, not only be covered by its default.
	if rec.status < 500 && op.Responses.Status(rec.status) == nil {
		return fmt.Sprintf("%s, which %s does not list (%s)", what, op.OperationID, strings.Join(statuses(op), " "))
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  rec.status,
		Header:  rec.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if rec.truncated {
		in.Options.ExcludeResponseBody = true
	}
	in.SetBodyBytes(rec.body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		body := rec.body.String()
		if len(body) > 400 || strings.HasPrefix(rec.Header().Get("Content-Type"), "application/vnd") {
			body = fmt.Sprintf("%.400q…", body)
		}
		return fmt.Sprintf("%s (%s), which does not match the OpenAPI document:\n%v\nbody: %s", what, op.OperationID, err, body)
	}
	return ""
}

func statuses(op *openapi3.Operation) []string {
	var out []string
	for code := range op.Responses.Map() {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// maxChecked is the most of a body kept for validation; the answers the
// tests stream (files of several megabytes) are checked for their status
// and headers only.
const maxChecked = 4 << 20

// recordingWriter passes the answer through and keeps its status and a
// copy of its body.
type recordingWriter struct {
	http.ResponseWriter
	status    int
	wrote     bool
	body      bytes.Buffer
	truncated bool
}

func (w *recordingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.wrote = true
	if !w.truncated {
		if w.body.Len()+len(p) > maxChecked {
			w.truncated = true
			w.body.Reset()
		} else {
			w.body.Write(p)
		}
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ReadFrom keeps io.Copy from bypassing Write.
func (w *recordingWriter) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{w}, r)
}
