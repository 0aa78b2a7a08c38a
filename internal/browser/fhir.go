package browser

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// LForms returns the directory of LHC-Forms' prebuilt files (the
// webcomponent and fhir folders), installed by lforms.sh next to this
// file (.ci/run runs it). Like [Start], it skips t when
// PALAUTE_SKIP_BROWSER=1 or the files are missing (naming what to run),
// unless PALAUTE_REQUIRE_BROWSER=1 makes that a failure.
func LForms(t testing.TB) string {
	t.Helper()
	skipIfAsked(t)
	dir := filepath.Join(moduleDir(), "node_modules", "lforms", "dist", "lforms")
	if _, err := os.Stat(filepath.Join(dir, "webcomponent", "main.js")); err != nil {
		missing(t, "LHC-Forms is not installed: run internal/browser/lforms.sh (see the README's browser setup)")
	}
	return dir
}

// Validation is what the independent FHIR validator said of one resource.
type Validation struct {
	Name     string   // the name the resource was given
	Valid    bool     // no error
	Errors   []string // "path: message"
	Warnings []string
}

// ValidateFHIR validates FHIR R4 resources (JSON, by name) with an
// implementation that is not ours: the npm package fhir, whose validator
// checks each resource against the R4 structure definitions it ships
// (elements, cardinalities, datatypes, required value sets; unexpected
// properties are errors). It runs fhir-validate.js next to this file
// with Node.js. Like [Start], it skips t when PALAUTE_SKIP_BROWSER=1 or
// Node.js or the package is missing, unless PALAUTE_REQUIRE_BROWSER=1.
func ValidateFHIR(t testing.TB, resources map[string][]byte) map[string]Validation {
	t.Helper()
	skipIfAsked(t)
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "no Node.js for the FHIR validator: install nodejs and run npm ci in internal/browser (see the README's browser setup)")
	}
	if _, err := os.Stat(filepath.Join(moduleDir(), "node_modules", "fhir", "package.json")); err != nil {
		missing(t, "the npm package fhir is not installed: run npm ci in internal/browser (see the README's browser setup)")
	}
	dir := t.TempDir()
	args := []string{filepath.Join(moduleDir(), "fhir-validate.js")}
	byFile := map[string]string{}
	i := 0
	for name, data := range resources {
		file := filepath.Join(dir, strconv.Itoa(i)+".json")
		i++
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, file)
		byFile[file] = name
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = moduleDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if _, exit := err.(*exec.ExitError); err != nil && !exit || stderr.Len() > 0 {
		t.Fatalf("fhir-validate.js: %v\n%s", err, stderr.String())
	}
	results := map[string]Validation{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var v struct {
			File             string
			Valid            bool
			Errors, Warnings []string
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("fhir-validate.js printed %q: %v", sc.Text(), err)
		}
		name := byFile[v.File]
		results[name] = Validation{Name: name, Valid: v.Valid, Errors: v.Errors, Warnings: v.Warnings}
	}
	if len(results) != len(resources) {
		t.Fatalf("fhir-validate.js judged %d of %d resources:\n%s", len(results), len(resources), out)
	}
	return results
}
