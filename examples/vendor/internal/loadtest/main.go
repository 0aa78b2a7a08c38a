// Command loadtest sends form submissions (or FHIR retries) to a running
// examples/vendor server over many connections and reports throughput,
// latency percentiles and status codes. Each form submission carries a
// marker in its comment ("load RUN nN"); the markers of acknowledged
// (303) submissions are written to -acked, so that an export of the store
// can be checked after the server was killed: every acknowledged marker
// stored exactly once, none torn. It sends only to the address given and
// stops after -n requests or -for, whichever comes first.
//
//	go run ./examples/vendor/internal/loadtest -url http://127.0.0.1:8080 -n 20000 -c 50
//	go run ./examples/vendor/internal/loadtest -url … -fhir-retries 10000 -c 50
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server")
	n := flag.Int("n", 20000, "requests to send")
	c := flag.Int("c", 50, "connections")
	run := flag.String("run", "r1", "marker of this run in the comments")
	acked := flag.String("acked", "", "file to write the markers of acknowledged submissions to")
	dur := flag.Duration("for", 10*time.Minute, "stop after this long")
	contact := flag.Bool("contact", false, "add a contact request with the longest accepted name and e-mail address to each form")
	retries := flag.Int("fhir-retries", 0, "instead of forms, post this many FHIR responses, each identifier twice")
	flag.Parse()
	if !strings.HasPrefix(*base, "http://127.") && !strings.HasPrefix(*base, "http://localhost") && !strings.HasPrefix(*base, "http://[::1]") {
		log.Fatal("loadtest sends only to the loopback address")
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *c, MaxConnsPerHost: *c}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var qr map[string]any
	total := *n
	if *retries > 0 {
		total = *retries
		res, err := client.Get(*base + "/fhir/Questionnaire/health-station?lang=fi")
		if err != nil {
			log.Fatal(err)
		}
		var q map[string]any
		json.NewDecoder(res.Body).Decode(&q)
		res.Body.Close()
		qr = map[string]any{"resourceType": "QuestionnaireResponse", "status": "completed", "authored": "2022-02-01T10:00:00+02:00", // ignored by the server
			"questionnaire": q["url"].(string) + "|" + q["version"].(string),
			"item":          []any{map[string]any{"linkId": "recommend", "answer": []any{map[string]any{"valueCoding": map[string]any{"system": "https://github.com/palaute/palaute/fhir/CodeSystem/recommend-0-10", "code": "7"}}}}}}
	}
	var next atomic.Int64
	deadline := time.Now().Add(*dur)
	var mu sync.Mutex
	var lat []time.Duration
	codes := map[string]int{}
	var ackedMarkers []string
	start := time.Now()
	var wg sync.WaitGroup
	for range *c {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total || time.Now().After(deadline) {
					return
				}
				var req *http.Request
				marker := fmt.Sprintf("load %s n%d", *run, i)
				if *retries > 0 {
					m := maps(qr)
					m["identifier"] = map[string]any{"system": "urn:loadtest", "value": fmt.Sprintf("%s-%d", *run, i/2)}
					body, _ := json.Marshal(m)
					req, _ = http.NewRequest("POST", *base+"/fhir/QuestionnaireResponse", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/fhir+json")
				} else {
					form := url.Values{"recommend": {fmt.Sprint(i % 11)}, "access": {fmt.Sprint(1 + i%5)}, "comment": {marker}}
					if *contact {
						form.Set("contact-name", strings.Repeat("Ä", 100))
						form.Set("contact-phone", "+358 40 123 4567 890")
						form.Set("contact-email", strings.Repeat("a", 240)+"@example.fi")
					}
					req, _ = http.NewRequest("POST", *base+"/form/health-station?lang=fi", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				t0 := time.Now()
				res, err := client.Do(req)
				d := time.Since(t0)
				code := "error"
				if err != nil {
					code = "error: " + errKind(err)
				} else {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					code = fmt.Sprint(res.StatusCode)
				}
				mu.Lock()
				lat = append(lat, d)
				codes[code]++
				if code == "303" {
					ackedMarkers = append(ackedMarkers, marker)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Printf("%d requests over %d connections in %.1f s: %.0f/s; latency p50 %v p99 %v max %v; status %v\n",
		len(lat), *c, elapsed.Seconds(), float64(len(lat))/elapsed.Seconds(), pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond), codes)
	if *acked != "" {
		f, err := os.Create(*acked)
		if err != nil {
			log.Fatal(err)
		}
		w := bufio.NewWriter(f)
		for _, m := range ackedMarkers {
			fmt.Fprintln(w, m)
		}
		w.Flush()
		f.Close()
	}
}

func maps(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// errKind shortens a transport error for the status counts.
func errKind(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}
