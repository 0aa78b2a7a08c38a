package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/jsonstrict"
	"github.com/palaute/palaute/survey"
)

// DefaultMaxBytes bounds one QuestionnaireResponse (a request body or a
// Bundle entry) when [Importer.MaxBytes] is zero.
const DefaultMaxBytes = 1 << 20

// ErrTooLarge reports a QuestionnaireResponse or Bundle entry over the
// importer's MaxBytes.
var ErrTooLarge = errors.New("fhir: resource too large")

// ErrBundle reports input that is not a Bundle of resources; it ends
// [Importer.Bundle]'s stream.
var ErrBundle = errors.New("fhir: not a FHIR Bundle")

// Importer reads FHIR R4 QuestionnaireResponses into survey responses,
// through the same validation as the CSV and NDJSON decoders. It accepts
// answers to the questionnaires of its validator's templates
// ([survey.Validator.Templates], exported with the same Options): the
// response's unit is the template's unit, or the one its "unit" extension
// names when several units share the template.
//
// Set its fields before the first import; it is safe for concurrent use
// afterwards and must not be copied then. Its zero value knows no
// template, so it accepts no questionnaire.
type Importer struct {
	// Validator checks the responses; nil means a zero survey.Validator.
	Validator *survey.Validator
	// Options are those the questionnaires were exported with.
	Options Options
	// MaxBytes bounds one response (a request body or a Bundle entry);
	// zero means DefaultMaxBytes.
	MaxBytes int
	// NewID names a response that has neither an identifier nor an id,
	// as responses from form renderers come; nil leaves it without an ID,
	// which validation rejects.
	NewID func() string

	once  sync.Once
	v     *survey.Validator
	forms map[string]map[string]*form // URL → version → form
	err   error
}

// form is one questionnaire the importer accepts answers to.
type form struct {
	q     *Questionnaire
	tmpl  *catalogue.Template
	units []string
	items map[string]*Item
}

// init finds the questionnaires of the validator's templates.
func (im *Importer) init() error {
	im.once.Do(func() {
		im.v = im.Validator
		if im.v == nil {
			im.v = &survey.Validator{}
		}
		im.forms = map[string]map[string]*form{}
		units := slices.Sorted(maps.Keys(im.v.Templates))
		byTemplate := map[*catalogue.Template]*form{}
		for _, u := range units {
			t := im.v.Templates[u]
			if f := byTemplate[t]; f != nil {
				f.units = append(f.units, u)
				continue
			}
			o := im.Options
			o.Lang = i18n.Und
			q, err := NewQuestionnaire(t, o)
			if err != nil {
				im.err = fmt.Errorf("fhir: questionnaire of unit %q: %w", u, err)
				return
			}
			f := &form{q: q, tmpl: t, units: []string{u}, items: map[string]*Item{}}
			for i := range q.Item {
				f.items[q.Item[i].LinkID] = &q.Item[i]
			}
			byTemplate[t] = f
			if im.forms[q.URL] == nil {
				im.forms[q.URL] = map[string]*form{}
			}
			if other := im.forms[q.URL][q.Version]; other != nil {
				// Two template values of the same content: one form.
				other.units = append(other.units, u)
				continue
			}
			im.forms[q.URL][q.Version] = f
		}
	})
	return im.err
}

func (im *Importer) maxBytes() int {
	if im.MaxBytes > 0 {
		return im.MaxBytes
	}
	return DefaultMaxBytes
}

