package server

import (
	"context"
	"crypto/subtle"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// MetricsPath is where Prometheus scrapes, on the main address (with the
// metrics token) or on the metrics address.
const MetricsPath = "/metrics"

// metrics are the server's Prometheus metrics, in a registry of their own
// (not the global one: tests build many apps in one process). What each
// means is in docs/operations.md.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec // sync API requests by endpoint and status
	pullLag  prometheus.Histogram     // feed positions a pull's cursor stood behind the head
	pullRows prometheus.Histogram     // changes a pull page delivered
	pulled   *prometheus.CounterVec   // records pulls sent, by source (store, rendered)
}

func newMetrics(app core.App, ops OpsConfig, inFlight func() float64) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "samenspel_sync_request_duration_seconds",
			Help:    "Time to answer a sync API request, by endpoint (pull, push, devices, media, ...) and HTTP status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"endpoint", "status"}),
		pullLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "samenspel_sync_pull_lag_changes",
			Help: "Feed positions between a pull's cursor and the feed head when the pull began (pulls with a cursor; 0: the device was up to date).",
			// 0, then 1, 4, 16, ... 4^10 (about a million).
			Buckets: append([]float64{0}, prometheus.ExponentialBuckets(1, 4, 11)...),
		}),
		pullRows: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "samenspel_sync_pull_page_changes",
			Help:    "Changes delivered by one pull page.",
			Buckets: []float64{0, 1, 10, 100, 500, 1000, 2500, 5000},
		}),
		pulled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samenspel_sync_pull_records_total",
			Help: "Records pulls sent, by source: store (as the render store keeps them) or rendered (from the records: accounts, records moved to a new bucket, a collection whose fields changed, team advisers).",
		}, []string{"source"}),
	}
	m.reg.MustRegister(m.requests, m.pullLag, m.pullRows, m.pulled,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{app: app},
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "samenspel_http_in_flight_requests",
			Help: "HTTP requests being answered (realtime streams not counted); a stopping server waits for these.",
		}, inFlight),
	)
	if lag := ops.BackupLag; lag != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "samenspel_backup_lag_seconds",
			Help: "How far the continuous backup is behind the database (NaN while unknown).",
		}, func() float64 {
			d, ok := lag()
			if !ok {
				return math.NaN()
			}
			return d.Seconds()
		}))
	}
	return m
}

// observePull is the sync service's OnPull.
func (m *metrics) observePull(st fieldsync.PullStats) {
	if !st.Fresh {
		m.pullLag.Observe(float64(st.Behind))
	}
	m.pullRows.Observe(float64(st.Rows))
	m.pulled.WithLabelValues("store").Add(float64(st.Stored))
	m.pulled.WithLabelValues("rendered").Add(float64(st.Rendered))
}

// middleware times every request of the sync API by its route. The error
// handler runs here, not after, so the status is the one sent.
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		m.requests.WithLabelValues(endpointOf(c.Path()), strconv.Itoa(c.Response().Status)).
			Observe(time.Since(start).Seconds())
		return nil
	}
}

// endpointOf names a route of the sync API for a label: its path without
// the prefix and parameters ("/media/:id/content" is media_content). Only
// routes become labels, so their number stays small.
func endpointOf(route string) string {
	rest := strings.TrimPrefix(route, SyncPrefix)
	if rest == route || rest == "" || rest == "/*" {
		return "unmatched"
	}
	var parts []string
	for _, p := range strings.Split(strings.Trim(rest, "/"), "/") {
		if p != "" && !strings.HasPrefix(p, ":") {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "_")
}

// handler serves the metrics; with a token, only to requests bearing it.
func (m *metrics) handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	return requireToken(token, h)
}

// requireToken serves h only to requests bearing the token; others get
// 401. The comparison takes the same time whatever the guess.
func requireToken(token string, h http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			apierr.Write(w, r, nil, apierr.Errorf(apierr.CodeUnauthorized, "Send the metrics token as Authorization: Bearer <token>."))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// storeCollector reads the size of what the server keeps at every scrape:
// change feed rows, its head and purge point, photos waiting for their
// upload, and the database files on disk. The counts read through the
// read pool, so a scrape never waits for a writer.
type storeCollector struct{ app core.App }

var (
	feedRowsDesc   = prometheus.NewDesc("samenspel_feed_rows", "Rows in the change feed (sync_feed).", nil, nil)
	feedHeadDesc   = prometheus.NewDesc("samenspel_feed_head_seq", "The change feed's last position.", nil, nil)
	feedPurgedDesc = prometheus.NewDesc("samenspel_feed_purged_seq", "Cursors before this position get cursor_expired.", nil, nil)
	photosDesc     = prometheus.NewDesc("samenspel_photos_pending", "Announced photos whose upload has not completed.", nil, nil)
	dbBytesDesc    = prometheus.NewDesc("samenspel_database_bytes", "Size of a database file on disk (the WAL too).", []string{"file"}, nil)
	scrapeErrDesc  = prometheus.NewDesc("samenspel_store_scrape_errors", "Queries of this scrape that failed (their metrics are left out).", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{feedRowsDesc, feedHeadDesc, feedPurgedDesc, photosDesc, dbBytesDesc, scrapeErrDesc} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db := c.app.ConcurrentDB()
	failed := 0
	gauge := func(d *prometheus.Desc, sql string) {
		var n float64
		if err := db.NewQuery(sql).WithContext(ctx).Row(&n); err != nil {
			failed++
			return
		}
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, n)
	}
	gauge(feedRowsDesc, "SELECT count(*) FROM sync_feed")
	gauge(feedHeadDesc, "SELECT seq FROM sync_state WHERE id = 1")
	gauge(feedPurgedDesc, "SELECT purged_seq FROM sync_state WHERE id = 1")
	gauge(photosDesc, "SELECT count(*) FROM "+schema.Media+" WHERE status = '"+schema.MediaPending+"'")
	for _, f := range []string{"data.db", "data.db-wal", "auxiliary.db", "auxiliary.db-wal"} {
		var size int64
		if st, err := os.Stat(filepath.Join(c.app.DataDir(), f)); err == nil {
			size = st.Size()
		}
		ch <- prometheus.MustNewConstMetric(dbBytesDesc, prometheus.GaugeValue, float64(size), f)
	}
	ch <- prometheus.MustNewConstMetric(scrapeErrDesc, prometheus.GaugeValue, float64(failed))
}

// serveMetrics serves /metrics on the main router when a token is set,
// and on its own listener when an address is set; the listener closes when
// the app terminates.
func serveMetrics(se *core.ServeEvent, m *metrics, ops OpsConfig) error {
	if ops.MetricsToken != "" {
		h := m.handler(ops.MetricsToken)
		se.Router.GET(MetricsPath, func(e *core.RequestEvent) error {
			h.ServeHTTP(e.Response, e.Request)
			return nil
		})
	}
	if ops.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", ops.MetricsAddr)
	if err != nil {
		return fmt.Errorf("metrics address: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+MetricsPath, m.handler(ops.MetricsToken))
	// Go's profiler, on this listener only (never on the main address):
	// how the load figures of docs/load.md were explained.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if ops.MetricsToken != "" { // the profiler behind the token too
		srv.Handler = requireToken(ops.MetricsToken, mux)
	}
	go srv.Serve(ln)
	se.App.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "samenspelMetricsListener",
		Func: func(e *core.TerminateEvent) error {
			srv.Close()
			return e.Next()
		},
	})
	se.App.Logger().Info("metrics served", "addr", ln.Addr().String(), "path", MetricsPath)
	return nil
}
