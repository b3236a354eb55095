package cases

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/errs"
)

// Limits of the files a resident may attach to a case.
const (
	// MaxAttachments is how many files one case may carry.
	MaxAttachments = 5
	// MaxAttachmentBytes caps each file: a phone photo is 2–8 MB, a scanned
	// page far less.
	MaxAttachmentBytes = 10 << 20
	// MaxAttachmentsBytes caps the files of one case together.
	MaxAttachmentsBytes = 20 << 20
	// MaxImagePixels caps width×height of an image. It is read from the
	// header, because a file of a few hundred bytes can declare an image
	// that would take gigabytes to decode in a viewer or a thumbnailer.
	MaxImagePixels = 40_000_000
)

// Attachment is a checked file of a case: its cleaned name, its type as
// sniffed from its bytes, and its bytes with image metadata removed.
type Attachment struct {
	Name string
	MIME string
	Data []byte
}

// NamedFile is an uploaded file as the request gave it.
type NamedFile struct {
	Name string
	Data []byte
}

// attachField is the form field and JSON key that attachment errors name.
const attachField = "attachments"

// attachNameMax bounds a stored file name, in runes.
const attachNameMax = 100

// attachExtMax is the longest ending that counts as an extension when a
// long name is shortened; a longer one is shortened with the rest.
const attachExtMax = 16

// attachKind is a kind of file: the three accepted ones carry a MIME type
// and their extensions (the first is added to a name that has none);
// others are only recognised so that a refusal can say what the file is
// and what to do with it.
type attachKind struct {
	mime   string
	zh, en string   // what the file is: "JPEG 图片", "a JPEG image"
	exts   []string // lower case
	// fixZH and fixEN say what to do with a file of a refused kind.
	fixZH, fixEN string
}

const (
	attachFixZH      = "请上传 JPG、PNG 图片或 PDF 文件"
	attachFixEN      = "upload JPG or PNG images or PDF files"
	attachFixImageZH = "请转为 JPG 或 PNG 格式（或截图）后上传"
	attachFixImageEN = "convert it to JPG or PNG (or take a screenshot) and upload that"
	attachFixDocZH   = "请另存为 PDF 后上传"
	attachFixDocEN   = "save it as a PDF and upload that"
	attachFixZipZH   = "请解压后分别上传其中的 JPG、PNG 图片或 PDF 文件"
	attachFixZipEN   = "unpack it and upload the JPG or PNG images or PDF files in it"
)

var (
	attachJPEG = &attachKind{mime: "image/jpeg", zh: "JPEG 图片", en: "a JPEG image", exts: []string{".jpg", ".jpeg", ".jfif"}}
	attachPNG  = &attachKind{mime: "image/png", zh: "PNG 图片", en: "a PNG image", exts: []string{".png"}}
	attachPDF  = &attachKind{mime: "application/pdf", zh: "PDF 文件", en: "a PDF file", exts: []string{".pdf"}}
)

// attachKindOfExt is the accepted kind an extension claims, or nil.
func attachKindOfExt(ext string) *attachKind {
	ext = strings.ToLower(ext)
	for _, k := range []*attachKind{attachJPEG, attachPNG, attachPDF} {
		for _, e := range k.exts {
			if ext == e {
				return k
			}
		}
	}
	return nil
}

