package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver for the schema of the PostgreSQL run
)

const (
	crashCodes    = 5000
	crashWorkers  = 32
	crashBatch    = 2000 // the most codes one POST …/tokens asks for
	crashJitter   = 150  // ± acknowledged ballots around each kill point
	crashDeadline = 50 * time.Second
	usedMessage   = "已经使用过" // the 409 of a spent code, not that of a closed campaign
)

// crashKillPoints are the numbers of acknowledged ballots after which the
// server is killed, each moved by a random jitter.
var crashKillPoints = []int{800, 2200, 3600}

// TestBallotsSurviveKill casts 5,000 ballots through the public API with
// 32 concurrent clients while the server is killed with SIGKILL three times
// and restarted on the same database: SQLite, and PostgreSQL when
// JICENG_TEST_POSTGRES names a server (a schema of its own is made and
// dropped). A ballot acknowledged with 201
// must survive the kill: after the campaign closes, every acknowledged
// tracker is on the bulletin exactly once. A client whose request died with
// the server retries the same code on the next server: 201 means the first
// attempt never became durable, 409 (used) that it did and only its
// acknowledgement was lost. Counted ballots, used codes and acknowledged
// plus lost acknowledgements must all agree.
func TestBallotsSurviveKill(t *testing.T) {
	if os.Getenv("JICENG_E2E") != "1" {
		t.Skip("end-to-end test: set JICENG_E2E=1 to run it (it builds and kills the real binary)")
	}
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	t.Run("sqlite", func(t *testing.T) {
		ballotsSurviveKill(t, bin, "sqlite:"+filepath.Join(tmp, "crash.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		pg := os.Getenv("JICENG_TEST_POSTGRES")
		if pg == "" {
			t.Skip("set JICENG_TEST_POSTGRES to a PostgreSQL URL to run this on PostgreSQL too")
		}
		ballotsSurviveKill(t, bin, pgSchema(t, pg))
	})
}

// pgSchema creates a schema of its own on the PostgreSQL server at base,
// drops it when the test ends, and returns a URL whose connections use it.
func pgSchema(t *testing.T, base string) string {
	t.Helper()
	schema := fmt.Sprintf("e2e_%d_%d", os.Getpid(), rand.Uint32())
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE") // best effort: schemas are per run
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func ballotsSurviveKill(t *testing.T, bin, dbURL string) {
	began := time.Now()
	// The demo and every restarted server must share one token key; on
	// PostgreSQL there is no directory to keep it beside, so name a file.
	t.Setenv("JICENG_KEY_FILE", filepath.Join(t.TempDir(), "jiceng.key"))
	password := demoPassword(t, runDemo(t, bin, dbURL), "admin")

	srv := &crashServer{bin: bin, dbURL: dbURL}
	t.Cleanup(func() {
		srv.stop()
		if t.Failed() {
			t.Logf("jiceng serve output (every run):\n%s", srv.out.String())
		}
	})
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	base, _ := srv.current()
	token := apiLogin(t, base, "admin", password)

	// The campaign: the village template, owned by the root organization,
	// with one person subject, rated by one group of weight > 0.
	rootID := crashRootOrg(t, base, token)
	now := time.Now().UTC()
	body, _ := json.Marshal(map[string]any{
		"owner_org_id": rootID, "name": "断电测试", "year": now.Year(),
		"opens_at": now.Add(-time.Hour), "closes_at": now.Add(24 * time.Hour), "template": "village_secretary",
	})
	st, out := apiPost(t, base+"/api/v1/campaigns", token, string(body))
	var camp struct {
		ID    int64 `json:"id"`
		Rules struct {
			Indicators []crashIndicator `json:"indicators"`
			Groups     []struct {
				Key    string  `json:"key"`
				Weight float64 `json:"weight"`
			} `json:"groups"`
		} `json:"rules"`
	}
	if st != http.StatusCreated || json.Unmarshal([]byte(out), &camp) != nil || camp.ID == 0 {
		t.Fatalf("create campaign: %d %s", st, out)
	}
	group := ""
	for _, g := range camp.Rules.Groups {
		if g.Weight > 0 {
			group = g.Key
			break
		}
	}
	if group == "" {
		t.Fatalf("the village template has no rater group of weight > 0: %s", out)
	}
	leaves := map[string]float64{}
	for _, in := range camp.Rules.Indicators {
		in.leaves(leaves)
	}
	if len(leaves) == 0 {
		t.Fatalf("the village template has no leaf indicator: %s", out)
	}
	campURL := base + "/api/v1/campaigns/" + strconv.FormatInt(camp.ID, 10)

	st, out = apiPost(t, campURL+"/subjects", token, `{"subjects":[{"kind":"person","name":"韦测试","post":"村党组织书记","unit":"测试村"}]}`)
	var subs struct {
		Items []struct {
			Key string `json:"key"`
		} `json:"items"`
	}
	if st != http.StatusCreated || json.Unmarshal([]byte(out), &subs) != nil || len(subs.Items) != 1 || subs.Items[0].Key == "" {
		t.Fatalf("add subject: %d %s", st, out)
	}
	if st, out = apiPost(t, campURL+"/open", token, ""); st != http.StatusOK {
		t.Fatalf("open campaign: %d %s", st, out)
	}
	var codes []string
	for len(codes) < crashCodes {
		n := min(crashBatch, crashCodes-len(codes))
		st, out = apiPost(t, campURL+"/tokens", token, fmt.Sprintf(`{"group":%q,"count":%d}`, group, n))
		var r struct {
			Codes []string `json:"codes"`
		}
		if st != http.StatusCreated || json.Unmarshal([]byte(out), &r) != nil || len(r.Codes) != n {
			t.Fatalf("issue %d codes for %s: %d %.300s", n, group, st, out)
		}
		codes = append(codes, r.Codes...)
	}
	ballot, _ := json.Marshal(map[string]map[string]float64{subs.Items[0].Key: leaves})
	t.Logf("campaign %d: group %s, %d leaf indicators, %d codes; setup %v", camp.ID, group, len(leaves), len(codes), time.Since(began).Round(time.Millisecond))

	// Cast every code while the server is killed now and then.
	ctx, cancel := context.WithTimeout(context.Background(), crashDeadline)
	defer cancel()
	var (
		acked    atomic.Int64
		mu       sync.Mutex
		trackers = map[string]int{} // acknowledged tracker → times acknowledged
		lost     int                // codes answered only "used" on a retry after a failure
		retried  int                // codes that needed more than one attempt
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
		cancel()
	}
	jobs := make(chan string)
	go func() {
		defer close(jobs)
		for _, c := range codes {
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	}()

	killsDone := make(chan int, 1)
	castStart := time.Now()
	go func() {
		kills := 0
		defer func() { killsDone <- kills }()
		for _, p := range crashKillPoints {
			at := int64(p + rand.IntN(2*crashJitter+1) - crashJitter)
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

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: crashWorkers}}
	var wg sync.WaitGroup
	for range crashWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range jobs {
				payload, _ := json.Marshal(map[string]any{"token": code, "scores": json.RawMessage(ballot), "comment": ""})
				failed := 0 // attempts that got no answer
				for {
					b, gen, err := srv.wait(ctx)
					if err != nil {
						fail("waiting for the server: %v", err)
						return
					}
					st, body, err := crashCast(ctx, client, b, payload)
					if err != nil {
						if ctx.Err() != nil {
							return
						}
						failed++
						if failed > 20 {
							fail("a code got no answer 20 times in a row: %v", err)
							return
						}
						// The server was killed (or is being killed): wait
						// for the next one unless this one is still current.
						if srv.gen() == gen {
							time.Sleep(50 * time.Millisecond)
						}
						continue
					}
					switch {
					case st == http.StatusCreated:
						var r struct {
							Tracker string `json:"tracker"`
						}
						if json.Unmarshal(body, &r) != nil || !trackerForm.MatchString(r.Tracker) {
							fail("201 without a tracker: %s", body)
							return
						}
						mu.Lock()
						trackers[r.Tracker]++
						if failed > 0 {
							retried++
						}
						mu.Unlock()
						acked.Add(1)
					case st == http.StatusConflict && failed > 0 && strings.Contains(string(body), usedMessage):
						mu.Lock()
						lost++
						retried++
						mu.Unlock()
					default:
						fail("ballot after %d unanswered attempts: %d %s", failed, st, body)
						return
					}
					break
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	kills := <-killsDone
	elapsed := time.Since(castStart)
	mu.Lock()
	defer mu.Unlock()
	if len(failures) > 0 {
		t.Fatalf("%d failures while casting (first ones):\n%s", len(failures), strings.Join(failures[:min(10, len(failures))], "\n"))
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("casting did not finish within %v: %v", crashDeadline, err)
	}
	if kills != len(crashKillPoints) {
		t.Fatalf("the server was killed %d times, want %d", kills, len(crashKillPoints))
	}
	for tr, n := range trackers {
		if n != 1 {
			t.Errorf("tracker %s was acknowledged %d times", tr, n)
		}
	}
	ack := len(trackers)
	if ack+lost != crashCodes {
		t.Fatalf("%d acknowledged + %d lost acknowledgements != %d codes", ack, lost, crashCodes)
	}

	// Close the campaign (which counts every ballot still in the inbox)
	// and check the bulletin.
	base, _ = srv.current()
	campURL = base + "/api/v1/campaigns/" + strconv.FormatInt(camp.ID, 10)
	token = apiLogin(t, base, "admin", password)
	if st, out = apiPost(t, campURL+"/close", token, ""); st != http.StatusOK || !strings.Contains(out, `"closed"`) {
		t.Fatalf("close campaign: %d %s", st, out)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(base + "/api/v1/public/campaigns/" + strconv.FormatInt(camp.ID, 10) + "/bulletin")
	if err != nil {
		t.Fatalf("bulletin: %v", err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var board struct {
		Groups []struct {
			Group      string `json:"group"`
			FewerThanK bool   `json:"fewer_than_k"`
			Issued     *int   `json:"issued"`
			Used       *int   `json:"used"`
			Counted    *int   `json:"counted"`
		} `json:"groups"`
		Trackers []string `json:"trackers"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &board) != nil {
		t.Fatalf("bulletin: %d %.500s", resp.StatusCode, raw)
	}
	var issued, used, counted int
	found := false
	for _, g := range board.Groups {
		if g.Group != group {
			continue
		}
		found = true
		if g.FewerThanK || g.Issued == nil || g.Used == nil || g.Counted == nil {
			t.Errorf("bulletin: group %s shows no figures: %.500s", group, raw)
			continue
		}
		issued, used, counted = *g.Issued, *g.Used, *g.Counted
	}
	if !found {
		t.Fatalf("bulletin: no group %s: %.500s", group, raw)
	}
	onBoard := map[string]int{}
	for _, tr := range board.Trackers {
		onBoard[tr]++
	}
	for tr, n := range onBoard {
		if n != 1 {
			t.Errorf("tracker %s is on the bulletin %d times", tr, n)
		}
	}
	missing := 0
	for tr := range trackers {
		if onBoard[tr] != 1 {
			missing++
			if missing <= 10 {
				t.Errorf("acknowledged tracker %s is on the bulletin %d times, want once", tr, onBoard[tr])
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged ballots are not on the bulletin exactly once", missing, ack)
	}
	if issued != crashCodes {
		t.Errorf("bulletin: %d codes issued, want %d", issued, crashCodes)
	}
	if counted != used {
		t.Errorf("bulletin: %d ballots counted but %d codes used", counted, used)
	}
	if counted != ack+lost {
		t.Errorf("bulletin: %d ballots counted, want %d acknowledged + %d lost acknowledgements = %d", counted, ack, lost, ack+lost)
	}
	if len(board.Trackers) != counted {
		t.Errorf("bulletin: %d trackers listed for %d counted ballots", len(board.Trackers), counted)
	}
	t.Logf("acknowledged %d, lost acknowledgements %d, retried codes %d, kills %d; counted %d, used %d, issued %d; casting %v, total %v",
		ack, lost, retried, kills, counted, used, issued, elapsed.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

// crashIndicator is an indicator of the rules as the API returns them.
type crashIndicator struct {
	Key   string `json:"key"`
	Scale struct {
		Kind   string `json:"kind"`
		Levels []struct {
			Points float64 `json:"points"`
		} `json:"levels"`
	} `json:"scale"`
	Children []crashIndicator `json:"children"`
}

// leaves answers every leaf indicator under in: a level scale with its
// first level's points, a points scale with 90.
func (in crashIndicator) leaves(into map[string]float64) {
	if len(in.Children) > 0 {
		for _, c := range in.Children {
			c.leaves(into)
		}
		return
	}
	if len(in.Scale.Levels) > 0 {
		into[in.Key] = in.Scale.Levels[0].Points
	} else {
		into[in.Key] = 90
	}
}

// crashCast posts one ballot. An error means no complete answer: the
// request or the response died with the server.
func crashCast(ctx context.Context, client *http.Client, base string, payload []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/public/ballots", bytes.NewReader(payload))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
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

// crashRootOrg returns the id of the organization of division 4501.
func crashRootOrg(t *testing.T, base, token string) int64 {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/orgs?region_code=4501", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET /api/v1/orgs?region_code=4501: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Items []struct {
			ID       int64  `json:"id"`
			ParentID *int64 `json:"parent_id"`
		} `json:"items"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &r) != nil || len(r.Items) == 0 {
		t.Fatalf("GET /api/v1/orgs?region_code=4501: %d %.300s", resp.StatusCode, raw)
	}
	for _, o := range r.Items {
		if o.ParentID == nil {
			return o.ID
		}
	}
	return r.Items[0].ID
}

// crashServer is `jiceng serve` on one database, killed and restarted on a
// new port. Clients wait for it between a kill and the next /healthz.
type crashServer struct {
	bin, dbURL string
	args       []string // more flags of serve
	out        syncBuffer

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan error
	base   string
	n      int           // the number of the running server, from 1
	up     chan struct{} // closed while a server answers
}

// current returns the running server's base URL and number.
func (s *crashServer) current() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base, s.n
}

func (s *crashServer) gen() int {
	_, n := s.current()
	return n
}

// wait returns the base URL and number of a server that answers.
func (s *crashServer) wait(ctx context.Context) (string, int, error) {
	for {
		s.mu.Lock()
		up, base, n := s.up, s.base, s.n
		s.mu.Unlock()
		if up == nil {
			return "", 0, errors.New("no server")
		}
		select {
		case <-up:
			return base, n, nil
		case <-ctx.Done():
			return "", 0, ctx.Err()
		case <-time.After(40 * time.Second):
			return "", 0, errors.New("no server answered for 40 s")
		}
	}
}

// start runs a new server and returns once its /healthz answers 200.
func (s *crashServer) start() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	s.mu.Lock()
	n := s.n + 1
	s.mu.Unlock()
	fmt.Fprintf(&s.out, "--- server %d on %s\n", n, addr)
	cmd := exec.Command(s.bin, append([]string{"serve", "--addr", addr, "--db", s.dbURL}, s.args...)...)
	cmd.Stdout, cmd.Stderr = &s.out, &s.out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start jiceng serve: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	base := "http://" + addr
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	if s.up == nil {
		s.up = make(chan struct{})
	}
	s.mu.Unlock()

	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(20 * time.Second); ; {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("jiceng serve %d exited before answering /healthz: %v", n, err)
		default:
		}
		if resp, err := client.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("jiceng serve %d: /healthz did not answer 200 within 20 s", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.mu.Lock()
	s.base, s.n = base, n
	close(s.up)
	s.mu.Unlock()
	return nil
}

// kill sends SIGKILL to the running server and reaps it; clients wait
// from now until the next start.
func (s *crashServer) kill() error {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.up = make(chan struct{})
	s.mu.Unlock()
	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
		return err
	}
	select {
	case err := <-exited:
		fmt.Fprintf(&s.out, "--- server killed (%v)\n", err)
	case <-time.After(10 * time.Second):
		return fmt.Errorf("jiceng serve (pid %d) still runs 10 s after SIGKILL", cmd.Process.Pid)
	}
	s.mu.Lock()
	s.cmd, s.exited = nil, nil
	s.mu.Unlock()
	return nil
}

// stop ends the running server, if any, with SIGTERM (SIGKILL after 10 s).
func (s *crashServer) stop() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case err := <-exited:
		exited <- err
		return
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		fmt.Fprintf(&s.out, "--- server stopped: %v\n", err)
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		fmt.Fprintf(&s.out, "--- server killed after 10 s: %v\n", <-exited)
	}
}
