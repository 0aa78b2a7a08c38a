package fhir

import (
	"bytes"
	"encoding/json"
	"testing"
)

// BenchmarkImport imports one response (the golden one, four answers, a
// comment and a contact request).
func BenchmarkImport(b *testing.B) {
	data, err := json.Marshal(response(b))
	if err != nil {
		b.Fatal(err)
	}
	im := &Importer{Validator: validator(b), Options: Options{Contact: true}}
	if _, err := im.Import(data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		im.Import(data)
	}
}

// BenchmarkBundle streams a Bundle of 2 000 responses.
func BenchmarkBundle(b *testing.B) {
	data, _ := bundle(b, 2000, -1)
	im := &Importer{Validator: validator(b), Options: Options{Contact: true}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range im.Bundle(bytes.NewReader(data)) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 2000 {
			b.Fatal(n)
		}
	}
}
