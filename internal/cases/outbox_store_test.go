package cases_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"jiceng/internal/cases"
)

// TestTwoWorkersDeliverExactlyOnce: two delivery workers share the outbox
// while the gateway fails a third of the messages at their first attempts
// and the database commits each claim on its own; every notification is
// delivered once, none twice, none dropped.
func TestTwoWorkersDeliverExactlyOnce(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	const reports = 40
	for i := range reports {
		rc := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Phone: fmt.Sprintf("139077%05d", i)})
		f.take(t, "comm.handler", rc.CaseID, cases.StepInput{Step: cases.StepAccept})
	}
	// Each report told the community's handler and secretary in the
	// application and its reporter by text message once accepted.
	inapp := f.count(t, "SELECT COUNT(*) FROM outbox WHERE channel = 'inapp'")
	sms := f.count(t, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms'")
	if inapp != 2*reports || sms != reports {
		t.Fatalf("outbox: %d in-app, %d sms", inapp, sms)
	}
	var mu sync.Mutex
	attempts := map[int64]int{}
	rec := &cases.Recorder{Fail: func(m cases.Message) error {
		mu.Lock()
		defer mu.Unlock()
		attempts[m.ID]++
		if m.ID%3 == 0 && attempts[m.ID] <= 2 {
			return errors.New("gateway busy")
		}
		return nil
	}}
	for round := 0; f.count(t, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL") > 0; round++ {
		if round > 20 {
			t.Fatal("the outbox does not drain")
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for {
					n, err := f.s.Deliver(ctx, rec)
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		// Failed messages wait out their back-off.
		f.clock.Set(f.clock.Now().Add(10 * time.Minute))
	}
	seen := map[int64]int{}
	for _, m := range rec.Sent() {
		seen[m.ID]++
	}
	if len(seen) != sms {
		t.Fatalf("%d text messages delivered, want %d", len(seen), sms)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %d delivered %d times", id, n)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM notifications"); n != inapp {
		t.Fatalf("%d notifications, want %d", n, inapp)
	}
	retried := f.count(t, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND attempts = 3")
	if retried == 0 {
		t.Fatal("no message was retried: the failures were not injected")
	}
}
