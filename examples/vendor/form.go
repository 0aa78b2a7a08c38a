package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// view is what the page template shows: a message page (Paragraphs,
// Links, Help) or a form (Form).
type view struct {
	Lang                 i18n.Lang
	Title, Unit          string
	UnitLabel, LangLabel string
	Langs                []langLink
	Paragraphs           []string
	Links                []link
	Help                 *helpView
	Refresh              *link // a kiosk's thanks page goes back to the form
	ResetNotice, Stay    string
	Kiosk                bool
	IdleNotice, GoOn     string // a kiosk's form empties itself when left
	Form                 *formView
	Problems             []problem
	ErrorsTitle          string
	Refusal              string // why the form is shown again, with the answers given
	Intro, Action        string
	Notice               []string // not for urgent matters: where to call instead
	RoleLabel            string
	Roles                []option
	ContactLabel         string
	ContactNote          string
	Contact              []contactField
	Submit               string
	CommentMax           int
}

type link struct{ Text, URL string }

type helpView struct {
	Title   string
	Flagged string // why it is shown first, when the comment spoke of harm
	Lines   []string
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
	Max                                    int
	Problems                               []string
}

// way is how a form was reached: the unit, the channel its responses get
// and what the link said of the service event.
type way struct {
	unit    Unit
	channel survey.Channel
	kind    LinkKind // "" for the open forms
	token   string
	service string
	served  string // YYYY-MM-DD, "" if unknown
	path    string // the form's path
}

// open returns the open web form of a unit.
func open(u Unit) way {
	return way{unit: u, channel: survey.ChannelWeb, service: u.Service, path: "/form/" + url.PathEscape(u.Code)}
}

// resolve finds out how a request reached its form, answering it with a
// page in language l when the form does not exist or its link does not
// work.
func (s *Server) resolve(w http.ResponseWriter, r *http.Request, l i18n.Lang) (way, bool) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/form/"), strings.HasPrefix(p, "/q/"):
		u, ok := s.units[r.PathValue("unit")]
		if !ok {
			s.message(w, http.StatusNotFound, l, label(l, "form.not-found"))
			return way{}, false
		}
		wy := open(u)
		if strings.HasPrefix(p, "/q/") {
			wy.channel, wy.path = survey.ChannelQR, "/q/"+url.PathEscape(u.Code)
		}
		return wy, true
	}
	token := r.PathValue("token")
	kind, refusal, status := Invitation, "form.link-used", http.StatusGone
	if strings.HasPrefix(p, "/k/") {
		kind, refusal, status = Device, "form.device-unknown", http.StatusForbidden
	}
	ln, err := s.Store.Link(r.Context(), token, day(s.now()))
	u, known := s.units[ln.Unit]
	switch {
	case errors.Is(err, ErrLinkUsed) || err == nil && (ln.Kind != kind || !known):
		s.message(w, status, l, label(l, refusal))
		return way{}, false
	case err != nil:
		log.Printf("vendor: reading a link: %v", err)
		s.message(w, http.StatusServiceUnavailable, l, label(l, "form.not-saved"))
		return way{}, false
	}
	prefix := "/i/"
	if kind == Device {
		prefix = "/k/"
	}
	return way{unit: u, channel: ln.Channel, kind: kind, token: token, service: ln.Service, served: ln.Served, path: prefix + url.PathEscape(token)}, true
}

func (s *Server) form(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	wy, ok := s.resolve(w, r, l)
	if !ok {
		return
	}
	s.render(w, http.StatusOK, l, wy, nil, nil, "")
}

