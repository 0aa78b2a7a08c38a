package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Viewport is a window a page is checked in: a width and height in CSS
// pixels, and whether the page is laid out for print (the print media
// type, at the width of an A4 page's printable area).
type Viewport struct {
	Name          string
	Width, Height int64
	Print         bool
}

// Viewports are the windows every page is checked in: a small phone
// (320 px, the WCAG 1.4.10 reflow width), a common phone (390 px), a
// desktop (1 280 px) and an A4 page in print (180 mm at 96 px per inch).
var Viewports = []Viewport{
	{Name: "320", Width: 320, Height: 640},
	{Name: "390", Width: 390, Height: 844},
	{Name: "1280", Width: 1280, Height: 800},
	{Name: "print", Width: 680, Height: 962, Print: true},
}

// SkipVariable is the environment variable that skips the browser tests
// when set to 1.
const SkipVariable = "PALAUTE_SKIP_BROWSER"

// ScreenshotVariable names a directory for the screenshots; without it
// they are written to the test's temporary directory.
const ScreenshotVariable = "PALAUTE_SCREENSHOTS"

// Browser is a running headless Chromium for one test.
type Browser struct {
	ctx  context.Context
	axe  string
	shot string
}

// Start starts headless Chromium for t and stops it when t ends. It skips
// t when PALAUTE_SKIP_BROWSER=1, and when Chromium or axe-core is missing
// (saying what to install; [Main] repeats it), unless
// PALAUTE_REQUIRE_BROWSER=1 makes that a failure.
func Start(t testing.TB) *Browser {
	t.Helper()
	skipIfAsked(t)
	path := os.Getenv("PALAUTE_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		missing(t, "no Chromium found: install Debian's chromium and fonts-dejavu-core (see the README's browser setup) or set PALAUTE_CHROMIUM")
	}
	axe, err := os.ReadFile(filepath.Join(moduleDir(), "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing(t, "axe-core is not installed: run npm ci in internal/browser (see the README's browser setup)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.Flag("hide-scrollbars", true), chromedp.Flag("font-render-hinting", "none"))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("starting %s: %v", path, err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	shot := os.Getenv(ScreenshotVariable)
	if shot == "" {
		shot = t.TempDir()
	} else if err := os.MkdirAll(shot, 0o755); err != nil {
		t.Fatal(err)
	}
	return &Browser{ctx: ctx, axe: string(axe), shot: shot}
}

// moduleDir is the directory of this package's source, where npm
// installs axe-core.
func moduleDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// Report is what a check of one page in one viewport found.
type Report struct {
	// ScrollWidth and ClientWidth of the page: a page wider than its
	// window scrolls sideways.
	ScrollWidth, ClientWidth int64
	// Overflowing describes elements reaching past the window's right
	// edge outside a scroll container (for the failure message).
	Overflowing []string
	// Violations are axe-core's violations of impact serious or critical.
	Violations []string
	// Moderate are axe-core's other violations, reported but not failed.
	Moderate []string
	// Charts describes each chart (svg with role img) found.
	Charts []Chart
	// Mains counts the main landmarks (main elements and role="main").
	Mains int
	// Screenshot is the file of the full-page screenshot.
	Screenshot string
}

// Chart is a chart as the browser laid it out.
type Chart struct {
	Name          string  // its accessible name
	Width, Height float64 // its box in CSS pixels
	Right         float64 // its right edge
	MinFont       float64 // the smallest rendered text size in CSS pixels
	InScroller    bool    // inside an element that scrolls sideways
}

// Page navigates to url, lays it out in v and checks it. Set up the page
// first with actions (fill and submit a form, say); they run after the
// page has loaded, in v.
func (b *Browser) Page(t testing.TB, name, url string, v Viewport, actions ...chromedp.Action[chromedp.Void]) Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	media := ""
	if v.Print {
		media = "print"
	}
	var rep Report
	var png []byte
	var axe struct{ Serious, Moderate []string }
	var viewport []chromedp.EmulateViewportOption
	if v.Width < 800 && !v.Print {
		viewport = append(viewport, chromedp.EmulateMobile)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(v.Width, v.Height, viewport...),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
			return err
		}),
		chromedp.Navigate(url),
		chromedp.WaitReady("body"),
	}
	steps = append(steps, actions...)
	steps = append(steps,
		chromedp.WaitReady("body"),
		Into(chromedp.Evaluate[Report](layoutScript), &rep),
		chromedp.Evaluate[chromedp.Void](b.axe),
		Into(chromedp.Evaluate[struct{ Serious, Moderate []string }](axeScript, chromedp.EvalAwaitPromise), &axe),
		Into(chromedp.FullScreenshot(100), &png),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s at %s: %v", name, v.Name, err)
	}
	rep.Violations, rep.Moderate = axe.Serious, axe.Moderate
	rep.Screenshot = filepath.Join(b.shot, fileSafe.ReplaceAllString(name, "-")+"-"+v.Name+".png")
	if err := os.WriteFile(rep.Screenshot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return rep
}

var fileSafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Into turns an action with a value into one that stores it in *dst, for
// the actions of [Browser.Page].
func Into[T any](a chromedp.Action[T], dst *T) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := a(ctx, t)
		if err == nil {
			*dst = v
		}
		return chromedp.Void{}, err
	}
}

// MinChartFont is the smallest chart text accepted, in CSS pixels.
const MinChartFont = 8

// Check fails t for each promise the page breaks in v: a layout wider
// than the screen, sideways scrolling, a serious or critical axe-core violation, no main landmark,
// a chart that is hidden, unlabelled, wider than the window outside a
// scroll container, or with text under MinChartFont pixels.
func (r Report) Check(t testing.TB, name string, v Viewport) {
	t.Helper()
	where := fmt.Sprintf("%s at %s (screenshot %s)", name, v.Name, r.Screenshot)
	if r.ClientWidth > v.Width {
		// Without a viewport meta tag a phone lays the page out for a
		// 980 px desktop and shrinks it.
		t.Errorf("%s: the page is laid out %d px wide on a %d px screen (no viewport meta tag?)", where, r.ClientWidth, v.Width)
	}
	if r.ScrollWidth > min(r.ClientWidth, v.Width) {
		t.Errorf("%s: the page scrolls sideways: %d px wide in a %d px window; past the edge: %s", where, r.ScrollWidth, r.ClientWidth, strings.Join(r.Overflowing, "; "))
	}
	for _, x := range r.Violations {
		t.Errorf("%s: axe-core: %s", where, x)
	}
	if len(r.Moderate) > 0 {
		t.Logf("%s: axe-core, moderate or minor: %s", where, strings.Join(r.Moderate, "; "))
	}
	if r.Mains != 1 {
		t.Errorf("%s: %d main landmarks, want 1", where, r.Mains)
	}
	for i, c := range r.Charts {
		switch {
		case c.Name == "":
			t.Errorf("%s: chart %d has no accessible name", where, i+1)
		case c.Width < 1 || c.Height < 1:
			t.Errorf("%s: chart %q is not visible (%.0f × %.0f px)", where, c.Name, c.Width, c.Height)
		case c.Right > float64(r.ClientWidth)+0.5 && !c.InScroller:
			t.Errorf("%s: chart %q reaches %.0f px in a %d px window", where, c.Name, c.Right, r.ClientWidth)
		case c.MinFont < MinChartFont:
			t.Errorf("%s: chart %q has text of %.1f px (want ≥ %d)", where, c.Name, c.MinFont, MinChartFont)
		}
	}
}

// layoutScript measures the page: its scroll width, the elements past the
// right edge that are not inside a sideways scroll container, the main
// landmarks and every chart.
const layoutScript = `(() => {
  const doc = document.documentElement;
  const cw = doc.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') && p !== doc && p !== document.body) return true;
    }
    return false;
  };
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const over = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > cw + 0.5 && !scrolls(el)) {
      over.push(describe(el) + ' to ' + Math.round(r.right) + ' px');
      if (over.length >= 8) break;
    }
  }
  const name = el => {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const t = ids.map(id => { const x = document.getElementById(id); return x ? x.textContent : ''; }).join(' ').trim();
    return t || (el.getAttribute('aria-label') || '').trim();
  };
  const charts = [...document.querySelectorAll('svg[role="img"]')].map(svg => {
    const r = svg.getBoundingClientRect();
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const scale = vb && vb.width ? r.width / vb.width : 1;
    let min = Infinity;
    for (const t of svg.querySelectorAll('text')) {
      const f = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (f < min) min = f;
    }
    return {Name: name(svg), Width: r.width, Height: r.height, Right: r.right, MinFont: min === Infinity ? 99 : min, InScroller: scrolls(svg)};
  });
  return {ScrollWidth: doc.scrollWidth, ClientWidth: cw, Overflowing: over, Charts: charts,
    Mains: document.querySelectorAll('main, [role="main"]').length};
})()`

// axeScript runs axe-core with the WCAG 2.1 A and AA rules and its best
// practices, and sorts the violations by impact.
const axeScript = `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']});
  const serious = v => v.impact === 'serious' || v.impact === 'critical';
  const text = v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ');
  return {Serious: r.violations.filter(serious).map(text), Moderate: r.violations.filter(v => !serious(v)).map(text)};
})()`
