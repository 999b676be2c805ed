package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	ps, err := ParseProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		peer, xff, want string
	}{
		{"203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},          // not a proxy: the header is ignored
		{"10.1.2.3:4000", "198.51.100.1", "198.51.100.1"},            // a proxy: the client it saw
		{"192.0.2.7:4000", "198.51.100.1, 10.9.9.9", "198.51.100.1"}, // two proxies in a row
		{"10.1.2.3:4000", "6.6.6.6, 198.51.100.1", "198.51.100.1"},   // the client's own claim on the left is not believed
		{"10.1.2.3:4000", "", "10.1.2.3"},                            // no header: the proxy itself
		{"10.1.2.3:4000", "garbage, 198.51.100.1", "198.51.100.1"},   // garbage left of a good hop
		{"[::ffff:10.1.2.3]:4000", "2001:db8::1", "2001:db8::1"},     // mapped IPv4 proxy
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := ps.ClientIP(r).String(); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "nonsense", "10.0.0"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted", bad)
		}
	}
}

func TestForwardedMarksHTTPSOnlyFromProxies(t *testing.T) {
	ps, _ := ParseProxies("10.0.0.1")
	var got *http.Request
	h := ps.Forwarded(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r }))
	for _, c := range []struct {
		peer  string
		https string
		addr  string
	}{{"10.0.0.1:1", "1", "198.51.100.1:0"}, {"203.0.113.9:1", "", "203.0.113.9:1"}} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		r.Header.Set("X-Forwarded-For", "198.51.100.1")
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Verve-Https", "1") // a client's forgery is dropped
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got.Header.Get("X-Verve-Https") != c.https || got.RemoteAddr != c.addr {
			t.Errorf("from %s: https=%q addr=%s, want %q %s", c.peer, got.Header.Get("X-Verve-Https"), got.RemoteAddr, c.https, c.addr)
		}
	}
}

func TestDelaysGrowAndAreForgotten(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	d := NewDelays()
	d.Now = func() time.Time { return now }
	var got []time.Duration
	for range 12 {
		got = append(got, d.Delay("kari"))
		d.Fail("kari")
	}
	want := []time.Duration{0, 0, 0, 0, 250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
	if d.Delay("ola") != 0 {
		t.Fatal("another name pays for kari's failures")
	}
	now = now.Add(16 * time.Minute)
	if d.Delay("kari") != 0 {
		t.Fatal("failures were not forgotten")
	}
}