// attachSniff tells the kind of a file from its first bytes, or nil when
// it is none that is known.
func attachSniff(data []byte) *attachKind {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return attachJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return attachPNG
	// PDF readers accept a header after up to 1 KB of other bytes (some
	// generators write a byte-order mark or a MacBinary header first).
	case bytes.Contains(head, []byte("%PDF-")):
		return attachPDF
	}
	img := func(zh, en string) *attachKind {
		return &attachKind{zh: zh, en: en, fixZH: attachFixImageZH, fixEN: attachFixImageEN}
	}
	switch {
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return img("GIF 图片", "a GIF image")
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return img("WebP 图片", "a WebP image")
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return img("TIFF 图片", "a TIFF image")
	case len(data) >= 14 && string(data[:2]) == "BM" && binary.LittleEndian.Uint32(data[6:10]) == 0:
		return img("BMP 图片", "a BMP image")
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		switch string(data[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return img("HEIC 图片", "a HEIC image")
		case "avif", "avis":
			return img("AVIF 图片", "an AVIF image")
		}
		return &attachKind{zh: "视频", en: "a video", fixZH: "视频不能作为附件，请截取画面后上传", fixEN: "videos cannot be attached: take a screenshot of it and upload that"}
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return &attachKind{zh: "压缩包或 Word、Excel 等文档", en: "a ZIP archive or an office document", fixZH: "文档请另存为 PDF 后上传，压缩包请解压后分别上传其中的 JPG、PNG 图片或 PDF 文件",
			fixEN: "save a document as a PDF, or unpack an archive, and upload the PDF files or JPG or PNG images"}
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return &attachKind{zh: "Word、Excel 等 Office 文档", en: "an office document", fixZH: attachFixDocZH, fixEN: attachFixDocEN}
	case bytes.HasPrefix(data, []byte("Rar!\x1A\x07")), bytes.HasPrefix(data, []byte("7z\xBC\xAF\x27\x1C")), bytes.HasPrefix(data, []byte{0x1F, 0x8B}):
		return &attachKind{zh: "压缩包", en: "an archive", fixZH: attachFixZipZH, fixEN: attachFixZipEN}
	case bytes.HasPrefix(data, []byte("MZ")), bytes.HasPrefix(data, []byte("\x7FELF")):
		return &attachKind{zh: "可执行程序", en: "a program", fixZH: attachFixZH, fixEN: attachFixEN}
	}
	text := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n"))
	switch {
	case bytes.HasPrefix(text, []byte("<svg")), bytes.HasPrefix(text, []byte("<?xml")) && bytes.Contains(text, []byte("<svg")):
		return img("SVG 图片", "an SVG image")
	case bytes.HasPrefix(text, []byte("<!doctype html")), bytes.HasPrefix(text, []byte("<html")),
		bytes.HasPrefix(text, []byte("<head")), bytes.HasPrefix(text, []byte("<body")), bytes.HasPrefix(text, []byte("<script")):
		return &attachKind{zh: "HTML 网页", en: "an HTML page", fixZH: attachFixZH, fixEN: attachFixEN}
	}
	return nil
}

// attachSpaced puts a space before a label that starts with a Latin letter,
// as Chinese text sets Latin words apart: "不是 JPEG 图片", "而是可执行程序".
func attachSpaced(label string) string {
	if label != "" && label[0] < utf8.RuneSelf {
		return " " + label
	}
	return label
}

// attachErr builds an attachment error of kind k.
func attachErr(k errs.Kind, zh, en string, args ...any) *errs.Error {
	e := errs.Newf(k, zh, en, args...)
	e.Field = attachField
	return e
}

// attachSize writes a size as "820 KB" or "10.1 MB", rounding up, so that a
// file refused for exceeding 10 MB never reads "10.0 MB".
func attachSize(n int) string {
	switch {
	case n < 1<<10:
		return strconv.Itoa(n) + " B"
	case n < 1<<20:
		return strconv.Itoa((n+1<<10-1)>>10) + " KB"
	}
	tenths := (int64(n)*10 + 1<<20 - 1) >> 20
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " MB"
}

// attachCleanName keeps the last element of a path (browsers on Windows
// once sent "C:\Users\…\x.jpg"), without control and invisible formatting
// characters (a right-to-left override makes "gpj.exe" read as "exe.jpg"),
// without surrounding spaces or trailing dots, shortened to attachNameMax
// runes with its extension kept. The result is "" when nothing is left.
func attachCleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	return attachShorten(attachTrimName(name))
}

