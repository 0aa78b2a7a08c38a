package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
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

	mu      sync.Mutex // guards out
	out     *survey.NDJSONEncoder
	once    sync.Once
	limiter *limiter
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

func label(l i18n.Lang, key string) string {
	s, _, err := i18n.DefaultLabels().Lookup(key, l, i18n.English)
	if err != nil {
		return key
	}
	return s
}

// Handler returns the HTTP handler: GET and POST /form/{unit}, GET
// /thanks.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form/{unit}", s.form)
	mux.HandleFunc("POST /form/{unit}", s.submit)
	mux.HandleFunc("GET /thanks", func(w http.ResponseWriter, r *http.Request) {
		l := lang(r)
		page(w, http.StatusOK, l, label(l, "form.thanks"), "<p>"+esc(label(l, "form.thanks"))+"</p>")
	})
	return mux
}

func esc(s string) string { return html.EscapeString(s) }

func page(w http.ResponseWriter, status int, l i18n.Lang, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", l.String())
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>%s</title>\n<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}fieldset{margin:1rem 0;border:1px solid #ccc}.error{color:#a00;font-weight:bold}label{margin-right:.6rem;display:inline-block}</style>\n</head>\n<body>\n%s\n</body>\n</html>\n", l, esc(title), body)
}

func (s *Server) form(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	t, ok := s.Templates[r.PathValue("unit")]
	if !ok {
		page(w, http.StatusNotFound, l, label(l, "form.not-found"), "<p>"+esc(label(l, "form.not-found"))+"</p>")
		return
	}
	s.render(w, http.StatusOK, l, r.PathValue("unit"), t, nil, nil)
}

// render writes the form, with the values given and the problems found
// next to their questions.
func (s *Server) render(w http.ResponseWriter, status int, l i18n.Lang, unit string, t *catalogue.Template, values url.Values, problems map[string][]string) {
	form, err := t.Render(l, i18n.Finnish)
	if err != nil {
		page(w, http.StatusInternalServerError, l, label(l, "form.not-found"), "<p>"+esc(label(l, "form.not-found"))+"</p>")
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<nav aria-label=\"%s\">", esc(label(l, "form.language")))
	for _, other := range matcher.Supported() {
		if other == l {
			fmt.Fprintf(&b, " <strong lang=\"%s\">%s</strong>", other, esc(other.Autonym()))
			continue
		}
		fmt.Fprintf(&b, " <a href=\"?lang=%s\" hreflang=\"%s\" lang=\"%s\">%s</a>", other, other, other, esc(other.Autonym()))
	}
	b.WriteString("</nav>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p>%s</p>\n", esc(form.Title.Value), esc(label(l, "form.intro")))
	if len(problems) > 0 {
		fmt.Fprintf(&b, "<p class=\"error\" role=\"alert\">%s</p>\n", esc(label(l, "form.errors")))
		for _, p := range problems[""] {
			fmt.Fprintf(&b, "<p class=\"error\">%s</p>\n", esc(p))
		}
	}
	fmt.Fprintf(&b, "<form method=\"post\" action=\"/form/%s?lang=%s\">\n", url.PathEscape(unit), l)
	for i, q := range form.Questions {
		id := "q-" + q.Item
		textLang := ""
		if q.Text.Fallback {
			textLang = fmt.Sprintf(" lang=\"%s\"", q.Text.Lang)
		}
		errID := ""
		if len(problems[q.Item]) > 0 {
			errID = fmt.Sprintf(" aria-describedby=\"%s-error\"", id)
		}
		if q.Section == catalogue.SectionOpen {
			fmt.Fprintf(&b, "<p><label for=\"%s\"%s>%d. %s</label><br/><textarea id=\"%s\" name=\"%s\" rows=\"4\" cols=\"50\"%s>%s</textarea></p>\n",
				id, textLang, i+1, esc(q.Text.Value), id, q.Item, errID, esc(values.Get(q.Item)))
			continue
		}
		fmt.Fprintf(&b, "<fieldset id=\"%s\"%s><legend%s>%d. %s</legend>\n", id, errID, textLang, i+1, esc(q.Text.Value))
		for _, p := range problems[q.Item] {
			fmt.Fprintf(&b, "<p class=\"error\" id=\"%s-error\">%s</p>\n", id, esc(p))
		}
		for _, o := range q.Options {
			v := strconv.Itoa(o.Value)
			checked := ""
			if values.Get(q.Item) == v {
				checked = " checked=\"checked\""
			}
			text := v
			if o.Label != nil {
				text = v + " " + o.Label.Value
				if o.CantSay {
					text = o.Label.Value
				}
			}
			fmt.Fprintf(&b, "<label><input type=\"radio\" name=\"%s\" value=\"%s\"%s/> %s</label>\n", q.Item, v, checked, esc(text))
		}
		b.WriteString("</fieldset>\n")
	}
	fmt.Fprintf(&b, "<fieldset><legend>%s</legend>\n", esc(label(l, "form.role")))
	for _, role := range []survey.Role{survey.RoleClient, survey.RoleRelative} {
		checked := ""
		if values.Get("role") == role.String() || values.Get("role") == "" && role == survey.RoleClient {
			checked = " checked=\"checked\""
		}
		fmt.Fprintf(&b, "<label><input type=\"radio\" name=\"role\" value=\"%s\"%s/> %s</label>\n", role, checked, esc(label(l, "role."+role.String())))
	}
	b.WriteString("</fieldset>\n")
	fmt.Fprintf(&b, "<fieldset><legend>%s</legend>\n<p>%s</p>\n", esc(label(l, "form.contact")), esc(label(l, "form.contact-note")))
	for _, f := range []struct{ name, key, typ string }{{"contact-name", "form.name", "text"}, {"contact-phone", "form.phone", "tel"}, {"contact-email", "form.email", "email"}} {
		fmt.Fprintf(&b, "<p><label for=\"%s\">%s</label> <input id=\"%s\" name=\"%s\" type=\"%s\" value=\"%s\"/></p>\n", f.name, esc(label(l, f.key)), f.name, f.name, f.typ, esc(values.Get(f.name)))
	}
	fmt.Fprintf(&b, "</fieldset>\n<p><button type=\"submit\">%s</button></p>\n</form>", esc(label(l, "form.submit")))
	page(w, status, l, form.Title.Value, b.String())
}

