package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNames is wrapped by every problem ReadNames finds.
var ErrNames = errors.New("report: bad names file")

// ReadNames reads the names people see for codes (of units, providers,
// regions, services), for [Options.Names], from CSV with the header
// "code,name": one code per line, UTF-8, a byte order mark allowed. Every
// problem (a missing column, an empty code or name, a code given twice)
// is reported with its line, wrapping [ErrNames]; the names of the good
// lines are returned with them.
func ReadNames(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrNames, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	ci, okc := col["code"]
	ni, okn := col["name"]
	if !okc || !okn {
		return nil, fmt.Errorf("%w: the header %q needs the columns code and name", ErrNames, strings.Join(header, ","))
	}
	names := map[string]string{}
	seen := map[string]int{}
	var errs []error
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %v", ErrNames, err))
			if _, ok := err.(*csv.ParseError); ok {
				continue
			}
			break
		}
		if max(ci, ni) >= len(rec) {
			errs = append(errs, fmt.Errorf("%w: line %d: %d fields, want code and name", ErrNames, line, len(rec)))
			continue
		}
		code, name := strings.TrimSpace(rec[ci]), strings.TrimSpace(rec[ni])
		switch {
		case code == "" || name == "":
			errs = append(errs, fmt.Errorf("%w: line %d: empty code or name", ErrNames, line))
		case seen[code] != 0:
			errs = append(errs, fmt.Errorf("%w: line %d: code %q given already on line %d", ErrNames, line, code, seen[code]))
		default:
			names[code], seen[code] = name, line
		}
	}
	return names, errors.Join(errs...)
}
