package schema

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Photos (issue 4):
//   - media.object_key (hidden) says where a stored photo's cleaned bytes
//     live; photos with the same bytes in one team share one object.
//   - observations.author_client cascades: deleting a client deletes the
//     observations they logged, and with them their photos (their data,
//     their right to be forgotten). Staff authors do not cascade: the
//     team's observations outlive a colleague's account.
func init() {
	m.Register(func(app core.App) error {
		media, err := app.FindCollectionByNameOrId(Media)
		if err != nil {
			return err
		}
		media.Fields.Add(&core.TextField{Name: FieldObjectKey, Hidden: true, Max: 300})
		media.AddIndex("idx_media_object_key", false, FieldObjectKey, "")
		if err := app.Save(media); err != nil {
			return fmt.Errorf("media.object_key: %w", err)
		}
		obs, err := app.FindCollectionByNameOrId(Observations)
		if err != nil {
			return err
		}
		f, ok := obs.Fields.GetByName(FieldAuthorClient).(*core.RelationField)
		if !ok {
			return fmt.Errorf("observations.author_client missing")
		}
		f.CascadeDelete = true
		return app.Save(obs)
	}, nil)
}
