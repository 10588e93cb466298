package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/server"
	"github.com/samenspel/samenspel/storage"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestUploadTicketClosedAfterComplete: on the embedded storage, a photo's
// upload ticket writes only while the photo is pending. Once it is stored,
// a second PUT with the same (unexpired) ticket is refused and writes
// nothing.
func TestUploadTicketClosedAfterComplete(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	app := servertest.NewApp(t, cfg)
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	begA := newPhone(t, srv.URL, w.BegA, "bega-phone")

	photo := gpsJPEG(t)
	sum := sha256.Sum256(photo)
	id := "photo0000000009"
	var ticket fieldsync.MediaTicket
	begA.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": id, "observation": w.ObsA.Id,
		"sha256": hex.EncodeToString(sum[:]), "size": len(photo), "content_type": "image/jpeg"}, 200, &ticket)
	put := ticket.Upload
	if st := upload(t, put, photo); st != 200 {
		t.Fatalf("upload status %d", st)
	}
	begA.mustJSON("POST", "/api/sync/v1/media/"+id+"/complete", nil, 200, &ticket)
	if ticket.Status != "stored" {
		t.Fatalf("complete: %+v", ticket)
	}

	if got, want := upload(t, put, photo), 403; got != want {
		t.Fatalf("second PUT with the ticket: status %d, want %d", got, want)
	}
	st := storeOf(t, app, cfg)
	if _, err := st.Stat(context.Background(), "uploads/"+id); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("upload written again after completion: %v", err)
	}
}
