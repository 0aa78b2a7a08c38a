package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// valid is a submission the template accepts.
var valid = url.Values{"recommend": {"9"}, "access": {"5"}, "safety": {"4"}}

func TestRateLimitPerClient(t *testing.T) {
	st, _ := openTestStore(t, "sqlite")
	units, err := exampleUnits()
	require.NoError(t, err)
	s, err := NewServer(units, st)
	require.NoError(t, err)
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	s.Validator.Now = now
	s.Limit = RateLimit{Every: 10 * time.Second, Burst: 3, Clients: 100}
	h := s.Handler()
	submit := func(addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/form/health-station?lang=sv", strings.NewReader(valid.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := range 3 {
		if w := submit("192.0.2.7:4000"); w.Code != http.StatusSeeOther {
			t.Fatalf("submission %d within the burst: %d", i+1, w.Code)
		}
	}
	// The fourth at once is refused, in the page's language, with the
	// wait, and the answers are on the page again.
	w := submit("192.0.2.7:4001")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "11" || !strings.Contains(w.Body.String(), "skicka formuläret igen om 11 sekunder") ||
		!strings.Contains(w.Body.String(), `name="recommend" value="9" checked="checked"`) || !strings.Contains(w.Body.String(), `name="safety" value="4" checked="checked"`) {
		t.Fatalf("over the limit: %d Retry-After %q\n%s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	// Another client is not affected; an IPv6 client's whole /64 is one
	// client, so changing the interface ID does not reset the bucket.
	if w := submit("192.0.2.8:4000"); w.Code != http.StatusSeeOther {
		t.Errorf("another client: %d", w.Code)
	}
	for i := range 4 {
		w := submit(fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1))
		if want := http.StatusSeeOther; i == 3 {
			if w.Code != http.StatusTooManyRequests {
				t.Errorf("IPv6 /64 not limited as one client: %d", w.Code)
			}
		} else if w.Code != want {
			t.Errorf("IPv6 submission %d: %d", i+1, w.Code)
		}
	}
	// A token comes back after Every.
	now = now.Add(10 * time.Second)
	if w := submit("192.0.2.7:4002"); w.Code != http.StatusSeeOther {
		t.Errorf("after the wait: %d", w.Code)
	}
	if n := len(storedResponses(t, st)); n != 3+1+3+1 {
		t.Errorf("stored %d responses, want 8", n)
	}
}

func TestLimiterForgetsOldestClients(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(RateLimit{Every: time.Second, Burst: 1, Clients: 3}, func() time.Time { return now })
	for i := range 10 {
		now = now.Add(time.Millisecond)
		l.allow(fmt.Sprint(i))
	}
	if len(l.clients) != 3 {
		t.Errorf("remembers %d clients, want at most 3", len(l.clients))
	}
	if ok, _ := l.allow("9"); ok {
		t.Error("the latest client was forgotten")
	}
}

func TestCommentRedactedBeforeStored(t *testing.T) {
	ts, st := newTestServer(t)
	form := url.Values{"recommend": {"9"}, "comment": {"Soittakaa 040 123 4567 tai maija.meikalainen@example.fi, hetu 131052-308T"}}
	res, _ := post(t, ts, "?lang=fi", form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	out := storedNDJSON(t, st)
	for _, leak := range []string{"123 4567", "4567", "maija", "example.fi", "131052", "308T"} {
		if strings.Contains(out, leak) {
			t.Errorf("stored comment keeps %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, "Soittakaa") {
		t.Errorf("the comment itself was lost: %s", out)
	}
}

// TestBodyLimit posts a form over maxBody with answers before the long
// comment: refused with 413, nothing stored, and the page shows the form
// again with the answers and as much of the comment as arrived, marked
// too long.
func TestBodyLimit(t *testing.T) {
	ts, st := newTestServer(t)
	long := strings.Repeat("Pitkä kommentti ", maxBody/8)
	form := "recommend=9&access=4&comment=" + url.QueryEscape(long) + "&contact-email=x%40example.fi"
	res, err := http.Post(ts.URL+"/form/health-station?lang=en", "application/x-www-form-urlencoded", strings.NewReader(form))
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "The form was too large to send") ||
		!strings.Contains(page, `name="recommend" value="9" checked="checked"`) || !strings.Contains(page, `name="access" value="4" checked="checked"`) ||
		!strings.Contains(page, "Pitkä kommentti Pitkä kommentti") || !strings.Contains(page, `id="q-comment-error"`) {
		t.Errorf("body over %d bytes: %d\n%.3000s", maxBody, res.StatusCode, page)
	}
	wellFormed(t, page)
	if n := len(storedResponses(t, st)); n != 0 {
		t.Error("an over-long submission was stored")
	}
	// A comment under the body limit but over maxCommentLen: 422, kept.
	res, page = post(t, ts, "?lang=en", url.Values{"recommend": {"9"}, "comment": {strings.Repeat("a", maxCommentLen+1)}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "at most 4000 characters") || !strings.Contains(page, strings.Repeat("a", maxCommentLen+1)) {
		t.Errorf("comment over %d characters: %d", maxCommentLen, res.StatusCode)
	}
}

// TestHalfSentRequestsClosed holds connections that send part of a request
// and then nothing: the server must close them after its timeouts, not
// keep them forever.
func TestHalfSentRequestsClosed(t *testing.T) {
	saved := Timeouts
	t.Cleanup(func() { Timeouts = saved })
	Timeouts.ReadHeader, Timeouts.Read, Timeouts.Write, Timeouts.Idle = 200*time.Millisecond, 400*time.Millisecond, 400*time.Millisecond, time.Second
	st, _ := openTestStore(t, "sqlite")
	units, err := exampleUnits()
	require.NoError(t, err)
	s, err := NewServer(units, st)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := s.HTTPServer(ln.Addr().String())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	partial := []string{
		"POST /form/health-station HTTP/1.1\r\nHost: x\r\n", // headers never end
		"POST /form/health-station HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nrecommend=9", // body never ends
	}
	for _, p := range partial {
		conn, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.Write([]byte(p))
		require.NoError(t, err)
		// The server answers or closes; reading must end well before the
		// deadline set here.
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		start := time.Now()
		_, err = bufio.NewReader(conn).ReadString(0)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("half-sent request %q still held after %v", p[:30], time.Since(start))
		}
	}
}
