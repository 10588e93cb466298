package sync

import (
	"context"
	"fmt"
	"io"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/storage"
)

// MediaContent is how to deliver a photo: a redirect to a short-lived
// presigned URL (S3: the bytes never pass through the server), or the
// bytes themselves (local storage).
type MediaContent struct {
	Redirect    string
	Body        io.ReadCloser
	ContentType string
	Size        int64
}

// Content returns a stored photo for a person who may see its observation
// (a device's person, or a PocketBase login such as the review page's).
// Everyone else gets not_found, whether the photo exists or not.
func (s *Service) Content(ctx context.Context, person *core.Record, id string) (*MediaContent, error) {
	if s.cfg.Media.Store == nil {
		return nil, apierr.Errorf(apierr.CodeNotFound, "Photo storage is not configured on this server.")
	}
	if person == nil {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "Log in to see photos.")
	}
	r, err := s.mediaFor(person, id)
	if err != nil {
		return nil, err
	}
	key := r.GetString(schema.FieldObjectKey)
	if r.GetString(schema.FieldStatus) != schema.MediaStored || key == "" {
		return nil, apierr.Errorf(apierr.CodeNotFound, "This photo has not been uploaded yet.")
	}
	if local, ok := s.cfg.Media.Store.(*storage.Local); ok {
		body, info, err := local.Open(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("open photo %s: %w", id, err)
		}
		return &MediaContent{Body: body, ContentType: info.ContentType, Size: info.Size}, nil
	}
	req, err := s.cfg.Media.Store.PresignGet(ctx, key, s.cfg.Media.ContentTTL)
	if err != nil {
		return nil, fmt.Errorf("presign photo %s: %w", id, err)
	}
	return &MediaContent{Redirect: req.URL, ContentType: r.GetString("content_type")}, nil
}

// PhotoURL returns a short-lived URL for a stored photo, for pages that
// show photos to a person already checked to see them (the review page).
func (s *Service) PhotoURL(ctx context.Context, media *core.Record) (string, error) {
	if s.cfg.Media.Store == nil || media.GetString(schema.FieldStatus) != schema.MediaStored {
		return "", nil
	}
	req, err := s.cfg.Media.Store.PresignGet(ctx, media.GetString(schema.FieldObjectKey), s.cfg.Media.ContentTTL)
	if err != nil {
		return "", err
	}
	return req.URL, nil
}
