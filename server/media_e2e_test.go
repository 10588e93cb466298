package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server"
	"github.com/samenspel/samenspel/storage"
	"github.com/samenspel/samenspel/storage/storagetest"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestPhotoEndToEnd uploads a real JPEG that carries GPS coordinates and
// Orientation 6 through each storage backend, the way a phone does:
// announce, PUT to the presigned URL, complete. The stored and served photo
// has no metadata, is upright, and only people who may see the observation
// can fetch it.
func TestPhotoEndToEnd(t *testing.T) {
	endpoint, key, secret := storagetest.StartVersityGW(t)
	backends := map[string]func() *server.Config{
		"local": func() *server.Config { return server.DefaultConfig() },
		"s3": func() *server.Config {
			cfg := server.DefaultConfig()
			cfg.Storage = server.StorageConfig{Kind: "s3", Endpoint: endpoint, Bucket: "e2e-" + randomSuffix(), AccessKey: key, SecretKey: secret,
				Region: "us-east-1", PathStyle: true, PendingTTL: time.Hour}
			return cfg
		},
	}
	for name, cfg := range backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runPhotoEndToEnd(t, cfg())
		})
	}
}

func runPhotoEndToEnd(t *testing.T, cfg *server.Config) {
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	ctx := context.Background()
	begA := newPhone(t, srv.URL, w.BegA, "bega-phone")

	photo := gpsJPEG(t)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	id := "photo0000000001"
	var ticket fieldsync.MediaTicket
	begA.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": id, "observation": w.ObsA.Id, "sha256": sha, "size": len(photo), "content_type": "image/jpeg"}, 200, &ticket)
	if ticket.Status != "pending" || ticket.Upload == nil || ticket.Upload.Method != "PUT" {
		t.Fatalf("announce: %+v", ticket)
	}
	if st := upload(t, ticket.Upload, photo); st != 200 {
		t.Fatalf("upload status %d", st)
	}
	begA.mustJSON("POST", "/api/sync/v1/media/"+id+"/complete", nil, 200, &ticket)
	if ticket.Status != "stored" {
		t.Fatalf("complete: %+v", ticket)
	}

	// What BegA's phone gets back: clean and upright.
	served := begA.content(id, 200)
	assertClean(t, served)
	assertUpright(t, served)
	if cfg.Storage.Kind == "s3" {
		// A browser page asks for JSON and shows the presigned URL.
		var link struct {
			URL string `json:"url"`
		}
		begA.mustJSONAccept("GET", "/api/sync/v1/media/"+id+"/content", nil, "application/json", 200, &link)
		res, err := http.Get(link.URL)
		if err != nil {
			t.Fatal(err)
		}
		viaLink, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !bytes.Equal(viaLink, served) {
			t.Fatalf("presigned link gave %d bytes (status %d), want the served photo", len(viaLink), res.StatusCode)
		}
		if got := cfg.Storage.PhotoOrigins(); len(got) != 1 || !strings.HasPrefix(link.URL, got[0]+"/") {
			t.Fatalf("photo origins %v do not cover %s", got, link.URL)
		}
	}

	// Who may see it: the team and its adviser; not team B, not a client
	// who did not take part in the safari. No existence leak: 404.
	newPhone(t, srv.URL, w.AdvA, "adva-phone").content(id, 200)
	newPhone(t, srv.URL, w.BegB, "begb-phone").content(id, 404)
	newPhone(t, srv.URL, w.ClientA2, "fatima-phone").content(id, 404)
	newPhone(t, srv.URL, w.ClientB, "piet-phone").content(id, 404)

	// The same bytes again in the same team are not uploaded twice; in
	// another team they are.
	var again fieldsync.MediaTicket
	begA.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": "photo0000000002", "observation": w.ObsA.Id, "sha256": sha, "size": len(photo), "content_type": "image/jpeg"}, 200, &again)
	if again.Status != "stored" || again.Upload != nil {
		t.Fatalf("same team, same bytes: %+v", again)
	}
	begB := newPhone(t, srv.URL, w.BegB, "begb-phone2")
	begB.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": "photo0000000003", "observation": w.ObsB.Id, "sha256": sha, "size": len(photo), "content_type": "image/jpeg"}, 200, &again)
	if again.Status != "pending" || again.Upload == nil {
		t.Fatalf("other team, same bytes: %+v", again)
	}

	// Refusals.
	begA.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": "photo0000000004", "observation": w.ObsA.Id, "sha256": sha, "size": 1234, "content_type": "image/heic"}, 415, nil)
	begA.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": "photo0000000004", "observation": w.ObsA.Id, "sha256": sha, "size": 21 << 20, "content_type": "image/jpeg"}, 413, nil)
	begA.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": "photo0000000004", "observation": w.ObsB.Id, "sha256": sha, "size": len(photo), "content_type": "image/jpeg"}, 404, nil)
	begA.mustJSON("POST", "/api/sync/v1/media/"+"photo0000000003"+"/complete", nil, 404, nil)

	// A "JPEG" that is a PNG is refused on complete and not kept.
	pngBytes := onePNG(t)
	psum := sha256.Sum256(pngBytes)
	var fake fieldsync.MediaTicket
	begA.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": "photo0000000005", "observation": w.ObsA.Id, "sha256": hex.EncodeToString(psum[:]), "size": len(pngBytes), "content_type": "image/jpeg"}, 200, &fake)
	if st := upload(t, fake.Upload, pngBytes); st != 200 {
		t.Fatalf("upload png: %d", st)
	}
	begA.mustJSON("POST", "/api/sync/v1/media/photo0000000005/complete", nil, 415, nil)
	store := storeOf(t, app, cfg)
	if _, err := store.Stat(ctx, "uploads/photo0000000005"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("refused upload kept: %v", err)
	}

	// Deleting removes the bytes once nothing points at them.
	stored := objectKey(t, app, id)
	mustDelete(t, app, id)
	if _, err := store.Stat(ctx, stored); err != nil {
		t.Fatalf("shared photo deleted while photo0000000002 still uses it: %v", err)
	}
	mustDelete(t, app, "photo0000000002")
	if _, err := store.Stat(ctx, stored); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("photo kept after its last record: %v", err)
	}
}

