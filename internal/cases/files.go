package cases

import (
	"context"
	"database/sql"
	"errors"

	"jiceng/internal/access"
	"jiceng/internal/errs"
)

// FileData is an attachment with its bytes, for download.
type FileData struct {
	File
	Data []byte
}

func (s *Service) fileOf(ctx context.Context, caseID, fileID int64) (FileData, error) {
	var f FileData
	err := s.db.QueryRow(ctx, "SELECT id, name, mime, size, data FROM case_files WHERE id = ? AND case_id = ?", fileID, caseID).
		Scan(&f.ID, &f.Name, &f.MIME, &f.Size, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return f, errs.New(errs.NotFound, "附件不存在", "no such attachment")
	}
	return f, errs.Wrap(err, "case file")
}

// CaseFile returns an attachment of a case the actor sees.
func (s *Service) CaseFile(ctx context.Context, actor access.Actor, caseID, fileID int64) (FileData, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return FileData{}, err
	}
	if _, err := s.get(ctx, s.db, v, caseID); err != nil {
		return FileData{}, err
	}
	return s.fileOf(ctx, caseID, fileID)
}

// PublicFile returns an attachment the reporter of a receipt is shown:
// their own files and those of the public answers.
func (s *Service) PublicFile(ctx context.Context, receipt string, fileID int64) (FileData, error) {
	id, err := s.findReceipt(ctx, s.db, receipt)
	if err != nil {
		return FileData{}, err
	}
	var public bool
	err = s.db.QueryRow(ctx, "SELECT e.public FROM case_files f JOIN case_events e ON e.id = f.event_id WHERE f.id = ? AND f.case_id = ?", fileID, id).Scan(&public)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !public) {
		return FileData{}, errs.New(errs.NotFound, "附件不存在", "no such attachment")
	}
	if err != nil {
		return FileData{}, errs.Wrap(err, "case file")
	}
	return s.fileOf(ctx, id, fileID)
}
