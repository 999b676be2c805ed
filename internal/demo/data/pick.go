// Package data holds the static reference data and the small random pickers
// that the demo-data generator uses to build a believable Norwegian trade
// union: names with realistic frequencies, workplaces and job titles by
// sector, and higher-education institutions and programmes.
//
// Everything here is read-only after package initialisation and draws all
// randomness from a caller-supplied *rand.Rand. That is what makes the demo
// data reproducible: the same seed, the same sequence of calls and the same
// version of this package always yield the same union. Reordering or
// reweighting entries in the tables changes the output for a given seed, so
// treat such edits like a change to a golden file.
//
// The weights are approximations of public statistics (SSB name counts,
// institution sizes); they exist to make the data look plausible, not to be
// statistically exact.
package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
)

// Weighted picks items with probability proportional to integer weights.
//
// It keeps cumulative weights so that a pick costs one random draw and a
// binary search (O(log n)); the generator picks hundreds of thousands of
// values, and a linear scan over 250 surnames for each would be wasteful.
// Each Pick consumes exactly one value from the random source, so the
// sequence of picks is a pure function of the generator's state.
//
// A Weighted is immutable after construction and safe for concurrent use,
// as long as each goroutine uses its own *rand.Rand (rand.Rand is not).
type Weighted[T any] struct {
	items []T
	cum   []int // cum[i] is the sum of weights[0..i]; strictly the running total
}

// NewWeighted returns a picker over items, where items[i] is chosen with
// probability weights[i]/sum(weights).
//
// Zero weights are allowed (the item is then never chosen), which lets a
// caller disable entries without reshaping its tables. NewWeighted panics if
// the slices differ in length, are empty, contain a negative weight or sum to
// zero: the inputs are static program data, so such a mistake is a bug that
// should fail loudly at start-up rather than produce skewed data.
//
// The slices are copied, so later changes by the caller do not affect the
// picker.
func NewWeighted[T any](items []T, weights []int) *Weighted[T] {
	if len(items) != len(weights) {
		panic(fmt.Sprintf("data.NewWeighted: %d items but %d weights", len(items), len(weights)))
	}
	if len(items) == 0 {
		panic("data.NewWeighted: no items")
	}
	cum := make([]int, len(weights))
	total := 0
	for i, w := range weights {
		if w < 0 {
			panic(fmt.Sprintf("data.NewWeighted: negative weight %d at index %d", w, i))
		}
		total += w
		cum[i] = total
	}
	if total <= 0 {
		panic("data.NewWeighted: weights sum to zero")
	}
	return &Weighted[T]{items: slices.Clone(items), cum: cum}
}

// Pick returns one item, chosen with probability proportional to its weight.
// It draws exactly one value from r.
func (w *Weighted[T]) Pick(r *rand.Rand) T {
	x := r.IntN(w.cum[len(w.cum)-1])
	// The first index whose running total exceeds x owns the interval
	// [cum[i-1], cum[i]) that x fell into; zero-weight items own an empty
	// interval and are therefore skipped.
	i := sort.Search(len(w.cum), func(i int) bool { return w.cum[i] > x })
	return w.items[i]
}

// Len returns the number of items, including any with weight zero.
func (w *Weighted[T]) Len() int { return len(w.items) }

// Total returns the sum of all weights, which is useful when a caller wants
// to turn a weight into a probability.
func (w *Weighted[T]) Total() int { return w.cum[len(w.cum)-1] }

// Entry is a string with a relative frequency. It is the common shape for
// the simple weighted tables in this package (surnames, positions,
// departments), so that callers can inspect or re-weight them.
type Entry struct {
	Value  string
	Weight int
}

// newEntryPicker builds a picker over the values of entries.
func newEntryPicker(entries []Entry) *Weighted[string] {
	items := make([]string, len(entries))
	weights := make([]int, len(entries))
	for i, e := range entries {
		items[i] = e.Value
		weights[i] = e.Weight
	}
	return NewWeighted(items, weights)
}

