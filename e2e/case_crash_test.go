package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	caseCrashReports  = 2000
	caseCrashWorkers  = 32
	caseCrashDeadline = 90 * time.Second
)

// caseKillPoints are the numbers of acknowledged reports after which the
// server is killed, each moved by a random jitter of ±60.
var caseKillPoints = []int{300, 900, 1500}

// TestCasesSurviveKill files 2,000 residents' reports through the public
// API with 32 concurrent clients, every other one with an attachment,
// while the server is killed with SIGKILL three times and restarted on the
// same database: SQLite, and PostgreSQL when JICENG_TEST_POSTGRES names a
// server. Every receipt handed out must find its case after the restarts,
// with exactly the attachment it was sent with — a case and its files are
// committed together or not at all. A client whose request died with the
// server files the report again: the first attempt may or may not have
// become durable, and nobody holds its receipt.
func TestCasesSurviveKill(t *testing.T) {
	if os.Getenv("JICENG_E2E") != "1" {
		t.Skip("end-to-end test: set JICENG_E2E=1 to run it (it builds and kills the real binary)")
	}
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	t.Run("sqlite", func(t *testing.T) {
		casesSurviveKill(t, bin, "sqlite:"+filepath.Join(tmp, "cases-crash.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		pg := os.Getenv("JICENG_TEST_POSTGRES")
		if pg == "" {
			t.Skip("set JICENG_TEST_POSTGRES to a PostgreSQL URL to run this on PostgreSQL too")
		}
		casesSurviveKill(t, bin, pgSchema(t, pg))
	})
}

func casesSurviveKill(t *testing.T, bin, dbURL string) {
	began := time.Now()
	t.Setenv("JICENG_KEY_FILE", filepath.Join(t.TempDir(), "jiceng.key"))
	runDemo(t, bin, dbURL)
	// Residents come from many addresses: behind the trusted proxy each
	// request names its own, so that the per-client limit of reports
	// does not stop the run.
	srv := &crashServer{bin: bin, dbURL: dbURL, args: []string{"--trusted-proxies", "127.0.0.1/32"}}
	t.Cleanup(func() {
		srv.stop()
		if t.Failed() {
			t.Logf("jiceng serve output (every run):\n%s", srv.out.String())
		}
	})
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	pic := image.NewRGBA(image.Rect(0, 0, 8, 8))
	pic.Set(3, 3, color.RGBA{R: 200, A: 255})
	if err := png.Encode(&img, pic); err != nil {
		t.Fatal(err)
	}
	bodyOf := func(i int) []byte {
		r := map[string]any{"kind": "service", "region_code": "450102001003", "body": fmt.Sprintf("断电测试第 %d 件：楼道灯不亮，请维修。", i)}
		if i%2 == 0 {
			r["attachments"] = []map[string]any{{"name": fmt.Sprintf("现场%d.png", i), "data": img.Bytes()}}
		}
		b, _ := json.Marshal(r)
		return b
	}

	ctx, cancel := context.WithTimeout(context.Background(), caseCrashDeadline)
	defer cancel()
	var (
		acked    atomic.Int64
		mu       sync.Mutex
		receipts = map[string]int{} // receipt → the report's number
		resent   int
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
		cancel()
	}
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := range caseCrashReports {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	killsDone := make(chan int, 1)
	go func() {
		kills := 0
		defer func() { killsDone <- kills }()
		for _, p := range caseKillPoints {
			at := int64(p + rand.IntN(121) - 60)
			for acked.Load() < at {
				select {
				case <-ctx.Done():
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
			if err := srv.kill(); err != nil {
				fail("kill %d: %v", kills+1, err)
				return
			}
			kills++
			if err := srv.start(); err != nil {
				fail("restart after kill %d: %v", kills, err)
				return
			}
		}
	}()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: caseCrashWorkers}}
	var wg sync.WaitGroup
	for range caseCrashWorkers {
		wg.Go(func() {
			for i := range jobs {
				payload := bodyOf(i)
				failed := 0
				for {
					b, gen, err := srv.wait(ctx)
					if err != nil {
						fail("waiting for the server: %v", err)
						return
					}
					st, body, err := casePost(ctx, client, b, payload, i)
					if err != nil {
						if ctx.Err() != nil {
							return
						}
						failed++
						if failed > 20 {
							fail("a report got no answer 20 times in a row: %v", err)
							return
						}
						if srv.gen() == gen {
							time.Sleep(50 * time.Millisecond)
						}
						continue
					}
					var r struct {
						Receipt string `json:"receipt"`
					}
					if st != http.StatusCreated || json.Unmarshal(body, &r) != nil || len(r.Receipt) != 20 {
						fail("report %d after %d unanswered attempts: %d %s", i, failed, st, body)
						return
					}
					mu.Lock()
					receipts[r.Receipt] = i
					if failed > 0 {
						resent++
					}
					mu.Unlock()
					acked.Add(1)
					break
				}
			}
		})
	}
	wg.Wait()
	cancel()
	kills := <-killsDone
	if len(failures) > 0 {
		t.Fatalf("%d failures while reporting (first ones):\n%s", len(failures), strings.Join(failures[:min(10, len(failures))], "\n"))
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("reporting did not finish within %v: %v", caseCrashDeadline, err)
	}
	if kills != len(caseKillPoints) {
		t.Fatalf("the server was killed %d times, want %d", kills, len(caseKillPoints))
	}
	if len(receipts) != caseCrashReports {
		t.Fatalf("%d receipts for %d reports", len(receipts), caseCrashReports)
	}
	// Every receipt finds its report, with its attachment.
	base, _ := srv.current()
	missing, wrong := 0, 0
	for receipt, i := range receipts {
		payload, _ := json.Marshal(map[string]string{"receipt": receipt})
		st, body, err := casePostPath(context.Background(), client, base+"/api/v1/public/cases/follow", payload, i)
		var c struct {
			Body   string `json:"body"`
			Events []struct {
				Type  string `json:"type"`
				Files []struct {
					Name string `json:"name"`
				} `json:"files"`
			} `json:"events"`
		}
		if err != nil || st != http.StatusOK || json.Unmarshal(body, &c) != nil {
			missing++
			if missing <= 5 {
				t.Errorf("receipt of report %d: %d %.200s %v", i, st, body, err)
			}
			continue
		}
		files := 0
		if len(c.Events) > 0 && c.Events[0].Type == "submit" {
			files = len(c.Events[0].Files)
		}
		want := 0
		if i%2 == 0 {
			want = 1
		}
		if !strings.Contains(c.Body, fmt.Sprintf("第 %d 件", i)) || files != want {
			wrong++
			if wrong <= 5 {
				t.Errorf("receipt of report %d finds %q with %d files, want %d", i, c.Body, files, want)
			}
		}
	}
	if missing+wrong > 0 {
		t.Fatalf("%d receipts find no case, %d the wrong one or without its attachment", missing, wrong)
	}
	t.Logf("%d reports acknowledged, %d filed again after a kill, %d kills; every receipt finds its case and attachment; total %v",
		len(receipts), resent, kills, time.Since(began).Round(time.Millisecond))
}

// casePost files one report from an address of its own; an error means no
// complete answer.
func casePost(ctx context.Context, client *http.Client, base string, payload []byte, i int) (int, []byte, error) {
	return casePostPath(ctx, client, base+"/api/v1/public/cases", payload, i)
}

func casePostPath(ctx context.Context, client *http.Client, u string, payload []byte, i int) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", u, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.9.%d.%d", i>>8&255, i&255))
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}