// helsinki is the zone of contact requests' days.
var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return time.UTC
	}
	return loc
}()

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
		page(w, http.StatusNotFound, l, label(l, "form.not-found"), "<p>"+esc(label(l, "form.not-found"))+"</p>")
		return
	}
	s.once.Do(func() {
		limit := s.Limit
		if limit == (RateLimit{}) {
			limit = DefaultRateLimit
		}
		s.limiter = newLimiter(limit, s.now)
	})
	if ok, wait := s.limiter.allow(clientOf(r)); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		page(w, http.StatusTooManyRequests, l, label(l, "form.too-many"), "<p>"+esc(label(l, "form.too-many"))+"</p>")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		page(w, http.StatusBadRequest, l, label(l, "form.unreadable"), "<p>"+esc(label(l, "form.unreadable"))+"</p>")
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
				e := &survey.ValidationError{Value: v, Err: survey.ErrSyntax}
				problems[it.ID()] = append(problems[it.ID()], e.Message(l))
				continue
			}
			resp.Answers = append(resp.Answers, survey.Answer{Item: it.ID(), Value: n})
		}
	}
	_, accepted, err := s.Validator.Validate(resp)
	var ve *survey.ValidationError
	for _, e := range unwrap(err) {
		if errors.As(e, &ve) {
			// The message is shown next to its question: the generated ID
			// and the item's ID mean nothing to the respondent.
			shown := *ve
			shown.ID, shown.Item = "", ""
			problems[ve.Item] = append(problems[ve.Item], shown.Message(l))
		}
	}
	if !accepted || len(problems) > 0 {
		s.render(w, http.StatusUnprocessableEntity, l, unit, t, r.PostForm, problems)
		return
	}
	s.mu.Lock()
	err = s.out.Encode(resp)
	s.mu.Unlock()
	if err != nil {
		page(w, http.StatusInternalServerError, l, label(l, "form.not-saved"), "<p>"+esc(label(l, "form.not-saved"))+"</p>")
		return
	}
	c := survey.Contact{Name: r.PostForm.Get("contact-name"), Phone: r.PostForm.Get("contact-phone"), Email: r.PostForm.Get("contact-email")}
	if c != (survey.Contact{}) && s.Contacts != nil {
		req := ContactRequest{ID: newID(), Unit: unit, Day: now.In(helsinki).Format(time.DateOnly), Contact: c}
		if err := s.Contacts.Save(req); err != nil {
			page(w, http.StatusInternalServerError, l, label(l, "form.not-saved"), "<p>"+esc(label(l, "form.not-saved"))+"</p>")
			return
		}
	}
	http.Redirect(w, r, "/thanks?lang="+l.String(), http.StatusSeeOther)
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