// Import reads one QuestionnaireResponse (JSON) into a submission: the
// response and, apart from it, the contact request of the contact group.
// Like [survey.Decoder.All], it returns
//
//   - (submission, nil) for a valid response;
//   - (submission, *survey.RowError with Rejected false) for a response
//     accepted without some invalid answers
//     ([survey.Validator.KeepValidAnswers]);
//   - (submission as read, *survey.RowError with Rejected true) otherwise.
//
// The row error lists every problem as a [*survey.ValidationError]: a
// problem of an answer names the item's link ID in Item; others name the
// FHIR element in Field ("authored", "questionnaire", "unit", or a path
// such as "QuestionnaireResponse.item[2].linkId"). Answers to another
// questionnaire, or to another version of one, wrap
// [survey.ErrOtherForm]. The elements that may hold personal data
// (subject, author, source, encounter, contained) are never read.
//
// A template that cannot be exported as a questionnaire gives
// (Submission{}, [NewQuestionnaire]'s error) for every import.
func (im *Importer) Import(data []byte) (survey.Submission, error) {
	if err := im.init(); err != nil {
		return survey.Submission{}, err
	}
	return im.decode(data, 0)
}

func (im *Importer) decode(data []byte, line int) (survey.Submission, error) {
	reject := func(e *survey.ValidationError) (survey.Submission, error) {
		e.Line = line
		return survey.Submission{}, &survey.RowError{Line: line, Rejected: true, Err: e}
	}
	if len(data) > im.maxBytes() {
		return reject(&survey.ValidationError{Err: fmt.Errorf("%w: %w", survey.ErrMalformed, ErrTooLarge), Want: "at most " + strconv.Itoa(im.maxBytes()) + " bytes"})
	}
	if err := jsonstrict.Check(data, jsonLimits); err != nil {
		return reject(strictProblem(err, "QuestionnaireResponse"))
	}
	var qr QuestionnaireResponse
	if err := json.Unmarshal(data, &qr); err != nil {
		return reject(&survey.ValidationError{Err: fmt.Errorf("%w: %v", survey.ErrSyntax, err), Want: "a QuestionnaireResponse in FHIR JSON"})
	}
	return im.convert(&qr, line)
}

// jsonLimits bound the objects and arrays of a resource read: a response
// to this package's questionnaires nests 8 levels (a contact group's
// answer), extensions a few more; its longest list is its items (a few
// dozen), and it has a few hundred objects and arrays. Keys that differ
// only in case are repeats: encoding/json would take either for the
// element ("status", "Status"). Within them, the work of an import is linear in its size with
// a small constant (see BenchmarkHostile).
var jsonLimits = jsonstrict.Limits{Depth: 32, Elements: 1000, Containers: 4000, FoldKeys: true}

// MaxProblems is how many problems an import reports of one response:
// the first ones found, then one more ([survey.ErrMoreProblems]) with the
// number left out, so that the reply to a hostile request stays small.
const MaxProblems = 100

// strictProblem turns a problem jsonstrict found into the response's
// problem, at the element where it is (below root).
func strictProblem(err error, root string) *survey.ValidationError {
	var je *jsonstrict.Error
	if !errors.As(err, &je) {
		return &survey.ValidationError{Field: root, Err: fmt.Errorf("%w: %v", survey.ErrSyntax, err)}
	}
	path := root
	if je.Path != "" {
		path += "." + je.Path
	}
	var kind error
	switch {
	case errors.Is(err, jsonstrict.ErrDuplicateKey):
		return &survey.ValidationError{Field: path + "." + je.Key, Err: fmt.Errorf("%w (byte %d)", survey.ErrDuplicateKey, je.Offset+1), Value: je.Key, Want: "each element once"}
	case errors.Is(err, jsonstrict.ErrInvalidUTF8):
		kind = survey.ErrInvalidUTF8
	case errors.Is(err, jsonstrict.ErrTrailing):
		return &survey.ValidationError{Field: root, Err: fmt.Errorf("%w: data after the resource (byte %d)", survey.ErrMalformed, je.Offset+1), Want: "one JSON object"}
	case errors.Is(err, jsonstrict.ErrTooDeep), errors.Is(err, jsonstrict.ErrTooMany):
		kind = survey.ErrMalformed
	default:
		kind = survey.ErrSyntax
	}
	return &survey.ValidationError{Field: path, Err: fmt.Errorf("%w: %s", kind, strings.TrimPrefix(je.Error(), "byte ")), Want: "FHIR JSON"}
}

