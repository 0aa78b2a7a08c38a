// Validates FHIR R4 resources (JSON files named on the command line) with
// the npm package fhir (structure-definition validation against the R4
// core profiles it ships), and prints one JSON line per file:
// {"file": ..., "valid": ..., "errors": [...], "warnings": [...]}.
// Unexpected properties are errors. Exits 1 if any file is invalid.
// Used by the Go tests of survey/fhir and examples/vendor (see fhir.go).
'use strict';
const fs = require('fs');
const {Fhir} = require('fhir');

const fhir = new Fhir();
let bad = 0;
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  const result = fhir.validate(resource, {errorOnUnexpected: true});
  const pick = (sev) => result.messages.filter((m) => m.severity === sev).map((m) => m.location + ': ' + m.message);
  const out = {file, valid: result.valid, errors: pick('error'), warnings: pick('warning')};
  if (!result.valid) bad++;
  console.log(JSON.stringify(out));
}
process.exit(bad ? 1 : 0);
