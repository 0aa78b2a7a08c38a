package report

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring"
)

// Key returns the group key a record was published for, from its group
// codes, instrument and period.
func (r Record) Key() (scoring.Key, error) {
	var k scoring.Key
	var err error
	for name, code := range r.Group {
		d, e := scoring.ParseDimension(name)
		if e != nil {
			return k, fmt.Errorf("report: record group: %w", e)
		}
		switch d {
		case scoring.ByRegion:
			k.Region = code
		case scoring.ByProvider:
			k.Provider = code
		case scoring.ByUnit:
			k.Unit = code
		case scoring.ByService:
			k.Service = code
		case scoring.ByChannel:
			err = k.Channel.UnmarshalText([]byte(code))
		case scoring.ByRole:
			err = k.Role.UnmarshalText([]byte(code))
		case scoring.ByLang:
			err = k.Lang.UnmarshalText([]byte(code))
		}
		if err != nil {
			return k, fmt.Errorf("report: record group %s: %w", name, err)
		}
	}
	if k.Instrument, err = catalogue.ParseInstrumentRef(r.Instrument); err != nil {
		return k, fmt.Errorf("report: record: %w", err)
	}
	if k.Period, err = scoring.ParsePeriod(r.Period); err != nil {
		return k, fmt.Errorf("report: record: %w", err)
	}
	return k, nil
}

// ReadCSV reads records as [Table.CSV] writes them (the header names the
// columns; the grouping dimensions are the columns before "total").
// Columns it does not know are ignored. It is how a county feeds what it
// published to [scoring.Audit].
func ReadCSV(r io.Reader) ([]Record, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if len(rows) == 0 {
		return nil, errors.New("report: no header")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	dims, ok := col["total"]
	if !ok {
		return nil, errors.New(`report: no column "total"`)
	}
	var out []Record
	for line, row := range rows[1:] {
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		rec := Record{Group: map[string]string{}, Instrument: get("instrument"), Period: get("period"), Item: get("item"), Suppressed: get("suppressed")}
		for _, d := range rows[0][:dims] {
			rec.Group[d] = get(d)
		}
		rec.Total = get("total") == "true"
		var errs []error
		integer := func(name string) *int64 {
			s := get(name)
			if s == "" {
				return nil
			}
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			return &v
		}
		number := func(name string) *float64 {
			s := get(name)
			if s == "" {
				return nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			return &v
		}
		rec.N, rec.Positive, rec.Neutral, rec.Negative, rec.Excluded = integer("n"), integer("positive"), integer("neutral"), integer("negative"), integer("excluded")
		rec.Estimate, rec.Low, rec.High = number("estimate"), number("low"), number("high")
		if len(errs) > 0 {
			return nil, fmt.Errorf("report: line %d: %w", line+2, errors.Join(errs...))
		}
		out = append(out, rec)
	}
	return out, nil
}

// Results turns published records back into results, as far as the
// records tell: each record's counts become an indicator of its kind (the
// item's headline kind, by its scale, when the record does not say), and
// records of the same group become one result. Estimates and intervals
// are not read back. It is the other half of [ReadCSV] for
// [scoring.Audit].
func Results(records []Record, scales scoring.Scales) ([]scoring.Result, error) {
	byKey := map[scoring.Key]*scoring.Result{}
	var keys []scoring.Key
	for _, rec := range records {
		k, err := rec.Key()
		if err != nil {
			return nil, err
		}
		ind := scoring.Indicator{Item: rec.Item, Kind: rec.Kind}
		if ind.Kind == 0 {
			s, ok := scales(k.Instrument, rec.Item)
			if !ok {
				return nil, fmt.Errorf("report: %w %q", scoring.ErrUnknownItem, rec.Item)
			}
			ind.Kind = scoring.IndicatorsOf(rec.Item, scoring.Tally{}, 0, s, scoring.Options{})[0].Kind
		}
		if err := ind.Suppressed.UnmarshalText([]byte(rec.Suppressed)); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if ind.Suppressed == scoring.Published {
			v := func(p *int64) int64 {
				if p == nil {
					return 0
				}
				return *p
			}
			ind.N, ind.Positive, ind.Neutral, ind.Negative, ind.CantSay = v(rec.N), v(rec.Positive), v(rec.Neutral), v(rec.Negative), v(rec.Excluded)
			ind.Valid = ind.N > 0
		}
		r := byKey[k]
		if r == nil {
			r = &scoring.Result{Key: k}
			byKey[k] = r
			keys = append(keys, k)
		}
		r.Indicators = append(r.Indicators, ind)
	}
	out := make([]scoring.Result, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	slices.SortStableFunc(out, func(a, b scoring.Result) int {
		return cmp.Or(cmp.Compare(a.Key.Unit, b.Key.Unit), a.Key.Period.Start.Compare(b.Key.Period.Start))
	})
	return out, nil
}
