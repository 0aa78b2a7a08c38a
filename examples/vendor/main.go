// Command vendor is a feedback service a county could pilot, small enough
// to read as an example. It serves the units' survey templates as
// accessible HTML forms in the browser's language on every channel of the
// field: one-time invitation links sent by SMS after a visit (channel
// sms), kiosks and devices staff hand to clients (kiosk, staff-device:
// large targets, no contact details, an empty form for the next person),
// a printable A4 poster per unit with a QR code of its short link (qr),
// and the open web form for anyone, relatives included (web). The same
// forms are served as FHIR R4 Questionnaires and answers accepted as
// QuestionnaireResponses (see fhir.go).
//
// The server owns a response's metadata: the receipt day, the channel (by
// the way the form was reached) and the unit's region, provider and
// service (from the unit registry); what a client sends for them is
// ignored. Answers are validated by the library, comments redacted, and
// contact requests validated and stored apart. Feedback that needs a
// quick reaction, by its scores or by the words of its comment
// (self-harm, violence, abuse, a safety incident), raises an alert to the
// unit at once, and the respondent is shown where to get help now.
// Whatever is refused (invalid answers, the rate limit, an oversize form,
// an expired form or invitation, a failed write) shows the form again with
// the answers given and a plain message.
//
// # Storage
//
// Responses are stored in SQLite (a file; the default, feedback.db) or,
// given a postgres:// DSN, in PostgreSQL, one transaction per submission:
// a response is acknowledged only once it is committed, a failed write
// fails that request only, and FHIR retries are recognised by the
// response's identifier and stored once. Contact requests are stored in a
// table of their own with the unit and the day only and deleted after the
// retention; responses keep the day of receipt, not the time, and no
// table has an insertion order, so that nothing joins a person to their
// answers. The schema is migrated at start (migrations/).
//
//	go run ./examples/vendor -addr localhost:8080 -store feedback.db
//	go run ./examples/vendor -store postgres://user@host/db
//	go run ./examples/vendor -store feedback.db -export ndjson > responses.ndjson
//	go run ./examples/vendor -store feedback.db -invite health-station -served 2025-03-14
//	go run ./examples/vendor -store feedback.db -enroll health-station -device kiosk
//
// then open http://localhost:8080/form/health-station, or the poster at
// /poster/health-station.
//
// # Dependencies
//
// Beyond the standard library and the module's usual dependencies, the
// service uses three modules, because a feedback service a county pilots
// needs them and writing them is not the example's job:
// modernc.org/sqlite (SQLite in pure Go: no cgo and no C toolchain, so
// the example builds and cross-compiles like any Go program),
// github.com/jackc/pgx/v5 (the maintained PostgreSQL driver for Go, used
// through database/sql so that both databases share one code path) and
// github.com/skip2/go-qrcode (QR codes for the posters; encoding QR codes
// correctly — Reed–Solomon, masks, versions — is a standard of its own).
// The tests also use github.com/makiuchi-d/gozxing, a Go port of the
// ZXing reader, to decode the poster's QR code as a phone would.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database; a program decides this, not the library

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// healthStation is the template of the example health station: four
// national statements, an own statement and open feedback.
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

// homeCare is the template of the example home care unit, whose staff
// hand a tablet to clients: every national statement, open feedback.
func homeCare() (*catalogue.Template, error) {
	return catalogue.Default().NewTemplate(catalogue.TemplateSpec{
		ID:           "home-care",
		Instrument:   catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Statements:   []string{"access", "encounter", "participation", "safety", "information", "understandable", "usefulness"},
		OpenFeedback: true,
	})
}