// render writes the form of a way, with the values given and the
// problems found next to their questions and in a summary at the top;
// problems[""] are about the whole form and appear in the summary only.
// refusal, if not "", says why the form is shown again.
func (s *Server) render(w http.ResponseWriter, status int, l i18n.Lang, wy way, values url.Values, problems map[string][]string, refusal string) {
	t := wy.unit.Template
	form, err := t.Render(l, i18n.Finnish)
	if err != nil {
		s.message(w, http.StatusInternalServerError, l, label(l, "form.not-found"))
		return
	}
	kiosk := wy.kind == Device
	v := view{
		Lang: l, Title: form.Title.Value, Unit: s.unitName(wy.unit.Code, l), UnitLabel: label(l, "form.unit"), LangLabel: label(l, "form.language"),
		Form: &formView{}, ErrorsTitle: label(l, "form.errors"), Intro: label(l, "form.intro"), Refusal: refusal, Kiosk: kiosk,
		IdleNotice: label(l, "kiosk.idle"), GoOn: label(l, "kiosk.go-on"),
		Action:    wy.path + "?lang=" + l.String(),
		RoleLabel: label(l, "form.role"), Submit: label(l, "form.submit"), CommentMax: maxCommentLen,
		Notice: []string{label(l, "form.urgent")},
	}
	if wy.unit.Phone != "" {
		// A phone number must not break across lines.
		v.Notice = append(v.Notice, fmt.Sprintf(label(l, "form.urgent-unit"), strings.ReplaceAll(wy.unit.Phone, " ", "\u00a0")))
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
	// The respondent says who they are; nothing is chosen for them.
	for _, role := range []survey.Role{survey.RoleClient, survey.RoleRelative} {
		v.Roles = append(v.Roles, option{Value: role.String(), Text: label(l, "form.role."+role.String()), Checked: values.Get("role") == role.String()})
	}
	// A kiosk is shared: it asks for no contact details, which the next
	// person could read.
	if !kiosk {
		v.ContactLabel = label(l, "form.contact")
		v.ContactNote = fmt.Sprintf(label(l, "form.contact-note"), int(s.retention().Contacts.Hours()/24))
		for _, f := range []contactField{
			{"contact-name", "form.name", "text", "name", "", maxNameLen, nil},
			{"contact-phone", "form.phone", "tel", "tel", "", maxPhoneLen, nil},
			{"contact-email", "form.email", "email", "email", "", maxEmailLen, nil},
		} {
			f.Label, f.Value, f.Problems = label(l, f.Label), values.Get(f.Name), problems[f.Name]
			for _, p := range f.Problems {
				v.Problems = append(v.Problems, problem{Anchor: f.Name, Question: f.Label, Message: p})
			}
			v.Contact = append(v.Contact, f)
		}
	}
	switch {
	case len(v.Problems) == 1:
		v.ErrorsTitle = label(l, "form.errors-one")
	case len(v.Problems) > 1:
		v.ErrorsTitle = fmt.Sprintf(label(l, "form.errors-count"), len(v.Problems))
	}
	s.write(w, status, v)
}

// readForm reads a posted form. A form over maxBody is read as far as it
// goes, every complete answer kept, and tooLarge names the field it was
// cut in, so that the form can be shown again without losing what was
// typed.
func readForm(r *http.Request) (values url.Values, tooLarge bool, cut string, err error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, false, "", fmt.Errorf("content type %q", ct)
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, false, "", err
	}
	if len(body) <= maxBody {
		values, err := url.ParseQuery(string(body))
		return values, false, "", err
	}
	body = body[:maxBody]
	last := strings.LastIndexByte(string(body), '&')
	values, _ = url.ParseQuery(string(body[:max(last, 0)]))
	if values == nil {
		values = url.Values{}
	}
	// The field cut off: keep what was typed of it.
	key, val, _ := strings.Cut(string(body[last+1:]), "=")
	if i := strings.LastIndexByte(val, '%'); i >= 0 && i > len(val)-3 {
		val = val[:i] // a cut escape
	}
	k, err1 := url.QueryUnescape(key)
	v, err2 := url.QueryUnescape(val)
	if err1 == nil && err2 == nil && k != "" {
		for !utf8.ValidString(v) && v != "" {
			v = v[:len(v)-1] // a cut character
		}
		values.Add(k, v)
		cut = k
	}
	return values, true, cut, nil
}

