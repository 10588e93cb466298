package audit_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/jpeg"
	"net/http"
	"testing"

	"github.com/samenspel/samenspel/internal/accesslog"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// A photo on the observation a client wrote is the client's data: its
// download is logged, by the device that fetched it, or by the superuser
// behind a login made with an impersonation token.
func TestPhotoDownloadIsLogged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	dev := e.register(w.BegA, "phone-anouk")
	var img bytes.Buffer
	if err := jpeg.Encode(&img, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(img.Bytes())
	id := "photo0000000001"
	r := e.do("POST", "/api/sync/v1/media", dev, map[string]any{"id": id, "observation": w.ObsByClientA.Id,
		"sha256": hex.EncodeToString(sum[:]), "size": img.Len(), "content_type": "image/jpeg"})
	e.mustOK(r, "announce")
	var ticket fieldsync.MediaTicket
	if err := json.Unmarshal(r.body, &ticket); err != nil || ticket.Upload == nil {
		t.Fatalf("ticket %s", r.body)
	}
	req, _ := http.NewRequest(ticket.Upload.Method, ticket.Upload.URL, bytes.NewReader(img.Bytes()))
	for k, v := range ticket.Upload.Headers {
		if k != "Content-Length" {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %v %v", err, res)
	}
	res.Body.Close()
	e.mustOK(e.do("POST", "/api/sync/v1/media/"+id+"/complete", dev, nil), "complete")
	e.mustOK(e.do("GET", "/api/sync/v1/media/"+id+"/content", dev, nil), "download")

	en := find(t, e.by(w.BegA), w.ClientA.Id, accesslog.ActionRead)
	if en.Path != accesslog.PathMedia || en.Collections != "media" || en.Device != "phone-anouk" {
		t.Fatalf("entry %+v", en)
	}
	// A superuser as Anouk, on the review page (a PocketBase login, no
	// device): the superuser looked, on her behalf.
	su := e.superuser("beheer@example.nl")
	e.mustOK(e.do("GET", "/api/sync/v1/media/"+id+"/content", e.impersonate(su, w.BegA, 0), nil), "download as Anouk")
	en = find(t, e.by(su), w.ClientA.Id, accesslog.ActionRead)
	if en.Path != accesslog.PathMedia || en.OnBehalfOf != "users:"+w.BegA.Id || en.Role != "superuser" || en.Device != "" {
		t.Fatalf("impersonated download %+v", en)
	}
}
