package register

import (
	"math/bits"
	"slices"
)

// hashIndex maps 64-bit keyed hashes to line numbers in about 12 bytes an
// entry, a third of a Go map's: the recent keys sit in a small map that is
// merged now and then into sorted arrays. Lookups in those use the keys'
// even spread: the position is guessed from the key's value, then found by
// a search within a short window.
type hashIndex struct {
	recent map[uint64]uint32
	keys   []uint64 // sorted
	lines  []uint32 // lines[i] is keys[i]'s
}

// recentMax is the size of the map merged into the arrays.
const recentMax = 1 << 14

func newHashIndex() *hashIndex { return &hashIndex{recent: make(map[uint64]uint32, recentMax)} }

func (x *hashIndex) len() int { return len(x.recent) + len(x.keys) }

func (x *hashIndex) get(k uint64) (uint32, bool) {
	if l, ok := x.recent[k]; ok {
		return l, true
	}
	if i, ok := x.find(k); ok {
		return x.lines[i], true
	}
	return 0, false
}

// put adds k, which must not be in the index yet.
func (x *hashIndex) put(k uint64, line uint32) {
	x.recent[k] = line
	if len(x.recent) >= recentMax {
		x.merge()
	}
}

// find is k's position in keys, or where it would go.
func (x *hashIndex) find(k uint64) (int, bool) {
	n := len(x.keys)
	if n == 0 {
		return 0, false
	}
	guess, _ := bits.Mul64(k, uint64(n)) // k/2⁶⁴·n
	i := int(guess)
	lo, hi := i, i+1 // widen until keys[lo] ≤ k < keys[hi]
	for step := 64; lo > 0 && x.keys[lo] > k; step *= 2 {
		lo = max(0, lo-step)
	}
	for step := 64; hi < n && x.keys[hi-1] <= k; step *= 2 {
		hi = min(n, hi+step)
	}
	j, found := slices.BinarySearch(x.keys[lo:hi], k)
	return lo + j, found
}

// merge moves the recent keys into the sorted arrays, merging from the
// end so that no second copy of the arrays is needed.
func (x *hashIndex) merge() {
	add := make([]uint64, 0, len(x.recent))
	for k := range x.recent {
		add = append(add, k)
	}
	slices.Sort(add)
	n, m := len(x.keys), len(add)
	x.keys = slices.Grow(x.keys, m)[:n+m]
	x.lines = slices.Grow(x.lines, m)[:n+m]
	i, j := n-1, m-1
	for k := n + m - 1; j >= 0; k-- {
		if i >= 0 && x.keys[i] > add[j] {
			x.keys[k], x.lines[k] = x.keys[i], x.lines[i]
			i--
		} else {
			x.keys[k], x.lines[k] = add[j], x.recent[add[j]]
			j--
		}
	}
	clear(x.recent)
}
