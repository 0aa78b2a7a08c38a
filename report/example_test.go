package report_test

import (
	"fmt"
	"strings"

	"github.com/palaute/palaute/report"
)

// ExampleReadNames reads the names a county's organisation data gives its
// units, for Options.Names.
func ExampleReadNames() {
	names, err := report.ReadNames(strings.NewReader("code,name\nu001,Vaasa terveysasema\nu002,\"Pietarsaari, hammashoitola\"\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(names["u001"])
	fmt.Println(names["u002"])
	// Output:
	// Vaasa terveysasema
	// Pietarsaari, hammashoitola
}
