package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Error is a protocol error answered by the server.
type Error struct {
	Status  int            `json:"status"`
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// IsCode reports whether err is a protocol error with this code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// do sends a JSON request with retries for transport failures and
// retryable statuses; a protocol error answer is returned as *Error.
func (c *Client) do(ctx context.Context, method, path, auth string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	var last error
	for attempt := 0; attempt < max(1, c.MaxAttempts); attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(c.backoff(attempt - 1)):
			}
		}
		status, raw, err := c.roundTrip(ctx, method, path, auth, payload)
		if err != nil {
			last = err
			continue
		}
		if status == http.StatusOK {
			if out == nil {
				return nil
			}
			if p, ok := out.(*Page); ok {
				return decodePage(raw, p)
			}
			return json.Unmarshal(raw, out)
		}
		var pe Error
		if json.Unmarshal(raw, &pe) != nil || pe.Code == "" {
			pe = Error{Status: status, Code: "http_" + strconv.Itoa(status), Message: string(raw)}
		}
		if !retryable(status) {
			return &pe
		}
		last = &pe
	}
	return fmt.Errorf("%s %s: giving up after %d attempts: %w", method, path, c.MaxAttempts, last)
}

func (c *Client) roundTrip(ctx context.Context, method, path, auth string, payload []byte) (int, []byte, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
		if c.Gzip && len(payload) > 1024 {
			var zb bytes.Buffer
			zw := gzip.NewWriter(&zb)
			zw.Write(payload)
			zw.Close()
			req.Body = io.NopCloser(&zb)
			req.ContentLength = int64(zb.Len())
			req.Header.Set("Content-Encoding", "gzip")
		}
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("X-Schema-Version", strconv.Itoa(c.SchemaVersion))
	if c.Gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var body io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			return 0, nil, err
		}
		body = zr
	}
	// A page is megabytes: read it into a buffer of its announced size
	// rather than growing one (and copying) as it arrives.
	var buf bytes.Buffer
	if res.ContentLength > 0 && res.Header.Get("Content-Encoding") != "gzip" {
		buf.Grow(int(res.ContentLength) + 1)
	}
	_, err = buf.ReadFrom(body)
	return res.StatusCode, buf.Bytes(), err
}

// call sends an authenticated sync request, re-registering once if the
// device token is refused and Reauth is set, and wiping the device if it
// was revoked.
func (c *Client) call(ctx context.Context, method, path string, body, out any) error {
	err := c.do(ctx, method, path, "Bearer "+c.token, body, out)
	if IsCode(err, "device_revoked") {
		c.wipe()
		return err
	}
	if IsCode(err, "unauthorized") && c.Reauth != nil {
		tok, rerr := c.Reauth(ctx)
		if rerr != nil {
			return fmt.Errorf("reauth: %w (after %v)", rerr, err)
		}
		if rerr := c.Register(ctx, tok); rerr != nil {
			return rerr
		}
		return c.do(ctx, method, path, "Bearer "+c.token, body, out)
	}
	return err
}
