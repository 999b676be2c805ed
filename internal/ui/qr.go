package ui

import (
	"net/http"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// qrSVG draws a QR code as SVG from the encoder's bitmap: one path of unit
// squares, no script, no text, so it is safe to serve and to print large.
func qrSVG(content string) ([]byte, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	bm := q.Bitmap() // includes the quiet zone
	n := strconv.Itoa(len(bm))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n + `" width="` + strconv.Itoa(len(bm)*8) + `" height="` +
		strconv.Itoa(len(bm)*8) + `" shape-rendering="crispEdges"><rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y, row := range bm {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			// A run of dark modules on a row is one rectangle.
			end := x
			for end+1 < len(row) && row[end+1] {
				end++
			}
			b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h" + strconv.Itoa(end-x+1) + "v1h-" + strconv.Itoa(end-x+1) + "z")
			x = end
		}
	}
	b.WriteString(`"/></svg>` + "\n")
	return []byte(b.String()), nil
}

// serveQR writes the QR code of content as SVG or PNG.
func (h *Handler) serveQR(w http.ResponseWriter, r *http.Request, content, format string) {
	var body []byte
	var err error
	switch format {
	case "svg":
		body, err = qrSVG(content)
		w.Header().Set("Content-Type", "image/svg+xml")
	default:
		body, err = qrcode.Encode(content, qrcode.Medium, 512)
		w.Header().Set("Content-Type", "image/png")
	}
	if err != nil {
		w.Header().Del("Content-Type")
		h.serveError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Content-Disposition", `inline; filename="verv.`+format+`"`)
	w.Write(body)
}
