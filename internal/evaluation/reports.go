package evaluation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// Limits on the files of a subject's work report. A scanned report is a
// PDF of a few megabytes; photos of printed pages are images, which phones
// make well under 5 MB.
const (
	MaxReportPDF   = 10 << 20
	MaxReportImage = 5 << 20
	MaxReportFiles = 9
	// maxImageSide bounds an image's width and height: a bigger one is a
	// scan at a needless resolution, or a trap for the phones that show it.
	maxImageSide = 16384
)

// The content types a report file may have. They are found from the bytes,
// never taken from the uploader's claim, and the file is served with them.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
)

// SubjectFile is a file of a subject's work report (述职报告): a PDF, or an
// image of its pages. Width and Height are an image's size in pixels.
type SubjectFile struct {
	ID          string `json:"id"`
	CampaignID  int64  `json:"campaign_id"`
	SubjectID   int64  `json:"subject_id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	Sort        int    `json:"sort"`
	CreatedAt   string `json:"created_at"`
}

// IsImage reports whether the file is shown as an image.
func (f SubjectFile) IsImage() bool { return f.ContentType == TypePNG || f.ContentType == TypeJPEG }

// SizeText is the file's size as pages show it, "1.2 MB".
func (f SubjectFile) SizeText() string { return FormatSize(f.Size) }

// Upload is a file to attach: the name its sender gave it, and its bytes.
type Upload struct {
	Name string
	Data []byte
}

// FormatSize writes a size in bytes as "820 KB" or "1.2 MB", rounding up,
// so that a file refused for exceeding 10 MB never reads "10.0 MB".
func FormatSize(n int64) string {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatInt((n+1<<10-1)>>10, 10) + " KB"
	}
	mb := math.Ceil(float64(n)*10/(1<<20)) / 10
	return strconv.FormatFloat(mb, 'f', 1, 64) + " MB"
}

// sniffed is what the bytes of an upload turned out to be.
type sniffed struct {
	contentType   string
	width, height int
}

var (
	pdfMagic  = []byte("%PDF-")
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
)

// sniffReport checks that an upload is a PDF, PNG or JPEG file within its
// limit, and returns its type; the messages name the file and what to do.
func sniffReport(name string, data []byte) (sniffed, error) {
	var s sniffed
	var decode func([]byte) (image.Config, error)
	switch {
	case len(data) == 0:
		return s, errs.Newf(errs.Invalid, "“%s”是空文件，请重新选择", "\"%s\" is empty: choose the file again", name)
	case bytes.HasPrefix(data, pdfMagic):
		s.contentType = TypePDF
	case bytes.HasPrefix(data, pngMagic):
		s.contentType = TypePNG
		decode = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
	case bytes.HasPrefix(data, jpegMagic):
		s.contentType = TypeJPEG
		decode = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
	default:
		return s, errs.Newf(errs.Invalid, "“%s”不是 PDF、PNG 或 JPEG 文件：述职报告请上传 PDF 文件，或 PNG、JPEG 格式的图片",
			"\"%s\" is not a PDF, PNG or JPEG file: upload the report as a PDF or as PNG or JPEG images", name)
	}
	size := int64(len(data))
	if s.contentType == TypePDF {
		if size > MaxReportPDF {
			return s, errs.Newf(errs.TooLarge, "“%s”有 %s，PDF 文件不能超过 10 MB，请压缩或拆分后上传",
				"\"%s\" is %s; a PDF may be at most 10 MB: compress or split it", name, FormatSize(size))
		}
		return s, nil
	}
	if size > MaxReportImage {
		return s, errs.Newf(errs.TooLarge, "“%s”有 %s，图片不能超过 5 MB，请压缩后上传",
			"\"%s\" is %s; an image may be at most 5 MB: compress it", name, FormatSize(size))
	}
	cfg, err := decode(data)
	if err != nil {
		return s, errs.Newf(errs.Invalid, "“%s”不是完整的图片，可能已损坏，请重新导出后上传", "\"%s\" is not a complete image and may be damaged: export it again", name)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxImageSide || cfg.Height > maxImageSide {
		return s, errs.Newf(errs.Invalid, "“%s”的尺寸为 %d×%d 像素，每边不能超过 %d 像素，请缩小后上传",
			"\"%s\" is %d×%d pixels; each side may be at most %d pixels: scale it down", name, cfg.Width, cfg.Height, maxImageSide)
	}
	s.width, s.height = cfg.Width, cfg.Height
	return s, nil
}

// extensions are the file name endings of each type; the first is added
// when a name lacks all of them.
var extensions = map[string][]string{TypePDF: {".pdf"}, TypePNG: {".png"}, TypeJPEG: {".jpg", ".jpeg", ".jpe"}}

// maxNameRunes bounds a stored file name; the extension is kept.
const maxNameRunes = 100

// cleanFileName makes a safe display and download name from an uploaded
// one: its last path element, without control or reserved characters,
// shortened, and ending as its type does (unless contentType is ""), so
// that a saved copy opens.
func cleanFileName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), strings.ContainsRune(`/:*?"<>|`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(strings.TrimSpace(b.String()), ".")
	ext := path.Ext(name)
	if contentType != "" && !matchesType(ext, contentType) {
		ext = extensions[contentType][0]
		name += ext
	}
	stem := strings.TrimSuffix(name, ext)
	if strings.TrimSpace(stem) == "" {
		stem = "述职报告"
	}
	if r := []rune(stem); len(r) > maxNameRunes {
		stem = string(r[:maxNameRunes])
	}
	return stem + ext
}

