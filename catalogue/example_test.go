package catalogue_test

import (
	"fmt"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// Loading the catalogue and walking the adult form in national order.
func Example() {
	cat := catalogue.Default()
	fmt.Println("catalogue data", cat.Version())
	adult, err := cat.Latest("thl-adult")
	if err != nil {
		panic(err)
	}
	fmt.Println(adult.Ref())
	for _, it := range adult.Items() {
		fi, _ := it.Texts().Get(i18n.Finnish)
		fmt.Printf("%-14s %-14s %-12s %s\n", it.ID(), it.Section(), fi.Provenance, fi.Value)
	}
	// Output:
	// catalogue data 2026.1
	// thl-adult/2022
	// recommend      recommendation regional     Kuinka todennäköisesti suosittelisit saamaasi palvelua läheisellesi tai ystävällesi?
	// access         basic          provisional  Sain apua silloin, kun tarvitsin sitä.
	// encounter      basic          provisional  Koin, että minusta välitettiin kokonaisvaltaisesti.
	// participation  basic          provisional  Hoitoani/asiaani koskevat päätökset tehtiin yhteistyössä kanssani.
	// safety         basic          provisional  Koin oloni turvalliseksi hoidon/palvelun aikana.
	// information    basic          provisional  Tiedän, miten hoitoni/palveluni jatkuu.
	// understandable basic          provisional  Saamani tieto hoidosta/palvelusta oli ymmärrettävää.
	// usefulness     basic          provisional  Koin saamani hoidon/palvelun hyödylliseksi.
	// comment        open           provisional  Haluatko kertoa lisää kokemuksestasi?
}

// A template for a health station: four national statements (given in any
// order, asked in national order), one own statement and open feedback,
// rendered in Swedish.
func ExampleCatalogue_NewTemplate() {
	cat := catalogue.Default()
	tmpl, err := cat.NewTemplate(catalogue.TemplateSpec{
		ID:         "health-station-jakobstad",
		Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Statements: []string{"usefulness", "access", "safety", "encounter"},
		Own: []catalogue.OwnStatement{{
			ID:    "mother-tongue",
			Scale: "agree-5",
			Owner: "Österbotten welfare region",
			Texts: map[i18n.Lang]string{
				i18n.Swedish: "Jag fick vård och service på mitt eget modersmål",
				i18n.Finnish: "Sain hoitoa ja palvelua omalla äidinkielelläni.",
				i18n.English: "I received care and services in my own mother tongue.",
			},
		}},
		OpenFeedback: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	form, err := tmpl.Render(i18n.Swedish)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, q := range form.Questions {
		fmt.Printf("%d. [%s] %s\n", i+1, q.Text.Provenance, q.Text.Value)
		if q.Kind == catalogue.KindAgree {
			fmt.Print("   ")
			for _, o := range q.Options {
				fmt.Printf(" %d=%s", o.Value, o.Label.Value)
			}
			fmt.Println()
		}
	}
	// Output:
	// 1. [provisional] Hur sannolikt är det att du skulle rekommendera den service du fick till en närstående eller vän i samma situation?
	// 2. [regional] Jag fick hjälp när jag behövde den
	//     5=helt av samma åsikt 4=delvis av samma åsikt 3=varken av samma eller av annan åsikt 2=delvis av annan åsikt 1=helt av annan åsikt 0=kan inte säga
	// 3. [regional] Jag upplevde att man brydde sig om mig på ett helhetsmässigt sätt
	//     5=helt av samma åsikt 4=delvis av samma åsikt 3=varken av samma eller av annan åsikt 2=delvis av annan åsikt 1=helt av annan åsikt 0=kan inte säga
	// 4. [regional] Jag kände mig trygg under vården/servicen
	//     5=helt av samma åsikt 4=delvis av samma åsikt 3=varken av samma eller av annan åsikt 2=delvis av annan åsikt 1=helt av annan åsikt 0=kan inte säga
	// 5. [regional] Jag tyckte att den vård/service som jag fick var nyttig
	//     5=helt av samma åsikt 4=delvis av samma åsikt 3=varken av samma eller av annan åsikt 2=delvis av annan åsikt 1=helt av annan åsikt 0=kan inte säga
	// 6. [own] Jag fick vård och service på mitt eget modersmål
	//     5=helt av samma åsikt 4=delvis av samma åsikt 3=varken av samma eller av annan åsikt 2=delvis av annan åsikt 1=helt av annan åsikt 0=kan inte säga
	// 7. [provisional] Vill du berätta mer om din upplevelse?
}

// A vendor's pre-launch check: which texts are not the official wording.
func ExampleCatalogue_Provisional() {
	cat := catalogue.Default()
	count := map[i18n.Lang]int{}
	for _, e := range cat.Provisional() {
		count[e.Text.Lang]++
	}
	fmt.Printf("%d provisional texts: fi %d, sv %d, en %d\n",
		len(cat.Provisional()), count[i18n.Finnish], count[i18n.Swedish], count[i18n.English])
	for _, e := range cat.Provisional()[:3] {
		fmt.Printf("%s %s: %s\n", e.Key, e.Text.Lang, e.Text.Value)
	}
	// Output:
	// 71 provisional texts: fi 25, sv 21, en 25
	// title:thl-adult/2022 fi: Asiakaspalaute, aikuisten lomake (THL 2022)
	// title:thl-adult/2022 sv: Kundrespons, formulär för vuxna (THL 2022)
	// title:thl-adult/2022 en: Customer feedback, adult form (THL 2022)
}

// The Sami languages have no texts yet: a lookup says so, and a fallback
// must be named and is marked.
func ExampleTexts_Lookup() {
	adult, _ := catalogue.Default().Latest("thl-adult")
	safety, _ := adult.Item("safety")
	_, err := safety.Texts().Lookup(i18n.InariSami)
	fmt.Println(err)
	t, _ := safety.Texts().Lookup(i18n.InariSami, i18n.Finnish)
	fmt.Println(t.Lang, t.Fallback, t.Value)
	// Output:
	// catalogue: item:thl-adult/2022:safety: no text in that language (smn)
	// fi true Koin oloni turvalliseksi hoidon/palvelun aikana.
}