// phone is a registered device speaking the sync API over real HTTP.
type phone struct {
	t     *testing.T
	base  string
	token string
}

func newPhone(t *testing.T, base string, person *core.Record, deviceID string) *phone {
	t.Helper()
	p := &phone{t: t, base: base}
	var reg struct {
		Token string `json:"token"`
	}
	p.token = servertest.Token(t, person)
	p.mustJSON("POST", "/api/sync/v1/devices", map[string]any{"device_id": deviceID, "platform": "test", "app_version": "1", "schema_version": 1}, 200, &reg)
	p.token = "Bearer " + reg.Token
	return p
}

func (p *phone) mustJSON(method, path string, body any, want int, out any) {
	p.t.Helper()
	p.mustJSONAccept(method, path, body, "", want, out)
}

// mustJSONAccept sends a request with an Accept header ("" for none) and
// decodes the JSON answer into out (if not nil).
func (p *phone) mustJSONAccept(method, path string, body any, accept string, want int, out any) {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.base+path, rd)
	req.Header.Set("Authorization", p.token)
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		p.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

// content fetches a photo, following a redirect to presigned storage.
func (p *phone) content(id string, want int) []byte {
	p.t.Helper()
	req, _ := http.NewRequest("GET", p.base+"/api/sync/v1/media/"+id+"/content", nil)
	req.Header.Set("Authorization", p.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		p.t.Fatalf("content %s: status %d, want %d: %s", id, res.StatusCode, want, raw)
	}
	return raw
}

