// Package synth generates deterministic synthetic feedback with realistic
// distributions, for demos, examples, tests and benchmarks: an
// SMS-dominated channel mix, a recommendation index in the 60s (the
// published national figure is about 68; the random unit effects and
// sizes move it, 60–67 in the configurations used in this module),
// agreement around 90 %, skewed unit sizes (a few large health stations, many small
// units), systematic channel differences (SMS answers are kinder than
// kiosk answers), and comments on about 30 % of responses containing
// quotes, commas and line breaks. The same Config always gives the same
// responses.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// Config sets the size and seed of a data set. Zero fields take the
// defaults noted.
type Config struct {
	Responses int       // number of responses; default 10 000
	Units     int       // number of units; default 24
	Seed      uint64    // default 1
	Start     time.Time // first submission time; default 2025-01-01 Helsinki
	Days      int       // days covered; default 365
	// CommentShare is the share of responses with a comment; default 0.3.
	CommentShare float64
	// SmallUnits adds that many small units on top of Units and
	// Responses, for tests of disclosure control: the odd ones get 1–4
	// responses in all, the even ones 1–4 in every 30 days. Their
	// responses have IDs "t…" and are interleaved by time.
	SmallUnits int
}

func (c Config) withDefaults() Config {
	if c.Responses <= 0 {
		c.Responses = 10_000
	}
	if c.Units <= 0 {
		c.Units = 24
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("EET", 2*3600))
	}
	if c.Days <= 0 {
		c.Days = 365
	}
	if c.CommentShare == 0 {
		c.CommentShare = 0.3
	}
	return c
}

// Unit is a generated unit with its place in the organisation tree and a
// display name.
type Unit struct {
	survey.OrgUnit
	Name    string
	Service string
	weight  float64 // share of responses (skewed)
	effect  float64 // how much kinder (or harsher) its clients are
}

var (
	towns    = []string{"Vaasa", "Pietarsaari", "Kokkola", "Seinäjoki", "Äänekoski", "Jyväskylä", "Östermyra", "Kristiinankaupunki", "Uusikaarlepyy", "Närpiö", "Alavus", "Ähtäri"}
	services = []struct{ code, name string }{
		{"terveysasema", "terveysasema"}, {"hammashoito", "hammashoitola"}, {"neuvola", "neuvola"},
		{"kotihoito", "kotihoito"}, {"mielenterveys", "mielenterveyspalvelut"}, {"sosiaalityo", "aikuissosiaalityö"},
	}
	regions   = []string{"pohjanmaa", "keski-suomi"}
	providers = []string{"p-julkinen", "p-yksityinen"}
	// The (synthetic) names of regions and providers.
	regionNames   = map[string]string{"pohjanmaa": "Pohjanmaan hyvinvointialue", "keski-suomi": "Keski-Suomen hyvinvointialue"}
	providerNames = map[string]string{"p-julkinen": "julkiset palvelut", "p-yksityinen": "yksityinen palveluntuottaja"}
)

// Names returns the names of the regions, providers and units of a
// configuration by code, as the organisation data of a county would give
// them.
func Names(c Config) map[string]string {
	out := map[string]string{}
	for _, u := range Units(c) {
		out[u.Region] = regionNames[u.Region]
		out[u.Provider] = regionNames[u.Region] + ", " + providerNames[strings.TrimPrefix(u.Provider, u.Region+"-")]
		out[u.Unit] = u.Name
	}
	return out
}

// Units returns the units of a configuration, in a fixed order.
func Units(c Config) []Unit {
	c = c.withDefaults()
	rng := rand.New(rand.NewPCG(c.Seed, 101))
	units := make([]Unit, c.Units)
	var total float64
	for i := range units {
		svc := services[i%len(services)]
		region := regions[i%len(regions)]
		u := Unit{
			OrgUnit: survey.OrgUnit{Region: region, Provider: region + "-" + providers[(i/len(services))%len(providers)], Unit: fmt.Sprintf("u%03d", i+1)},
			Name:    fmt.Sprintf("%s %s", towns[i%len(towns)], svc.name),
			Service: svc.code,
			weight:  1 / math.Pow(float64(i+1), 1.1), // Zipf-like sizes
			effect:  rng.NormFloat64() * 0.3,
		}
		if i >= len(towns) {
			u.Name = fmt.Sprintf("%s %s %d", towns[i%len(towns)], svc.name, i/len(towns)+1)
		}
		total += u.weight
		units[i] = u
	}
	for i := range units {
		units[i].weight /= total
	}
	// Shuffle so that the largest units are not all the first services.
	rng.Shuffle(len(units), func(i, j int) { units[i].weight, units[j].weight = units[j].weight, units[i].weight })
	for i := range c.SmallUnits {
		region := regions[i%len(regions)]
		units = append(units, Unit{
			OrgUnit: survey.OrgUnit{Region: region, Provider: region + "-" + providers[i/len(regions)%len(providers)], Unit: fmt.Sprintf("s%03d", i+1)},
			Name:    fmt.Sprintf("%s pieni yksikkö %d", towns[i%len(towns)], i+1),
			Service: services[i%len(services)].code,
			effect:  rng.NormFloat64() * 0.3,
		})
	}
	return units
}

// smallVisit is a response of a small unit: when, and which unit.
type smallVisit struct {
	at   time.Time
	unit int
}

