package model

import (
	"strings"
	"testing"
)

func TestBenefitValidate(t *testing.T) {
	b := Benefit{Title: "  Innboforsikring ", Link: " https://example.org/a ", Types: []string{string(TypeStudent)}}
	if err := b.Validate(); err != nil || b.Title != "Innboforsikring" || b.Link != "https://example.org/a" {
		t.Fatalf("%v %+v", err, b)
	}
	for field, bad := range map[string]Benefit{
		"title":    {Title: " "},
		"body":     {Title: "T", Body: strings.Repeat("x", 2001)},
		"link":     {Title: "T", Link: "javascript:alert(1)"},
		"types":    {Title: "T", Types: []string{"gold"}},
		"position": {Title: "T", Position: -1},
	} {
		if err := bad.Validate(); FieldErrors(err)[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
	if !(Benefit{}).AppliesTo("ordinary") || (Benefit{Types: []string{"student"}}).AppliesTo("ordinary") {
		t.Error("AppliesTo")
	}
}
