package norway

import (
	"errors"
	"testing"
)

func TestNormalizeMobile(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"+47 912 34 567", "+4791234567"},
		{"+4791234567", "+4791234567"},
		{"0047 912 34 567", "+4791234567"},
		{"004791234567", "+4791234567"},
		{"4791234567", "+4791234567"},
		{"91234567", "+4791234567"},
		{"912 34 567", "+4791234567"},
		{" 91 23 45 67 ", "+4791234567"},
		{"912-34-567", "+4791234567"},
		{"412\u00a034\u00a0567", "+4741234567"},
		{"47 41 23 45", "+4747412345"}, // 8 digits starting with 4, not a +47 prefix
		{"47412345", "+4747412345"},
	}
	for _, tt := range tests {
		got, err := NormalizeMobile(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeMobile(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		"", "+47", "22 33 44 55", "+47 22334455", "81234567", "9123456", "912345678",
		"+46 912 34 567", "+4691234567", "00 47 912 34 567x", "912 34 567 ext 2",
		"9+1234567", "++4791234567", "(+47) 91234567", "٩١٢٣٤٥٦٧",
	} {
		if got, err := NormalizeMobile(in); !errors.Is(err, ErrMobile) {
			t.Errorf("NormalizeMobile(%q) = %q, %v; want ErrMobile", in, got, err)
		}
	}
	if ErrMobile.Error() != "mobilnummeret må være et norsk mobilnummer med åtte siffer som begynner på 4 eller 9" {
		t.Errorf("ErrMobile = %q", ErrMobile)
	}
}

func TestFormatMobile(t *testing.T) {
	for in, want := range map[string]string{
		"+4791234567":    "912 34 567",
		"+4741234567":    "412 34 567",
		"91234567":       "912 34 567",
		"+47 912 34 567": "912 34 567",
		"22334455":       "22334455",
		"":               "",
	} {
		if got := FormatMobile(in); got != want {
			t.Errorf("FormatMobile(%q) = %q, want %q", in, got, want)
		}
	}
}