// problems collects the problems of one response: the first MaxProblems,
// and the number of the others.
type problems struct {
	list   []*survey.ValidationError
	more   int
	reject bool // a problem left out rejects the response
}

func (p *problems) add(e *survey.ValidationError) {
	if len(p.list) < MaxProblems {
		p.list = append(p.list, e)
		return
	}
	p.more++
	if !e.AnswerLevel() {
		p.reject = true
	}
}

// convert turns a decoded response into a submission and validates it.
func (im *Importer) convert(qr *QuestionnaireResponse, line int) (survey.Submission, error) {
	var errs problems
	fail := errs.add
	var sub survey.Submission
	r := &sub.Response
	if qr.ResourceType != "QuestionnaireResponse" {
		fail(&survey.ValidationError{Field: "resourceType", Value: qr.ResourceType, Err: survey.ErrMalformed, Want: "QuestionnaireResponse"})
		return im.verdict(sub, line, &errs)
	}
	rules := errSlice(CheckResponse(qr))
	for _, e := range rules {
		path, detail, _ := strings.Cut(e.Error(), ": "+ErrRule.Error())
		switch path {
		case "QuestionnaireResponse.status", "QuestionnaireResponse.authored", "QuestionnaireResponse.language":
			continue // read and reported below, once
		}
		fail(&survey.ValidationError{Field: path, Err: fmt.Errorf("%w: %s%s", survey.ErrMalformed, ErrRule, detail)})
	}
	if qr.ImplicitRules != "" || len(qr.ModifierExtension) > 0 {
		fail(&survey.ValidationError{Field: "modifierExtension", Err: fmt.Errorf("%w: implicitRules and modifier extensions are not understood", survey.ErrMalformed)})
	}
	if qr.Status != "completed" && qr.Status != "amended" {
		fail(&survey.ValidationError{Field: "status", Value: qr.Status, Err: survey.ErrMalformed, Want: "completed, amended"})
	}
	switch {
	case qr.Identifier != nil && qr.Identifier.Value != "":
		r.ID = qr.Identifier.Value
	case qr.ID != "":
		r.ID = qr.ID
	case im.NewID != nil:
		r.ID = im.NewID()
	}
	if qr.Authored != "" {
		t, err := time.Parse(time.RFC3339Nano, qr.Authored)
		if err != nil {
			fail(&survey.ValidationError{Field: "authored", Value: qr.Authored, Err: survey.ErrSyntax, Want: "a dateTime with time and offset, such as 2025-03-14T09:30:00+02:00"})
		}
		r.Submitted = t
	}
	if qr.Language != "" {
		l, err := i18n.ParseLang(qr.Language)
		if err != nil {
			fail(&survey.ValidationError{Field: "language", Value: qr.Language, Err: survey.ErrUnknownLang, Want: codes(i18n.All())})
		}
		r.Lang = l
	}
	unitGiven := im.extensions(qr, r, fail)
	f := im.form(qr.Questionnaire, fail)
	if f == nil {
		return im.verdict(sub, line, &errs)
	}
	r.Instrument = f.tmpl.Instrument().Ref()
	switch {
	case unitGiven && !slices.Contains(f.units, r.Unit):
		fail(&survey.ValidationError{Field: "unit", Value: r.Unit, Err: survey.ErrOtherForm, Want: strings.Join(f.units, ", ")})
	case !unitGiven && len(f.units) == 1:
		r.Unit = f.units[0]
	case !unitGiven:
		fail(&survey.ValidationError{Field: "unit", Err: survey.ErrMissing, Want: "one of " + strings.Join(f.units, ", ")})
	}
	sub.Contact = im.items(qr, f, r, fail)
	return im.verdict(sub, line, &errs)
}