// submit takes a posted form. Whatever is refused (problems with the
// answers, the rate limit, an oversize form, a used invitation, a failed
// write) shows the form again with the answers given and a plain
// message; an accepted response is stored with its contact request apart
// and answered 303 to the thanks page.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	wy, ok := s.resolve(w, r, l)
	if !ok {
		return
	}
	values, tooLarge, cut, err := readForm(r)
	if err != nil {
		s.render(w, http.StatusBadRequest, l, wy, nil, nil, label(l, "form.unreadable"))
		return
	}
	if tooLarge {
		problems := map[string][]string{}
		if cut != "" {
			problems[cut] = []string{fmt.Sprintf(label(l, "form.too-long"), maxCommentLen)}
		}
		s.render(w, http.StatusRequestEntityTooLarge, l, wy, values, problems, label(l, "form.too-large"))
		return
	}
	if ok, wait := s.allow(r); !ok {
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.render(w, http.StatusTooManyRequests, l, wy, values, nil, fmt.Sprintf(label(l, "form.too-many"), secs))
		return
	}
	sub, problems := s.read(wy, l, values)
	if len(problems) > 0 {
		s.render(w, http.StatusUnprocessableEntity, l, wy, values, problems, "")
		return
	}
	e := Entry{Response: sub.Response}
	if wy.kind == Invitation {
		e.Invitation = wy.token
	}
	var contactID string
	if sub.Contact != nil {
		contactID = newID()
		e.Contact = &ContactRequest{ID: contactID, Unit: wy.unit.Code, Day: day(sub.Response.Submitted), Contact: *sub.Contact}
	}
	switch err := s.Store.Submit(r.Context(), e); {
	case errors.Is(err, ErrLinkUsed):
		// Used meanwhile (a second tab, a double click) or expired while
		// filling in: the answers can still go by the open form.
		s.render(w, http.StatusGone, l, open(wy.unit), values, nil, label(l, "form.link-used-kept"))
		return
	case err != nil:
		log.Printf("vendor: storing a response of unit %s: %v", wy.unit.Code, err)
		s.render(w, http.StatusServiceUnavailable, l, wy, values, nil, label(l, "form.not-saved"))
		return
	}
	harm := s.triage(sub, contactID)
	thanks := "/thanks"
	if wy.kind == Device {
		thanks = wy.path + "/thanks"
	}
	q := url.Values{"lang": {l.String()}, "unit": {wy.unit.Code}}
	if sub.Contact != nil {
		q.Set("contact", "1")
	}
	if harm {
		// Where to get help is on every thanks page; this puts it first.
		// A cookie, not the address: the address stays in the history of
		// a shared or watched device.
		http.SetCookie(w, &http.Cookie{Name: helpCookie, Value: "1", Path: "/", MaxAge: 300, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, thanks+"?"+q.Encode(), http.StatusSeeOther)
}

const helpCookie = "palaute-help"

// read turns posted values into a submission of a way: the server sets
// the ID, the receipt day, the channel and the unit's metadata; the form
// gives the answers, the role, the comment (redacted) and the contact
// request (validated). Other fields a client sends are ignored.
func (s *Server) read(wy way, l i18n.Lang, values url.Values) (survey.Submission, map[string][]string) {
	t := wy.unit.Template
	resp := s.stamp(wy, l)
	problems := map[string][]string{}
	if role, err := survey.ParseRole(values.Get("role")); err == nil {
		resp.Role = role
	}
	for _, it := range t.Items() {
		v := strings.TrimSpace(values.Get(it.ID()))
		switch {
		case v == "":
		case it.Section() == catalogue.SectionOpen:
			if utf8.RuneCountInString(v) > maxCommentLen {
				problems[it.ID()] = append(problems[it.ID()], fmt.Sprintf(label(l, "form.too-long"), maxCommentLen))
				continue
			}
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
	resp, problems = s.validate(resp, t, l, problems)
	sub := survey.Submission{Response: resp}
	if wy.kind != Device {
		c := survey.Contact{Name: values.Get("contact-name"), Phone: values.Get("contact-phone"), Email: values.Get("contact-email")}
		var cp map[string][]string
		sub.Contact, cp = checkContact(c, l)
		for k, v := range cp {
			problems[k] = v
		}
	}
	return sub, problems
}

// stamp returns a response of a way with what the server owns: a new ID,
// the day of receipt, the channel, the unit and its region, provider and
// service, the day of the service event, the language.
func (s *Server) stamp(wy way, l i18n.Lang) survey.Response {
	t := wy.unit.Template
	received, _ := startOfDay(day(s.now()))
	served, _ := startOfDay(wy.served)
	return survey.Response{
		ID: newID(), Submitted: received, Served: served, Instrument: t.Instrument().Ref(),
		Region: wy.unit.Region, Provider: wy.unit.Provider, Unit: wy.unit.Code, Service: wy.service,
		Channel: wy.channel, Lang: l,
	}
}

// validate checks a response with the library and adds its problems, as
// a respondent reads them, to problems.
func (s *Server) validate(resp survey.Response, t *catalogue.Template, l i18n.Lang, problems map[string][]string) (survey.Response, map[string][]string) {
	kept, accepted, err := s.Validator.Validate(resp)
	for _, ve := range survey.Problems(err) {
		item, text := personMessage(ve, l)
		problems[item] = append(problems[item], text)
	}
	if !accepted && len(problems) == 0 {
		problems[""] = append(problems[""], label(l, "form.unreadable"))
	}
	return kept, problems
}

// personMessage turns a validation problem into what the form shows a
// respondent: the item it belongs to ("" for the whole form, shown in the
// summary only) and a sentence in their language, without item IDs or
// internal values.
func personMessage(ve *survey.ValidationError, l i18n.Lang) (item, text string) {
	switch {
	case errors.Is(ve, survey.ErrEmpty):
		return "", label(l, "form.empty")
	case ve.Item == "":
		return "", label(l, "form.unreadable")
	case errors.Is(ve, survey.ErrMissing):
		return ve.Item, label(l, "form.required")
	default:
		return ve.Item, label(l, "form.invalid-choice")
	}
}

// checkContact validates a contact request: a name of at most maxNameLen
// characters, and a phone number (7–15 digits, spaces, hyphens, a
// leading +) or an e-mail address to reach the person by. It returns nil
// for an empty request, the cleaned request, and problems keyed by the
// form's field names.
func checkContact(c survey.Contact, l i18n.Lang) (*survey.Contact, map[string][]string) {
	clean := func(s string) string {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				return ' '
			}
			return r
		}, s)
		return strings.Join(strings.Fields(s), " ")
	}
	c = survey.Contact{Name: clean(c.Name), Phone: clean(c.Phone), Email: clean(c.Email)}
	if c == (survey.Contact{}) {
		return nil, nil
	}
	problems := map[string][]string{}
	if utf8.RuneCountInString(c.Name) > maxNameLen {
		problems["contact-name"] = []string{fmt.Sprintf(label(l, "form.too-long"), maxNameLen)}
	}
	if c.Phone != "" && !validPhone(c.Phone) {
		problems["contact-phone"] = []string{label(l, "form.phone-invalid")}
	}
	if c.Email != "" && !validEmail(c.Email) {
		problems["contact-email"] = []string{label(l, "form.email-invalid")}
	}
	if c.Phone == "" && c.Email == "" {
		problems["contact-phone"] = []string{label(l, "form.contact-how")}
	}
	return &c, problems
}

