package register

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestHashIndex: every key put is found with its line, keys never put are
// not, across many merges.
func TestHashIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := newHashIndex()
	want := map[uint64]uint32{}
	for i := range 5*recentMax + 123 {
		k := r.Uint64()
		if i%1000 == 0 {
			k = uint64(i) // small keys too: the guess lands at the start
		}
		if _, dup := want[k]; dup {
			continue
		}
		want[k] = uint32(i)
		x.put(k, uint32(i))
	}
	if x.len() != len(want) {
		t.Fatalf("len %d, want %d", x.len(), len(want))
	}
	for k, l := range want {
		if got, ok := x.get(k); !ok || got != l {
			t.Fatalf("get(%d) = %d, %v; want %d", k, got, ok, l)
		}
	}
	for range 10000 {
		k := r.Uint64()
		if _, in := want[k]; in {
			continue
		}
		if _, ok := x.get(k); ok {
			t.Fatalf("found %d, never put", k)
		}
	}
	if _, ok := x.get(^uint64(0)); ok {
		t.Fatal("found the largest key")
	}
}

// TestHashIndexMemory: a million entries take well under a Go map's room.
func TestHashIndexMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("a million keys")
	}
	before := heapInUse()
	x := newHashIndex()
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 1_000_000 {
		x.put(r.Uint64(), uint32(i))
	}
	grown := heapInUse() - min(before, heapInUse())
	runtime.KeepAlive(x)
	if mb := float64(grown) / (1 << 20); mb > 24 {
		t.Errorf("a million entries take %.1f MB", mb)
	} else {
		t.Logf("a million entries take %.1f MB", mb)
	}
}

// heapInUse is the heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
