package i18n

import (
	"slices"
	"testing"
)

func TestCollator(t *testing.T) {
	names := []string{"Östermyra", "Åland", "Ähtäri", "Zeta", "alajärvi", "Vöyri", "Wasa", "Ylivieska", "Übersee", "Aavasaksa"}
	tests := []struct {
		lang Lang
		want []string
	}{
		// å, ä, ö after z; ü sorts as y; v and w are different letters.
		{Finnish, []string{"Aavasaksa", "alajärvi", "Vöyri", "Wasa", "Übersee", "Ylivieska", "Zeta", "Åland", "Ähtäri", "Östermyra"}},
		{Swedish, []string{"Aavasaksa", "alajärvi", "Vöyri", "Wasa", "Übersee", "Ylivieska", "Zeta", "Åland", "Ähtäri", "Östermyra"}},
		{InariSami, []string{"Aavasaksa", "alajärvi", "Vöyri", "Wasa", "Übersee", "Ylivieska", "Zeta", "Åland", "Ähtäri", "Östermyra"}},
		// English: accented letters sort with their base letters.
		{English, []string{"Aavasaksa", "Ähtäri", "alajärvi", "Åland", "Östermyra", "Übersee", "Vöyri", "Wasa", "Ylivieska", "Zeta"}},
	}
	for _, tt := range tests {
		got := slices.Clone(names)
		NewCollator(tt.lang).Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s order:\n got %q\nwant %q", tt.lang, got, tt.want)
		}
	}
	type unit struct{ name string }
	units := []unit{{"Östra"}, {"Alavus"}, {"Zeta"}}
	SortFunc(NewCollator(Finnish), units, func(u unit) string { return u.name })
	if units[0].name != "Alavus" || units[2].name != "Östra" {
		t.Errorf("SortFunc: %v", units)
	}
	if NewCollator(Finnish).Compare("a", "A") == 0 {
		t.Error("case must break ties")
	}
}
