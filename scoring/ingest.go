package scoring

import (
	"context"

	"github.com/palaute/palaute/survey"
)

// talliesSink adds a worker's accepted responses to its own tallies.
type talliesSink struct{ t *Tallies }

// Accept adds one accepted response to the worker's tallies.
func (s *talliesSink) Accept(r survey.Response) error {
	_, err := s.t.Add(r)
	return err
}

// ReadTallies reads the decoder's input (CSV or NDJSON) into tallies with
// grouping g: a file in parallel, each worker into tallies of its own
// merged at the end, a stream in one goroutine (see [survey.Read]).
// Responses, problems (to onError, in line order) and the decoder's
// Summary are those the decoder's All gives; memory does not grow with
// the number of rows, apart from the decoder's duplicate-ID check.
func ReadTallies(ctx context.Context, d *survey.Decoder, g Grouping, onError func(*survey.RowError)) (*Tallies, error) {
	sinks, err := survey.Read(ctx, d, func() *talliesSink { return &talliesSink{NewTallies(g)} }, onError)
	if err != nil {
		return nil, err
	}
	out := NewTallies(g)
	for _, s := range sinks {
		if err := out.Merge(s.t); err != nil {
			return nil, err
		}
	}
	return out, nil
}
