package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/survey"
)

// Export writes every stored response to w in the canonical interchange
// format, "ndjson" or "csv", as a stream: one response in memory at a
// time. The CSV has a column for each own statement of the units'
// templates. What the library's decoder reads back is the stored
// responses (the tests check this).
func Export(ctx context.Context, st Store, units []Unit, format string, w io.Writer) (int, error) {
	var encode func(survey.Response) error
	flush := func() error { return nil }
	switch format {
	case "ndjson":
		e := survey.NewNDJSONEncoder(w)
		encode = e.Encode
	case "csv":
		e := survey.NewCSVEncoder(w)
		for _, u := range units {
			for _, it := range u.Template.Items() {
				if it.Section() == catalogue.SectionOwn && !slices.Contains(e.Own, it.ID()) {
					e.Own = append(e.Own, it.ID())
				}
			}
		}
		encode, flush = e.Encode, e.Flush
	default:
		return 0, fmt.Errorf("vendor: export format %q: want ndjson or csv", format)
	}
	n := 0
	for r, err := range st.Responses(ctx) {
		if err != nil {
			return n, err
		}
		if err := encode(r); err != nil {
			return n, fmt.Errorf("vendor: exporting response %s: %w", r.ID, err)
		}
		n++
	}
	return n, flush()
}

var stdout *bufio.Writer

// bufferedStdout returns standard output with a buffer; flush stdout at
// the end.
func bufferedStdout() io.Writer {
	stdout = bufio.NewWriterSize(os.Stdout, 64<<10)
	return stdout
}