func matchesType(ext, contentType string) bool {
	for _, e := range extensions[contentType] {
		if strings.EqualFold(ext, e) {
			return true
		}
	}
	return false
}

func fileNotFound() error {
	return errs.New(errs.NotFound, "文件不存在或已删除", "file not found or removed")
}

// validFileID reports whether id has the form of a file id, so that other
// strings are answered without a query.
func validFileID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

const fileCols = "id, campaign_id, subject_id, name, content_type, size, sha256, width, height, sort, created_at"

func scanFile(r db.Scanner) (SubjectFile, error) {
	var f SubjectFile
	err := r.Scan(&f.ID, &f.CampaignID, &f.SubjectID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.Width, &f.Height, &f.Sort, &f.CreatedAt)
	return f, err
}

// listFiles returns the files of a campaign (of one subject when subjectID
// is not 0) in their order, without their bytes.
func listFiles(ctx context.Context, q db.Querier, campaignID, subjectID int64) ([]SubjectFile, error) {
	query := "SELECT " + fileCols + " FROM subject_files WHERE campaign_id = ?"
	args := []any{campaignID}
	if subjectID != 0 {
		query += " AND subject_id = ?"
		args = append(args, subjectID)
	}
	rows, err := q.Query(ctx, query+" ORDER BY subject_id, sort", args...)
	if err != nil {
		return nil, errs.Wrap(err, "subject files")
	}
	defer rows.Close()
	var out []SubjectFile
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan subject file")
		}
		out = append(out, f)
	}
	return out, errs.Wrap(rows.Err(), "subject files")
}

func bySubject(fs []SubjectFile) map[int64][]SubjectFile {
	out := map[int64][]SubjectFile{}
	for _, f := range fs {
		out[f.SubjectID] = append(out[f.SubjectID], f)
	}
	return out
}

// subjectOf returns a subject of the campaign, or not found.
func subjectOf(ctx context.Context, q db.Querier, campaignID, subjectID int64) (Subject, error) {
	subs, err := loadSubjects(ctx, q, campaignID)
	if err != nil {
		return Subject{}, err
	}
	for _, sb := range subs {
		if sb.ID == subjectID {
			return sb, nil
		}
	}
	return Subject{}, errs.Newf(errs.NotFound, "测评对象 %d 不在本次测评中", "subject %d is not part of this campaign", subjectID)
}