// exampleUnits is the unit registry of the example: a county would read
// its units from the SOTE organisation register.
func exampleUnits() ([]Unit, error) {
	hs, err := healthStation()
	if err != nil {
		return nil, err
	}
	hc, err := homeCare()
	if err != nil {
		return nil, err
	}
	return []Unit{{
		Code: "health-station", Region: "example-county", Provider: "example-county-health", Service: "T11", Template: hs,
		Names: map[i18n.Lang]string{i18n.Finnish: "Keskustan terveysasema", i18n.Swedish: "Centrums hälsostation", i18n.English: "Central health station"},
		Phone: "09 123 4500",
	}, {
		Code: "home-care", Region: "example-county", Provider: "example-county-social", Service: "S21", Template: hc,
		Names: map[i18n.Lang]string{i18n.Finnish: "Kotihoito, itäinen alue", i18n.Swedish: "Hemvården, östra området", i18n.English: "Home care, eastern area"},
		Phone: "09 123 4600",
	}}, nil
}

func main() {
	addr := flag.String("addr", "localhost:8080", "listen address")
	where := flag.String("store", "feedback.db", "SQLite file, or a postgres:// DSN")
	export := flag.String("export", "", "write every stored response to standard output as ndjson or csv, and exit")
	base := flag.String("base-url", "", "address people reach the service at, for posters and invitations (default http://ADDR)")
	invite := flag.String("invite", "", "make a one-time invitation link for this unit, print it and exit")
	served := flag.String("served", "", "with -invite: day of the service event, YYYY-MM-DD")
	enroll := flag.String("enroll", "", "enroll a device for this unit, print its link and exit")
	device := flag.String("device", "kiosk", "with -enroll: kiosk or staff-device")
	noLimit := flag.Bool("no-rate-limit", false, "do not limit submissions per client (for load tests)")
	contactDays := flag.Int("contact-retention", 30, "days contact requests are kept")
	flag.Parse()

	ctx := context.Background()
	st, err := OpenStore(ctx, *where)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	units, err := exampleUnits()
	if err != nil {
		log.Fatal(err)
	}
	if *export != "" {
		if _, err := Export(ctx, st, units, *export, bufferedStdout()); err != nil {
			log.Fatal(err)
		}
		if err := stdout.Flush(); err != nil {
			log.Fatal(err)
		}
		return
	}
	s, err := NewServer(units, st)
	if err != nil {
		log.Fatal(err)
	}
	s.BaseURL = strings.TrimSuffix(*base, "/")
	if s.BaseURL == "" {
		s.BaseURL = "http://" + *addr
	}
	s.Retention = DefaultRetention
	s.Retention.Contacts = time.Duration(*contactDays) * 24 * time.Hour
	switch {
	case *invite != "":
		link, err := s.Invite(ctx, *invite, "", *served, 14)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(link)
		return
	case *enroll != "":
		ch, err := survey.ParseChannel(*device)
		if err != nil {
			log.Fatal(err)
		}
		link, err := s.Enroll(ctx, *enroll, ch, "")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(link)
		return
	}
	if *noLimit {
		s.Limit = RateLimit{Every: -1}
	}
	// Alerts go to the log here; a vendor would send them to the unit's
	// staff. The log carries no time: a time would join an alert, or an
	// error, to the response it came from.
	log.SetFlags(0)
	s.Triage = survey.DefaultTriage()
	s.Comments = DefaultCommentTriage()
	s.Notifier = LogNotifier(log.Default())
	go func() {
		for {
			if p, err := s.Prune(ctx); err != nil {
				log.Printf("vendor: pruning: %v", err)
			} else if p != (Pruned{}) {
				log.Printf("vendor: deleted %d contact requests, %d links and %d retry keys past their retention", p.Contacts, p.Links, p.Retries)
			}
			time.Sleep(time.Hour)
		}
	}()
	srv := s.HTTPServer(*addr)
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
		<-stop
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		srv.Shutdown(c)
	}()
	log.Printf("serving %s/form/health-station (store %s)", s.BaseURL, storeKind(*where))
	if err := srv.ListenAndServe(); err != nil && err.Error() != "http: Server closed" {
		log.Fatal(err)
	}
}

// storeKind names the store for the log without a DSN's password.
func storeKind(where string) string {
	if strings.HasPrefix(where, "postgres") {
		return "PostgreSQL"
	}
	return "SQLite " + where
}