// validPhone reports whether s is a phone number: an optional leading +,
// then 7–15 digits, grouped by spaces, hyphens or a parenthesised area
// code, at most maxPhoneLen characters.
func validPhone(s string) bool {
	if len(s) > maxPhoneLen {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// validEmail reports whether s is a plain e-mail address (no display
// name) with a domain that has a dot, at most maxEmailLen characters.
func validEmail(s string) bool {
	if len(s) > maxEmailLen || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// refuse answers a form post that is refused before it is read (another
// site posted it): the form again, with the answers, and the message key.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, key string) {
	l := lang(r)
	wy, ok := s.resolve(w, r, l)
	if !ok {
		return
	}
	values, _, _, _ := readForm(r)
	s.render(w, status, l, wy, values, nil, label(l, key))
}

// thanks is the page after a stored response: thanks, the unit's name, the
// acknowledgement of a contact request, where to get help now, and on a
// kiosk the way back to an empty form.
func (s *Server) thanks(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	q := r.URL.Query()
	v := view{Lang: l, Title: label(l, "form.thanks")}
	unit := ""
	if r.PathValue("token") != "" {
		wy, ok := s.resolve(w, r, l)
		if !ok {
			return
		}
		unit = wy.unit.Code
		v.Kiosk = true
		v.Refresh = &link{Text: label(l, "kiosk.next"), URL: wy.path + "?lang=" + l.String()}
		v.ResetNotice, v.Stay = label(l, "kiosk.reset"), label(l, "kiosk.stay")
	} else if _, ok := s.units[q.Get("unit")]; ok {
		unit = q.Get("unit")
	}
	if unit != "" {
		name := s.unitName(unit, l)
		v.Unit, v.UnitLabel = name, label(l, "form.unit")
		v.Paragraphs = append(v.Paragraphs, fmt.Sprintf(label(l, "thanks.unit"), name))
		if q.Get("contact") == "1" && !v.Kiosk {
			v.Paragraphs = append(v.Paragraphs, fmt.Sprintf(label(l, "thanks.contact"), name))
		}
	}
	v.Help = &helpView{Title: label(l, "help.title"), Lines: []string{label(l, "help.emergency"), label(l, "help.crisis"), label(l, "help.violence"), label(l, "help.care")}}
	if c, err := r.Cookie(helpCookie); err == nil && c.Value == "1" {
		v.Help.Flagged = label(l, "help.flagged")
		http.SetCookie(w, &http.Cookie{Name: helpCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	s.write(w, http.StatusOK, v)
}

// allow applies the rate limit to a submission: whether it may go on, or
// how long to wait.
func (s *Server) allow(r *http.Request) (bool, time.Duration) {
	s.once.Do(func() {
		limit := s.Limit
		if limit == (RateLimit{}) {
			limit = DefaultRateLimit
		}
		s.limiter = newLimiter(limit, s.now)
	})
	if s.limiter.limit.Every < 0 {
		return true, 0
	}
	return s.limiter.allow(clientOf(r))
}
