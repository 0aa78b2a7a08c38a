package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadNames(t *testing.T) {
	in := "\ufeffcode,name\r\nu001,\"Vaasa, terveysasema\"\r\nu002,\r\nu001,Again\r\nu003,Kokkola neuvola\r\nu004\r\n"
	got, err := ReadNames(strings.NewReader(in))
	want := map[string]string{"u001": "Vaasa, terveysasema", "u003": "Kokkola neuvola"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrNames) {
		t.Fatalf("error %v", err)
	}
	for _, problem := range []string{"line 3: empty code or name", `line 4: code "u001" given already on line 2`, "line 6: 1 fields"} {
		if !strings.Contains(err.Error(), problem) {
			t.Errorf("error lacks %q:\n%v", problem, err)
		}
	}
	if _, err := ReadNames(strings.NewReader("unit,label\nu1,x\n")); !errors.Is(err, ErrNames) || !strings.Contains(err.Error(), "needs the columns code and name") {
		t.Errorf("wrong header: %v", err)
	}
}
