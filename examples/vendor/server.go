package main

import (
	"bytes"
	"cmp"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
	"github.com/palaute/palaute/survey/fhir"
)

// ContactRequest is a respondent's request to be contacted, stored apart
// from the feedback. Its ID is drawn at random and has nothing to do with
// the response's ID, and it carries the unit and the day only (not the
// time), so that the person cannot be joined to their answers.
type ContactRequest struct {
	ID      string
	Unit    string
	Day     string // YYYY-MM-DD, in Helsinki
	Contact survey.Contact
}

// Contacts keeps contact requests apart from the feedback: a vendor would
// store them in a system with its own access control and retention. A
// store must not keep the order in which requests arrived either (the
// responses file does), or the two could be matched by position.
type Contacts interface {
	Save(ContactRequest) error
}

// MemoryContacts is a Contacts kept in memory, for the example and tests.
type MemoryContacts struct {
	mu sync.Mutex
	m  map[string]ContactRequest
}

// Save stores a contact request.
func (m *MemoryContacts) Save(c ContactRequest) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]ContactRequest{}
	}
	m.m[c.ID] = c
	return nil
}

// All returns the stored contact requests ordered by their (random) IDs.
func (m *MemoryContacts) All() []ContactRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Collect(maps.Values(m.m))
	slices.SortFunc(out, func(a, b ContactRequest) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Server serves feedback forms of units' templates and stores the
// answers.
type Server struct {
	Templates map[string]*catalogue.Template // by unit code
	Validator *survey.Validator
	Contacts  Contacts
	Now       func() time.Time // nil means time.Now
	// Limit bounds the submissions of one client; the zero value means
	// DefaultRateLimit. Set it before the first request.
	Limit RateLimit
	// Names are the units' names shown on their forms, by unit code and
	// language (Finnish where a language has none; the code without any).
	Names map[string]map[i18n.Lang]string
	// Triage flags submissions that need a quick reaction, and Notifier
	// is told of them, with reasons in StaffLang (zero: Finnish). Without
	// either, nothing is flagged.
	Triage    *survey.Triage
	Notifier  Notifier
	StaffLang i18n.Lang
	// FHIR configures the questionnaires of the FHIR interface (see
	// fhir.go); its contact group is always on. Set it before the first
	// request.
	FHIR fhir.Options

	fhirOnce     sync.Once
	fhirImporter *fhir.Importer
	mu           sync.Mutex // guards out
	out          *survey.NDJSONEncoder
	once         sync.Once
	limiter      *limiter
}

// NewServer returns a server appending accepted responses to out as
// NDJSON.
func NewServer(templates map[string]*catalogue.Template, out io.Writer, contacts Contacts) *Server {
	return &Server{Templates: templates, Validator: &survey.Validator{Templates: templates}, Contacts: contacts, out: survey.NewNDJSONEncoder(out)}
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Timeouts of the reference deployment: a client must send its headers
// within 5 s and its whole request within 15 s, and an idle connection is
// closed after a minute, so that slow or half-sent requests cannot hold
// connections.
var Timeouts = struct{ ReadHeader, Read, Write, Idle time.Duration }{5 * time.Second, 15 * time.Second, 15 * time.Second, time.Minute}

// maxBody is the largest form accepted: answers and a comment.
const maxBody = 64 << 10

// HTTPServer returns an http.Server for the handler with the Timeouts
// and a limit on header size.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr: addr, Handler: s.Handler(),
		ReadHeaderTimeout: Timeouts.ReadHeader, ReadTimeout: Timeouts.Read, WriteTimeout: Timeouts.Write, IdleTimeout: Timeouts.Idle,
		MaxHeaderBytes: 16 << 10,
	}
}

var matcher = i18n.NewMatcher(i18n.Finnish, i18n.Swedish, i18n.English)

// lang picks the page language: ?lang= if given and supported, else the
// Accept-Language header, else Finnish.
func lang(r *http.Request) i18n.Lang {
	if l, err := i18n.ParseLang(r.URL.Query().Get("lang")); err == nil {
		for _, s := range matcher.Supported() {
			if s == l {
				return l
			}
		}
	}
	l, _ := matcher.MatchHeader(r.Header.Get("Accept-Language"))
	return l
}

func label(l i18n.Lang, key string) string { return i18n.DefaultLabels().Text(key, l) }

