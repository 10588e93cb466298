package sync

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/storage"
	"github.com/samenspel/samenspel/storage/photo"
)

// Complete checks an uploaded photo and stores a clean copy: the bytes
// must have the announced size and SHA-256 and really be the announced
// type; all metadata (GPS first of all) is removed while the orientation
// is applied; the clean copy goes under its final key and the upload is
// deleted. Any refusal deletes the upload too. Completing a stored photo
// again answers as before. The photo streams from storage through the
// cleaner into a temporary file: it is never held in memory whole.
func (s *Service) Complete(ctx context.Context, dev *Device, id string) (*MediaTicket, error) {
	if s.cfg.Media.Store == nil {
		return nil, apierr.Errorf(apierr.CodeNotFound, "Photo storage is not configured on this server.")
	}
	r, err := s.mediaFor(dev.Person, id)
	if err != nil {
		return nil, err
	}
	if ok, err := canAccess(s.app, r, schema.RequestInfo(dev.Person, "PATCH", nil), r.Collection().UpdateRule); err != nil {
		return nil, err
	} else if !ok {
		return nil, apierr.Errorf(apierr.CodeForbidden, "You may not complete this photo.")
	}
	if r.GetString(schema.FieldStatus) == schema.MediaStored {
		return &MediaTicket{ID: r.Id, Status: schema.MediaStored}, nil
	}
	key, ctype, err := s.cleanUpload(ctx, r)
	if err != nil {
		var pe *apierr.Error
		if errors.As(err, &pe) {
			_ = s.cfg.Media.Store.Delete(ctx, uploadKey(r.Id)) // refused bytes are not kept
		}
		return nil, err
	}
	err = s.app.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(schema.Media, r.Id)
		if err != nil {
			return apierr.Errorf(apierr.CodeNotFound, "The photo was deleted meanwhile.")
		}
		fresh.Set(schema.FieldStatus, schema.MediaStored)
		fresh.Set(schema.FieldObjectKey, key)
		fresh.Set("content_type", ctype)
		schema.SetAuthor(fresh, dev.PersonKey())
		schema.SetAuthorDevice(fresh, dev.ID)
		schema.SetTrusted(fresh)
		return saveRecord(tx, fresh)
	})
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Media.Store.Delete(ctx, uploadKey(r.Id)); err != nil {
		s.app.Logger().Warn("delete completed upload", "media", r.Id, "error", err.Error()) // the sweeper retries
	}
	return &MediaTicket{ID: r.Id, Status: schema.MediaStored}, nil
}

// cleanUpload verifies the upload of r and writes its clean copy to the
// final key, returning that key and the real content type.
func (s *Service) cleanUpload(ctx context.Context, r *core.Record) (key, ctype string, err error) {
	store := s.cfg.Media.Store
	announced := int64(r.GetInt("size"))
	info, err := store.Stat(ctx, uploadKey(r.Id))
	if errors.Is(err, storage.ErrNotFound) {
		return "", "", apierr.Errorf(apierr.CodeInvalidRequest, "No upload found for this photo: upload the bytes first.").
			WithData(map[string]any{"upload": "missing"})
	}
	if err != nil {
		return "", "", fmt.Errorf("stat upload: %w", err)
	}
	if info.Size != announced {
		return "", "", apierr.Errorf(apierr.CodeInvalidRequest, "The upload has %d bytes, %d were announced.", info.Size, announced).
			WithData(map[string]any{"size": "does not match the upload"})
	}
	rc, _, err := store.Open(ctx, uploadKey(r.Id))
	if err != nil {
		return "", "", fmt.Errorf("open upload: %w", err)
	}
	defer rc.Close()
	hash := sha256.New()
	in := bufio.NewReaderSize(io.TeeReader(rc, hash), 64<<10)
	head, _ := in.Peek(512)
	ctype, err = photo.Sniff(head)
	if err != nil {
		return "", "", unsupportedType("bytes of another type")
	}
	if ctype != r.GetString("content_type") {
		return "", "", apierr.Errorf(apierr.CodeUnsupportedMediaType, "The bytes are %s, not %s as announced.", ctype, r.GetString("content_type")).
			WithData(map[string]any{"content_type": "does not match the bytes"})
	}
	tmp, err := os.CreateTemp("", "samenspel-photo-*")
	if err != nil {
		return "", "", err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	s.cleaning <- struct{}{} // a rotation decodes the whole picture: bound how many run at once
	res, err := photo.Clean(tmp, in)
	<-s.cleaning
	switch {
	case errors.Is(err, photo.ErrUnsupported):
		return "", "", unsupportedType("bytes of another type")
	case errors.Is(err, photo.ErrTooLarge):
		return "", "", apierr.Errorf(apierr.CodePayloadTooLarge, "A photo may be at most %d bytes or %d pixels.", photo.MaxSize, photo.MaxPixels).
			WithData(map[string]any{"max_bytes": photo.MaxSize})
	case errors.Is(err, photo.ErrMalformed):
		return "", "", apierr.Errorf(apierr.CodeInvalidRequest, "The photo is damaged and could not be read as %s.", ctype).
			WithData(map[string]any{"upload": "not a readable " + ctype})
	case err != nil:
		return "", "", fmt.Errorf("clean photo: %w", err)
	}
	if _, err := io.Copy(io.Discard, in); err != nil { // hash what the cleaner did not need
		return "", "", fmt.Errorf("read upload: %w", err)
	}
	if got := hex.EncodeToString(hash.Sum(nil)); got != r.GetString(schema.FieldSHA256) {
		return "", "", apierr.Errorf(apierr.CodeInvalidRequest, "The upload does not match the announced SHA-256.").
			WithData(map[string]any{"sha256": "does not match the upload"})
	}
	size := res.Size
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return "", "", err
	}
	scope, err := schema.ScopeOf(s.app.DB(), schema.Media, r.Id)
	if err != nil {
		return "", "", err
	}
	key = photoKey(scope.Team, r.GetString(schema.FieldSHA256), ctype)
	if err := store.Put(ctx, key, tmp, size, ctype); err != nil {
		return "", "", fmt.Errorf("store clean photo: %w", err)
	}
	return key, ctype, nil
}
