package report

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

// Record is one row of the machine-readable (long) form of a table: one
// group × item. Estimates are unrounded and in the units of package
// scoring: the index in points (−100…100), shares as fractions (0–1, as
// everywhere a program reads them; only text for people shows percent).
// Fields of hidden groups are empty.
type Record struct {
	Group map[string]string `json:"group"` // dimension → code ("" values for the total)
	// Instrument is the instrument version, such as "thl-adult/2022":
	// groups are always split by it.
	Instrument string       `json:"instrument"`
	Period     string       `json:"period,omitempty"`
	Total      bool         `json:"total,omitempty"`
	Item       string       `json:"item"`
	Kind       scoring.Kind `json:"kind"`
	N          *int64       `json:"n"`
	// Positive, Neutral and Negative count the answers in the bands
	// (promoters, passives and detractors; agreeing, neutral and
	// disagreeing; yes and no), as published: protected counts.
	Positive   *int64   `json:"positive"`
	Neutral    *int64   `json:"neutral"`
	Negative   *int64   `json:"negative"`
	Estimate   *float64 `json:"estimate"`
	Low        *float64 `json:"low"`
	High       *float64 `json:"high"`
	Excluded   *int64   `json:"excluded"` // can't-say answers excluded from n
	Suppressed string   `json:"suppressed,omitempty"`
	Mean       *float64 `json:"mean,omitempty"` // agree items
	Reference  *float64 `json:"reference,omitempty"`
	Diff       *float64 `json:"diff,omitempty"`
	P          *float64 `json:"p,omitempty"`
	Label      string   `json:"label,omitempty"`
	// Test names the test that gave P ("pooled-z", "exact-conditional",
	// …), PUnadjusted is P before the multiple-comparison adjustment, and
	// Family the number of comparisons adjusted together (0 without an
	// adjustment).
	Test        string   `json:"test,omitempty"`
	PUnadjusted *float64 `json:"pUnadjusted,omitempty"`
	Family      *int     `json:"family,omitempty"`
	// Standardized figures, when the table has them.
	Standardized     *float64 `json:"standardized,omitempty"`
	StandardizedLow  *float64 `json:"standardizedLow,omitempty"`
	StandardizedHigh *float64 `json:"standardizedHigh,omitempty"`
}

func ptr[T any](v T) *T { return &v }

func fptr(x float64) *float64 {
	if number(x) == "" {
		return nil
	}
	return &x
}

// Records returns the table in long form, one record per group × item,
// the total rows last. Records are ordered by the groups' codes and
// periods, not by display names, so machine output does not depend on the
// language.
func (t *Table) Records() []Record {
	rows := slices.Clone(t.Rows)
	slices.SortStableFunc(rows, func(a, b Row) int {
		if a.Total != b.Total {
			return boolInt(a.Total) - boolInt(b.Total)
		}
		for _, d := range t.By {
			if c := strings.Compare(a.Key.Get(d), b.Key.Get(d)); c != 0 {
				return c
			}
		}
		return a.Key.Period.Start.Compare(b.Key.Period.Start)
	})
	var out []Record
	for _, r := range rows {
		group := map[string]string{}
		for _, d := range t.By {
			group[d.String()] = r.Key.Get(d)
		}
		for _, c := range r.Cells {
			rec := recordOf(group, r.Key, r.Total, c.Indicator)
			if c.Indicator.Suppressed == scoring.Published {
				if c.Mean != nil && c.Mean.Valid {
					rec.Mean = fptr(c.Mean.Estimate)
				}
				if cm := c.Comparison; cm != nil && cm.Label != scoring.NotCompared {
					rec.Reference, rec.Diff, rec.P, rec.Label = fptr(cm.Reference), fptr(cm.Diff), fptr(cm.P), cm.Label.String()
					rec.Test, rec.PUnadjusted, rec.Family = cm.Test.String(), fptr(cm.Unadjusted), ptr(cm.Family)
				}
				if st := c.Standardized; st != nil && st.Valid {
					rec.Standardized, rec.StandardizedLow, rec.StandardizedHigh = fptr(st.Estimate), fptr(st.Interval.Low), fptr(st.Interval.High)
				}
			}
			out = append(out, rec)
		}
	}
	return out
}