func upload(t *testing.T, r *storage.Request, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(r.Method, r.URL, bytes.NewReader(body))
	for k, v := range r.Headers {
		if k != "Content-Length" {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Logf("upload %s: %d %s", r.URL, res.StatusCode, raw)
	}
	return res.StatusCode
}

func assertClean(t *testing.T, b []byte) {
	t.Helper()
	for _, needle := range [][]byte{[]byte("Exif\x00\x00"), []byte("http://ns.adobe.com/xap"), gpsLatitude} {
		if bytes.Contains(b, needle) {
			t.Fatalf("served photo still holds %q", needle)
		}
	}
}

// assertUpright: stored 40×20 with a red block top-left and Orientation 6,
// the served picture is 20×40 with the block top-right.
func assertUpright(t *testing.T, b []byte) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("served photo does not decode: %v", err)
	}
	if got, want := img.Bounds().Size(), image.Pt(20, 40); got != want {
		t.Fatalf("served size %v, want %v", got, want)
	}
	r, g, _, _ := img.At(17, 2).RGBA()
	if r>>8 < 180 || g>>8 > 90 {
		t.Fatalf("marker not at top-right after rotation: rgb(%d,%d,..)", r>>8, g>>8)
	}
}

// gpsLatitude is the latitude the test photo carries: 52°15'30" as three
// rationals, little-endian.
var gpsLatitude = []byte{52, 0, 0, 0, 1, 0, 0, 0, 15, 0, 0, 0, 1, 0, 0, 0, 0xb8, 0x0b, 0, 0, 100, 0, 0, 0}

// gpsJPEG makes a 40×20 JPEG with a red block top-left and an EXIF APP1
// segment holding Orientation 6 and a GPS position, as a phone camera
// writes it.
func gpsJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			c := color.RGBA{200, 200, 200, 255}
			if x < 8 && y < 8 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	tiff := []byte("II*\x00\x08\x00\x00\x00")
	entry := func(tag, typ uint16, count, value uint32) []byte {
		e := make([]byte, 12)
		le.PutUint16(e[0:], tag)
		le.PutUint16(e[2:], typ)
		le.PutUint32(e[4:], count)
		le.PutUint32(e[8:], value)
		return e
	}
	// IFD0 at 8: Orientation, GPS pointer -> GPS IFD at 38.
	tiff = append(tiff, 2, 0)
	tiff = append(tiff, entry(0x0112, 3, 1, 6)...)
	tiff = append(tiff, entry(0x8825, 4, 1, 38)...)
	tiff = append(tiff, 0, 0, 0, 0)
	// GPS IFD at 38: refs inline, rationals at 92 and 116.
	tiff = append(tiff, 4, 0)
	tiff = append(tiff, entry(0x0001, 2, 2, uint32('N'))...)
	tiff = append(tiff, entry(0x0002, 5, 3, 92)...)
	tiff = append(tiff, entry(0x0003, 2, 2, uint32('E'))...)
	tiff = append(tiff, entry(0x0004, 5, 3, 116)...)
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, gpsLatitude...)
	tiff = append(tiff, 6, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0xd2, 0x04, 0, 0, 100, 0, 0, 0)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(payload)+2))
	app1 = append(app1, payload...)
	xmp := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>52,15.5N</exif:GPSLatitude></x:xmpmeta>")
	app1x := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1x[2:], uint16(len(xmp)+2))
	app1x = append(app1x, xmp...)
	raw := enc.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, app1...)
	out = append(out, app1x...)
	return append(out, raw[2:]...)
}

func onePNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// storeOf opens the app's photo storage the way the server does.
func storeOf(t *testing.T, app *tests.TestApp, cfg *server.Config) storage.Store {
	t.Helper()
	st, err := server.OpenStore(context.Background(), app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func objectKey(t *testing.T, app *tests.TestApp, id string) string {
	t.Helper()
	r, err := app.FindRecordById("media", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("object_key")
}

func mustDelete(t *testing.T, app *tests.TestApp, id string) {
	t.Helper()
	r, err := app.FindRecordById("media", id)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(r); err != nil {
		t.Fatal(err)
	}
}

func randomSuffix() string { return strings.ToLower(rand.Text()[:10]) }

// rest calls the PocketBase REST API as person and expects success.
func (p *phone) rest(t *testing.T, method, path string, person *core.Record) {
	t.Helper()
	req, _ := http.NewRequest(method, p.base+path, nil)
	req.Header.Set("Authorization", servertest.Token(t, person))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
}
