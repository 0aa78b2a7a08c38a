package i18n_test

import (
	"fmt"

	"github.com/palaute/palaute/i18n"
)

func Example() {
	m := i18n.NewMatcher(i18n.Finnish, i18n.Swedish, i18n.English)
	lang, _ := m.MatchHeader("sv-FI,sv;q=0.9,en;q=0.5")

	labels := i18n.DefaultLabels()
	name, _, _ := labels.Lookup("indicator.recommendation-index", lang)
	fmt.Println(name, i18n.FormatDecimal(lang, 75.75, 1))
	// %q shows the no-break spaces (U+00A0) that keep "90 %" together.
	fmt.Printf("%q\n", i18n.FormatPercent(lang, 0.9049, 0))
	fmt.Printf("%q\n", i18n.FormatInt(lang, 68000))
	// Output:
	// Rekommendationsindex 75,8
	// "90\u00a0%"
	// "68\u00a0000"
}

func ExampleFormatSigned() {
	for _, l := range []i18n.Lang{i18n.Finnish, i18n.English} {
		fmt.Println(i18n.FormatSigned(l, 5.25, 1), i18n.FormatSigned(l, -3, 1))
	}
	// Output:
	// +5,3 −3,0
	// +5.3 -3.0
}

func ExampleLabels_Lookup() {
	labels := i18n.DefaultLabels()
	// No labels exist in North Sami yet: the fallback is explicit and visible.
	text, in, err := labels.Lookup("role.client", i18n.NorthSami, i18n.Finnish)
	fmt.Println(text, in, err)
	_, _, err = labels.Lookup("role.client", i18n.NorthSami)
	fmt.Println(err)
	// Output:
	// asiakas fi <nil>
	// i18n: no label for key "role.client" in se
}

func ExampleCollator() {
	units := []string{"Östersundom", "Vaasa", "Åbo", "Ähtäri", "Alavus"}
	i18n.NewCollator(i18n.Finnish).Sort(units)
	fmt.Println(units)
	// Output:
	// [Alavus Vaasa Åbo Ähtäri Östersundom]
}