// extensions reads the metadata extensions, reporting whether a unit was
// given.
func (im *Importer) extensions(qr *QuestionnaireResponse, r *survey.Response, fail func(*survey.ValidationError)) (unitGiven bool) {
	seen := map[string]bool{}
	for _, e := range qr.Extension {
		name, ok := strings.CutPrefix(e.URL, im.Options.base()+"/StructureDefinition/")
		if !ok {
			continue // an extension of someone else's: not a modifier, so it may be ignored
		}
		if seen[name] {
			fail(&survey.ValidationError{Field: name, Err: survey.ErrDuplicateKey})
			continue
		}
		seen[name] = true
		switch name {
		case "region":
			r.Region = e.ValueString
		case "provider":
			r.Provider = e.ValueString
		case "unit":
			r.Unit, unitGiven = e.ValueString, true
		case "service":
			r.Service = e.ValueString
		case "channel":
			c, err := survey.ParseChannel(e.ValueCode)
			if err != nil {
				fail(&survey.ValidationError{Field: name, Value: e.ValueCode, Err: survey.ErrUnknownChannel, Want: codes(survey.Channels())})
			}
			r.Channel = c
		case "role":
			ro, err := survey.ParseRole(e.ValueCode)
			if err != nil {
				fail(&survey.ValidationError{Field: name, Value: e.ValueCode, Err: survey.ErrUnknownRole, Want: codes(survey.Roles())})
			}
			r.Role = ro
		case "served":
			t, err := time.Parse(time.RFC3339Nano, e.ValueDateTime)
			if err != nil {
				fail(&survey.ValidationError{Field: name, Value: e.ValueDateTime, Err: survey.ErrSyntax, Want: "a dateTime with time and offset"})
			}
			r.Served = t
		}
	}
	return unitGiven
}

// form finds the questionnaire a response answers.
func (im *Importer) form(canonical string, fail func(*survey.ValidationError)) *form {
	if canonical == "" {
		fail(&survey.ValidationError{Field: "questionnaire", Err: survey.ErrMissing, Want: "URL|VERSION of the unit's Questionnaire"})
		return nil
	}
	url, version, _ := strings.Cut(canonical, "|")
	versions := im.forms[url]
	if len(versions) == 0 {
		fail(&survey.ValidationError{Field: "questionnaire", Value: canonical, Err: survey.ErrOtherForm, Want: "a Questionnaire of this service (" + im.Options.base() + "/Questionnaire/…)"})
		return nil
	}
	if f := versions[version]; f != nil {
		return f
	}
	var want []string
	for _, f := range versions {
		want = append(want, f.q.Canonical())
	}
	slices.Sort(want)
	fail(&survey.ValidationError{Field: "questionnaire", Value: canonical, Err: survey.ErrOtherForm, Want: strings.Join(want, ", ")})
	return nil
}