// attachTrimName drops the spaces around a name and its trailing dots,
// which Windows drops when saving and which would leave an empty extension.
func attachTrimName(name string) string {
	name = strings.TrimLeftFunc(name, unicode.IsSpace)
	return strings.TrimRightFunc(name, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
}

// attachShorten cuts a name to attachNameMax runes, keeping its extension
// so that the stored file still opens.
func attachShorten(name string) string {
	if utf8.RuneCountInString(name) <= attachNameMax {
		return name
	}
	ext := path.Ext(name)
	n := utf8.RuneCountInString(ext)
	if n > attachExtMax {
		ext, n = "", 0
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	return attachTrimName(string(stem[:attachNameMax-n])) + ext
}

// CheckAttachments checks the files of one case: at most MaxAttachments,
// each within MaxAttachmentBytes and together within MaxAttachmentsBytes,
// then each with CheckAttachment. The sizes are checked before any content,
// so that an oversized upload is refused without parsing; the error is the
// first problem found and names its file.
func CheckAttachments(files []NamedFile) ([]Attachment, error) {
	if len(files) > MaxAttachments {
		return nil, attachErr(errs.Invalid, "附件最多 %d 个，现有 %d 个，请删去 %d 个后再提交",
			"at most %d attachments are allowed and there are %d: remove %d and submit again",
			MaxAttachments, len(files), len(files)-MaxAttachments)
	}
	total := 0
	for i, f := range files {
		name := attachCleanName(f.Name)
		if name == "" {
			return nil, attachNoName(i + 1)
		}
		if len(f.Data) > MaxAttachmentBytes {
			return nil, attachTooBig(name, len(f.Data))
		}
		total += len(f.Data)
	}
	if total > MaxAttachmentsBytes {
		return nil, attachErr(errs.TooLarge, "附件合计 %s，不能超过 %d MB，请删去或压缩部分附件后再提交",
			"the attachments total %s, more than the %d MB allowed: remove or compress some and submit again",
			attachSize(total), MaxAttachmentsBytes>>20)
	}
	out := make([]Attachment, 0, len(files))
	for i, f := range files {
		a, err := checkAttachment(f.Name, f.Data, i+1)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// attachNoName refuses a file without a name; ordinal is its place among
// the attachments, 0 when it stands alone.
func attachNoName(ordinal int) error {
	if ordinal > 0 {
		return attachErr(errs.Invalid, "第 %d 个附件没有文件名，请重新选择该文件",
			"attachment %d has no file name: choose the file again", ordinal)
	}
	return attachErr(errs.Invalid, "附件没有文件名，请重新选择文件",
		"the attachment has no file name: choose the file again")
}

func attachTooBig(shown string, size int) error {
	return attachErr(errs.TooLarge, "文件 %s 有 %s，每个附件不能超过 %d MB，请压缩后上传",
		"\"%s\" is %s; each attachment may be at most %d MB: compress it and upload it again",
		shown, attachSize(size), MaxAttachmentBytes>>20)
}

// CheckAttachment checks that an uploaded file is what it claims and
// returns it without hidden metadata.
//
// The kind is read from the bytes, never from the name: a JPEG or PNG
// image or a PDF file, whose extension (.jpg/.jpeg/.jfif, .png, .pdf, in
// any case) must agree; a name without an extension gets the right one,
// because phone browsers (WeChat's among them) sometimes send a bare
// number as the name. The name is reduced to its base name without control
// characters and shortened to 100 runes.
//
// Images are checked from their headers only (never decoded) and limited
// to MaxImagePixels. Their metadata is removed by rewriting the file's
// structure, not its pixels, so that nothing is lost to re-encoding:
//   - JPEG keeps JFIF (APP0, without its thumbnail), Adobe (APP14, which
//     says how colours are stored) and every segment the decoder needs;
//     it drops Exif and XMP (APP1, with the location, the camera and the
//     thumbnail of the uncropped photo), the other APPn segments (ICC
//     colour profiles included: wide-gamut photos may look slightly duller),
//     comments, and anything after the end of the image (motion-photo
//     videos). The Exif orientation survives as a minimal Exif block with
//     that one tag, so that portrait photos still show upright.
//   - PNG keeps the chunks that draw the image (IHDR, PLTE, IDAT, IEND,
//     tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, bKGD, pHYs, hIST, cICP, mDCV,
//     cLLI and the APNG chunks) and drops every other ancillary chunk —
//     tEXt, zTXt, iTXt, eXIf, tIME, and private ones such as C2PA's caBX —
//     and anything after IEND; every chunk's length and CRC is checked.
//
// A PDF must have a %PDF-1.x or %PDF-2.x header in its first 1024 bytes
// and %%EOF in its last 1024, and is refused when its uncompressed parts
// name /JavaScript, /JS, /Launch, /EmbeddedFile(s) or /OpenAction. Known
// limits: the contents of streams are not looked into (a script inside a
// compressed object stream passes; random bytes of a compressed photo
// would otherwise spell /JS in a few percent of large scans), and PDF
// metadata (/Author, /Producer, XMP) is kept. A PDF's Data is data itself,
// not a copy.
//
// Errors are *errs.Error on the field "attachments" and say what to fix.
func CheckAttachment(name string, data []byte) (Attachment, error) {
	return checkAttachment(name, data, 0)
}

// checkAttachment is CheckAttachment for the ordinal-th file of a case (0
// when it stands alone), so that a file without a name can be named.
func checkAttachment(rawName string, data []byte, ordinal int) (Attachment, error) {
	name := attachCleanName(rawName)
	if name == "" {
		return Attachment{}, attachNoName(ordinal)
	}
	if len(data) == 0 {
		return Attachment{}, attachErr(errs.Invalid, "文件 %s 是空文件，请重新选择该文件",
			"\"%s\" is empty: choose the file again", name)
	}
	if len(data) > MaxAttachmentBytes {
		return Attachment{}, attachTooBig(name, len(data))
	}
	kind := attachSniff(data)
	ext := path.Ext(name)
	claimed := attachKindOfExt(ext)
	switch {
	// The arguments are the name, then what the extension claims and what
	// the file is, each in Chinese and in English, then what to do.
	case claimed != nil && kind == nil:
		return Attachment{}, attachErr(errs.Invalid, "文件 %[1]s 的内容不是%[2]s，"+attachFixZH,
			"the content of \"%[1]s\" is not %[3]s: "+attachFixEN, name, attachSpaced(claimed.zh), claimed.en)
	case claimed != nil && kind != claimed && kind.mime == "":
		return Attachment{}, attachErr(errs.Invalid, "文件 %[1]s 的内容不是%[2]s，而是%[4]s，%[6]s",
			"the content of \"%[1]s\" is not %[3]s but %[5]s: %[7]s",
			name, attachSpaced(claimed.zh), claimed.en, attachSpaced(kind.zh), kind.en, kind.fixZH, kind.fixEN)
	case claimed != nil && kind != claimed:
		return Attachment{}, attachErr(errs.Invalid, "文件 %[1]s 的内容不是%[2]s，而是%[4]s，请把扩展名改为 %[6]s 后重新上传",
			"the content of \"%[1]s\" is not %[3]s but %[5]s: change the extension to %[6]s and upload it again",
			name, attachSpaced(claimed.zh), claimed.en, attachSpaced(kind.zh), kind.en, kind.exts[0])
	case kind == nil:
		return Attachment{}, attachErr(errs.Invalid, "文件 %s 的格式无法接收，"+attachFixZH,
			"\"%s\" is of a kind that cannot be accepted: "+attachFixEN, name)
	case kind.mime == "":
		return Attachment{}, attachErr(errs.Invalid, "文件 %[1]s 是%[2]s，%[4]s", "\"%[1]s\" is %[3]s: %[5]s",
			name, attachSpaced(kind.zh), kind.en, kind.fixZH, kind.fixEN)
	case claimed == nil && ext != "":
		return Attachment{}, attachErr(errs.Invalid, "文件 %[1]s 的内容是%[2]s，与扩展名 %[4]s 不符，请把扩展名改为 %[5]s 后重新上传",
			"\"%[1]s\" is %[3]s, which does not match the extension %[4]s: change the extension to %[5]s and upload it again",
			name, attachSpaced(kind.zh), kind.en, ext, kind.exts[0])
	}
	shown := name
	if ext == "" {
		name = attachShorten(name + kind.exts[0])
	}
	var out []byte
	var err error
	switch kind {
	case attachJPEG:
		out, err = attachCheckJPEG(shown, data)
	case attachPNG:
		out, err = attachCheckPNG(shown, data)
	default:
		out, err = data, attachCheckPDF(shown, data)
	}
	if err != nil {
		return Attachment{}, err
	}
	return Attachment{Name: name, MIME: kind.mime, Data: out}, nil
}

func attachDamaged(name string) error {
	return attachErr(errs.Invalid, "文件 %s：图片文件已损坏，请重新导出或重新拍摄后上传",
		"the image file \"%s\" is damaged: export or take it again and upload it", name)
}

func attachUnsupported(name string) error {
	return attachErr(errs.Invalid, "文件 %s：图片的编码方式不受支持，请另存为普通 JPG 或 PNG 图片（或截图）后上传",
		"the image \"%s\" is encoded in a way that is not supported: save it as a plain JPG or PNG image (or take a screenshot) and upload that", name)
}

// attachConfigError turns a header that does not decode into the
// unsupported message when the decoder says so, else the damaged one.
func attachConfigError(name string, err error) error {
	var ju jpeg.UnsupportedError
	var pu png.UnsupportedError
	if errors.As(err, &ju) || errors.As(err, &pu) {
		return attachUnsupported(name)
	}
	return attachDamaged(name)
}

// attachCheckSize refuses an image without pixels or with more than
// MaxImagePixels.
func attachCheckSize(name string, cfg image.Config) error {
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return attachDamaged(name)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return attachErr(errs.TooLarge, "文件 %s 的图片为 %d×%d 像素，超过 %d 万像素的上限，请缩小后上传",
			"the image \"%s\" is %d×%d pixels, more than the limit of %d million: scale it down and upload it again",
			name, cfg.Width, cfg.Height, MaxImagePixels/10_000)
	}
	return nil
}

func attachCheckJPEG(name string, data []byte) ([]byte, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, attachConfigError(name, err)
	}
	if err := attachCheckSize(name, cfg); err != nil {
		return nil, err
	}
	out, ok := attachStripJPEG(data)
	if !ok {
		return nil, attachDamaged(name)
	}
	// The rewrite must leave a header that reads the same; anything else
	// means the stream was not what its segments said.
	if cfg2, err := jpeg.DecodeConfig(bytes.NewReader(out)); err != nil || cfg2.Width != cfg.Width || cfg2.Height != cfg.Height {
		return nil, attachDamaged(name)
	}
	return out, nil
}

// JPEG markers the rewrite treats apart.
const (
	attachMarkerSOI   = 0xD8
	attachMarkerEOI   = 0xD9
	attachMarkerSOS   = 0xDA
	attachMarkerRST0  = 0xD0
	attachMarkerRST7  = 0xD7
	attachMarkerAPP0  = 0xE0
	attachMarkerAPP1  = 0xE1
	attachMarkerAPP14 = 0xEE
	attachMarkerAPP15 = 0xEF
	attachMarkerJPG0  = 0xF0
	attachMarkerJPG13 = 0xFD
	attachMarkerCOM   = 0xFE
)

// attachStripJPEG rewrites a JPEG stream segment by segment, copying the
// entropy-coded data untouched, and reports false when the stream is
// damaged: a segment length below 2 or past the end, a reserved marker, a
// second SOI, no scan, or no EOI.
func attachStripJPEG(data []byte) ([]byte, bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != attachMarkerSOI {
		return nil, false
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, attachMarkerSOI)
	i := 2
	sawScan, sawExif := false, false
	for {
		// Bytes between segments are dropped, as decoders skip them; any
		// number of 0xFF may pad a marker.
		for i < len(data) && data[i] != 0xFF {
			i++
		}
		for i < len(data) && data[i] == 0xFF {
			i++
		}
		if i >= len(data) {
			return nil, false
		}
		m := data[i]
		i++
		switch {
		case m == 0x00, attachMarkerRST0 <= m && m <= attachMarkerRST7:
			continue // a stuffed zero or a restart outside a scan means nothing
		case m == attachMarkerEOI:
			if !sawScan {
				return nil, false
			}
			// Whatever follows (a motion photo's video, a second image of
			// a multi-picture file, a hidden trailer) is dropped.
			return append(out, 0xFF, attachMarkerEOI), true
		case m == attachMarkerSOI, m < 0xC0:
			return nil, false
		}
		if i+2 > len(data) {
			return nil, false
		}
		n := int(data[i])<<8 | int(data[i+1])
		if n < 2 || i+n > len(data) {
			return nil, false
		}
		seg := data[i+2 : i+n]
		i += n
		switch {
		case m == attachMarkerAPP0:
			// JFIF tells decoders the colour space; its optional
			// thumbnail may show what the photo was cropped from.
			if bytes.HasPrefix(seg, []byte("JFIF\x00")) {
				if len(seg) >= 14 {
					seg = append([]byte(nil), seg[:14]...)
					seg[12], seg[13] = 0, 0
				}
				out = attachAppendSegment(out, m, seg)
			}
		case m == attachMarkerAPP1:
			if !sawScan && !sawExif {
				if o, isExif := attachExifOrientation(seg); isExif {
					sawExif = true
					if o > 1 {
						out = append(out, attachOrientationAPP1(o)...)
					}
				}
			}
		case m == attachMarkerAPP14:
			// Adobe's block says whether colours are YCbCr or RGB/CMYK;
			// its 12 bytes are all a decoder reads.
			if len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")) {
				out = attachAppendSegment(out, m, seg[:12])
			}
		case attachMarkerAPP0 < m && m <= attachMarkerAPP15, m == attachMarkerCOM, attachMarkerJPG0 <= m && m <= attachMarkerJPG13:
			// Metadata, comments and reserved extensions: no decoder of
			// ordinary photos needs them.
		default:
			out = attachAppendSegment(out, m, seg)
			if m == attachMarkerSOS {
				sawScan = true
				end, ok := attachScanEnd(data, i)
				if !ok {
					return nil, false
				}
				out = append(out, data[i:end]...)
				i = end
			}
		}
	}
}

// attachScanEnd returns where the entropy-coded data that starts at i ends:
// at the 0xFF of the first marker that is neither a stuffed zero nor a
// restart. It reports false when the data ends first.
func attachScanEnd(data []byte, i int) (int, bool) {
	for {
		k := bytes.IndexByte(data[i:], 0xFF)
		if k < 0 {
			return 0, false
		}
		i += k
		j := i + 1
		for j < len(data) && data[j] == 0xFF {
			j++
		}
		if j >= len(data) {
			return 0, false
		}
		if b := data[j]; b != 0x00 && (b < attachMarkerRST0 || b > attachMarkerRST7) {
			return i, true
		}
		i = j + 1
	}
}

func attachAppendSegment(out []byte, marker byte, payload []byte) []byte {
	n := len(payload) + 2
	out = append(out, 0xFF, marker, byte(n>>8), byte(n))
	return append(out, payload...)
}

// attachExifOrientation reads the Orientation tag (0x0112) of IFD0 of an
// APP1 payload. isExif tells whether the payload is Exif at all; the
// orientation is 0 when it is missing or not one of the eight values.
func attachExifOrientation(p []byte) (orientation int, isExif bool) {
	if !bytes.HasPrefix(p, []byte("Exif\x00\x00")) {
		return 0, false
	}
	t := p[6:]
	if len(t) < 8 {
		return 0, true
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 0, true
	}
	off := uint64(bo.Uint32(t[4:8]))
	if off+2 > uint64(len(t)) {
		return 0, true
	}
	count := uint64(bo.Uint16(t[off:]))
	for k := range count {
		e := off + 2 + 12*k
		if e+12 > uint64(len(t)) {
			break
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[e+2:]) == 3 && bo.Uint32(t[e+4:]) == 1 {
			if v := int(bo.Uint16(t[e+8:])); 1 <= v && v <= 8 {
				return v, true
			}
		}
		return 0, true
	}
	return 0, true
}

// attachOrientationAPP1 is an APP1 segment holding a big-endian TIFF
// header and one IFD with one entry, Orientation = o, and nothing else.
func attachOrientationAPP1(o int) []byte {
	return []byte{
		0xFF, attachMarkerAPP1, 0x00, 34,
		'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0x00, 0x2A, 0, 0, 0, 8, // TIFF header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // Orientation, SHORT, 1 value
		0, 0, 0, 0, // no next IFD
	}
}

func attachCheckPNG(name string, data []byte) ([]byte, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, attachConfigError(name, err)
	}
	if err := attachCheckSize(name, cfg); err != nil {
		return nil, err
	}
	return attachStripPNG(name, data)
}

