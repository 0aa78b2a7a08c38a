package survey_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// Validating one response and printing its problems in Finnish.
func ExampleValidator_Validate() {
	v := &survey.Validator{Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	r := survey.Response{
		ID:         "r-12",
		Submitted:  time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC),
		Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Channel:    survey.ChannelSMS,
		Answers:    survey.Answers{{Item: "recommend", Value: 11}, {Item: "access", Value: 5}, {Item: "kindness", Value: 4}},
	}
	_, ok, err := v.Validate(r)
	fmt.Println("accepted:", ok)
	for _, p := range survey.Problems(err) {
		fmt.Println(p.Message(i18n.Finnish))
	}
	// Output:
	// accepted: false
	// vastaus "r-12", kysymys recommend: arvo ei ole kysymyksen asteikolla: annettu "11" (odotettiin 0–10)
	// vastaus "r-12", kysymys kindness: tuntematon kysymys: annettu "4"
}

// Streaming a CSV file with two bad rows: the good rows around them are
// kept, the bad ones reported with their lines, and a summary counts all.
func ExampleNewCSVDecoder() {
	const data = `id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,access,encounter,participation,safety,information,understandable,usefulness,comment
a1,2025-03-14T09:30:00+02:00,thl-adult/2022,pohjanmaa,p1,u1,s1,sms,client,fi,9,5,,,4,,,,"Hyvä, kiitos"
a2,2025-03-14T09:35:00+02:00,thl-adult/2022,pohjanmaa,p1,u1,s1,sms,client,fi,10,6,,,,,,,
a3,2025-03-14T09:40:00+02:00,thl-adult/2022,pohjanmaa,p1,u1,s1,fax,client,fi,7
a4,2025-03-14T09:45:00+02:00,thl-adult/2022,pohjanmaa,p1,u1,s1,kiosk,relative,sv,8,4,,,,,,,
`
	d := survey.NewCSVDecoder(strings.NewReader(data))
	d.Validator = &survey.Validator{Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	for r, err := range d.All() {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("ok", r.ID, r.Channel, len(r.Answers), "answers")
	}
	fmt.Println(d.Summary())
	// Output:
	// ok a1 sms 3 answers
	// survey: rejected: line 3, response "a2", item access: value outside the item's scale: given "6" (want 1–5, 0)
	// survey: rejected: line 4: wrong number of fields: given "11" (want 19 like the header)
	// ok a4 kiosk 2 answers
	// read 4 rows: 2 accepted, 2 rejected (field-count 1, out-of-range 1)
}

func ExampleRedact() {
	r := survey.Redact("Soittakaa 040 123 4567 tai maija@example.fi, hetu 131052-308T. Käynti 14.3.2025 klo 9.30.")
	fmt.Println(r.Text)
	fmt.Println(r.Kinds())
	// Output:
	// Soittakaa [PHONE] tai [EMAIL], hetu [PERSONAL-ID]. Käynti 14.3.2025 klo 9.30.
	// [PERSONAL-ID PHONE EMAIL]
}

func ExampleIsNonAnswer() {
	for _, c := range []string{"-", "Ei mitään.", "Inget att tillägga", "Ei valittamista, kiitos!"} {
		fmt.Printf("%q %v\n", c, survey.IsNonAnswer(c))
	}
	// Output:
	// "-" true
	// "Ei mitään." true
	// "Inget att tillägga" true
	// "Ei valittamista, kiitos!" false
}

// Printing the first problems of a read and counting the rest, as a
// command does that must not flood its terminal.
func ExampleProblemLog() {
	in := "id,submitted,instrument,recommend\n" +
		"a,2025-03-14T09:30:00Z,thl-adult/2022,11\n" +
		"b,2025-03-14T09:30:00Z,thl-adult/2022,12\n" +
		"c,2025-03-14T09:30:00Z,thl-adult/2022,9\n" +
		"d,yesterday,thl-adult/2022,9\n"
	d := survey.NewCSVDecoder(strings.NewReader(in))
	d.Validator = &survey.Validator{Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	log := &survey.ProblemLog{W: os.Stdout, Max: 1}
	for _, err := range d.All() {
		var re *survey.RowError
		if errors.As(err, &re) {
			log.Add(re)
		}
	}
	log.Close()
	fmt.Println(d.Summary())
	// Output:
	// survey: rejected: line 2, response "a", item recommend: value outside the item's scale: given "11" (want 0–10)
	// survey: 2 more problems not shown (counted in the summary)
	// read 4 rows: 1 accepted, 3 rejected (out-of-range 2, syntax 1)
}