// items reads the answers, the comment and the contact request.
func (im *Importer) items(qr *QuestionnaireResponse, f *form, r *survey.Response, fail func(*survey.ValidationError)) *survey.Contact {
	var contact *survey.Contact
	seen := map[string]bool{}
	inst := f.tmpl.Instrument()
	for _, it := range qr.Item {
		bad := func(err error, value, want string) {
			fail(&survey.ValidationError{Item: it.LinkID, Value: value, Err: err, Want: want})
		}
		if seen[it.LinkID] {
			bad(survey.ErrDuplicateAnswer, "", "")
			continue
		}
		seen[it.LinkID] = true
		if len(it.ModifierExtension) > 0 {
			bad(fmt.Errorf("%w: modifier extensions are not understood", survey.ErrMalformed), "", "")
			continue
		}
		qi := f.items[it.LinkID]
		switch {
		case qi == nil:
			if _, ok := inst.Item(it.LinkID); ok {
				bad(survey.ErrNotInTemplate, "", "")
			} else {
				bad(survey.ErrUnknownItem, "", "")
			}
			continue
		case qi.Type == "group":
			contact = readContact(it, fail)
			continue
		case len(it.Item) > 0:
			bad(fmt.Errorf("%w: a question without nested items", survey.ErrMalformed), "", "")
			continue
		case len(it.Answer) == 0:
			continue // not answered
		case len(it.Answer) > 1:
			bad(survey.ErrDuplicateAnswer, "", "one answer")
			continue
		}
		a := it.Answer[0]
		if len(a.Item) > 0 {
			bad(fmt.Errorf("%w: an answer without nested items", survey.ErrMalformed), "", "")
			continue
		}
		if qi.Type == "text" {
			if a.ValueString == nil {
				bad(survey.ErrSyntax, answerType(a), "valueString")
				continue
			}
			r.Comment = *a.ValueString
			continue
		}
		system := qi.AnswerOption[0].ValueCoding.System
		switch {
		case a.ValueCoding != nil:
			c := a.ValueCoding
			v, err := strconv.Atoi(c.Code)
			if err != nil || (c.System != "" && c.System != system) || strconv.Itoa(v) != c.Code {
				bad(survey.ErrSyntax, c.System+"|"+c.Code, "a code of "+system)
				continue
			}
			r.Answers = append(r.Answers, survey.Answer{Item: it.LinkID, Value: v})
		case a.ValueInteger != nil:
			v, err := strconv.Atoi(a.ValueInteger.String())
			if err != nil {
				bad(survey.ErrSyntax, a.ValueInteger.String(), "an integer")
				continue
			}
			r.Answers = append(r.Answers, survey.Answer{Item: it.LinkID, Value: v})
		default:
			bad(survey.ErrSyntax, answerType(a), "valueCoding of "+system)
		}
	}
	return contact
}

// codes lists the codes of an enumeration, for a problem's Want.
func codes[T fmt.Stringer](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return strings.Join(out, ", ")
}

// answerType names the value element an answer has.
func answerType(a ResponseAnswer) string {
	switch {
	case a.ValueCoding != nil:
		return "valueCoding"
	case a.ValueInteger != nil:
		return "valueInteger"
	case a.ValueString != nil:
		return "valueString"
	}
	return a.Other
}

// readContact reads the contact group.
func readContact(it ResponseItem, fail func(*survey.ValidationError)) *survey.Contact {
	var c survey.Contact
	fields := map[string]*string{ContactName: &c.Name, ContactPhone: &c.Phone, ContactEmail: &c.Email}
	if len(it.Answer) > 0 {
		fail(&survey.ValidationError{Item: it.LinkID, Err: fmt.Errorf("%w: a group has items, not answers", survey.ErrMalformed)})
	}
	for _, sub := range it.Item {
		dst := fields[sub.LinkID]
		switch {
		case dst == nil:
			fail(&survey.ValidationError{Item: sub.LinkID, Err: survey.ErrUnknownItem, Want: ContactName + ", " + ContactPhone + ", " + ContactEmail})
			continue
		case len(sub.Answer) == 0:
			continue
		case len(sub.Answer) > 1 || sub.Answer[0].ValueString == nil || len(sub.Item) > 0 || len(sub.Answer[0].Item) > 0:
			fail(&survey.ValidationError{Item: sub.LinkID, Err: survey.ErrSyntax, Want: "one valueString"})
			continue
		case len(*sub.Answer[0].ValueString) > maxContactLen:
			fail(&survey.ValidationError{Item: sub.LinkID, Err: survey.ErrSyntax, Want: "at most " + strconv.Itoa(maxContactLen) + " bytes"})
			continue
		}
		*dst = *sub.Answer[0].ValueString
	}
	if c == (survey.Contact{}) {
		return nil
	}
	return &c
}