// attachStripPNG copies the signature and the chunks that draw the image,
// refusing a chunk whose length runs past the end or whose CRC is wrong, a
// file that does not start with IHDR, has no IDAT or no IEND, and critical
// chunks no decoder knows (such as Apple's CgBI, which only Apple reads).
func attachStripPNG(name string, data []byte) ([]byte, error) {
	out := make([]byte, 0, len(data))
	out = append(out, data[:8]...)
	sawData := false
	for i, first := 8, true; ; first = false {
		if i+12 > len(data) {
			return nil, attachDamaged(name)
		}
		n := binary.BigEndian.Uint32(data[i:])
		if n > 0x7FFFFFFF || uint64(i)+12+uint64(n) > uint64(len(data)) {
			return nil, attachDamaged(name)
		}
		end := i + 12 + int(n)
		typ := data[i+4 : i+8]
		if binary.BigEndian.Uint32(data[end-4:]) != crc32.ChecksumIEEE(data[i+4:end-4]) {
			return nil, attachDamaged(name)
		}
		for _, c := range typ {
			if c < 'A' || 'Z' < c && c < 'a' || c > 'z' {
				return nil, attachDamaged(name)
			}
		}
		chunk := data[i:end]
		i = end
		t := string(typ)
		if first != (t == "IHDR") {
			return nil, attachDamaged(name)
		}
		switch t {
		case "IEND":
			if n != 0 || !sawData {
				return nil, attachDamaged(name)
			}
			// Bytes after IEND (an appended archive, say) are dropped.
			return append(out, chunk...), nil
		case "IDAT":
			sawData = true
			out = append(out, chunk...)
		case "IHDR", "PLTE",
			"tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "bKGD", "pHYs", "hIST", "cICP", "mDCV", "cLLI",
			"acTL", "fcTL", "fdAT":
			out = append(out, chunk...)
		default:
			// An upper-case first letter marks a chunk needed to draw the
			// image; the others may be dropped by definition, and some
			// carry Exif under an old or private name.
			if typ[0] <= 'Z' {
				return nil, attachUnsupported(name)
			}
		}
	}
}