// AttachFiles adds files of a subject's work report, PDF or PNG and JPEG
// images, to a draft campaign, after the subject's other files. Each file is
// checked from its bytes, whatever its name or declared type says; every
// problem is reported, naming the file, and no file is kept unless all are
// good. A subject has at most MaxReportFiles files.
func (s *Service) AttachFiles(ctx context.Context, actor access.Actor, campaignID, subjectID int64, ups []Upload) ([]SubjectFile, error) {
	if _, err := s.draftCampaign(ctx, actor, campaignID); err != nil {
		return nil, err
	}
	sb, err := subjectOf(ctx, s.db, campaignID, subjectID)
	if err != nil {
		return nil, err
	}
	if len(ups) == 0 {
		return nil, errs.Field("file", "请选择要上传的述职报告文件（PDF，或 PNG、JPEG 图片）", "choose the report files to upload (PDF, or PNG or JPEG images)")
	}
	var f errs.Fields
	files := make([]SubjectFile, len(ups))
	for i, up := range ups {
		display := cleanFileName(up.Name, "")
		sn, err := sniffReport(display, up.Data)
		if err != nil {
			e := errs.As(err)
			f.Add("file", e.ZH, e.EN)
			continue
		}
		sum := sha256.Sum256(up.Data)
		files[i] = SubjectFile{ID: randomID(), CampaignID: campaignID, SubjectID: subjectID, Name: cleanFileName(up.Name, sn.contentType),
			ContentType: sn.contentType, Size: int64(len(up.Data)), SHA256: hex.EncodeToString(sum[:]), Width: sn.width, Height: sn.height}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.lockDraftTx(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		var n, sort int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(sort), 0) FROM subject_files WHERE campaign_id = ? AND subject_id = ?", campaignID, subjectID).Scan(&n, &sort); err != nil {
			return errs.Wrap(err, "count subject files")
		}
		if n+len(files) > MaxReportFiles {
			return errs.Field("file", fmt.Sprintf("每个测评对象最多 %d 个文件：“%s”已有 %d 个，本次上传 %d 个，请先删除不需要的文件或合并为一个 PDF", MaxReportFiles, sb.Name, n, len(files)),
				fmt.Sprintf("a subject has at most %d files: \"%s\" has %d and %d were uploaded; remove some or combine them into one PDF", MaxReportFiles, sb.Name, n, len(files)))
		}
		now := db.FormatTime(s.now())
		for i := range files {
			sort++
			fl := &files[i]
			fl.Sort, fl.CreatedAt = sort, now
			if _, err := tx.Exec(ctx, "INSERT INTO subject_files ("+fileCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				fl.ID, fl.CampaignID, fl.SubjectID, fl.Name, fl.ContentType, fl.Size, fl.SHA256, fl.Width, fl.Height, fl.Sort, fl.CreatedAt); err != nil {
				return errs.Wrap(err, "insert subject file")
			}
			data := ups[i].Data
			for seq := 0; len(data) > 0; seq++ {
				n := min(len(data), fileChunk)
				if _, err := tx.Exec(ctx, "INSERT INTO subject_file_chunks (file_id, seq, data) VALUES (?, ?, ?)", fl.ID, seq, data[:n]); err != nil {
					return errs.Wrap(err, "insert subject file")
				}
				data = data[n:]
			}
		}
		names := make([]string, len(files))
		for i, fl := range files {
			names[i] = fmt.Sprintf("%s（%s）", fl.Name, fl.SizeText())
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.file_attach", TargetType: "campaign", TargetID: strconv.FormatInt(campaignID, 10),
			OrgPath: c.ownerPath, Summary: i18n.Text{ZH: fmt.Sprintf("为测评 %s 的测评对象 %s 上传述职报告：%s", c.Name, sb.Name, strings.Join(names, "、")), EN: fmt.Sprintf("uploaded the report of %s in %s: %s", sb.Name, c.Name, strings.Join(names, ", "))}, After: files})
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// RemoveFile deletes a report file of a subject of a draft campaign.
func (s *Service) RemoveFile(ctx context.Context, actor access.Actor, campaignID, subjectID int64, fileID string) (SubjectFile, error) {
	if _, err := s.draftCampaign(ctx, actor, campaignID); err != nil {
		return SubjectFile{}, err
	}
	if !validFileID(fileID) {
		return SubjectFile{}, fileNotFound()
	}
	var fl SubjectFile
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.lockDraftTx(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		fl, err = scanFile(tx.QueryRow(ctx, "SELECT "+fileCols+" FROM subject_files WHERE id = ? AND campaign_id = ? AND subject_id = ?", fileID, campaignID, subjectID))
		if err == sql.ErrNoRows {
			return fileNotFound()
		}
		if err != nil {
			return errs.Wrap(err, "load subject file")
		}
		sb, err := subjectOf(ctx, tx, campaignID, fl.SubjectID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM subject_file_chunks WHERE file_id = ?", fileID); err != nil {
			return errs.Wrap(err, "delete subject file")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM subject_files WHERE id = ?", fileID); err != nil {
			return errs.Wrap(err, "delete subject file")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "evaluation.file_remove", TargetType: "campaign", TargetID: strconv.FormatInt(campaignID, 10),
			OrgPath: c.ownerPath, Summary: i18n.Textf("删除测评 %s 的测评对象 %s 的述职报告 %s", "removed the report %[3]s of %[2]s in %[1]s", c.Name, sb.Name, fl.Name), Before: fl})
	})
	return fl, err
}

// SubjectFiles lists the report files of one subject of a campaign the
// actor may read.
func (s *Service) SubjectFiles(ctx context.Context, actor access.Actor, campaignID, subjectID int64) ([]SubjectFile, error) {
	if _, err := s.Get(ctx, actor, campaignID); err != nil {
		return nil, err
	}
	if _, err := subjectOf(ctx, s.db, campaignID, subjectID); err != nil {
		return nil, err
	}
	return listFiles(ctx, s.db, campaignID, subjectID)
}

// CampaignFiles returns the report files of every subject of a campaign the
// actor may read, by subject id.
func (s *Service) CampaignFiles(ctx context.Context, actor access.Actor, campaignID int64) (map[int64][]SubjectFile, error) {
	if _, err := s.Get(ctx, actor, campaignID); err != nil {
		return nil, err
	}
	fs, err := listFiles(ctx, s.db, campaignID, 0)
	if err != nil {
		return nil, err
	}
	return bySubject(fs), nil
}