// recordOf returns the record of one indicator: its counts, estimate and
// interval when it is published, its reason when it is hidden.
func recordOf(group map[string]string, k scoring.Key, total bool, ind scoring.Indicator) Record {
	rec := Record{Group: group, Instrument: k.Instrument.String(), Period: k.Period.String(), Total: total, Item: ind.Item, Kind: ind.Kind, Suppressed: ind.Suppressed.String()}
	if ind.Suppressed != scoring.Published {
		return rec
	}
	rec.N, rec.Positive, rec.Neutral, rec.Negative = ptr(ind.N), ptr(ind.Positive), ptr(ind.Neutral), ptr(ind.Negative)
	rec.Excluded = ptr(ind.CantSay)
	if ind.Valid {
		rec.Estimate = fptr(ind.Estimate)
		if !ind.Interval.IsZero() {
			rec.Low, rec.High = fptr(ind.Interval.Low), fptr(ind.Interval.High)
		}
	}
	return rec
}

// CSVColumns returns the header of the table's CSV form: the grouping
// dimensions, "total" (true for the rows of all groups together),
// "instrument", "period" when the table has periods, then item, n,
// estimate, low, high, excluded, suppressed, and with comparisons
// reference, diff, p, label, test, p_unadjusted and family (the size of
// the family adjusted together, 0 without adjustment), and with
// standardization standardized,
// standardized_low, standardized_high. The counts positive, neutral and
// negative follow n.
func (t *Table) CSVColumns() []string {
	var cols []string
	for _, d := range t.By {
		cols = append(cols, d.String())
	}
	cols = append(cols, "total", "instrument")
	if t.Periods {
		cols = append(cols, "period")
	}
	cols = append(cols, "item", "n", "positive", "neutral", "negative", "estimate", "low", "high", "excluded", "suppressed")
	if t.Options.CompareWithin != 0 {
		cols = append(cols, "reference", "diff", "p", "label", "test", "p_unadjusted", "family")
	}
	if len(t.Options.Standardize) > 0 {
		cols = append(cols, "standardized", "standardized_low", "standardized_high")
	}
	return cols
}

// CSV writes the table's long form as CSV for machines: plain ASCII
// numbers with a dot, unrounded, stable column names ([Table.CSVColumns]),
// the total rows marked in the column total. Text cells (codes, item IDs)
// are neutralised against spreadsheet formula injection; numbers are
// written as they are, negative ones included.
func (t *Table) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(t.CSVColumns())
	text := survey.NeutralizeFormula // for text cells only: negative numbers are data
	for _, r := range t.Records() {
		var row []string
		for _, d := range t.By {
			row = append(row, text(r.Group[d.String()]))
		}
		row = append(row, boolText(r.Total), text(r.Instrument))
		if t.Periods {
			row = append(row, text(r.Period))
		}
		row = append(row, text(r.Item), i64(r.N), i64(r.Positive), i64(r.Neutral), i64(r.Negative), f64(r.Estimate), f64(r.Low), f64(r.High), i64(r.Excluded), r.Suppressed)
		if t.Options.CompareWithin != 0 {
			row = append(row, f64(r.Reference), f64(r.Diff), f64(r.P), r.Label, r.Test, f64(r.PUnadjusted), intText(r.Family))
		}
		if len(t.Options.Standardize) > 0 {
			row = append(row, f64(r.Standardized), f64(r.StandardizedLow), f64(r.StandardizedHigh))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func intText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func i64(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func f64(p *float64) string {
	if p == nil {
		return ""
	}
	return number(*p)
}

// JSON writes the table for machines: metadata (title, language,
// grouping, footer) and the records of [Table.Records].
func (t *Table) JSON(w io.Writer) error {
	var by []string
	for _, d := range t.By {
		by = append(by, d.String())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		By               []string `json:"by"`
		Instruments      []string `json:"instruments"`
		CatalogueVersion string   `json:"catalogueVersion"`
		LibraryVersion   string   `json:"libraryVersion"`
		Records          []Record `json:"records"`
	}{by, t.Footer.Instruments, t.Footer.CatalogueVersion, t.Footer.LibraryVersion, t.Records()})
}
