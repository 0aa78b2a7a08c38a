// Package browser opens the project's pages in headless Chromium for
// tests and checks what a person on a phone, a desktop or paper gets: no
// horizontal scrolling of the page, no serious or critical accessibility
// violation found by axe-core, and every chart visible, labelled and with
// legible text. It saves a screenshot of each page it checks.
//
// It drives Debian's chromium through the DevTools protocol with
// github.com/chromedp/chromedp, so the tests stay Go tests that run with
// go test; axe-core comes from npm (package.json next to this file,
// installed by .ci/run with npm ci).
//
// Without Chromium, axe-core, Node.js or LHC-Forms the tests that need
// them skip, naming what to install, and [Main] (called from each
// package's TestMain) repeats the reason after the run, on the terminal
// too, so that a first go test ./... on a machine with Go alone passes and
// says what it left out. PALAUTE_REQUIRE_BROWSER=1 (set by .ci/run)
// turns such a skip into a failure; PALAUTE_SKIP_BROWSER=1 skips the
// browser tests on purpose.
package browser
