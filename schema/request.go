package schema

import "github.com/pocketbase/pocketbase/core"

// RequestInfo is the request PocketBase's rules see when auth makes a
// method request with body (nil for none), for evaluating a rule outside
// an HTTP request.
func RequestInfo(auth *core.Record, method string, body map[string]any) *core.RequestInfo {
	if body == nil {
		body = map[string]any{}
	}
	return &core.RequestInfo{
		Auth: auth, Method: method, Context: core.RequestInfoContextDefault,
		Query: map[string]string{}, Headers: map[string]string{}, Body: body,
	}
}
