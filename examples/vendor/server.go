package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
	"github.com/palaute/palaute/survey/fhir"
)

// Unit is one unit of the service's registry: its code, where it sits in
// the organisation (region, provider) and the service it gives, the form
// it asks, its names, and the phone number a person with an urgent or
// personal matter should call instead of writing. A response to the unit
// gets its region, provider and service from here, never from the
// client.
type Unit struct {
	Code                      string
	Region, Provider, Service string
	Template                  *catalogue.Template
	Names                     map[i18n.Lang]string // by language; Finnish where a language has none
	Phone                     string               // shown in the notice on urgent matters; "" for none
}

// Server serves the feedback forms of the units of its registry on every
// channel and stores the answers (see Handler).
type Server struct {
	Store     Store
	Validator *survey.Validator
	Now       func() time.Time // nil means time.Now
	// BaseURL is the address people reach the service at, such as
	// https://palaute.example.fi, for the links on posters and in
	// invitations.
	BaseURL string
	// Limit bounds the submissions of one client; the zero value means
	// DefaultRateLimit, Every < 0 no limit. Set it before the first
	// request.
	Limit RateLimit
	// Retention says how long contact requests and retry keys are kept;
	// the zero value means DefaultRetention.
	Retention Retention
	// Triage flags submissions that need a quick reaction by their
	// answers, Comments by their comment, and Notifier is told of them,
	// with reasons in StaffLang (zero: Finnish). Without a notifier,
	// nothing is flagged.
	Triage    *survey.Triage
	Comments  *CommentTriage
	Notifier  Notifier
	StaffLang i18n.Lang
	// FHIR configures the questionnaires of the FHIR interface (see
	// fhir.go); its contact group is always on. Set it before the first
	// request.
	FHIR fhir.Options

	units    map[string]Unit
	fhirOnce sync.Once
	fhirImp  *fhir.Importer
	once     sync.Once
	limiter  *limiter
}

// NewServer returns a server for the units, storing into store. The
// validator knows the units' templates and their place in the
// organisation tree.
func NewServer(units []Unit, store Store) (*Server, error) {
	s := &Server{Store: store, units: map[string]Unit{}}
	templates := map[string]*catalogue.Template{}
	var org []survey.OrgUnit
	for _, u := range units {
		if u.Code == "" || u.Template == nil {
			return nil, fmt.Errorf("vendor: unit %q needs a code and a template", u.Code)
		}
		if _, dup := s.units[u.Code]; dup {
			return nil, fmt.Errorf("vendor: unit %q given twice", u.Code)
		}
		s.units[u.Code] = u
		templates[u.Code] = u.Template
		org = append(org, survey.OrgUnit{Region: u.Region, Provider: u.Provider, Unit: u.Code})
	}
	orgs, err := survey.NewOrgs(org)
	if err != nil {
		return nil, err
	}
	s.Validator = &survey.Validator{Templates: templates, Orgs: orgs}
	return s, nil
}

// Unit returns the unit with the given code.
func (s *Server) Unit(code string) (Unit, bool) {
	u, ok := s.units[code]
	return u, ok
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) retention() Retention {
	if s.Retention == (Retention{}) {
		return DefaultRetention
	}
	return s.Retention
}

// Timeouts of the reference deployment: a client must send its headers
// within 5 s and its whole request within 15 s, and an idle connection is
// closed after a minute, so that slow or half-sent requests cannot hold
// connections.
var Timeouts = struct{ ReadHeader, Read, Write, Idle time.Duration }{5 * time.Second, 15 * time.Second, 15 * time.Second, time.Minute}

// maxBody is the largest form or FHIR resource accepted: answers, a
// comment of maxCommentLen characters (percent-encoded) and contact
// details.
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

//go:embed labels.json
var labelsJSON []byte

// vendorLabels are the service's own words (labels.json); the others are
// the library's.
var vendorLabels = func() *i18n.Labels {
	t, err := i18n.ParseLabels(bytes.NewReader(labelsJSON))
	if err != nil {
		panic(err) // the tests read the embedded file
	}
	return t
}()

