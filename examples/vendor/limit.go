package main

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// RateLimit bounds how often one client may submit: Burst submissions at
// once, refilled at one every Every. Clients is how many clients are
// remembered; past it the one seen least recently is forgotten (so that
// many addresses cannot grow memory).
type RateLimit struct {
	Every   time.Duration
	Burst   int
	Clients int
}

// DefaultRateLimit lets a client submit 20 forms at once and one more
// every 3 seconds: a hospital's guest network puts many patients behind
// one address, and a refused patient keeps their answers anyway, but a
// script gets no more than 1 200 an hour. Every < 0 means no limit.
var DefaultRateLimit = RateLimit{Every: 3 * time.Second, Burst: 20, Clients: 10_000}

// limiter is a token bucket per client.
type limiter struct {
	mu      sync.Mutex
	limit   RateLimit
	now     func() time.Time
	clients map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(l RateLimit, now func() time.Time) *limiter {
	return &limiter{limit: l, now: now, clients: map[string]*bucket{}}
}

// allow takes a token of the client's bucket, or says how long to wait
// for one.
func (l *limiter) allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.clients[client]
	if !ok {
		if len(l.clients) >= l.limit.Clients {
			l.forgetOldest()
		}
		b = &bucket{tokens: float64(l.limit.Burst), last: now}
		l.clients[client] = b
	}
	b.tokens = min(float64(l.limit.Burst), b.tokens+float64(now.Sub(b.last))/float64(l.limit.Every))
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.limit.Every))
}

func (l *limiter) forgetOldest() {
	var oldest string
	var at time.Time
	for c, b := range l.clients {
		if oldest == "" || b.last.Before(at) {
			oldest, at = c, b.last
		}
	}
	delete(l.clients, oldest)
}

// clientOf returns the client a request counts against: its IP address,
// or for IPv6 its /64 network (one household or device gets a whole
// one). Behind a reverse proxy, every request comes from the proxy: the
// proxy must limit, or pass the client's address in a header this server
// is told to trust (not done here).
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}
