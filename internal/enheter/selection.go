package enheter

import (
	"slices"
	"strings"

	"github.com/verve-union/verve/internal/model"
)

// Selection decides which units of the register an import adds as new
// workplaces, so that organisers see the places where the union has no
// members yet: open units in one of Municipalities (kommunenummer) whose
// primary NACE code starts with one of NACEPrefixes. An empty list does not
// restrict; both empty adds nothing.
type Selection struct {
	Municipalities []string
	NACEPrefixes   []string
}

// ParseList splits a flag's comma-separated list, dropping blanks.
func ParseList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Empty reports whether the selection adds nothing.
func (s Selection) Empty() bool { return len(s.Municipalities) == 0 && len(s.NACEPrefixes) == 0 }

// Wants reports whether u is to be added if Verve does not have it. A
// closed unit never is. NACE codes are compared without their dot, so
// "86", "86.1" and "861" all select "86.101".
func (s Selection) Wants(u Unit) bool {
	if s.Empty() || !u.Closed.IsZero() {
		return false
	}
	if len(s.Municipalities) > 0 && !slices.Contains(s.Municipalities, u.MunicipalityNo) {
		return false
	}
	if len(s.NACEPrefixes) == 0 {
		return true
	}
	code := strings.ReplaceAll(u.NACE, ".", "")
	for _, p := range s.NACEPrefixes {
		if p = strings.ReplaceAll(p, ".", ""); p != "" && strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// Check refuses a selection naming something that is not a kommunenummer
// (four digits) or a NACE code prefix (digits, with dots).
func (s Selection) Check() error {
	for _, m := range s.Municipalities {
		if len(m) != 4 || strings.Trim(m, "0123456789") != "" {
			return model.ErrorKey(model.EINVALID, "enheter.municipality.invalid", "value", m)
		}
	}
	for _, p := range s.NACEPrefixes {
		if strings.Trim(p, "0123456789.") != "" || strings.Trim(p, ".") == "" {
			return model.ErrorKey(model.EINVALID, "enheter.nace.invalid", "value", p)
		}
	}
	return nil
}
