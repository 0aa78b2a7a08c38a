package survey

import (
	"errors"
	"strings"
	"testing"

	"github.com/palaute/palaute/i18n"
)

func TestTriage(t *testing.T) {
	tr := DefaultTriage()
	s := Submission{
		Response: Response{ID: "r9", Answers: Answers{{Item: "recommend", Value: 1}, {Item: "safety", Value: 1}, {Item: "access", Value: 1}}},
		Contact:  &Contact{Phone: "040 123 4567"},
	}
	flags := tr.Check(s, i18n.Swedish)
	if len(flags) != 3 || flags[0].Rule != "low-recommendation" || flags[1].Rule != "felt-unsafe" || flags[2].Rule != "contact-request" {
		t.Fatalf("flags %+v", flags)
	}
	if !strings.HasPrefix(flags[2].Reason, "Respondenten bad") || strings.Contains(flags[2].Reason, "040") {
		t.Errorf("reason %q", flags[2].Reason)
	}
	if got := tr.Check(Submission{Response: Response{Answers: Answers{{Item: "recommend", Value: 3}}}}, i18n.Finnish); len(got) != 0 {
		t.Errorf("no flags expected: %v", got)
	}
	_, err := ParseTriage(strings.NewReader(`{"rules":[
		{"id":"a","item":"recommend","values":[16],"reason":{"fi":"x","sv":"x","en":"x"}},
		{"id":"a","contact":true,"item":"x","values":[1],"reason":{"fi":"x"}},
		{"id":"Bad id","item":"safety","reason":{"fi":"x","sv":"x","en":"x"}}]}`))
	for _, want := range []string{"value 16 outside", "ID used twice", "either an item", "no reason in sv", "invalid ID", `item "safety" has no values`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTriage error %v\n does not say %q", err, want)
		}
	}
	if !errors.Is(err, ErrRule) {
		t.Error("not ErrRule")
	}
}
