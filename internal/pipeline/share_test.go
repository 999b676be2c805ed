package pipeline

import (
	"slices"
	"testing"
)

func TestShare(t *testing.T) {
	ward := []Steward{{PersonID: 1, Department: "Akutt"}, {PersonID: 2, Department: " akutt "}, {PersonID: 3}, {PersonID: 4}}
	for _, c := range []struct {
		name     string
		stewards []Steward
		depts    []string
		want     []int64
	}{
		{"no stewards: the caller decides", nil, []string{"", "Akutt"}, []int64{0, 0}},
		{"one steward takes all", []Steward{{PersonID: 5}}, []string{"", "x", ""}, []int64{5, 5, 5}},
		{"in turn among the whole-workplace stewards", ward, []string{"", "", "", "Barn"}, []int64{3, 4, 3, 4}},
		{"by department, in turn within it, case and space ignored", ward, []string{"AKUTT", "akutt", "Akutt "}, []int64{1, 2, 1}},
		{"fewest open tasks first", []Steward{{PersonID: 1, Open: 3}, {PersonID: 2, Open: 1}}, []string{"", "", "", ""}, []int64{2, 2, 1, 2}},
		{"only department stewards: others go to any of them", []Steward{{PersonID: 1, Department: "A"}, {PersonID: 2, Department: "B"}},
			[]string{"C", "C", "B"}, []int64{1, 2, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Share(c.stewards, c.depts); !slices.Equal(got, c.want) {
				t.Errorf("Share = %v, want %v", got, c.want)
			}
		})
	}
}