// Package-level pickers. They are built once at initialisation from the
// read-only tables in this package and never mutated afterwards, so sharing
// them between goroutines is safe.
var (
	surnamePicker     = newEntryPicker(surnames)
	femaleGivenPicker = newGivenPicker(femaleGiven, 0)
	maleGivenPicker   = newGivenPicker(maleGiven, 0)

	// Per-birth-year pickers, indexed by year-minEraYear. A 58-year-old
	// engineer called "Nora" or a 25-year-old called "Bjørg" would look
	// wrong to any Norwegian reader, so names are weighted by how close the
	// birth year is to the name's peak popularity.
	femaleByYear = newGivenPickersByYear(femaleGiven)
	maleByYear   = newGivenPickersByYear(maleGiven)
)

// Surname returns a surname, weighted by how common it is in Norway.
func Surname(r *rand.Rand) string { return surnamePicker.Pick(r) }

// FemaleGiven returns a female given name, weighted by how common it is in
// the whole population regardless of age. Prefer FemaleGivenBorn when the
// person's birth year is known.
func FemaleGiven(r *rand.Rand) string { return femaleGivenPicker.Pick(r) }

// MaleGiven returns a male given name, weighted by how common it is in the
// whole population regardless of age. Prefer MaleGivenBorn when the person's
// birth year is known.
func MaleGiven(r *rand.Rand) string { return maleGivenPicker.Pick(r) }

// FemaleGivenBorn returns a female given name typical for someone born in
// birthYear. Years outside 1935–2015 are clamped to that range.
func FemaleGivenBorn(r *rand.Rand, birthYear int) string {
	return femaleByYear[eraIndex(birthYear)].Pick(r)
}

// MaleGivenBorn returns a male given name typical for someone born in
// birthYear. Years outside 1935–2015 are clamped to that range.
func MaleGivenBorn(r *rand.Rand, birthYear int) string {
	return maleByYear[eraIndex(birthYear)].Pick(r)
}

// The range of birth years with their own name distribution. It covers
// everyone of working age plus students, with margin.
const (
	minEraYear = 1935
	maxEraYear = 2015
)

func eraIndex(year int) int {
	return min(max(year, minEraYear), maxEraYear) - minEraYear
}

// eraFactor scales a name's weight by the distance between a birth year and
// the name's peak year. It is an integer step function rather than a
// Gaussian so that the resulting weights, and therefore the generated data,
// are identical on every platform (no floating-point rounding differences).
// The long flat tail keeps old names possible for young people and vice
// versa, which also happens in reality.
func eraFactor(birthYear, peak int) int {
	d := birthYear - peak
	if d < 0 {
		d = -d
	}
	switch {
	case d < 5:
		return 100
	case d < 10:
		return 80
	case d < 15:
		return 55
	case d < 20:
		return 32
	case d < 25:
		return 16
	case d < 30:
		return 7
	case d < 40:
		return 3
	default:
		return 1
	}
}

// newGivenPicker builds a picker over given names. With birthYear 0 the raw
// population weights are used; otherwise they are scaled by eraFactor.
func newGivenPicker(names []GivenName, birthYear int) *Weighted[string] {
	items := make([]string, len(names))
	weights := make([]int, len(names))
	for i, n := range names {
		items[i] = n.Name
		if birthYear == 0 {
			weights[i] = n.Weight
		} else {
			weights[i] = max(1, n.Weight*eraFactor(birthYear, n.PeakYear)/100)
		}
	}
	return NewWeighted(items, weights)
}

func newGivenPickersByYear(names []GivenName) []*Weighted[string] {
	out := make([]*Weighted[string], maxEraYear-minEraYear+1)
	for i := range out {
		out[i] = newGivenPicker(names, minEraYear+i)
	}
	return out
}

// Surnames returns a copy of the surname table.
func Surnames() []Entry { return slices.Clone(surnames) }

// FemaleGivenNames returns a copy of the female given-name table.
func FemaleGivenNames() []GivenName { return slices.Clone(femaleGiven) }

// MaleGivenNames returns a copy of the male given-name table.
func MaleGivenNames() []GivenName { return slices.Clone(maleGiven) }
