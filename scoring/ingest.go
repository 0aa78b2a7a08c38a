package scoring

import (
	"io"
	"sync"

	"github.com/palaute/palaute/survey"
)

// talliesSink adds a worker's accepted responses to its own tallies.
type talliesSink struct {
	t   *Tallies
	err error
}

func (s *talliesSink) Accept(r *survey.Response) {
	if _, err := s.t.Add(*r); err != nil && s.err == nil {
		s.err = err
	}
}

// TallyCSV reads canonical CSV (size bytes of src, such as an *os.File)
// with the decoder's settings in parallel and returns the tallies of the
// accepted responses with grouping g: each worker tallies into tallies of
// its own, merged at the end, so memory does not grow with the number of
// rows. Responses, problems (reported through o.OnError, in line order)
// and d.Summary are those the decoder's All would give; see
// [survey.Decoder.ReadCSVAt].
func TallyCSV(d *survey.Decoder, src io.ReaderAt, size int64, g Grouping, o survey.ParallelOptions) (*Tallies, error) {
	var mu sync.Mutex
	var all []*talliesSink
	sinks, err := d.ReadCSVAt(src, size, o, func() survey.Sink {
		s := &talliesSink{t: NewTallies(g)}
		mu.Lock()
		all = append(all, s)
		mu.Unlock()
		return s
	})
	if err != nil {
		return nil, err
	}
	out := NewTallies(g)
	for _, s := range sinks {
		ts := s.(*talliesSink)
		if ts.err != nil {
			return nil, ts.err
		}
		if err := out.Merge(ts.t); err != nil {
			return nil, err
		}
	}
	return out, nil
}
