package ui

import (
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// TestQRSVG checks that the SVG is well-formed, has no script or text, and
// covers exactly the dark modules of the encoder's bitmap.
func TestQRSVG(t *testing.T) {
	content := "https://verve.example/bli-medlem?ref=ABCDEFGHJK"
	svg, err := qrSVG(content)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		ViewBox string `xml:"viewBox,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil || doc.XMLName.Local != "svg" {
		t.Fatalf("not SVG: %v", err)
	}
	if s := string(svg); strings.Contains(s, "<script") || strings.Contains(s, "<text") || strings.Contains(s, " on") {
		t.Error("SVG carries script or text")
	}
	q, _ := qrcode.New(content, qrcode.Medium)
	bm := q.Bitmap()
	if doc.ViewBox != "0 0 "+strconv.Itoa(len(bm))+" "+strconv.Itoa(len(bm)) {
		t.Errorf("viewBox %q for %d modules", doc.ViewBox, len(bm))
	}
	dark := 0
	for _, row := range bm {
		for _, on := range row {
			if on {
				dark++
			}
		}
	}
	covered := 0
	for _, m := range regexp.MustCompile(`M\d+ \d+h(\d+)`).FindAllStringSubmatch(doc.Path.D, -1) {
		n, _ := strconv.Atoi(m[1])
		covered += n
	}
	if covered != dark {
		t.Errorf("path covers %d modules, bitmap has %d dark", covered, dark)
	}
}
