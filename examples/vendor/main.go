// Command vendor is a small feedback service a vendor could start from. It
// serves a unit's survey template as an accessible HTML form in the
// language of the browser's Accept-Language header (with a language
// switch), validates submissions with the library and shows localized
// messages next to the questions and in a summary, redacts personal data
// in comments, refuses cross-origin submissions, flags feedback that
// needs a quick reaction to a notifier,
// appends accepted responses to an NDJSON file, and keeps contact
// requests apart, under IDs unrelated to the responses'. The same forms
// are served as FHIR R4 Questionnaires and answers accepted as
// QuestionnaireResponses (see fhir.go). As a reference
// deployment it sets read, write and idle timeouts, limits the size of
// requests and the rate of submissions per client (see RateLimit).
//
//	go run ./examples/vendor -addr localhost:8080 -out responses.ndjson
//
// then open http://localhost:8080/form/health-station.
package main

import (
	"flag"
	"log"
	"os"
	"strings"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database; a program decides this, not the library

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// healthStation is the template of the example unit: four national
// statements, an own statement and open feedback.
func healthStation() (*catalogue.Template, error) {
	return catalogue.Default().NewTemplate(catalogue.TemplateSpec{
		ID:           "health-station",
		Instrument:   catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Statements:   []string{"access", "encounter", "safety", "usefulness"},
		OpenFeedback: true,
		Own: []catalogue.OwnStatement{{
			ID: "mother-tongue", Scale: "agree-5", Owner: "Österbotten welfare region",
			Texts: map[i18n.Lang]string{
				i18n.Swedish: "Jag fick vård och service på mitt eget modersmål",
				i18n.Finnish: "Sain hoitoa ja palvelua omalla äidinkielelläni.",
				i18n.English: "I received care and services in my own mother tongue.",
			},
		}},
	})
}

func main() {
	addr := flag.String("addr", "localhost:8080", "listen address")
	out := flag.String("out", "responses.ndjson", "file to append accepted responses to")
	flag.Parse()
	t, err := healthStation()
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	s := NewServer(map[string]*catalogue.Template{"health-station": t}, f, &MemoryContacts{})
	s.Names = map[string]map[i18n.Lang]string{"health-station": {
		i18n.Finnish: "Keskustan terveysasema", i18n.Swedish: "Centrums hälsostation", i18n.English: "Central health station",
	}}
	// Feedback that needs a quick reaction is logged here; a vendor
	// would send it to the unit's staff.
	s.Triage = survey.DefaultTriage()
	s.Notifier = NotifierFunc(func(a Alert) error {
		log.Printf("triage: unit %s on %s: %s (contact request %q)", a.Unit, a.Day, strings.Join(a.Reasons, "; "), a.ContactID)
		return nil
	})
	log.Printf("serving http://%s/form/health-station", *addr)
	log.Fatal(s.HTTPServer(*addr).ListenAndServe())
}
