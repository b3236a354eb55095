package programs

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// The photos of a venue: at most MaxVenuePhotos JPEG or PNG images, checked
// and stripped of their metadata (the place and time a phone writes into a
// photo) by the residents' channel's attachment check, and stored in the
// database like a case's files.

// venuePhotos lists the photos of a venue, oldest first.
func venuePhotos(ctx context.Context, q db.Querier, venueID int64) ([]VenuePhoto, error) {
	rows, err := q.Query(ctx, "SELECT id, name, mime, size, created_at, created_by FROM venue_photos WHERE venue_id = ? ORDER BY id", venueID)
	if err != nil {
		return nil, errs.Wrap(err, "venue photos")
	}
	defer rows.Close()
	out := []VenuePhoto{}
	for rows.Next() {
		var p VenuePhoto
		if err := rows.Scan(&p.ID, &p.Name, &p.MIME, &p.Size, &p.CreatedAt, &p.CreatedBy); err != nil {
			return nil, errs.Wrap(err, "scan venue photo")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "venue photos")
}

// venuePhotoField is the form field and JSON key photo errors name.
const venuePhotoField = "photos"

// venuePhotoErr is a refusal of the photos, at their field.
func venuePhotoErr(zh, en string, args ...any) error {
	e := errs.Newf(errs.Invalid, zh, en, args...)
	e.Field = venuePhotoField
	return e
}

// AddVenuePhotos adds photos to an organization's venue, which must be
// recorded first. The files are checked as a resident's attachments are
// (type from the bytes, sizes, image metadata removed) and must be JPEG or
// PNG images; the venue keeps at most MaxVenuePhotos. Nothing is stored
// when one file is refused.
func (s *Service) AddVenuePhotos(ctx context.Context, actor access.Actor, orgID int64, files []cases.NamedFile) ([]VenuePhoto, error) {
	o, err := s.venueOrg(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	if err := mayRecordVenue(actor, o); err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errs.Field(venuePhotoField, "请选择要上传的照片（JPG 或 PNG 图片）", "choose the photos to upload (JPG or PNG images)")
	}
	checked, err := cases.CheckAttachments(files)
	if err != nil {
		e := errs.As(err)
		return nil, &errs.Error{Kind: e.Kind, Field: venuePhotoField, Text: e.Text}
	}
	for _, a := range checked {
		if a.MIME != "image/jpeg" && a.MIME != "image/png" {
			return nil, venuePhotoErr("文件 %s 不是照片：阵地照片只接受 JPG 或 PNG 图片", "%q is not a photo: venue photos must be JPG or PNG images", a.Name)
		}
	}
	var added []VenuePhoto
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		v, err := venueRow(ctx, tx, o.ID, tx.Lock(db.ForUpdate))
		if err != nil {
			return err
		}
		if v == nil {
			return errs.Newf(errs.Conflict, "请先登记%s的阵地面积、功能等信息，再上传照片", "record the area and functions of the venue of %s before uploading photos", o.Label())
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM venue_photos WHERE venue_id = ?", v.id).Scan(&n); err != nil {
			return errs.Wrap(err, "count venue photos")
		}
		if n+len(checked) > MaxVenuePhotos {
			left := MaxVenuePhotos - n
			if left <= 0 {
				return venuePhotoErr("阵地照片最多 %d 张，已有 %d 张：请先删除不需要的照片再上传", "a venue keeps at most %d photos and has %d: delete one before uploading another",
					MaxVenuePhotos, n)
			}
			return venuePhotoErr("阵地照片最多 %d 张，已有 %d 张，本次最多还能上传 %d 张", "a venue keeps at most %d photos and has %d: upload at most %d more",
				MaxVenuePhotos, n, left)
		}
		now := db.FormatTime(tx.Now())
		var names []string
		for _, a := range checked {
			var id int64
			if err := tx.QueryRow(ctx, "INSERT INTO venue_photos (venue_id, name, mime, size, data, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
				v.id, a.Name, a.MIME, len(a.Data), a.Data, now, actor.Username).Scan(&id); err != nil {
				return errs.Wrap(err, "insert venue photo")
			}
			added = append(added, VenuePhoto{ID: id, Name: a.Name, MIME: a.MIME, Size: len(a.Data), CreatedAt: now, CreatedBy: actor.Username})
			names = append(names, a.Name)
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "venue.photo_add", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: i18n.Textf("为%s的阵地上传照片 %d 张", "uploaded photos of the venue of %[1]s (%[2]d)", o.Label(), len(checked)),
			After:   map[string]any{"photos": names}})
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// VenuePhotoData is a photo with its bytes.
type VenuePhotoData struct {
	VenuePhoto
	Data []byte
}

func venuePhotoNotFound() error {
	return errs.New(errs.NotFound, "照片不存在或已删除", "no such photo: it may have been deleted")
}

// VenuePhotoFile returns a photo of an organization's venue for a reader
// of the organization's programmes.
func (s *Service) VenuePhotoFile(ctx context.Context, actor access.Actor, orgID, photoID int64) (VenuePhotoData, error) {
	o, err := s.venueOrg(ctx, actor, orgID)
	if err != nil {
		return VenuePhotoData{}, err
	}
	var p VenuePhotoData
	err = s.db.QueryRow(ctx, `SELECT p.id, p.name, p.mime, p.size, p.created_at, p.created_by, p.data FROM venue_photos p JOIN venues v ON v.id = p.venue_id
		WHERE p.id = ? AND v.org_id = ?`, photoID, o.ID).Scan(&p.ID, &p.Name, &p.MIME, &p.Size, &p.CreatedAt, &p.CreatedBy, &p.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return VenuePhotoData{}, venuePhotoNotFound()
	}
	return p, errs.Wrap(err, "venue photo")
}

// DeleteVenuePhoto removes a photo of an organization's venue, audited.
func (s *Service) DeleteVenuePhoto(ctx context.Context, actor access.Actor, orgID, photoID int64) error {
	o, err := s.venueOrg(ctx, actor, orgID)
	if err != nil {
		return err
	}
	if err := mayRecordVenue(actor, o); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var name string
		err := tx.QueryRow(ctx, "SELECT p.name FROM venue_photos p JOIN venues v ON v.id = p.venue_id WHERE p.id = ? AND v.org_id = ?", photoID, o.ID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return venuePhotoNotFound()
		}
		if err != nil {
			return errs.Wrap(err, "venue photo")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM venue_photos WHERE id = ?", photoID); err != nil {
			return errs.Wrap(err, "delete venue photo")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "venue.photo_delete", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: i18n.Textf("删除%s阵地的照片 %s", "deleted the photo %[2]s of the venue of %[1]s", o.Label(), name),
			Before:  map[string]any{"photo": name}})
	})
}
