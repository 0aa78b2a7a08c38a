package fhir

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// figures makes TestHostileFigures print its table.
var figures = flag.Bool("figures", false, "print the figures of TestHostileFigures")

// goldenSpec is the template of the golden files: three national
// statements, open feedback, in Swedish, Finnish and English.
var goldenSpec = catalogue.TemplateSpec{
	ID:           "vasa-halsostation",
	Instrument:   catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
	Statements:   []string{"usefulness", "access", "safety"},
	OpenFeedback: true,
	Langs:        []i18n.Lang{i18n.Swedish, i18n.Finnish, i18n.English},
}

// ownSpec asks every national statement and two own statements, one on
// the yes/no scale.
var ownSpec = catalogue.TemplateSpec{
	ID:           "health-station",
	Instrument:   catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
	Statements:   []string{"access", "encounter", "participation", "safety", "information", "understandable", "usefulness"},
	OpenFeedback: true,
	Own: []catalogue.OwnStatement{{
		ID: "mother-tongue", Scale: "agree-5", Owner: "Österbotten welfare region",
		Texts: map[i18n.Lang]string{
			i18n.Swedish: "Jag fick vård och service på mitt eget modersmål",
			i18n.Finnish: "Sain hoitoa ja palvelua omalla äidinkielelläni.",
			i18n.English: "I received care and services in my own mother tongue.",
		},
	}, {
		ID: "easy-visit", Scale: "yes-no", Owner: "Keski-Suomi",
		Texts: map[i18n.Lang]string{
			i18n.Swedish: "Det var lätt att uträtta ärendet",
			i18n.Finnish: "Asiointi oli helppoa.",
			i18n.English: "The visit was easy.",
		},
	}},
}

func template(t testing.TB, spec catalogue.TemplateSpec) *catalogue.Template {
	t.Helper()
	tmpl, err := catalogue.Default().NewTemplate(spec)
	require.NoError(t, err)
	return tmpl
}

// goldenSubmission is the response of the golden QuestionnaireResponse.
func goldenSubmission() survey.Submission {
	helsinki, err := survey.Helsinki()
	if err != nil {
		panic(err)
	}
	return survey.Submission{
		Response: survey.Response{
			ID:         "r-2025-0314-0001",
			Submitted:  time.Date(2025, 3, 14, 9, 30, 0, 0, helsinki),
			Served:     time.Date(2025, 3, 13, 15, 0, 0, 0, helsinki),
			Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
			Region:     "pohjanmaa", Provider: "vasa-stad", Unit: "vasa-halsostation", Service: "T20",
			Channel: survey.ChannelQR, Role: survey.RoleClient, Lang: i18n.Swedish,
			Answers: survey.Answers{{Item: "recommend", Value: 9}, {Item: "access", Value: 4}, {Item: "safety", Value: 0}, {Item: "usefulness", Value: 5}},
			Comment: "Personalen var vänlig, men jag fick vänta \"länge\".\nTack!",
		},
		Contact: &survey.Contact{Name: "Maja Exempel", Phone: "+358 40 000 0000"},
	}
}

// validator knows the golden and the own-statement templates.
func validator(t testing.TB) *survey.Validator {
	return &survey.Validator{
		Templates: map[string]*catalogue.Template{
			"vasa-halsostation": template(t, goldenSpec),
			"health-station":    template(t, ownSpec),
		},
		Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return append(b, '\n')
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./survey/fhir -update to create it")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got); review and run go test ./survey/fhir -update:\n%s", name, diff)
	}
}

// equalSubmission compares submissions: times by instant, answers in any
// order.
var equalSubmission = cmp.Options{
	cmpopts.SortSlices(func(a, b survey.Answer) bool { return a.Item < b.Item }),
	cmpopts.EquateEmpty(),
}

func TestGolden(t *testing.T) {
	opts := Options{Lang: i18n.Swedish, Contact: true}
	q, err := NewQuestionnaire(template(t, goldenSpec), opts)
	require.NoError(t, err)
	golden(t, "questionnaire-sv.json", marshal(t, q))

	qr, err := NewResponse(q, goldenSubmission(), opts)
	require.NoError(t, err)
	golden(t, "response-sv.json", marshal(t, qr))

	// The golden response imports as the submission it was made from.
	im := &Importer{Validator: validator(t), Options: opts}
	data, err := os.ReadFile("testdata/response-sv.json")
	require.NoError(t, err)
	got, err := im.Import(data)
	require.NoError(t, err)
	if diff := cmp.Diff(goldenSubmission(), got, equalSubmission); diff != "" {
		t.Errorf("import of the golden response (-want +got):\n%s", diff)
	}
}