// label returns the text of key in language l: the service's own, else
// the library's.
func label(l i18n.Lang, key string) string {
	if t, ok := vendorLabels.Get(l, key); ok {
		return t
	}
	return i18n.DefaultLabels().Text(key, l)
}

// Handler returns the HTTP handler. Forms, one for each channel:
//
//	GET, POST /form/{unit}     the open web form (channel web), also for relatives
//	GET, POST /q/{unit}        the short link on the unit's poster (channel qr)
//	GET, POST /i/{token}       a one-time invitation sent after a visit (channel sms)
//	GET, POST /k/{token}       an enrolled kiosk or staff device (channel kiosk or staff-device)
//	GET /thanks, /k/{token}/thanks
//	GET /poster/{unit}         the unit's A4 poster with its QR code
//
// and the FHIR interface (GET /fhir/Questionnaire/{unit}, POST
// /fhir/QuestionnaireResponse; see fhir.go). A successful form post is
// answered 303 to the thanks page. Cross-origin POSTs are refused
// (http.CrossOriginProtection, which reads the browser's Sec-Fetch-Site and
// Origin headers), so that another site cannot submit feedback in a
// visitor's name; like every refusal of a form, the refusal shows the form
// again with the answers given and a plain message.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	refused := http.NewServeMux() // what a cross-origin POST gets
	for _, way := range []struct {
		pattern string
		channel survey.Channel
	}{{"/form/{unit}", survey.ChannelWeb}, {"/q/{unit}", survey.ChannelQR}, {"/i/{token}", survey.ChannelSMS}, {"/k/{token}", survey.ChannelKiosk}} {
		mux.HandleFunc("GET "+way.pattern, s.form)
		mux.HandleFunc("POST "+way.pattern, s.submit)
		refused.HandleFunc("POST "+way.pattern, func(w http.ResponseWriter, r *http.Request) {
			s.refuse(w, r, http.StatusForbidden, "form.expired")
		})
	}
	mux.HandleFunc("GET /thanks", s.thanks)
	mux.HandleFunc("GET /k/{token}/thanks", s.thanks)
	mux.HandleFunc("GET /poster/{unit}", s.poster)
	mux.HandleFunc("GET /fhir/Questionnaire/{unit}", s.questionnaire)
	mux.HandleFunc("POST /fhir/QuestionnaireResponse", s.fhirSubmit)
	refused.HandleFunc("POST /fhir/QuestionnaireResponse", func(w http.ResponseWriter, r *http.Request) {
		writeFHIR(w, http.StatusForbidden, outcome("error", "forbidden", label(lang(r), "form.expired")))
	})
	refused.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.message(w, http.StatusForbidden, lang(r), label(lang(r), "form.expired"))
	})
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(refused)
	return csrf.Handler(mux)
}

// helsinki returns the zone of receipt days. The program embeds the zone
// database (time/tzdata, imported in main.go), so loading cannot fail.
func helsinki() *time.Location {
	loc, err := survey.Helsinki()
	if err != nil {
		panic(err)
	}
	return loc
}

// newID returns a random ID of 24 hex digits.
func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newToken returns a random link token of 26 letters and digits (128
// bits), short enough for an SMS.
func newToken() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyz23456789" // no l, 0, 1: read aloud and typed
	b := make([]byte, 26)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%32]
	}
	return string(b)
}

// Invite makes a one-time invitation to give feedback on a service event
// of a unit on day served (YYYY-MM-DD, "" if not known), valid for days
// days, and returns its link, to be sent by SMS (channel sms). The store
// keeps only a hash of the token, and deletes it when the response is
// stored: the token is never stored with the answers.
func (s *Server) Invite(ctx context.Context, unit, service, served string, days int) (string, error) {
	u, ok := s.units[unit]
	if !ok {
		return "", fmt.Errorf("vendor: unknown unit %q", unit)
	}
	if served != "" {
		if _, err := time.Parse(time.DateOnly, served); err != nil {
			return "", fmt.Errorf("vendor: day of the service event %q: want YYYY-MM-DD", served)
		}
	}
	if days < 1 {
		days = 14
	}
	token := newToken()
	l := Link{Kind: Invitation, Unit: unit, Service: cmp.Or(service, u.Service), Channel: survey.ChannelSMS, Served: served,
		Expires: day(s.now().AddDate(0, 0, days))}
	if err := s.Store.AddLink(ctx, token, l); err != nil {
		return "", err
	}
	return s.BaseURL + "/i/" + token, nil
}