// Handler returns the HTTP handler: GET and POST /form/{unit}, GET
// /thanks, and the FHIR interface (GET /fhir/Questionnaire/{unit}, POST
// /fhir/QuestionnaireResponse; see fhir.go). Cross-origin POSTs are refused (http.CrossOriginProtection,
// which reads the browser's Sec-Fetch-Site and Origin headers), so that
// another site cannot submit feedback in a visitor's name; the refusal
// is a page in the visitor's language.
func (s *Server) Handler() http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.message(w, http.StatusForbidden, lang(r), "form.expired")
	}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form/{unit}", s.form)
	mux.HandleFunc("POST /form/{unit}", s.submit)
	mux.HandleFunc("GET /fhir/Questionnaire/{unit}", s.questionnaire)
	mux.HandleFunc("POST /fhir/QuestionnaireResponse", s.fhirSubmit)
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, r *http.Request) {
		l := lang(r)
		s.message(w, http.StatusOK, l, "form.thanks")
	})
	return csrf.Handler(mux)
}

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// view is what the page template shows: a message page (Paragraphs) or
// a form (Form).
type view struct {
	Lang                 i18n.Lang
	Title, Unit          string
	UnitLabel, LangLabel string
	Langs                []langLink
	Paragraphs           []string
	Form                 *formView
	Problems             []problem
	ErrorsTitle          string
	Intro, Action        string
	RoleLabel            string
	Roles                []option
	ContactLabel         string
	ContactNote          string
	Contact              []contactField
	Submit               string
}

type langLink struct {
	Lang    i18n.Lang
	Name    string
	URL     string
	Current bool
}

type formView struct{ Questions []questionView }

type questionView struct {
	ID, Item       string
	Number         int
	Text, TextLang string
	Open, Scale    bool
	Value          string
	Low, High      string // the 0–10 scale's end labels
	Options        []option
	Problems       []string
}

type option struct {
	Name, Value, Text, Label string
	Checked                  bool
}

// problem is one entry of the summary at the top of the form: a link to
// its question, the question's text and what to do.
type problem struct {
	Anchor, Question, Message string
}

type contactField struct {
	Name, Label, Type, Autocomplete, Value string
}

// message writes a page with a title and paragraphs, for the thanks page
// and for errors.
func (s *Server) message(w http.ResponseWriter, status int, l i18n.Lang, key string) {
	text := label(l, key)
	s.write(w, status, view{Lang: l, Title: text, Paragraphs: []string{text}})
}

func (s *Server) write(w http.ResponseWriter, status int, v view) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, v); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.Lang.String())
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// unitName returns the name of a unit shown to people, in language l if
// it has one, else in Finnish, else the unit's code.
func (s *Server) unitName(unit string, l i18n.Lang) string {
	names := s.Names[unit]
	return cmp.Or(names[l], names[i18n.Finnish], unit)
}

func (s *Server) form(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	t, ok := s.Templates[r.PathValue("unit")]
	if !ok {
		s.message(w, http.StatusNotFound, l, "form.not-found")
		return
	}
	s.render(w, http.StatusOK, l, r.PathValue("unit"), t, nil, nil)
}