// smallVisits returns the responses of the configuration's small units,
// in time order.
func smallVisits(c Config, units []Unit) []smallVisit {
	rng := rand.New(rand.NewPCG(c.Seed, 303))
	var out []smallVisit
	span := time.Duration(c.Days) * 24 * time.Hour
	for i := range c.SmallUnits {
		ui := len(units) - c.SmallUnits + i
		if i%2 == 0 { // 1–4 responses in all
			for range 1 + rng.IntN(4) {
				out = append(out, smallVisit{c.Start.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second), ui})
			}
			continue
		}
		for d := 0; d < c.Days; d += 30 { // 1–4 in every 30 days
			for range 1 + rng.IntN(4) {
				at := c.Start.Add(time.Duration(d)*24*time.Hour + time.Duration(rng.Int64N(int64(30*24*time.Hour))))
				if at.Before(c.Start.Add(span)) {
					out = append(out, smallVisit{at.Truncate(time.Second), ui})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b smallVisit) int { return a.at.Compare(b.at) })
	return out
}

var comments = []string{
	"Hyvä palvelu, kiitos!",
	"Jonotin pitkään, mutta hoitaja oli \"tosi\" ystävällinen.",
	"Lääkäri kuunteli, selitti asiat selkeästi.\nKiitos.",
	"Ajanvaraus oli hankala, puhelimessa jono, ei vastattu.",
	"Bra bemötande, tack.",
	"Kaikki meni hyvin, kiitos, \"erinomaista\".",
	"-",
	"Tiedotus jatkosta jäi epäselväksi; en tiedä, mitä seuraavaksi.",
	"Soittakaa minulle 040 123 4567, asia jäi kesken.",
	"Very helpful staff, thank you.",
	"ei mitään",
	"Odotusaika 45 min, muuten ok.\r\nSiisti vastaanotto.",
}

// Responses returns the configuration's responses as a sequence, in
// submission order. Answers follow the adult form thl-adult/2022.
func Responses(c Config) iter.Seq[survey.Response] {
	c = c.withDefaults()
	units := Units(c)
	cum := make([]float64, len(units)-c.SmallUnits)
	acc := 0.0
	for i, u := range units[:len(cum)] {
		acc += u.weight
		cum[i] = acc
	}
	ref := catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}
	statements := []string{"access", "encounter", "participation", "safety", "information", "understandable", "usefulness"}
	small := smallVisits(c, units)
	return func(yield func(survey.Response) bool) {
		rng := rand.New(rand.NewPCG(c.Seed, 202))
		step := time.Duration(c.Days) * 24 * time.Hour / time.Duration(c.Responses)
		next := 0 // the next small unit's response
		for i := 0; i < c.Responses; i++ {
			x := rng.Float64()
			ui := 0
			for ui < len(cum)-1 && cum[ui] < x {
				ui++
			}
			at := c.Start.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(step)+1))).Truncate(time.Second)
			for ; next < len(small) && small[next].at.Before(at); next++ {
				if !yield(response(fmt.Sprintf("t%08d", next+1), small[next].at, units[small[next].unit], ref, statements, c, rng)) {
					return
				}
			}
			if !yield(response(fmt.Sprintf("s%08d", i+1), at, units[ui], ref, statements, c, rng)) {
				return
			}
		}
		for ; next < len(small); next++ {
			if !yield(response(fmt.Sprintf("t%08d", next+1), small[next].at, units[small[next].unit], ref, statements, c, rng)) {
				return
			}
		}
	}
}

// response generates one response of unit u.
func response(id string, at time.Time, u Unit, ref catalogue.InstrumentRef, statements []string, c Config, rng *rand.Rand) survey.Response {
	r := survey.Response{
		ID:         id,
		Submitted:  at,
		Instrument: ref, Region: u.Region, Provider: u.Provider, Unit: u.Unit, Service: u.Service,
		Role: survey.RoleClient, Lang: i18n.Finnish,
	}
	switch ch := rng.Float64(); {
	case ch < 0.85:
		r.Channel = survey.ChannelSMS
	case ch < 0.92:
		r.Channel = survey.ChannelKiosk
	case ch < 0.97:
		r.Channel = survey.ChannelQR
	default:
		r.Channel = survey.ChannelWeb
	}
	if rng.Float64() < 0.08 {
		r.Role = survey.RoleRelative
	}
	switch l := rng.Float64(); {
	case l < 0.06:
		r.Lang = i18n.Swedish
	case l < 0.08:
		r.Lang = i18n.English
	}
	// A latent satisfaction: unit effect, kinder SMS answers.
	mood := u.effect + rng.NormFloat64()
	if r.Channel == survey.ChannelSMS {
		mood += 0.25
	} else if r.Channel == survey.ChannelKiosk {
		mood -= 0.35
	}
	r.Answers = append(r.Answers, survey.Answer{Item: "recommend", Value: recommend(mood, rng)})
	for k, it := range statements {
		if rng.Float64() < 0.12 { // not asked or not answered
			continue
		}
		r.Answers = append(r.Answers, survey.Answer{Item: it, Value: agree(mood-0.1*float64(k%3), rng)})
	}
	if rng.Float64() < c.CommentShare {
		r.Comment = comments[rng.IntN(len(comments))]
	}
	return r
}

// recommend maps a latent mood to 0–10; over the generated mix of units
// and channels the index comes out near 68.
func recommend(mood float64, rng *rand.Rand) int {
	v := 9.0 + 1.35*mood + rng.NormFloat64()*0.9
	return int(math.Max(0, math.Min(10, math.Round(v))))
}

// agree maps a latent mood to 1–5 (agreement ≈ 90 % at mood 0), with a
// few can't-say answers (0).
func agree(mood float64, rng *rand.Rand) int {
	if rng.Float64() < 0.03 {
		return 0
	}
	v := 4.55 + 0.75*mood + rng.NormFloat64()*0.55
	return int(math.Max(1, math.Min(5, math.Round(v))))
}

// WriteCSV writes the configuration's responses to w as canonical CSV.
func WriteCSV(w io.Writer, c Config) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := survey.NewCSVEncoder(bw)
	for r := range Responses(c) {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}
