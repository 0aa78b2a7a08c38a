package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// postTo posts a form to a path of the test server.
func postTo(t *testing.T, ts string, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	res, err := noRedirect.PostForm(ts+path, form)
	require.NoError(t, err)
	return res, readBody(t, res)
}

// TestChannels answers the form by every way in and checks the channel
// each response gets: web form, poster link, invitation (once), kiosk and
// staff device; links that do not work are refused with a page.
func TestChannels(t *testing.T) {
	ts, st := newTestServer(t)
	s := ts.Config.Handler.(*testHandler).s
	ctx := context.Background()
	answer := url.Values{"recommend": {"8"}, "access": {"4"}}

	res, _ := postTo(t, ts.URL, "/form/health-station?lang=fi", answer)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res, _ = postTo(t, ts.URL, "/q/health-station?lang=fi", answer)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)

	invite, err := s.Invite(ctx, "health-station", "T11-x", "2025-03-13", 14)
	require.NoError(t, err)
	path := strings.TrimPrefix(invite, ts.URL)
	require.Regexp(t, `^/i/[a-z2-9]{26}$`, path)
	code, page := get(t, invite+"?lang=sv", "")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, page, `action="`+path+`?lang=sv"`)
	res, _ = postTo(t, ts.URL, path+"?lang=sv", answer)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	// Used: the page says so; a post with answers keeps them and offers
	// the open form.
	code, page = get(t, invite+"?lang=en", "")
	require.Equal(t, http.StatusGone, code)
	require.Contains(t, page, "already been used or has expired")
	res, page = postTo(t, ts.URL, path+"?lang=en", url.Values{"recommend": {"3"}})
	require.Equal(t, http.StatusGone, res.StatusCode)
	require.Equal(t, http.StatusGone, code)
	code, _ = get(t, ts.URL+"/i/nonsense", "")
	require.Equal(t, http.StatusGone, code)

	kiosk, err := s.Enroll(ctx, "health-station", survey.ChannelKiosk, "")
	require.NoError(t, err)
	kpath := strings.TrimPrefix(kiosk, ts.URL)
	code, page = get(t, kiosk+"?lang=fi", "")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, page, `<body class="kiosk">`)
	require.NotContains(t, page, "contact-phone", "a shared kiosk asks for contact details")
	// A kiosk ignores contact details sent anyway.
	res, _ = postTo(t, ts.URL, kpath+"?lang=fi", url.Values{"recommend": {"10"}, "contact-phone": {"040 123 4567"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Location"), kpath+"/thanks?"), res.Header.Get("Location"))
	code, page = get(t, ts.URL+res.Header.Get("Location"), "")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, page, `<a class="button" id="next" href="`+kpath+`?lang=fi">`)

	staff, err := s.Enroll(ctx, "home-care", survey.ChannelStaffDevice, "")
	require.NoError(t, err)
	res, _ = postTo(t, ts.URL, strings.TrimPrefix(staff, ts.URL)+"?lang=fi", url.Values{"recommend": {"7"}, "participation": {"5"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	code, _ = get(t, ts.URL+"/k/nonsense", "")
	require.Equal(t, http.StatusForbidden, code)
	// An invitation token is not a device token, nor the other way round.
	other, err := s.Invite(ctx, "health-station", "", "", 14)
	require.NoError(t, err)
	code, _ = get(t, ts.URL+"/k/"+strings.TrimPrefix(other, ts.URL+"/i/"), "")
	require.Equal(t, http.StatusForbidden, code)

	got := map[survey.Channel][]string{}
	for _, r := range storedResponses(t, st) {
		got[r.Channel] = append(got[r.Channel], r.Unit+" "+r.Service+" "+day(r.Served))
	}
	want := map[survey.Channel][]string{
		survey.ChannelWeb: {"health-station T11 "}, survey.ChannelQR: {"health-station T11 "},
		survey.ChannelSMS: {"health-station T11-x 2025-03-13"}, survey.ChannelKiosk: {"health-station T11 "},
		survey.ChannelStaffDevice: {"home-care S21 "},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("channels (-want +got):\n%s", diff)
	}
	contacts, err := st.ContactRequests(ctx, "health-station")
	require.NoError(t, err)
	require.Empty(t, contacts, "the kiosk stored contact details")
	require.NotContains(t, storedNDJSON(t, st), strings.TrimPrefix(invite, ts.URL+"/i/"))
}

// TestClientMetadataIgnored posts a form with every metadata field a
// client could try, some holding personal data: the stored response has
// the server's ID, day, channel and the unit's region, provider and
// service, and none of what was sent.
func TestClientMetadataIgnored(t *testing.T) {
	ts, st := newTestServer(t)
	form := url.Values{"recommend": {"9"}, "id": {"chosen"}, "submitted": {"2022-02-01T10:00:00Z"}, "served": {"2022-01-01"},
		"channel": {"sms"}, "region": {"Maija Meikäläinen"}, "provider": {"131052-308T"}, "service": {"Maija Meikäläinen 040 123 4567"},
		"unit": {"home-care"}, "instrument": {"thl-adult/2099"}, "lang": {"sv"}}
	res, _ := postTo(t, ts.URL, "/form/health-station?lang=fi", form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	all := storedResponses(t, st)
	require.Len(t, all, 1)
	r := all[0]
	helsinki, _ := survey.Helsinki()
	want := survey.Response{ID: r.ID, Submitted: time.Date(2025, 3, 14, 0, 0, 0, 0, helsinki), Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Region: "example-county", Provider: "example-county-health", Unit: "health-station", Service: "T11", Channel: survey.ChannelWeb, Lang: i18n.Finnish,
		Answers: survey.Answers{{Item: "recommend", Value: 9}}}
	if diff := cmp.Diff(want, r, cmpopts.EquateComparable()); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	require.NotEqual(t, "chosen", r.ID)
	for _, leak := range []string{"Maija", "131052", "4567", "2022-0", "chosen"} {
		require.NotContains(t, storedNDJSON(t, st), leak)
	}
}

// TestFailedWriteKeepsAnswers fills the database while a respondent
// sends the form: 503, nothing stored, the answers and contact details on
// the page again; once there is room, the same post is stored.
func TestFailedWriteKeepsAnswers(t *testing.T) {
	st, where := openTestStore(t, "sqlite")
	ts := newTestServerOn(t, st)
	restore := breakWrites(t, "sqlite", st, where)
	form := url.Values{"recommend": {"2"}, "access": {"1"}, "comment": {strings.Repeat("Odotin liian kauan. ", 200)}, "contact-email": {"maija@example.fi"}, "role": {"relative"}}
	for range 3 {
		res, page := postTo(t, ts.URL, "/form/health-station?lang=en", form)
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
		require.Contains(t, page, "could not be saved just now")
		require.Contains(t, page, `name="recommend" value="2" checked="checked"`)
		require.Contains(t, page, `name="role" value="relative" checked="checked"`)
		require.Contains(t, page, `value="maija@example.fi"`)
		require.Contains(t, page, "Odotin liian kauan. Odotin")
	}
	require.Empty(t, storedResponses(t, st))
	restore()
	res, _ := postTo(t, ts.URL, "/form/health-station?lang=en", form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Len(t, storedResponses(t, st), 1)
	contacts, err := st.ContactRequests(context.Background(), "health-station")
	require.NoError(t, err)
	require.Len(t, contacts, 1)
}

func TestContactValidated(t *testing.T) {
	for _, c := range []struct {
		contact survey.Contact
		fields  []string // fields with problems
	}{
		{survey.Contact{}, nil},
		{survey.Contact{Phone: "040 123 4567"}, nil},
		{survey.Contact{Phone: "+358 (40) 123-4567", Name: "Maija"}, nil},
		{survey.Contact{Email: "maija@example.fi"}, nil},
		{survey.Contact{Phone: "abc"}, []string{"contact-phone"}},
		{survey.Contact{Phone: "123"}, []string{"contact-phone"}},
		{survey.Contact{Phone: "040 123 4567 8901 2345 6789"}, []string{"contact-phone"}},
		{survey.Contact{Phone: "040+1234567"}, []string{"contact-phone"}},
		{survey.Contact{Email: "maija"}, []string{"contact-email"}},
		{survey.Contact{Email: "Maija <maija@example.fi>"}, []string{"contact-email"}},
		{survey.Contact{Email: "maija@localhost"}, []string{"contact-email"}},
		{survey.Contact{Email: strings.Repeat("a", 250) + "@example.fi"}, []string{"contact-email"}},
		{survey.Contact{Name: "Maija"}, []string{"contact-phone"}}, // no way to reach her
		{survey.Contact{Name: strings.Repeat("ä", maxNameLen+1), Phone: "0401234567"}, []string{"contact-name"}},
		{survey.Contact{Name: "Maija\x00\u200b Meikäläinen", Email: "m@example.fi"}, nil},
	} {
		got, problems := checkContact(c.contact, i18n.English)
		var fields []string
		for f := range problems {
			fields = append(fields, f)
		}
		if diff := cmp.Diff(c.fields, fields, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q: problems (-want +got):\n%s", c.contact.Phone+c.contact.Email+c.contact.Name, diff)
		}
		if c.contact == (survey.Contact{}) && got != nil {
			t.Errorf("an empty contact request was kept: %+v", got)
		}
		if got != nil && strings.ContainsAny(got.Name, "\x00\u200b") {
			t.Errorf("control characters kept in %q", got.Name)
		}
	}
}

// TestExportReadBack stores random submissions and exports the store as
// NDJSON and CSV: the library's decoder reads back exactly the stored
// responses, in both formats, for both stores.
func TestExportReadBack(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, _ := openTestStore(t, kind)
		units, err := exampleUnits()
		require.NoError(t, err)
		srv, err := NewServer(units, st)
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(23, uint64(len(kind))))
		comments := []string{"", "Hyvä", "rivi\nrivi, \"lainaus\"", "=SUM(A1)", "tab\there", "ÅÄÖ åäö ☺", strings.Repeat("x", maxCommentLen)}
		var want []survey.Response
		for i := range 150 {
			u := units[rng.IntN(len(units))]
			srv.Now = func() time.Time { return time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(400)) }
			wy := open(u)
			wy.channel = survey.Channels()[rng.IntN(len(survey.Channels()))]
			if rng.IntN(3) == 0 {
				wy.served = "2024-12-3" + fmt.Sprint(rng.IntN(2))
			}
			r := srv.stamp(wy, i18n.Complete()[rng.IntN(3)])
			r.Role = survey.Role(rng.IntN(3))
			for _, it := range u.Template.Items() {
				if it.Section() == catalogue.SectionOpen || rng.IntN(4) == 0 {
					continue
				}
				vals := it.Scale().Options()
				r.Answers = append(r.Answers, survey.Answer{Item: it.ID(), Value: vals[rng.IntN(len(vals))]})
			}
			if len(r.Answers) == 0 {
				r.Answers = survey.Answers{{Item: "recommend", Value: i % 11}}
			}
			r.Comment = comments[rng.IntN(len(comments))]
			require.NoError(t, st.Submit(context.Background(), Entry{Response: r}))
			want = append(want, r)
		}
		templates := map[string]*catalogue.Template{}
		for _, u := range units {
			templates[u.Code] = u.Template
		}
		for _, format := range []string{"ndjson", "csv"} {
			var b strings.Builder
			n, err := Export(context.Background(), st, units, format, &b)
			require.NoError(t, err)
			require.Equal(t, len(want), n)
			d := survey.NewNDJSONDecoder(strings.NewReader(b.String()))
			if format == "csv" {
				d = survey.NewCSVDecoder(strings.NewReader(b.String()))
			}
			d.Validator = &survey.Validator{Templates: templates, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
			var got []survey.Response
			for r, err := range d.All() {
				require.NoError(t, err, format)
				got = append(got, r)
			}
			byID := cmpopts.SortSlices(func(a, b survey.Response) bool { return a.ID < b.ID })
			sameInstant := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
			if diff := cmp.Diff(want, got, byID, sameInstant); diff != "" {
				t.Errorf("%s read back (-stored +read):\n%s", format, diff)
			}
		}
	})
}