// verdict validates the response read and joins the problems found in
// reading with the validator's.
func (im *Importer) verdict(sub survey.Submission, line int, found *problems) (survey.Submission, error) {
	read := found.list
	r := sub.Response
	var kept survey.Response
	var ok bool
	var verr error
	if r.Instrument.IsZero() { // no questionnaire found: nothing to validate against
		kept, ok = r, false
	} else {
		kept, ok, verr = im.v.Validate(r)
	}
	all := problems{list: read, more: found.more}
	for _, e := range survey.Problems(verr) {
		e.Field = fhirField(e.Field)
		// A value that could not be read is missing to the validator;
		// say it once.
		if errors.Is(e.Err, survey.ErrMissing) && slices.ContainsFunc(read, func(r *survey.ValidationError) bool { return r.Field == e.Field && e.Field != "" }) {
			continue
		}
		all.add(e)
	}
	problems := all.list
	if all.more > 0 {
		problems = append(problems, &survey.ValidationError{Err: survey.ErrMoreProblems, Value: strconv.Itoa(all.more)})
	}
	if len(problems) == 0 {
		return sub, nil
	}
	rejected := !ok || found.reject
	for _, e := range read {
		if !e.AnswerLevel() || !im.v.KeepValidAnswers {
			rejected = true
		}
	}
	errs := make([]error, len(problems))
	for i, e := range problems {
		e.Line = line
		if e.ID == "" {
			e.ID = r.ID
		}
		errs[i] = e
	}
	if !rejected {
		sub.Response = kept
	}
	return sub, &survey.RowError{Line: line, ID: r.ID, Rejected: rejected, Err: errors.Join(errs...)}
}

func errSlice(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}

// Bundle reads a FHIR Bundle of QuestionnaireResponses from r as a
// stream: entries are decoded one at a time, so memory does not grow with
// the number of entries (but for the IDs seen, kept to report a repeated
// one). For each entry it yields what [Importer.Import] returns, with the
// line the entry starts on in the errors; a resource of another type, or
// a repeated response ID ([survey.ErrDuplicateID]), rejects the entry. A
// bad entry never ends the stream. Input that is not a JSON Bundle
// ([ErrBundle]; a Bundle without its resourceType is found out only at
// its end, and so is data after the Bundle, such as a second Bundle), a
// repeated key of the Bundle, an entry over MaxBytes ([ErrTooLarge]) or an I/O error yields
// (Submission{}, error) and ends it.
func (im *Importer) Bundle(r io.Reader) iter.Seq2[survey.Submission, error] {
	return func(yield func(survey.Submission, error) bool) {
		fatal := func(err error) { yield(survey.Submission{}, err) }
		if err := im.init(); err != nil {
			fatal(err)
			return
		}
		lr := &lineReader{r: r, budget: int64(im.maxBytes()) + 4096}
		dec := json.NewDecoder(lr)
		if err := expectDelim(dec, '{'); err != nil {
			fatal(err)
			return
		}
		seen := map[string]bool{}
		isBundle := false
		var keys jsonstrict.Keys
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				fatal(lr.wrap(err))
				return
			}
			lr.budget = lr.n + int64(im.maxBytes()) + 4096
			if k, _ := key.(string); keys.Add(k) {
				fatal(fmt.Errorf("%w: Bundle.%s repeated (near line %d)", ErrBundle, k, lr.lineAt(lr.n)))
				return
			}
			switch key {
			case "resourceType":
				var rt string
				if err := dec.Decode(&rt); err != nil || rt != "Bundle" {
					fatal(fmt.Errorf("%w: resourceType %q", ErrBundle, rt))
					return
				}
				isBundle = true
			case "entry":
				if err := expectDelim(dec, '['); err != nil {
					fatal(lr.wrap(err))
					return
				}
				for dec.More() {
					lr.budget = lr.n + int64(im.maxBytes()) + 4096
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						fatal(lr.wrap(err))
						return
					}
					line := lr.lineAt(dec.InputOffset() - int64(len(raw)))
					if !yield(im.entry(raw, line, seen)) {
						return
					}
				}
				if _, err := dec.Token(); err != nil {
					fatal(lr.wrap(err))
					return
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					fatal(lr.wrap(err))
					return
				}
				if err := jsonstrict.Check(skip, jsonLimits); err != nil {
					fatal(fmt.Errorf("%w: Bundle.%s (near line %d): %w", ErrBundle, key, lr.lineAt(lr.n), err))
					return
				}
			}
		}
		if _, err := dec.Token(); err != nil {
			fatal(lr.wrap(err))
			return
		}
		if !isBundle {
			fatal(fmt.Errorf("%w: no resourceType", ErrBundle))
			return
		}
		// Nothing may follow the Bundle: a second one (cat a.json
		// b.json) would be dropped without a word.
		if tok, err := dec.Token(); err != io.EOF {
			line := lr.lineAt(dec.InputOffset())
			if err != nil {
				fatal(fmt.Errorf("%w: data after the Bundle, at line %d: %w", ErrBundle, line, err))
			} else {
				fatal(fmt.Errorf("%w: data after the Bundle, at line %d (%v): one Bundle a request", ErrBundle, line, tok))
			}
		}
	}
}