// attachPDFBroken and attachPDFActive are the problems a PDF can have.
func attachPDFBroken(name string) error {
	return attachErr(errs.Invalid, "文件 %s：PDF 文件不完整或已损坏，请重新导出为 PDF 后上传",
		"the PDF file \"%s\" is incomplete or damaged: export it as a PDF again and upload it", name)
}

func attachPDFActive(name string) error {
	return attachErr(errs.Invalid, "文件 %s：PDF 含有脚本或嵌入文件，请另存为普通 PDF 后上传",
		"the PDF file \"%s\" contains scripts or embedded files: save it as a plain PDF and upload that", name)
}

func attachCheckPDF(name string, data []byte) error {
	head := data[:min(len(data), 1024)]
	v := bytes.Index(head, []byte("%PDF-"))
	if v < 0 || !bytes.HasPrefix(data[v+5:], []byte("1.")) && !bytes.HasPrefix(data[v+5:], []byte("2.")) {
		return attachPDFBroken(name)
	}
	if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
		return attachPDFBroken(name)
	}
	if attachPDFHasActiveName(data) {
		return attachPDFActive(name)
	}
	return nil
}

// attachPDFDelimiter reports whether b ends a PDF name: white space or a
// delimiter.
func attachPDFDelimiter(b byte) bool {
	switch b {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// attachPDFHasActiveName reports whether the PDF names a script, a launch
// action, an embedded file or an action run on opening, outside stream
// contents. Names are compared after their #xx escapes are decoded, since
// /J#61vaScript is /JavaScript to a reader.
func attachPDFHasActiveName(data []byte) bool {
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '/':
			j := i + 1
			for j < len(data) && !attachPDFDelimiter(data[j]) {
				j++
			}
			// The longest name looked for, /EmbeddedFiles, is 13 letters,
			// 39 bytes if every one is escaped; longer names are skipped
			// without decoding.
			if j-i-1 <= 3*len("EmbeddedFiles") {
				switch attachPDFName(data[i+1 : j]) {
				case "JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "OpenAction":
					return true
				}
			}
			i = j - 1
		case 's':
			// Stream contents are mostly compressed or binary, where a
			// chance "/JS " would refuse an innocent scan; a name inside
			// them is no more visible to this check than a compressed one.
			if (i == 0 || attachPDFDelimiter(data[i-1])) && bytes.HasPrefix(data[i:], []byte("stream")) &&
				i+6 < len(data) && (data[i+6] == '\r' || data[i+6] == '\n') {
				k := bytes.Index(data[i+6:], []byte("endstream"))
				if k < 0 {
					return false
				}
				i += 6 + k + len("endstream") - 1
			}
		}
	}
	return false
}

// attachPDFName decodes the #xx escapes of a PDF name; a '#' not followed
// by two hex digits stands for itself.
func attachPDFName(raw []byte) string {
	if bytes.IndexByte(raw, '#') < 0 {
		return string(raw)
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			if v, err := strconv.ParseUint(string(raw[i+1:i+3]), 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(raw[i])
	}
	return b.String()
}