// render writes the form, with the values given and the problems found
// next to their questions and in a summary at the top; problems[""] are
// about the whole form.
func (s *Server) render(w http.ResponseWriter, status int, l i18n.Lang, unit string, t *catalogue.Template, values url.Values, problems map[string][]string) {
	form, err := t.Render(l, i18n.Finnish)
	if err != nil {
		s.message(w, http.StatusInternalServerError, l, "form.not-found")
		return
	}
	v := view{
		Lang: l, Title: form.Title.Value, Unit: s.unitName(unit, l), UnitLabel: label(l, "form.unit"), LangLabel: label(l, "form.language"),
		Form: &formView{}, ErrorsTitle: label(l, "form.errors"), Intro: label(l, "form.intro"),
		Action:    "/form/" + url.PathEscape(unit) + "?lang=" + l.String(),
		RoleLabel: label(l, "form.role"), ContactLabel: label(l, "form.contact"), ContactNote: label(l, "form.contact-note"),
		Submit: label(l, "form.submit"),
	}
	for _, other := range matcher.Supported() {
		v.Langs = append(v.Langs, langLink{Lang: other, Name: other.Autonym(), URL: "?lang=" + other.String(), Current: other == l})
	}
	for _, p := range problems[""] {
		v.Problems = append(v.Problems, problem{Message: p})
	}
	for i, q := range form.Questions {
		qv := questionView{ID: "q-" + q.Item, Item: q.Item, Number: i + 1, Text: q.Text.Value, Open: q.Section == catalogue.SectionOpen,
			Value: values.Get(q.Item), Problems: problems[q.Item]}
		if q.Text.Fallback {
			qv.TextLang = q.Text.Lang.String()
		}
		for _, p := range qv.Problems {
			v.Problems = append(v.Problems, problem{Anchor: qv.ID, Question: fmt.Sprintf("%d. %s", qv.Number, qv.Text), Message: p})
		}
		qv.Scale = len(q.Options) == 11 && !slices.ContainsFunc(q.Options, func(o catalogue.Option) bool { return o.CantSay })
		for _, o := range q.Options {
			ov := option{Name: q.Item, Value: strconv.Itoa(o.Value), Checked: values.Get(q.Item) == strconv.Itoa(o.Value)}
			ov.Text = ov.Value
			if o.Label != nil {
				ov.Label = o.Label.Value
				ov.Text = ov.Value + " " + o.Label.Value
				if o.CantSay {
					ov.Text = o.Label.Value
				}
			}
			if qv.Scale && o.Label != nil {
				if o.Value == q.Options[0].Value {
					qv.Low = ov.Value + " = " + o.Label.Value
				} else {
					qv.High = ov.Value + " = " + o.Label.Value
				}
			}
			qv.Options = append(qv.Options, ov)
		}
		v.Form.Questions = append(v.Form.Questions, qv)
	}
	switch {
	case len(v.Problems) == 1:
		v.ErrorsTitle = label(l, "form.errors-one")
	case len(v.Problems) > 1:
		v.ErrorsTitle = fmt.Sprintf(label(l, "form.errors-count"), len(v.Problems))
	}
	for _, role := range []survey.Role{survey.RoleClient, survey.RoleRelative} {
		checked := values.Get("role") == role.String() || values.Get("role") == "" && role == survey.RoleClient
		v.Roles = append(v.Roles, option{Value: role.String(), Text: label(l, "role."+role.String()), Checked: checked})
	}
	for _, f := range []contactField{{"contact-name", "form.name", "text", "name", ""}, {"contact-phone", "form.phone", "tel", "tel", ""}, {"contact-email", "form.email", "email", "email", ""}} {
		f.Label, f.Value = label(l, f.Label), values.Get(f.Name)
		v.Contact = append(v.Contact, f)
	}
	s.write(w, status, v)
}

// helsinki returns the zone of contact requests' days. The program
// embeds the zone database (time/tzdata, imported in main.go), so loading
// cannot fail.
func helsinki() *time.Location {
	loc, err := survey.Helsinki()
	if err != nil {
		panic(err)
	}
	return loc
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// submit validates a posted form. Problems are shown next to their
// questions in the page's language; an accepted response is appended to
// the NDJSON output and any contact request saved apart from it.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	unit := r.PathValue("unit")
	t, ok := s.Templates[unit]
	if !ok {
		s.message(w, http.StatusNotFound, l, "form.not-found")
		return
	}
	if !s.allow(w, r, l) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.message(w, http.StatusBadRequest, l, "form.unreadable")
		return
	}
	now := s.now()
	resp := survey.Response{ID: newID(), Submitted: now, Instrument: t.Instrument().Ref(), Unit: unit, Channel: survey.ChannelWeb, Lang: l}
	problems := map[string][]string{}
	if role, err := survey.ParseRole(r.PostForm.Get("role")); err == nil {
		resp.Role = role
	}
	for _, it := range t.Items() {
		v := strings.TrimSpace(r.PostForm.Get(it.ID()))
		switch {
		case v == "":
		case it.Section() == catalogue.SectionOpen:
			// Personal data written into the feedback (names aside) is
			// replaced before anything is stored.
			resp.Comment = survey.Redact(v).Text
		default:
			n, err := strconv.Atoi(v)
			if err != nil {
				problems[it.ID()] = append(problems[it.ID()], label(l, "form.invalid-choice"))
				continue
			}
			resp.Answers = append(resp.Answers, survey.Answer{Item: it.ID(), Value: n})
		}
	}
	_, accepted, err := s.Validator.Validate(resp)
	var ve *survey.ValidationError
	for _, e := range unwrap(err) {
		if errors.As(e, &ve) {
			item, text := personMessage(ve, t, l)
			problems[item] = append(problems[item], text)
		}
	}
	if !accepted && len(problems) == 0 {
		problems[""] = append(problems[""], label(l, "form.unreadable"))
	}
	if !accepted || len(problems) > 0 {
		s.render(w, http.StatusUnprocessableEntity, l, unit, t, r.PostForm, problems)
		return
	}
	c := survey.Contact{Name: r.PostForm.Get("contact-name"), Phone: r.PostForm.Get("contact-phone"), Email: r.PostForm.Get("contact-email")}
	sub := survey.Submission{Response: resp}
	if c != (survey.Contact{}) {
		sub.Contact = &c
	}
	if err := s.store(sub, now); err != nil {
		s.message(w, http.StatusInternalServerError, l, "form.not-saved")
		return
	}
	http.Redirect(w, r, "/thanks?lang="+l.String(), http.StatusSeeOther)
}