// entry reads one Bundle entry.
func (im *Importer) entry(raw json.RawMessage, line int, seen map[string]bool) (survey.Submission, error) {
	if err := jsonstrict.Check(raw, jsonLimits); err != nil {
		e := strictProblem(err, "entry")
		if rest, ok := strings.CutPrefix(e.Field, "entry.resource"); ok {
			e.Field = "QuestionnaireResponse" + rest
		}
		e.Line = line
		return survey.Submission{}, &survey.RowError{Line: line, Rejected: true, Err: e}
	}
	var e struct {
		Resource json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || len(e.Resource) == 0 {
		return survey.Submission{}, &survey.RowError{Line: line, Rejected: true, Err: &survey.ValidationError{Line: line, Field: "entry.resource", Err: survey.ErrMalformed, Want: "a QuestionnaireResponse"}}
	}
	sub, err := im.decode(e.Resource, line)
	id := sub.Response.ID
	if id != "" && seen[id] {
		dup := &survey.ValidationError{Line: line, ID: id, Field: "identifier", Value: id, Err: survey.ErrDuplicateID}
		var re *survey.RowError
		if errors.As(err, &re) {
			re.Rejected, re.Err = true, errors.Join(re.Err, dup)
		} else {
			err = &survey.RowError{Line: line, ID: id, Rejected: true, Err: dup}
		}
	}
	if id != "" {
		seen[id] = true
	}
	return sub, err
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBundle, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("%w: expected %q, found %v", ErrBundle, want, tok)
	}
	return nil
}

// lineReader counts what is read, remembers where the lines end (only
// for the part not yet asked about: queries move forward), and refuses
// to read past a budget, so one huge entry cannot exhaust memory.
type lineReader struct {
	r      io.Reader
	n      int64   // bytes read
	ends   []int64 // offsets of '\n' at or after the last query
	before int     // lines ended before ends[0]
	budget int64   // read no further than this offset
}

func (lr *lineReader) Read(p []byte) (int, error) {
	if lr.n >= lr.budget {
		return 0, ErrTooLarge
	}
	if room := lr.budget - lr.n; int64(len(p)) > room {
		p = p[:room]
	}
	k, err := lr.r.Read(p)
	for i, b := range p[:k] {
		if b == '\n' {
			lr.ends = append(lr.ends, lr.n+int64(i))
		}
	}
	lr.n += int64(k)
	return k, err
}

// lineAt returns the line (from 1) of the byte at offset off, which must
// not be before the offset of the previous call.
func (lr *lineReader) lineAt(off int64) int {
	i := 0
	for i < len(lr.ends) && lr.ends[i] < off {
		i++
	}
	lr.before += i
	lr.ends = lr.ends[i:]
	return lr.before + 1
}

// wrap says where a fatal error happened.
func (lr *lineReader) wrap(err error) error {
	if errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("%w: an entry of the Bundle is over the importer's limit (near line %d)", ErrTooLarge, lr.lineAt(lr.n))
	}
	return fmt.Errorf("%w: near line %d: %w", ErrBundle, lr.lineAt(lr.n), err)
}
