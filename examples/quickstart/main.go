// Command quickstart is the README's quick start: it builds a survey
// template for a unit, renders it in the language a browser asks for, and
// lists how many texts are still provisional.
package main

import (
	"fmt"
	"log"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

func main() {
	cat := catalogue.Default()
	tmpl, err := cat.NewTemplate(catalogue.TemplateSpec{
		Instrument:   catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Statements:   []string{"safety", "access", "usefulness"},
		OpenFeedback: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	lang, _ := i18n.NewMatcher().MatchHeader("sv-FI,sv;q=0.9,en;q=0.5")
	form, err := tmpl.Render(lang)
	if err != nil {
		log.Fatal(err)
	}
	for i, q := range form.Questions {
		fmt.Printf("%d. %s (%s)\n", i+1, q.Text.Value, q.Text.Provenance)
	}
	fmt.Printf("catalogue %s: %d texts are provisional, check them before going live\n",
		cat.Version(), len(cat.Provisional()))
}
