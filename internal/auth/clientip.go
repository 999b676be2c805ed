package auth

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/verve-union/verve/internal/model"
)

// Proxies are the addresses of reverse proxies whose X-Forwarded-For and
// X-Forwarded-Proto headers are believed. Anyone can send those headers,
// so they count only when the connection comes from one of these.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of CIDRs or single addresses
// ("10.0.0.0/8, 192.0.2.7").
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, model.ErrorKey(model.EINVALID, "err.proxy.invalid", "value", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, model.ErrorKey(model.EINVALID, "err.proxy.invalid", "value", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (ps Proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer returns the address of the connection's other end.
func peer(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// ClientIP is the address of the client: the connection's address, or,
// when that is a trusted proxy, the nearest address in X-Forwarded-For
// that is not one (read from the right: the left part is the client's to
// write).
func (ps Proxies) ClientIP(r *http.Request) netip.Addr {
	a, ok := peer(r)
	if !ok || !ps.trusted(a) {
		return a
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: trust nothing further left
		}
		a = h.Unmap()
		if !ps.trusted(a) {
			break
		}
	}
	return a
}

// Forwarded rewrites each request's RemoteAddr to the client's address
// (see ClientIP), so that rate limits and the audit log see the person
// and not the proxy, and marks requests a trusted proxy received over
// TLS (X-Forwarded-Proto: https) in the header X-Verve-Https.
func (ps Proxies) Forwarded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("X-Verve-Https")
		if a, ok := peer(r); ok && ps.trusted(a) {
			r2 := *r
			r2.RemoteAddr = net.JoinHostPort(ps.ClientIP(r).String(), "0")
			if strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
				r2.Header = r.Header.Clone()
				r2.Header.Set("X-Verve-Https", "1")
			}
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}
