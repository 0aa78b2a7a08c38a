package browser

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Helper()             {}

// TestCheckCatchesBrokenPages shows that the checks fail where they
// should: a page with each fault the browser tests look for, and the same
// page mended.
func TestCheckCatchesBrokenPages(t *testing.T) {
	b := Start(t)
	const broken = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Broken</title></head><body>
<div style="width:900px">A wide box</div>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<svg role="img" viewBox="0 0 2000 100" width="300"><text x="0" y="50" font-size="13">tiny</text></svg>
<svg role="img" aria-label="hidden chart" viewBox="0 0 10 10" style="display:none"></svg>
</body></html>`
	// The wide box on a page that is laid out for the phone.
	const wide = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Wide</title></head><body><main><div style="width:900px">A wide box</div></main></body></html>`
	const mended = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Mended</title></head><body><main>
<div style="max-width:900px">A box</div>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="a dot">
<svg role="img" aria-label="a chart" viewBox="0 0 300 100" style="width:100%;max-width:300px"><text x="0" y="50" font-size="13">legible</text></svg>
</main></body></html>`
	mux := http.NewServeMux()
	mux.HandleFunc("/broken", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(broken)) })
	mux.HandleFunc("/mended", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(mended)) })
	ts := httptest.NewServer(mux)
	defer ts.Close()
	v := Viewports[1]

	rec := &recorder{TB: t}
	b.Page(t, "broken", ts.URL+"/broken", v).Check(rec, "broken", v)
	all := strings.Join(rec.errors, "\n")
	for _, want := range []string{"laid out 980 px wide on a 390 px screen", "image-alt (critical)", "0 main landmarks", "chart 1 has no accessible name", `chart "hidden chart" is not visible`} {
		if !strings.Contains(all, want) {
			t.Errorf("the broken page passed the check for %q; failures:\n%s", want, all)
		}
	}
	rec = &recorder{TB: t}
	mux.HandleFunc("/wide", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(wide)) })
	b.Page(t, "wide", ts.URL+"/wide", v).Check(rec, "wide", v)
	if all := strings.Join(rec.errors, "\n"); !strings.Contains(all, "scrolls sideways: 908 px wide in a 390 px window; past the edge: div to 908 px") {
		t.Errorf("the wide box passed; failures:\n%s", all)
	}
	// The tiny text: a chart named but drawn at 2 px.
	rec = &recorder{TB: t}
	const tiny = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Tiny</title></head><body><main><svg role="img" aria-label="tiny chart" viewBox="0 0 2000 100" width="300"><text x="0" y="50" font-size="13">tiny</text></svg></main></body></html>`
	mux.HandleFunc("/tiny", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(tiny)) })
	b.Page(t, "tiny", ts.URL+"/tiny", v).Check(rec, "tiny", v)
	if all := strings.Join(rec.errors, "\n"); !strings.Contains(all, `chart "tiny chart" has text of 1.9 px`) {
		t.Errorf("tiny chart text passed; failures:\n%s", all)
	}

	rec = &recorder{TB: t}
	b.Page(t, "mended", ts.URL+"/mended", v).Check(rec, "mended", v)
	if len(rec.errors) > 0 {
		t.Errorf("the mended page failed:\n%s", strings.Join(rec.errors, "\n"))
	}
}