// Enroll enrolls a kiosk (channel kiosk) or a device staff hand to
// clients (channel staff-device) for a unit, until the day expires
// (YYYY-MM-DD, "" for never), and returns the link to open on it.
func (s *Server) Enroll(ctx context.Context, unit string, channel survey.Channel, expires string) (string, error) {
	u, ok := s.units[unit]
	if !ok {
		return "", fmt.Errorf("vendor: unknown unit %q", unit)
	}
	if channel != survey.ChannelKiosk && channel != survey.ChannelStaffDevice {
		return "", fmt.Errorf("vendor: a device is a kiosk or a staff-device, not %q", channel)
	}
	token := newToken()
	if err := s.Store.AddLink(ctx, token, Link{Kind: Device, Unit: unit, Service: u.Service, Channel: channel, Expires: expires}); err != nil {
		return "", err
	}
	return s.BaseURL + "/k/" + token, nil
}

// Prune deletes what the retention says is no longer kept, as of now.
func (s *Server) Prune(ctx context.Context) (Pruned, error) {
	return s.Store.Prune(ctx, day(s.now()), s.retention())
}

// Alert is feedback that needs a quick reaction, for the unit's staff:
// the unit, the day, why (the triage rules' reasons, in the staff's
// language) and, when the respondent asked to be contacted, the ID of the
// contact request. It carries neither the response, its ID nor a time:
// the store keeps the day of a response, not its time, so an alert cannot
// be joined to the answers it came from.
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

// triage checks a stored submission against the score rules and the
// comment's words, notifies the unit, and reports whether the comment
// spoke of harm (so that the respondent is shown where to get help).
func (s *Server) triage(sub survey.Submission, contactID string) (harm bool) {
	r := sub.Response
	staff := cmp.Or(s.StaffLang, i18n.Finnish)
	var reasons []string
	if s.Triage != nil {
		for _, f := range s.Triage.Check(sub, staff) {
			reasons = append(reasons, f.Reason)
		}
	}
	if s.Comments != nil {
		for _, c := range s.Comments.Check(r.Comment) {
			harm = true
			reasons = append(reasons, s.Comments.Reason(c, staff))
		}
	}
	if len(reasons) == 0 || s.Notifier == nil {
		return harm
	}
	a := Alert{Unit: r.Unit, Day: day(r.Submitted), Reasons: reasons, ContactID: contactID}
	if err := s.Notifier.Notify(a); err != nil {
		// The log carries the unit and the day, like the alert.
		log.Printf("vendor: triage notification for unit %s on %s failed: %v", r.Unit, a.Day, err)
	}
	return harm
}

// LogNotifier writes alerts to a logger that must not add times (log
// flags 0): a time would join the alert to the response it came from.
func LogNotifier(l *log.Logger) Notifier {
	return NotifierFunc(func(a Alert) error {
		contact := ""
		if a.ContactID != "" {
			contact = " (contact request " + a.ContactID + ")"
		}
		l.Printf("triage: unit %s on %s: %s%s", a.Unit, a.Day, strings.Join(a.Reasons, "; "), contact)
		return nil
	})
}

// pageTemplate is the template of every page but the poster.
//
//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

func (s *Server) write(w http.ResponseWriter, status int, v view) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, v); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.Lang.String())
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer") // invitation tokens stay on this site
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// message writes a page with a title and one paragraph, and optionally
// links.
func (s *Server) message(w http.ResponseWriter, status int, l i18n.Lang, text string, links ...link) {
	s.write(w, status, view{Lang: l, Title: text, Paragraphs: []string{text}, Links: links})
}

// unitName returns the name of a unit shown to people, in language l if
// it has one, else in Finnish, else the unit's code.
func (s *Server) unitName(unit string, l i18n.Lang) string {
	names := s.units[unit].Names
	return cmp.Or(names[l], names[i18n.Finnish], unit)
}
