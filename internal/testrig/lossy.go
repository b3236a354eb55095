package testrig

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"jiceng/internal/db"
)

// LossyProxy stands between the application and PostgreSQL and loses a
// connection on cue, as a failover does: either a statement never reaches
// the server, or it reaches it and its answer never comes back — a COMMIT
// the server made durable while the client saw only a dead connection.
// It reads the frontend protocol's message frames to find the statement.
type LossyProxy struct {
	// URL is the database URL with the proxy in place of the server.
	URL    string
	target string
	ln     net.Listener

	mu   sync.Mutex
	cue  *lossCue
	lost int
}

type lossCue struct {
	match       []byte // a statement whose text holds this, lower case
	afterServer bool   // forward it and lose the answer, or drop it unsent
	stall       bool   // with afterServer: withhold the answer, keep the connection open
}

// NewLossyProxy proxies the PostgreSQL server of pgURL until the test ends.
func NewLossyProxy(t testing.TB, pgURL string) *LossyProxy {
	t.Helper()
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &LossyProxy{target: u.Host, ln: ln}
	u.Host = ln.Addr().String()
	p.URL = u.String()
	go p.accept()
	t.Cleanup(func() { _ = ln.Close() }) // the accept loop ends with it
	return p
}

// Open opens the database through the proxy until the test ends: the
// services under test get it, the test checks what the server holds on
// its own connection.
func (p *LossyProxy) Open(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), p.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// LoseAnswerTo arms the proxy once: the next statement whose text contains
// match (case-insensitively, such as "commit") reaches the server, and its
// connection is cut as soon as the server answers, before the client gets
// the answer.
func (p *LossyProxy) LoseAnswerTo(match string) { p.arm(match, true, false) }

// StallAnswerTo arms the proxy once: the next statement containing match
// reaches the server, and its answer, and everything after it on that
// connection, is withheld while the connection stays open — a primary
// that stopped answering without closing anything (a host that died, a
// network cut), which no error reports for minutes.
func (p *LossyProxy) StallAnswerTo(match string) { p.arm(match, true, true) }

// CutAt arms the proxy once: the next statement containing match is not
// sent, and its connection is cut.
func (p *LossyProxy) CutAt(match string) { p.arm(match, false, false) }

func (p *LossyProxy) arm(match string, after, stall bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cue = &lossCue{match: bytes.ToLower([]byte(match)), afterServer: after, stall: stall}
}

// Lost counts the connections lost on cue.
func (p *LossyProxy) Lost() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lost
}

// take returns the armed cue when msg (a frame sent by the client) holds
// it, and disarms it.
func (p *LossyProxy) take(msg []byte) *lossCue {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cue == nil || (msg[0] != 'Q' && msg[0] != 'P') || !bytes.Contains(bytes.ToLower(msg), p.cue.match) {
		return nil
	}
	c := p.cue
	p.cue = nil
	p.lost++
	return c
}

func (p *LossyProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.serve(c)
	}
}

func (p *LossyProxy) serve(client net.Conn) {
	// Closing a connection that is being cut has nothing left to report.
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	cut := func() {
		_ = client.Close()
		_ = server.Close()
	}
	var mu sync.Mutex
	loseNext := false  // the server's next bytes are the answer to lose
	stallNext := false // … or to withhold, with all that follows
	go func() {
		buf := make([]byte, 32<<10)
		stalled := false
		for {
			n, err := server.Read(buf)
			if n > 0 {
				mu.Lock()
				lose, stall := loseNext, stallNext
				mu.Unlock()
				switch {
				case stall:
					stalled = true
				case lose:
					cut()
					return
				}
				if stalled {
					if err != nil {
						return // the client's side closes both when it gives up
					}
					continue
				}
				if _, err := client.Write(buf[:n]); err != nil {
					cut()
					return
				}
			}
			if err != nil {
				cut()
				return
			}
		}
	}()
	// The startup message has no type byte; every later frame is a type
	// byte and a length that counts itself.
	first := true
	for {
		var head []byte
		if first {
			head = make([]byte, 4)
		} else {
			head = make([]byte, 5)
		}
		if _, err := io.ReadFull(client, head); err != nil {
			cut()
			return
		}
		n := int(binary.BigEndian.Uint32(head[len(head)-4:])) - 4
		if n < 0 || n > 64<<20 {
			cut()
			return
		}
		msg := make([]byte, len(head)+n)
		copy(msg, head)
		if _, err := io.ReadFull(client, msg[len(head):]); err != nil {
			cut()
			return
		}
		if !first {
			if c := p.take(msg); c != nil {
				if !c.afterServer {
					cut()
					return
				}
				mu.Lock()
				loseNext, stallNext = true, c.stall
				mu.Unlock()
			}
		}
		first = false
		if _, err := server.Write(msg); err != nil {
			cut()
			return
		}
	}
}
