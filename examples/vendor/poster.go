package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	qrcode "github.com/skip2/go-qrcode" // QR codes: see the package doc for why

	"github.com/palaute/palaute/i18n"
)

//go:embed poster.html
var posterHTML string

var posterTemplate = template.Must(template.New("poster").Parse(posterHTML))

// posterView is what the poster shows.
type posterView struct {
	Lang                i18n.Lang
	Unit, Title, Intro  string
	Scan, Link, LinkURL string
	QR                  qrSVG
	QRLabel             string
	Notice              []string
}

// qrSVG is a QR code as SVG: its size in modules (the quiet zone
// included) and one path of its dark modules.
type qrSVG struct {
	Size int
	Path string
}

// qrCode returns the QR code of text, with error correction level H
// (30 % of it may be lost: posters get scratched and written on) and its
// quiet zone.
func qrCode(text string) (qrSVG, error) {
	q, err := qrcode.New(text, qrcode.High)
	if err != nil {
		return qrSVG{}, err
	}
	bm := q.Bitmap()
	var b strings.Builder
	for y, row := range bm {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	return qrSVG{Size: len(bm), Path: b.String()}, nil
}

// posterLink is the short link of a unit's poster, the target of its QR
// code: responses by it get the channel qr.
func (s *Server) posterLink(unit string) string {
	return s.BaseURL + "/q/" + url.PathEscape(unit)
}

// poster serves a unit's printable A4 poster: a heading, a line on what
// the feedback is for, the QR code of the unit's short link, the link
// written out, and the notice that the form is not for urgent matters.
func (s *Server) poster(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	u, ok := s.units[r.PathValue("unit")]
	if !ok {
		s.message(w, http.StatusNotFound, l, label(l, "form.not-found"))
		return
	}
	target := s.posterLink(u.Code)
	qr, err := qrCode(target)
	if err != nil {
		s.message(w, http.StatusInternalServerError, l, label(l, "form.not-found"))
		return
	}
	shown := strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://")
	v := posterView{Lang: l, Unit: s.unitName(u.Code, l), Title: label(l, "poster.title"), Intro: label(l, "poster.intro"),
		Scan: label(l, "poster.scan"), Link: shown, LinkURL: target, QR: qr, QRLabel: fmt.Sprintf(label(l, "poster.qr"), shown),
		Notice: []string{label(l, "form.urgent")}}
	var b bytes.Buffer
	if err := posterTemplate.Execute(&b, v); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", l.String())
	w.Write(b.Bytes())
}
