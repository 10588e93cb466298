package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server"
	"github.com/samenspel/samenspel/storage"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestPhotoCleanup: deleting an observation or a client removes their
// photos' bytes; photos announced but never uploaded, and objects no
// record points to, are swept after the pending TTL.
func TestPhotoCleanup(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	ctx := context.Background()
	store := storeOf(t, app, cfg)
	begA := newPhone(t, srv.URL, w.BegA, "bega")
	jan := newPhone(t, srv.URL, w.ClientA, "jan")

	stored := func(p *phone, id, observation string, body []byte) string {
		t.Helper()
		sum := sha256.Sum256(body)
		var tk fieldsync.MediaTicket
		p.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": id, "observation": observation, "sha256": hex.EncodeToString(sum[:]), "size": len(body), "content_type": "image/jpeg"}, 200, &tk)
		if tk.Upload != nil {
			if st := upload(t, tk.Upload, body); st != 200 {
				t.Fatalf("upload %s: %d", id, st)
			}
			p.mustJSON("POST", "/api/sync/v1/media/"+id+"/complete", nil, 200, &tk)
		}
		return objectKey(t, app, id)
	}
	gone := func(key string) {
		t.Helper()
		if _, err := store.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("object %s still there: %v", key, err)
		}
	}

	// Deleting an observation (a person, through the REST API) takes its
	// photo's bytes with it.
	obsKey := stored(begA, "photoobs0000001", w.ObsA.Id, gpsJPEG(t))
	begA.rest(t, "DELETE", "/api/collections/observations/records/"+w.ObsA.Id, w.BegA)
	gone(obsKey)

	// Deleting a client deletes the observations they logged and the photos
	// on them.
	other := append(gpsJPEG(t), 0) // different bytes: its own object
	clientKey := stored(jan, "photoclient0001", w.ObsByClientA.Id, other)
	if err := app.Delete(w.ClientA); err != nil {
		t.Fatalf("delete client: %v", err)
	}
	gone(clientKey)

	// Announced, never uploaded: swept with its record after the TTL.
	sum := sha256.Sum256([]byte("never"))
	var tk fieldsync.MediaTicket
	begB := newPhone(t, srv.URL, w.BegB, "begb")
	begB.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": "photopending001", "observation": w.ObsB.Id, "sha256": hex.EncodeToString(sum[:]), "size": 5, "content_type": "image/jpeg"}, 200, &tk)
	// An object nobody points to.
	if err := store.Put(ctx, "photos/nobody/stray.jpg", bytes.NewReader([]byte("stray")), 5, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	svc := fieldsync.New(app, fieldsync.Config{Media: fieldsync.MediaConfig{Store: store, PendingTTL: time.Hour}})
	st, err := svc.SweepMedia(ctx, time.Now())
	if err != nil || st.PendingRecords != 0 || st.Objects != 0 {
		t.Fatalf("sweep before the TTL removed something: %+v %v", st, err)
	}
	st, err = svc.SweepMedia(ctx, time.Now().Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// Two pending records: ours, and the World's MediaB, never uploaded either.
	if got, want := st, (fieldsync.MediaSweep{PendingRecords: 2, Objects: 1}); got != want {
		t.Fatalf("sweep = %+v, want %+v", got, want)
	}
	if _, err := app.FindRecordById("media", "photopending001"); err == nil {
		t.Fatal("pending photo record kept")
	}
	gone("photos/nobody/stray.jpg")
}