// TestQuestionnaireContent checks what the golden questionnaire says
// against the catalogue and the R4 conventions, item by item, instead of
// trusting the golden file.
func TestQuestionnaireContent(t *testing.T) {
	tmpl := template(t, goldenSpec)
	q, err := NewQuestionnaire(tmpl, Options{Lang: i18n.Swedish})
	require.NoError(t, err)
	var ids []string
	for _, it := range q.Item {
		ids = append(ids, it.LinkID)
	}
	// National order, whatever order the spec listed the statements in.
	require.Equal(t, []string{"recommend", "access", "safety", "usefulness", "comment"}, ids)
	require.Equal(t, "https://github.com/palaute/palaute/fhir/Questionnaire/vasa-halsostation", q.URL)
	require.Regexp(t, `^2022-2026\.1-[0-9a-f]{8}$`, q.Version)
	require.Equal(t, "sv", q.Language)
	require.NotNil(t, q.Meta, "provisional texts must be flagged")
	require.Equal(t, "provisional", q.Meta.Tag[0].Code)

	for _, it := range q.Item {
		item, ok := tmpl.Item(it.LinkID)
		require.True(t, ok)
		sv, _ := item.Texts().Get(i18n.Swedish)
		require.Equal(t, sv.Value, it.Text, it.LinkID)
		// Translations: exactly fi and en, with the catalogue's texts.
		got := map[string]string{}
		for _, e := range it.TextExt.Extension {
			require.Equal(t, TranslationURL, e.URL)
			got[e.Extension[0].ValueCode] = e.Extension[1].ValueString
		}
		fi, _ := item.Texts().Get(i18n.Finnish)
		en, _ := item.Texts().Get(i18n.English)
		require.Equal(t, map[string]string{"fi": fi.Value, "en": en.Value}, got, it.LinkID)
		// Provenance of each language's text.
		prov := map[string]string{}
		for _, e := range it.Extension {
			if e.URL == Options.ExtensionURL(Options{}, "text-provenance") {
				prov[e.Extension[0].ValueCode] = e.Extension[1].ValueCode
			}
		}
		require.Equal(t, map[string]string{"sv": sv.Provenance.String(), "fi": fi.Provenance.String(), "en": en.Provenance.String()}, prov, it.LinkID)

		scale := item.Scale()
		if scale.Kind() == catalogue.KindNone {
			require.Equal(t, "text", it.Type)
			require.Empty(t, it.AnswerOption)
			continue
		}
		require.Equal(t, "choice", it.Type)
		var codes []string
		for _, o := range it.AnswerOption {
			require.Equal(t, "https://github.com/palaute/palaute/fhir/CodeSystem/"+scale.ID(), o.ValueCoding.System)
			codes = append(codes, o.ValueCoding.Code)
		}
		switch scale.ID() {
		case "recommend-0-10":
			require.Equal(t, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, codes)
			require.Equal(t, "0 – mycket osannolikt", it.AnswerOption[0].ValueCoding.Display)
			require.Equal(t, "5", it.AnswerOption[5].ValueCoding.Display)
			require.Equal(t, "10 – mycket sannolikt", it.AnswerOption[10].ValueCoding.Display)
		case "agree-5":
			require.Equal(t, []string{"5", "4", "3", "2", "1", "0"}, codes)
			require.Equal(t, "helt av samma åsikt", it.AnswerOption[0].ValueCoding.Display)
			require.Equal(t, "kan inte säga", it.AnswerOption[5].ValueCoding.Display)
			fiCantSay := it.AnswerOption[5].ValueCoding.DisplayExt.Extension[0]
			require.Equal(t, "fi", fiCantSay.Extension[0].ValueCode)
			require.Equal(t, "en osaa sanoa", fiCantSay.Extension[1].ValueString)
		default:
			t.Fatalf("unexpected scale %s", scale.ID())
		}
	}
}

// TestVersion: the version follows the content, not the language of
// presentation.
func TestVersion(t *testing.T) {
	tmpl := template(t, goldenSpec)
	versions := map[i18n.Lang]string{}
	for _, l := range []i18n.Lang{i18n.Swedish, i18n.Finnish, i18n.English} {
		q, err := NewQuestionnaire(tmpl, Options{Lang: l})
		require.NoError(t, err)
		versions[l] = q.Version
	}
	require.Equal(t, versions[i18n.Swedish], versions[i18n.Finnish])
	require.Equal(t, versions[i18n.Swedish], versions[i18n.English])

	other := goldenSpec
	other.Statements = []string{"access", "safety"}
	q2, err := NewQuestionnaire(template(t, other), Options{})
	require.NoError(t, err)
	require.NotEqual(t, versions[i18n.Swedish], q2.Version, "another choice of statements")

	// A replaced wording (catalogue override) is another version.
	cat, err := catalogue.Default().Override(bytes.NewBufferString(`{"format": "palaute-text-override/1", "texts": [
	  {"key": "item:thl-adult/2022:access", "lang": "sv", "text": "Jag fick hjälp i tid.", "provenance": "verified", "source": "test"}]}`))
	require.NoError(t, err)
	t3, err := cat.NewTemplate(goldenSpec)
	require.NoError(t, err)
	q3, err := NewQuestionnaire(t3, Options{})
	require.NoError(t, err)
	require.NotEqual(t, versions[i18n.Swedish], q3.Version, "another wording")
}
