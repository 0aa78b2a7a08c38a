package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/i18n"
)

// TestCommentTriageLabelled measures the comment triage on the labelled
// set (written before the matcher): precision and recall per category,
// logged, and each held above a floor.
func TestCommentTriageLabelled(t *testing.T) {
	precision, recall := measureCommentTriage(t, "testdata/comment-triage.txt")
	// Floors: a missed comment about harm costs more than a needless
	// alert, so recall is held higher.
	if recall < 0.95 || precision < 0.85 {
		t.Errorf("precision %.2f (floor 0.85), recall %.2f (floor 0.95)", precision, recall)
	}
	// The words were fitted to that set. Comments written afterwards,
	// not used to choose them, show what words miss (indirect phrasing:
	// "better off without me", "grabbed me by the throat"): measured and
	// logged here, not held to a floor, and the reason an alert asks a
	// person to read comments rather than replacing that.
	measureCommentTriage(t, "testdata/comment-triage-heldout.txt")
}

// measureCommentTriage reports the overall precision and recall of the
// default comment triage on a labelled file, logging them per category
// and every miss.
func measureCommentTriage(t *testing.T, file string) (precision, recall float64) {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	ct := DefaultCommentTriage()
	type counts struct{ tp, fp, fn int }
	per := map[string]*counts{}
	for _, c := range ct.Categories() {
		per[c] = &counts{}
	}
	sc := bufio.NewScanner(f)
	line, n := 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		labels, comment, ok := strings.Cut(text, "\t")
		require.True(t, ok, "line %d: no tab", line)
		n++
		var want []string
		if labels != "-" {
			want = strings.Split(labels, ",")
		}
		got := ct.Check(comment)
		for _, c := range ct.Categories() {
			w, g := slices.Contains(want, c), slices.Contains(got, c)
			switch {
			case w && g:
				per[c].tp++
			case g:
				per[c].fp++
				t.Logf("line %d: %s flagged, not meant: %s", line, c, comment)
			case w:
				per[c].fn++
				t.Logf("line %d: %s missed: %s", line, c, comment)
			}
		}
		for _, w := range want {
			require.Contains(t, ct.Categories(), w, "line %d: unknown label", line)
		}
	}
	require.NoError(t, sc.Err())
	var all counts
	for _, c := range ct.Categories() {
		k := per[c]
		all.tp, all.fp, all.fn = all.tp+k.tp, all.fp+k.fp, all.fn+k.fn
		t.Logf("%-9s precision %.2f recall %.2f (tp %d, fp %d, fn %d)", c, float64(k.tp)/float64(k.tp+k.fp), float64(k.tp)/float64(k.tp+k.fn), k.tp, k.fp, k.fn)
	}
	precision, recall = float64(all.tp)/float64(all.tp+all.fp), float64(all.tp)/float64(all.tp+all.fn)
	t.Logf("%s, %d comments: precision %.2f recall %.2f", file, n, precision, recall)
	return precision, recall
}

func TestParseCommentTriageErrors(t *testing.T) {
	_, err := ParseCommentTriage(strings.NewReader(`{"categories": [{"id": "x", "reason": {"fi": "a"}, "terms": {"fi": [" "]}}, {"id": "x", "reason": {"fi": "a", "sv": "b", "en": "c"}, "terms": {}}]}`))
	require.ErrorIs(t, err, ErrCommentRule)
	for _, want := range []string{`category 1 ("x"): no reason in sv`, `category 1 ("x"): term " " has no words`, `category 2 ("x"): needs a unique id`, `category 2 ("x"): no terms`} {
		require.Contains(t, err.Error(), want)
	}
	_, err = ParseCommentTriage(strings.NewReader(`{"categories": [], "extra": 1}`))
	require.ErrorIs(t, err, ErrCommentRule)
}

// TestHarmfulCommentAlertsAndHelps posts the comment of the issue with a
// recommendation of 0: the unit is alerted for the score and for the
// words, and the respondent's thanks page puts where to get help first.
// A comment without such words gets the help section too, but not first.
func TestHarmfulCommentAlertsAndHelps(t *testing.T) {
	ts, _ := newTestServer(t)
	h := ts.Config.Handler.(*testHandler)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.PostForm(ts.URL+"/form/health-station?lang=fi", url.Values{"recommend": {"0"}, "comment": {"En jaksa enää, haluan kuolla. Hoitaja löi minua."}})
	require.NoError(t, err)
	page := readBody(t, res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, page, `<section class="help flagged" role="alert"`)
	require.Contains(t, page, "Kriisipuhelin")
	require.Less(t, strings.Index(page, "Jos tarvitset apua nyt"), strings.Index(page, "Palautteesi välitetään"))
	alerts := h.sent()
	require.Len(t, alerts, 1)
	require.Equal(t, []string{"Suositteluun vastattiin 0–2.", DefaultCommentTriage().Reason("self-harm", i18n.Finnish), DefaultCommentTriage().Reason("violence", i18n.Finnish)}, alerts[0].Reasons)

	// The emphasis is shown once; a plain comment gets the help section
	// at the end.
	res, err = client.PostForm(ts.URL+"/form/health-station?lang=fi", url.Values{"recommend": {"9"}, "comment": {"Hyvä palvelu, kiitos."}})
	require.NoError(t, err)
	page = readBody(t, res)
	require.NotContains(t, page, "help flagged")
	require.Contains(t, page, `<section class="help"`)
	require.Len(t, h.sent(), 1)
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var b strings.Builder
	_, err := io.Copy(&b, res.Body)
	require.NoError(t, err)
	return b.String()
}
