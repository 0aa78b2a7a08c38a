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
// The browser tests are never skipped silently: without Chromium or
// axe-core they fail, naming what is missing. Setting the environment
// variable PALAUTE_SKIP_BROWSER=1 skips them, and the skip is reported.
package browser