// File opens a report file of a campaign the actor may read; its bytes are
// read as the content is, like PublicFile's.
func (s *Service) File(ctx context.Context, actor access.Actor, campaignID int64, fileID string) (SubjectFile, *FileContent, error) {
	if _, err := s.Get(ctx, actor, campaignID); err != nil {
		return SubjectFile{}, nil, err
	}
	return s.openFile(ctx, "f.campaign_id = ?", fileID, campaignID)
}

// BallotFiles returns, by subject id, the report files of a campaign that
// has opened, for the ballot: once a campaign is open its reports are read
// by every rater it gives a code to. A draft campaign has none to show.
func (s *Service) BallotFiles(ctx context.Context, campaignID int64) (map[int64][]SubjectFile, error) {
	var status string
	err := s.db.QueryRow(ctx, "SELECT status FROM campaigns WHERE id = ?", campaignID).Scan(&status)
	if err == sql.ErrNoRows || status == StatusDraft {
		return map[int64][]SubjectFile{}, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "campaign status")
	}
	fs, err := listFiles(ctx, s.db, campaignID, 0)
	if err != nil {
		return nil, err
	}
	return bySubject(fs), nil
}

// PublicFile opens a report file for the public link of the ballot page:
// files of campaigns that are open, closed or published. A draft's files,
// still being prepared, are not found. The bytes are read as the content is.
func (s *Service) PublicFile(ctx context.Context, fileID string) (SubjectFile, *FileContent, error) {
	return s.openFile(ctx, "c.status <> ?", fileID, StatusDraft)
}

// openFile finds a file under one more condition on the file (f) or its
// campaign (c), and opens its content.
func (s *Service) openFile(ctx context.Context, cond, fileID string, arg any) (SubjectFile, *FileContent, error) {
	if !validFileID(fileID) {
		return SubjectFile{}, nil, fileNotFound()
	}
	fl, err := scanFile(s.db.QueryRow(ctx, `SELECT f.id, f.campaign_id, f.subject_id, f.name, f.content_type, f.size, f.sha256, f.width, f.height, f.sort, f.created_at
		FROM subject_files f JOIN campaigns c ON c.id = f.campaign_id WHERE f.id = ? AND `+cond, fileID, arg))
	if err == sql.ErrNoRows {
		return SubjectFile{}, nil, fileNotFound()
	}
	if err != nil {
		return SubjectFile{}, nil, errs.Wrap(err, "load subject file")
	}
	return fl, &FileContent{ctx: ctx, d: s.db, id: fl.ID, size: fl.Size}, nil
}

// fileChunk is the size of the pieces a report file is stored in (see
// migration 0010).
const fileChunk = 64 << 10

// FileContent reads a stored report file as an io.ReadSeeker for
// http.ServeContent. Each Read asks the database for the bytes it returns,
// up to the end of one chunk, in a query of its own: a Range request costs
// what it returns, and no connection is held while the client reads. A
// file never changes under its id, so the pieces read one by one make up
// the file.
type FileContent struct {
	ctx  context.Context
	d    *db.DB
	id   string
	size int64
	off  int64
}

// Read reads the next bytes of the file.
func (c *FileContent) Read(p []byte) (int, error) {
	if c.off >= c.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	seq, in := c.off/fileChunk, c.off%fileChunk
	n := min(int64(len(p)), fileChunk-in, c.size-c.off)
	rows, err := c.d.Query(c.ctx, "SELECT substr(data, ?, ?) FROM subject_file_chunks WHERE file_id = ? AND seq = ?", in+1, n, c.id, seq)
	if err != nil {
		return 0, errs.Wrap(err, "read subject file")
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, errs.Wrap(err, "read subject file")
		}
		return 0, fileNotFound()
	}
	// RawBytes are the driver's own buffer: copied straight into p, the
	// piece costs no allocation of its own.
	var raw sql.RawBytes
	if err := rows.Scan(&raw); err != nil {
		return 0, errs.Wrap(err, "read subject file")
	}
	if int64(len(raw)) != n {
		return 0, errs.Wrap(fmt.Errorf("file %s: chunk %d holds %d bytes from %d, want %d", c.id, seq, len(raw), in, n), "read subject file")
	}
	copy(p, raw)
	c.off += n
	return int(n), nil
}

// Seek sets where the next Read starts.
func (c *FileContent) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.off
	case io.SeekEnd:
		offset += c.size
	default:
		return 0, errors.New("seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("seek: negative position")
	}
	c.off = offset
	return offset, nil
}
