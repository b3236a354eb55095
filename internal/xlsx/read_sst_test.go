package xlsx

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/xlsx/xlsxtest"
)

// sstBomb is the shared-strings bomb of items items.
func sstBomb(tb testing.TB, items int) []byte {
	tb.Helper()
	b, err := xlsxtest.SharedStringsBomb(items)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// allocated runs f and returns the bytes it allocated. TotalAlloc counts
// every allocation, freed or not, so it bounds the heap's growth from above.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestReadSharedStringsBomb(t *testing.T) {
	bomb := sstBomb(t, 3_200_000)
	if len(bomb) > 400<<10 {
		t.Fatalf("the bomb has %d bytes", len(bomb))
	}
	var err error
	alloc := allocated(func() { _, _, err = Read(bytes.NewReader(bomb)) })
	wantErr(t, err, errs.TooLarge, "文件中的共享字符串过多（超过 500,000 个）：请另存为新的 .xlsx 或改用 CSV 后再导入")
	if alloc > 64<<20 {
		t.Errorf("Read allocated %d MB", alloc>>20)
	}
	t.Logf("allocated %d KB", alloc>>10)
}

// TestReadParseSlots parses 8 files at once: no more than maxParses are
// ever parsed together, the others wait; a request that gives up while
// waiting, or finds the queue full, is told the server is busy.
func TestReadParseSlots(t *testing.T) {
	const n = 8
	var inside, most, entered atomic.Int64
	release := make(chan struct{})
	parseHook = func() {
		if entered.Add(1) > n {
			return // the readers after the first n do not wait
		}
		v := inside.Add(1)
		for m := most.Load(); v > m && !most.CompareAndSwap(m, v); m = most.Load() {
		}
		<-release
		inside.Add(-1)
	}
	defer func() { parseHook = nil }()
	file := "名称\n甲\n"
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := Read(strings.NewReader(file))
			errc <- err
		}()
	}
	// Until every reader is parsing or waiting for a slot.
	for inside.Load()+parseSlots.waiting.Load() < n {
		runtime.Gosched()
	}
	if got := inside.Load(); got != maxParses {
		t.Errorf("%d files parsed at once, want %d", got, maxParses)
	}

	// While all slots are taken, a request that gives up waiting leaves.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := ReadContext(ctx, strings.NewReader(file))
	if e, ok := err.(*errs.Error); !ok || e.Kind != errs.TooMany || e.ZH != "服务器正忙，请稍后再试" {
		t.Errorf("a cancelled wait: %v", err)
	}
	// With the queue full, one more is refused at once.
	parseSlots.admitted.Add(maxParseWaiting + maxParses - n)
	_, _, err = Read(strings.NewReader(file))
	parseSlots.admitted.Add(-(maxParseWaiting + maxParses - n))
	if e, ok := err.(*errs.Error); !ok || e.Kind != errs.TooMany || e.ZH != "服务器正忙，请稍后再试" {
		t.Errorf("a full queue: %v", err)
	}

	for range n {
		release <- struct{}{}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Error(err)
		}
	}
	if m := most.Load(); m != maxParses {
		t.Errorf("at most %d files parsed at once, want %d", m, maxParses)
	}
	if p, a := parseSlots.parsing.Load(), parseSlots.admitted.Load(); p != 0 || a != 0 {
		t.Errorf("%d slots still held, %d requests still admitted", p, a)
	}
}
