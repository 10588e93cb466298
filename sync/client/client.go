package client

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// Client is one device.
type Client struct {
	BaseURL       string // the server, e.g. http://127.0.0.1:8090
	DeviceID      string
	SchemaVersion int
	HTTP          *http.Client
	Gzip          bool // ask for gzip responses and send gzip bodies
	PullLimit     int  // the page size asked for (0: the server's default)
	// Discard keeps no records, only the cursor: a load generator plays
	// hundreds of phones in one process and needs only their traffic.
	Discard bool

	// MaxAttempts bounds retries of a request that failed in transport or
	// with a retryable status (429, 5xx). Backoff doubles from BaseBackoff.
	MaxAttempts int
	BaseBackoff time.Duration

	// Reauth, if set, returns a fresh PocketBase auth token when the device
	// token has expired or been refused; the client then registers again.
	Reauth func(ctx context.Context) (string, error)

	token  string
	cursor string
	store  *Store
	queue  []Mutation
	seq    int
	nonce  string
	// Rejected holds mutations the server refused, with why; an app shows
	// them to the person. The server keeps them too.
	Rejected []Rejection
	// Conflicts counts push results with status conflict.
	Conflicts int
	// Wiped is set when the device was revoked and wiped itself.
	Wiped bool
	// OnResult, if set, sees every push result with its mutation.
	OnResult func(Mutation, Result)
	// Replayed counts acknowledged mutations queued again after the
	// server was restored (replay.go).
	Replayed int
	// Now is the clock of the replay window; nil is time.Now.
	Now func() time.Time

	history      string        // the server's history (feed epoch) last seen
	replayWindow time.Duration // how long acknowledged mutations are kept
	kept         []kept        // acknowledged mutations, oldest first
}

// Rejection is a mutation the server refused.
type Rejection struct {
	Mutation Mutation
	Error    *Error
}

// New returns a client for a device. It registers on first use (Register).
func New(baseURL, deviceID string) *Client {
	return &Client{
		BaseURL: baseURL, DeviceID: deviceID, SchemaVersion: 1,
		HTTP:        &http.Client{Timeout: 60 * time.Second},
		MaxAttempts: 6, BaseBackoff: 50 * time.Millisecond,
		store: NewStore(),
	}
}

// Store returns the records as the server last sent them (no pending
// mutations applied).
func (c *Client) Store() *Store { return c.store }

// Pending returns the mutations not yet accepted by the server, in order.
func (c *Client) Pending() []Mutation { return append([]Mutation(nil), c.queue...) }

// Cursor returns the pull cursor.
func (c *Client) Cursor() string { return c.cursor }

// Register registers the device with a PocketBase auth token and keeps the
// device token it gets.
func (c *Client) Register(ctx context.Context, pbToken string) error {
	body := map[string]any{"device_id": c.DeviceID, "platform": "go-client", "app_version": "dev", "schema_version": c.SchemaVersion}
	var res struct {
		Token               string `json:"token"`
		History             string `json:"history"`
		ReplayWindowSeconds int64  `json:"replay_window_seconds"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/sync/v1/devices", pbToken, body, &res); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	c.token = res.Token
	c.noteHistory(res.History, res.ReplayWindowSeconds)
	return nil
}

// Sync pushes pending mutations, then pulls until up to date. If the pull
// showed that the server was restored, the acknowledged mutations it
// queued again are pushed, and the result pulled, in the same Sync.
func (c *Client) Sync(ctx context.Context) error {
	if err := c.Push(ctx); err != nil {
		return err
	}
	replayed := c.Replayed
	if err := c.Pull(ctx); err != nil {
		return err
	}
	if c.Replayed == replayed {
		return nil
	}
	if err := c.Push(ctx); err != nil {
		return err
	}
	return c.Pull(ctx)
}

// wipe forgets everything: what a revoked device must do.
func (c *Client) wipe() {
	c.store = NewStore()
	c.queue = nil
	c.cursor = ""
	c.token = ""
	c.kept = nil
	c.history = ""
	c.Wiped = true
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.BaseBackoff << attempt
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
