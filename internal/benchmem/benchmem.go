// Package benchmem measures the peak memory of a benchmark's work: the
// live Go heap and the process's resident set.
package benchmem

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Peak samples the live heap every 10 ms (runtime/metrics, which does not
// stop the world) and resets the kernel's peak-RSS mark, so that Stop
// reports the peak heap and the process's peak RSS over the measured
// work. SQLite (modernc) keeps its page cache outside the Go heap, so only
// the RSS covers everything.
type Peak struct {
	done    chan struct{}
	wg      sync.WaitGroup
	heap    uint64
	rssOK   bool
	samples []metrics.Sample
}

// Start begins measuring.
func Start() *Peak {
	debug.FreeOSMemory()
	m := &Peak{done: make(chan struct{}), samples: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0).
	m.rssOK = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	m.sample()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.done:
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *Peak) sample() {
	metrics.Read(m.samples)
	m.heap = max(m.heap, m.samples[0].Value.Uint64())
}

// Stop returns the peak heap and the peak RSS in MB (RSS 0 if unknown).
func (m *Peak) Stop() (heapMB, rssMB float64) {
	close(m.done)
	m.wg.Wait()
	m.sample()
	if m.rssOK {
		if kb := procStatusKB("VmHWM:"); kb > 0 {
			rssMB = float64(kb) / 1024
		}
	}
	return float64(m.heap) / (1 << 20), rssMB
}

func procStatusKB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
