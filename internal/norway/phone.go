package norway

import "strings"

// ErrMobile is returned by NormalizeMobile for anything that is not a
// Norwegian mobile number.
var ErrMobile = keyError("valid.mobile.norway")

// NormalizeMobile accepts a Norwegian mobile number as people write it
// ("+47 912 34 567", "0047 91234567", "912 34 567", "91234567") and returns
// it in E.164 form, "+4791234567", which is what SMS gateways expect. Mobile
// numbers have eight digits and start with 4 or 9; landlines are rejected
// because the register uses the number for SMS.
func NormalizeMobile(s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r == ' ' || r == '\u00a0' || r == '-' || r == '.':
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", ErrMobile
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+47"):
		d = d[3:]
	case strings.HasPrefix(d, "0047"):
		d = d[4:]
	case len(d) == 10 && strings.HasPrefix(d, "47"):
		d = d[2:]
	}
	if len(d) != 8 || (d[0] != '4' && d[0] != '9') {
		return "", ErrMobile
	}
	return "+47" + d, nil
}

// FormatMobile formats a mobile number for display the way Norwegians write
// it, "912 34 567". Input that NormalizeMobile rejects is returned unchanged
// so that legacy data is still shown.
func FormatMobile(e164 string) string {
	n, err := NormalizeMobile(e164)
	if err != nil {
		return e164
	}
	d := n[3:]
	return d[:3] + " " + d[3:5] + " " + d[5:]
}