// allow applies the rate limit to a submission, answering a client over
// it with 429 and a page in language l.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, l i18n.Lang) bool {
	s.once.Do(func() {
		limit := s.Limit
		if limit == (RateLimit{}) {
			limit = DefaultRateLimit
		}
		s.limiter = newLimiter(limit, s.now)
	})
	if ok, wait := s.limiter.allow(clientOf(r)); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.message(w, http.StatusTooManyRequests, l, "form.too-many")
		return false
	}
	return true
}

// store appends an accepted response to the NDJSON output, saves its
// contact request (if any) apart under an unrelated ID, and triages it.
func (s *Server) store(sub survey.Submission, now time.Time) error {
	s.mu.Lock()
	err := s.out.Encode(sub.Response)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	unit := sub.Response.Unit
	day := now.In(helsinki()).Format(time.DateOnly)
	var contactID string
	if c := sub.Contact; c != nil && *c != (survey.Contact{}) && s.Contacts != nil {
		req := ContactRequest{ID: newID(), Unit: unit, Day: day, Contact: *c}
		if err := s.Contacts.Save(req); err != nil {
			return err
		}
		contactID = req.ID
	} else {
		sub.Contact = nil
	}
	s.triage(sub, unit, day, contactID)
	return nil
}

// personMessage turns a validation problem into what the form shows a
// respondent: the item it belongs to ("" for the whole form) and a
// sentence in their language, without item IDs or internal values. A
// response without any answer marks the first question.
func personMessage(ve *survey.ValidationError, t *catalogue.Template, l i18n.Lang) (item, text string) {
	switch {
	case errors.Is(ve, survey.ErrEmpty):
		if items := t.Items(); len(items) > 0 {
			return items[0].ID(), label(l, "form.empty")
		}
		return "", label(l, "form.empty")
	case ve.Item == "":
		return "", label(l, "form.unreadable")
	case errors.Is(ve, survey.ErrMissing):
		return ve.Item, label(l, "form.required")
	default:
		return ve.Item, label(l, "form.invalid-choice")
	}
}

// Alert is feedback that needs a quick reaction, for the unit's staff:
// the unit, the day, why (the triage rules' reasons, in the staff's
// language) and, when the respondent asked to be contacted, the ID of the
// contact request. It carries neither the response nor its ID, so the
// answers file and the contact requests stay unjoined.
type Alert struct {
	Unit      string
	Day       string // YYYY-MM-DD, in Helsinki
	Reasons   []string
	ContactID string
}

// Notifier delivers alerts (by e-mail, to a ticket system, …). Notify is
// called after the response is stored; an error is logged and does not
// lose the response.
type Notifier interface {
	Notify(Alert) error
}

// NotifierFunc is a function as a Notifier.
type NotifierFunc func(Alert) error

// Notify calls f(a).
func (f NotifierFunc) Notify(a Alert) error { return f(a) }

// triage checks a stored submission against the rules and notifies.
func (s *Server) triage(sub survey.Submission, unit, day, contactID string) {
	if s.Triage == nil || s.Notifier == nil {
		return
	}
	flags := s.Triage.Check(sub, cmp.Or(s.StaffLang, i18n.Finnish))
	if len(flags) == 0 {
		return
	}
	a := Alert{Unit: unit, Day: day, ContactID: contactID}
	for _, f := range flags {
		a.Reasons = append(a.Reasons, f.Reason)
	}
	if err := s.Notifier.Notify(a); err != nil {
		log.Printf("vendor: triage notification for unit %s failed: %v", unit, err)
	}
}

func unwrap(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
