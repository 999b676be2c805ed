package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wrkLoad is loadFor's figures as wrk measured them (VERVE_BENCH_WRK names
// the wrk binary): the issue's own yardstick (wrk -c200), a C client that
// takes less of the machine's two cores than the benchmark's Go clients.
// The clients' session cookies go round the requests of each of wrk's
// threads; a page other than 200 counts as an error.
type wrkLoad struct {
	pagesPerSec, p50, p99 float64 // p50, p99 in ms
	errors                int
}

// wrkScript is the Lua wrk runs: the cookies in turn, and the count of
// answers other than 200 (wrk counts a redirect to the sign-in as served).
const wrkScript = `local cookies = {%s}
local threads = {}
local i = 0
function setup(thread) table.insert(threads, thread) end
function init(args) errors = 0 end
function request()
  i = i + 1
  return wrk.format("GET", nil, {["Cookie"] = cookies[(i %% #cookies) + 1]})
end
function response(status, headers, body) if status ~= 200 then errors = errors + 1 end end
function done(summary, latency, requests)
  local e = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, t in ipairs(threads) do e = e + t:get("errors") end
  io.write(string.format("VERVE_ERRORS %%d\n", e))
end
`

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkErrors  = regexp.MustCompile(`VERVE_ERRORS (\d+)`)
)

// runWrk has wrk load target with len(clients) connections for d.
func runWrk(b *testing.B, wrk string, d time.Duration, target string, clients []*http.Client) wrkLoad {
	b.Helper()
	u, err := url.Parse(target)
	if err != nil {
		b.Fatal(err)
	}
	var cookies []string
	for _, c := range clients {
		var pairs []string
		if c.Jar != nil {
			for _, k := range c.Jar.Cookies(u) {
				pairs = append(pairs, k.Name+"="+k.Value)
			}
		}
		cookies = append(cookies, strconv.Quote(strings.Join(pairs, "; ")))
	}
	script := filepath.Join(b.TempDir(), "verve.lua")
	if err := os.WriteFile(script, fmt.Appendf(nil, wrkScript, strings.Join(cookies, ", ")), 0o600); err != nil {
		b.Fatal(err)
	}
	out, err := exec.Command(wrk, "-t2", "-c"+strconv.Itoa(len(clients)), "-d"+strconv.Itoa(int(d.Seconds()))+"s",
		"--latency", "-s", script, target).CombinedOutput()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	var l wrkLoad
	m := wrkRate.FindSubmatch(out)
	e := wrkErrors.FindSubmatch(out)
	if m == nil || e == nil {
		b.Fatalf("wrk's output not understood:\n%s", out)
	}
	l.pagesPerSec, _ = strconv.ParseFloat(string(m[1]), 64)
	l.errors, _ = strconv.Atoi(string(e[1]))
	for _, m := range wrkLatency.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		switch string(m[3]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if string(m[1]) == "50" {
			l.p50 = v
		} else {
			l.p99 = v
		}
	}
	return l
}
