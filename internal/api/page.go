package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/errs"
)

// PathID reads the positive id in the path wildcard name; anything else
// names nothing, hence not found.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", r.PathValue(name))
	}
	return id, nil
}

// maxOffset caps the offset a cursor may carry: 1,000,000 pages of 500,
// as on the pages, so that offset+limit cannot overflow.
const maxOffset = 500_000_000

// Page reads ?limit= (1–1000, default 50) and the opaque ?cursor= (an
// encoded offset).
func Page(r *http.Request) (limit, offset int, err error) {
	if limit, err = Limit(r); err != nil {
		return 0, 0, err
	}
	offset, err = CursorOffset(r)
	return limit, offset, err
}

// Limit reads ?limit= (1–1000, default 50).
func Limit(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 50, nil
	}
	limit, err := strconv.Atoi(s)
	if err != nil || limit < 1 || limit > 1000 {
		return 0, errs.Field("limit", "limit 应为 1–1000 的整数", "limit must be an integer from 1 to 1000")
	}
	return limit, nil
}

// CursorOffset reads the offset that ?cursor= encodes, 0 without one.
func CursorOffset(r *http.Request) (int, error) {
	n, at, err := CursorAt(r)
	if err == nil && at != "" {
		err = BadCursor()
	}
	return n, err
}

// CursorAt reads the offset that ?cursor= encodes and the position it
// carries for a list that pages by position ("" for one by offset).
func CursorAt(r *http.Request) (offset int, at string, err error) {
	c := r.URL.Query().Get("cursor")
	if c == "" {
		return 0, "", nil
	}
	b, derr := base64.RawURLEncoding.DecodeString(c)
	num, at, _ := strings.Cut(strings.TrimPrefix(string(b), "o:"), "@")
	n, aerr := strconv.Atoi(num)
	if derr != nil || aerr != nil || n < 0 || n > maxOffset {
		return 0, "", BadCursor()
	}
	return n, at, nil
}

// BadCursor is the error of a cursor no page returned.
func BadCursor() error {
	return errs.Field("cursor", "cursor 无效，请使用上一页返回的 next_cursor", "invalid cursor: use next_cursor from the previous page")
}

// NextCursor is the cursor of the page after n items from offset, empty
// after the last page.
func NextCursor(offset, n, total int) string {
	if offset+n >= total {
		return ""
	}
	return EncodeCursor(offset+n, "")
}

// EncodeCursor is the cursor of the page that starts at offset, and after
// the position at for a list that pages by position.
func EncodeCursor(offset int, at string) string {
	c := "o:" + strconv.Itoa(offset)
	if at != "" {
		c += "@" + at
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c))
}

// PageOf answers, a page at a time as every list does (?limit=, ?cursor=),
// a list the service computed whole because the organizations of the scope
// bound it (elections due, vacant posts, a course's attendance).
func PageOf[T any](r *http.Request, items []T) (map[string]any, error) {
	limit, offset, err := Page(r)
	if err != nil {
		return nil, err
	}
	total := len(items)
	page := items[min(offset, total):min(offset+limit, total)]
	if page == nil {
		page = []T{}
	}
	return map[string]any{"items": page, "total": total, "next_cursor": NextCursor(offset, len(page), total)}, nil
}
