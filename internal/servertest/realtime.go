package servertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// RealtimeConnect opens a realtime (SSE) connection to the server at base,
// kept open until the test ends, and returns its client id and the data
// of the messages after PB_CONNECT.
func RealtimeConnect(tb testing.TB, base string) (clientID string, msgs <-chan string) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/realtime", nil)
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		tb.Fatalf("connect realtime: %v", err)
	}
	tb.Cleanup(func() { cancel(); res.Body.Close() })
	lines := bufio.NewScanner(res.Body)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for clientID == "" && lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data:"); ok {
			var connect struct {
				ClientID string `json:"clientId"`
			}
			if err := json.Unmarshal([]byte(data), &connect); err != nil || connect.ClientID == "" {
				tb.Fatalf("PB_CONNECT data %q: %v", data, err)
			}
			clientID = connect.ClientID
		}
	}
	if clientID == "" {
		tb.Fatalf("realtime closed before PB_CONNECT: %v", lines.Err())
	}
	out := make(chan string, 16)
	go func() {
		defer close(out)
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data:"); ok {
				out <- data
			}
		}
	}()
	return clientID, out
}

// SubscribeStatus asks for the topics on connection clientID with the
// Authorization value token ("" for none) and returns the answer's status
// (204 when subscribed).
func SubscribeStatus(tb testing.TB, base, token, clientID string, topics ...string) int {
	tb.Helper()
	return Call(tb, base, token, http.MethodPost, "/api/realtime", map[string]any{"clientId": clientID, "subscriptions": topics})
}

// Call sends a JSON request (body nil: none) with the Authorization value
// token ("" for none) and returns the answer's status.
func Call(tb testing.TB, base, token, method, path string, body map[string]any) int {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// Subscribe opens a realtime connection as the holder of token, subscribes
// to the topics and returns the data of the messages that follow.
func Subscribe(tb testing.TB, base, token string, topics ...string) <-chan string {
	tb.Helper()
	clientID, msgs := RealtimeConnect(tb, base)
	if got := SubscribeStatus(tb, base, token, clientID, topics...); got != http.StatusNoContent {
		tb.Fatalf("subscribe %v: status %d", topics, got)
	}
	return msgs
}

// NextMessage waits up to 5 s for the next realtime message.
func NextMessage(tb testing.TB, msgs <-chan string) string {
	tb.Helper()
	select {
	case m, ok := <-msgs:
		if !ok {
			tb.Fatal("realtime connection closed")
		}
		return m
	case <-time.After(5 * time.Second):
		tb.Fatal("no realtime message within 5s")
	}
	return ""
}
