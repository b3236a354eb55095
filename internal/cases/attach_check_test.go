package cases

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/errs"
)

// attTestPicture is a small image with enough detail that its encodings
// have real entropy-coded data.
func attTestPicture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) * 7), 255})
		}
	}
	return img
}

func attTestJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, attTestPicture(w, h), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func attTestPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, attTestPicture(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// attTestSegment is a JPEG marker segment.
func attTestSegment(marker byte, payload string) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

// attTestAfterSOI inserts segments right after a JPEG's SOI.
func attTestAfterSOI(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte(nil), jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

type attTestIFDEntry struct {
	tag, typ uint16
	count    uint32
	data     []byte
}

// attTestTIFF lays out a TIFF structure as Exif holds it: IFD0 (with a
// pointer to the GPS IFD when gps is given), the GPS IFD, then the values
// that do not fit in an entry.
func attTestTIFF(bo binary.ByteOrder, ifd0, gps []attTestIFDEntry) []byte {
	if gps != nil {
		ifd0 = append(ifd0, attTestIFDEntry{tag: 0x8825, typ: 4, count: 1})
	}
	size := func(n int) int { return 2 + 12*n + 4 }
	offGPS := 8 + size(len(ifd0))
	dataOff := offGPS
	if gps != nil {
		dataOff += size(len(gps))
	}
	buf := make([]byte, dataOff)
	if bo == binary.ByteOrder(binary.LittleEndian) {
		copy(buf, "II*\x00")
	} else {
		copy(buf, "MM\x00*")
	}
	bo.PutUint32(buf[4:], 8)
	var extra []byte
	write := func(at int, es []attTestIFDEntry) {
		bo.PutUint16(buf[at:], uint16(len(es)))
		for k, e := range es {
			p := at + 2 + 12*k
			bo.PutUint16(buf[p:], e.tag)
			bo.PutUint16(buf[p+2:], e.typ)
			bo.PutUint32(buf[p+4:], e.count)
			switch {
			case e.tag == 0x8825:
				bo.PutUint32(buf[p+8:], uint32(offGPS))
			case len(e.data) <= 4:
				copy(buf[p+8:p+12], e.data)
			default:
				bo.PutUint32(buf[p+8:], uint32(dataOff+len(extra)))
				extra = append(extra, e.data...)
			}
		}
	}
	write(8, ifd0)
	if gps != nil {
		write(offGPS, gps)
	}
	return append(buf, extra...)
}

// attTestExif is an Exif APP1 payload with a camera make, the orientation
// (none when 0) and a GPS IFD whose processing method holds canary.
func attTestExif(bo binary.ByteOrder, orientation uint16, canary string) string {
	short := make([]byte, 2)
	bo.PutUint16(short, orientation)
	ifd0 := []attTestIFDEntry{{tag: 0x010F, typ: 2, count: 9, data: []byte("PhoneCo\x00\x00")}}
	if orientation != 0 {
		ifd0 = append(ifd0, attTestIFDEntry{tag: 0x0112, typ: 3, count: 1, data: short})
	}
	lat := make([]byte, 24)
	for k, v := range []uint32{39, 1, 54, 1, 2712, 100} {
		bo.PutUint32(lat[4*k:], v)
	}
	method := "ASCII\x00\x00\x00" + canary
	gps := []attTestIFDEntry{
		{tag: 0x0001, typ: 2, count: 2, data: []byte("N\x00")},
		{tag: 0x0002, typ: 5, count: 3, data: lat},
		{tag: 0x001B, typ: 7, count: uint32(len(method)), data: []byte(method)},
	}
	return "Exif\x00\x00" + string(attTestTIFF(bo, ifd0, gps))
}

// attTestWantOrientationAPP1 is the one APP1 segment a photo with
// orientation o keeps, written out by hand.
func attTestWantOrientationAPP1(o byte) []byte {
	return []byte("\xFF\xE1\x00\x22Exif\x00\x00MM\x00\x2A\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00" + string([]byte{o}) + "\x00\x00\x00\x00\x00\x00")
}

type attTestSeg struct {
	marker  byte
	payload []byte
}

// attTestJPEGSegments lists the marker segments of a JPEG stream, skipping
// entropy-coded data, and reports how many bytes follow EOI. It fails on
// anything between segments, which the rewrite never leaves.
func attTestJPEGSegments(t testing.TB, data []byte) (segs []attTestSeg, trailing int) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
		t.Fatalf("no SOI")
	}
	i := 2
	for {
		if i+2 > len(data) || data[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := data[i+1]
		i += 2
		if m == 0xD9 {
			return segs, len(data) - i
		}
		if i+2 > len(data) {
			t.Fatalf("segment %X cut", m)
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			t.Fatalf("segment %X of length %d at %d runs past the end", m, n, i)
		}
		segs = append(segs, attTestSeg{m, data[i+2 : i+n]})
		i += n
		if m != 0xDA {
			continue
		}
		for {
			if i+1 >= len(data) {
				t.Fatalf("scan without end")
			}
			if data[i] == 0xFF && data[i+1] != 0x00 && (data[i+1] < 0xD0 || data[i+1] > 0xD7) {
				break
			}
			i++
		}
	}
}

// attTestCheckJPEGClean fails when a JPEG keeps metadata: an APP1 other
// than the minimal orientation one, APP2–APP13, APP15, a comment, a JFIF
// block with a thumbnail or bytes after EOI.
func attTestCheckJPEGClean(t testing.TB, data []byte) {
	t.Helper()
	segs, trailing := attTestJPEGSegments(t, data)
	if trailing != 0 {
		t.Fatalf("%d bytes after EOI", trailing)
	}
	app1 := 0
	for _, s := range segs {
		switch m := s.marker; {
		case m == 0xE0:
			if !bytes.HasPrefix(s.payload, []byte("JFIF\x00")) || len(s.payload) > 14 || len(s.payload) == 14 && (s.payload[12] != 0 || s.payload[13] != 0) {
				t.Fatalf("APP0 kept: %q", s.payload)
			}
		case m == 0xE1:
			app1++
			seg := attTestSegment(m, string(s.payload))
			o := byte(0)
			if len(seg) == 36 {
				o = seg[29]
			}
			if app1 > 1 || o < 2 || o > 8 || !bytes.Equal(seg, attTestWantOrientationAPP1(o)) {
				t.Fatalf("APP1 kept: %q", s.payload)
			}
		case m == 0xEE:
			if !bytes.HasPrefix(s.payload, []byte("Adobe")) || len(s.payload) != 12 {
				t.Fatalf("APP14 kept: %q", s.payload)
			}
		case m >= 0xE2 && m <= 0xEF, m == 0xFE, m >= 0xF0 && m <= 0xFD:
			t.Fatalf("segment %X kept: %q", m, s.payload)
		}
	}
}

// attTestChunk is a PNG chunk with its CRC.
func attTestChunk(typ, data string) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE([]byte(typ+data)))
}

// attTestBeforeIDAT inserts chunks before a PNG's first IDAT.
func attTestBeforeIDAT(t testing.TB, p []byte, chunks ...[]byte) []byte {
	t.Helper()
	i := bytes.Index(p, []byte("IDAT"))
	if i < 4 {
		t.Fatal("no IDAT")
	}
	out := append([]byte(nil), p[:i-4]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[i-4:]...)
}

type attTestPNGChunk struct {
	typ   string
	crcOK bool
}

// attTestPNGChunks lists the chunks of a PNG file and how many bytes follow
// IEND.
func attTestPNGChunks(t testing.TB, data []byte) (chunks []attTestPNGChunk, trailing int) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("no PNG signature")
	}
	for i := 8; ; {
		if i+12 > len(data) {
			t.Fatalf("chunk at %d cut", i)
		}
		n := int(binary.BigEndian.Uint32(data[i:]))
		end := i + 12 + n
		if end > len(data) {
			t.Fatalf("chunk at %d runs past the end", i)
		}
		typ := string(data[i+4 : i+8])
		ok := binary.BigEndian.Uint32(data[end-4:]) == crc32.ChecksumIEEE(data[i+4:end-4])
		chunks = append(chunks, attTestPNGChunk{typ, ok})
		i = end
		if typ == "IEND" {
			return chunks, len(data) - i
		}
	}
}

// attTestWant checks that err is an attachment error of kind k with the
// Chinese message zh.
func attTestWant(t *testing.T, err error, k errs.Kind, zh string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want %q", err, zh)
	}
	if e.Kind != k || e.Field != "attachments" || e.ZH != zh || e.EN == "" {
		t.Errorf("error = %s %q %q %q, want %s %q", e.Kind, e.Field, e.ZH, e.EN, k, zh)
	}
}

func attTestSameImage(t *testing.T, a, b []byte) {
	t.Helper()
	ia, fa, err := image.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, fb, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the cleaned file does not decode: %v", err)
	}
	if fa != fb || ia.Bounds() != ib.Bounds() {
		t.Fatalf("decoded %s %v, want %s %v", fb, ib.Bounds(), fa, ia.Bounds())
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				t.Fatalf("pixel %d,%d differs: %v, want %v", x, y, ib.At(x, y), ia.At(x, y))
			}
		}
	}
}

// attTestPhoto is a phone photo as it leaves the camera: JFIF with a
// thumbnail, Exif with orientation and location, XMP, an ICC profile,
// Photoshop data, an Adobe block with extra bytes, a comment, and a
// trailer after EOI.
func attTestPhoto(t testing.TB, plain []byte, bo binary.ByteOrder, orientation uint16) []byte {
	t.Helper()
	photo := attTestAfterSOI(plain,
		attTestSegment(0xE0, "JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x04\x01THUMBCANARY!"),
		attTestSegment(0xE1, attTestExif(bo, orientation, "GPSCANARY")),
		attTestSegment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>GPSCANARY</exif:GPSLatitude><dc:creator>SECRETCOMMENT</dc:creator></x:xmpmeta>"),
		attTestSegment(0xE2, "ICC_PROFILE\x00\x01\x01DEVICECANARY"),
		attTestSegment(0xED, "Photoshop 3.0\x00SECRETCOMMENT"),
		attTestSegment(0xEE, "Adobe\x00\x64\x00\x00\x00\x00\x01ADOBECANARY"),
		attTestSegment(0xFE, "SECRETCOMMENT"),
	)
	return append(photo, "GPSCANARY trailer"...)
}

var attTestCanaries = []string{"GPSCANARY", "SECRETCOMMENT", "THUMBCANARY", "DEVICECANARY", "ADOBECANARY", "PhoneCo"}

func TestCheckAttachmentJPEGDropsMetadata(t *testing.T) {
	plain := attTestJPEG(t, 64, 48)
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		photo := attTestPhoto(t, plain, bo, 6)
		a, err := CheckAttachment("IMG_0001.JPG", photo)
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "IMG_0001.JPG" || a.MIME != "image/jpeg" {
			t.Errorf("got %q %q", a.Name, a.MIME)
		}
		for _, c := range attTestCanaries {
			if bytes.Contains(a.Data, []byte(c)) {
				t.Errorf("%v: %q survived", bo, c)
			}
		}
		attTestCheckJPEGClean(t, a.Data)
		// The orientation survives as the one APP1, right where the Exif
		// block was: after JFIF.
		want := append([]byte("\xFF\xD8"), attTestSegment(0xE0, "JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x00\x00")...)
		want = append(want, attTestWantOrientationAPP1(6)...)
		want = append(want, attTestSegment(0xEE, "Adobe\x00\x64\x00\x00\x00\x00\x01")...)
		want = append(want, plain[2:]...)
		if !bytes.Equal(a.Data, want) {
			t.Errorf("%v: cleaned JPEG is not the plain one with JFIF, orientation 6 and Adobe:\n% x\nwant\n% x", bo, a.Data[:80], want[:80])
		}
		attTestSameImage(t, plain, a.Data)
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(a.Data)); err != nil || cfg.Width != 64 || cfg.Height != 48 {
			t.Errorf("config %v %v", cfg, err)
		}
	}
}

func TestCheckAttachmentJPEGOrientation(t *testing.T) {
	plain := attTestJPEG(t, 16, 8)
	for _, tc := range []struct {
		orientation uint16
		keep        bool
	}{{0, false}, {1, false}, {3, true}, {6, true}, {8, true}, {9, false}} {
		a, err := CheckAttachment("p.jpeg", attTestAfterSOI(plain, attTestSegment(0xE1, attTestExif(binary.LittleEndian, tc.orientation, "GPSCANARY"))))
		if err != nil {
			t.Fatal(err)
		}
		want := plain
		if tc.keep {
			want = attTestAfterSOI(plain, attTestWantOrientationAPP1(byte(tc.orientation)))
		}
		if !bytes.Equal(a.Data, want) {
			t.Errorf("orientation %d: % x…", tc.orientation, a.Data[:40])
		}
		b, err := CheckAttachment(a.Name, a.Data)
		if err != nil || !bytes.Equal(b.Data, a.Data) {
			t.Errorf("orientation %d: re-check changed the file (%v)", tc.orientation, err)
		}
	}
	// A second Exif block does not override the first.
	a, err := CheckAttachment("p.jpg", attTestAfterSOI(plain,
		attTestSegment(0xE1, attTestExif(binary.BigEndian, 1, "x")),
		attTestSegment(0xE1, attTestExif(binary.BigEndian, 6, "x"))))
	if err != nil || !bytes.Equal(a.Data, plain) {
		t.Errorf("second Exif block: %v % x…", err, a.Data[:20])
	}
}

func TestCheckAttachmentJPEGDamaged(t *testing.T) {
	plain := attTestJPEG(t, 16, 16)
	const damaged = "文件 x.jpg：图片文件已损坏，请重新导出或重新拍摄后上传"
	sof := bytes.Index(plain, []byte{0xFF, 0xC0})
	dht := bytes.Index(plain, []byte{0xFF, 0xC4})
	sos := bytes.Index(plain, []byte{0xFF, 0xDA})
	if sof < 0 || dht < sof || sos < dht {
		t.Fatalf("unexpected layout: SOF %d DHT %d SOS %d", sof, dht, sos)
	}
	jfif := attTestSegment(0xE0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")
	for name, data := range map[string][]byte{
		// An Exif block says it is 4 KB long; the file ends first.
		"APP1 past the end": append([]byte("\xFF\xD8\xFF\xE1\x10\x00Exif\x00\x00MM\x00*"), plain[2:200]...),
		// With JFIF the decoder reads only up to SOF, so the cut DHT
		// after it is found by the rewrite.
		"DHT past the end": attTestAfterSOI(plain[:dht+10], jfif),
		"length below 2":   attTestAfterSOI(append(append([]byte(nil), plain[:dht+2]...), 0x00, 0x01), jfif),
		"no EOI":           plain[:len(plain)-2],
		"cut in the scan":  plain[:sos+40],
		"reserved marker":  attTestAfterSOI(plain, []byte{0xFF, 0x02, 0x00, 0x02}),
		"EOI before scan":  attTestAfterSOI(append(append([]byte(nil), plain[:sos]...), 0xFF, 0xD9), jfif),
	} {
		_, err := CheckAttachment("x.jpg", data)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		attTestWant(t, err, errs.Invalid, damaged)
	}
}

func TestCheckAttachmentJPEGPixelCap(t *testing.T) {
	huge := attTestJPEG(t, 16, 16)
	sof := bytes.Index(huge, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(huge[sof+5:], 50000)
	binary.BigEndian.PutUint16(huge[sof+7:], 50000)
	_, err := CheckAttachment("huge.jpg", huge)
	attTestWant(t, err, errs.TooLarge, "文件 huge.jpg 的图片为 50000×50000 像素，超过 4000 万像素的上限，请缩小后上传")
	// At the cap exactly it passes the check of its size.
	binary.BigEndian.PutUint16(huge[sof+5:], 5000)
	binary.BigEndian.PutUint16(huge[sof+7:], 8000)
	if _, err := CheckAttachment("big.jpg", huge); err != nil {
		t.Errorf("5000×8000: %v", err)
	}
}

func TestCheckAttachmentPNGDropsMetadata(t *testing.T) {
	plain := attTestPNG(t, 40, 30)
	dirty := attTestBeforeIDAT(t, plain,
		attTestChunk("tEXt", "Author\x00CANARY"),
		attTestChunk("gAMA", "\x00\x00\xB1\x8F"),
		attTestChunk("zTXt", "Comment\x00\x00x\x9cCANARY"),
		attTestChunk("iTXt", "XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>GPSCANARY</x:xmpmeta>"),
		attTestChunk("eXIf", attTestExif(binary.BigEndian, 6, "GPSCANARY")[6:]),
		attTestChunk("tIME", "\x07\xE8\x05\x01\x0C\x00\x00"),
		attTestChunk("pHYs", "\x00\x00\x0B\x13\x00\x00\x0B\x13\x01"),
		attTestChunk("caBX", "C2PA SECRETCOMMENT"),
	)
	dirty = append(dirty, "PK\x03\x04 CANARY appended"...)
	a, err := CheckAttachment("screen.png", dirty)
	if err != nil {
		t.Fatal(err)
	}
	if a.MIME != "image/png" || a.Name != "screen.png" {
		t.Errorf("got %q %q", a.Name, a.MIME)
	}
	for _, c := range []string{"CANARY", "Author", "SECRETCOMMENT", "tIME", "Comment"} {
		if bytes.Contains(a.Data, []byte(c)) {
			t.Errorf("%q survived", c)
		}
	}
	chunks, trailing := attTestPNGChunks(t, a.Data)
	var types []string
	for _, c := range chunks {
		types = append(types, c.typ)
		if !c.crcOK {
			t.Errorf("chunk %s: bad CRC", c.typ)
		}
	}
	if got := strings.Join(types, " "); got != "IHDR gAMA pHYs IDAT IEND" || trailing != 0 {
		t.Errorf("chunks %s, %d bytes after IEND", got, trailing)
	}
	attTestSameImage(t, plain, a.Data)
}

func TestCheckAttachmentPNGDamaged(t *testing.T) {
	plain := attTestPNG(t, 8, 8)
	const damaged = "文件 x.png：图片文件已损坏，请重新导出或重新拍摄后上传"
	badCRC := attTestBeforeIDAT(t, plain, attTestChunk("tEXt", "a\x00b"))
	badCRC[bytes.Index(badCRC, []byte("tEXt"))+7]++ // one byte of the data, after the CRC was computed
	idat := bytes.Index(plain, []byte("IDAT"))
	cut := append([]byte(nil), plain...)
	binary.BigEndian.PutUint32(cut[idat-4:], 1<<30)
	for name, data := range map[string][]byte{
		"CRC":                 badCRC,
		"length past the end": cut,
		"no IEND":             plain[:len(plain)-12],
		"cut IEND":            plain[:len(plain)-2],
		"bad chunk type":      attTestBeforeIDAT(t, plain, attTestChunk("t3Xt", "")),
		"IEND before IDAT":    attTestBeforeIDAT(t, plain, attTestChunk("IEND", "")),
	} {
		_, err := CheckAttachment("x.png", data)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		attTestWant(t, err, errs.Invalid, damaged)
	}
	_, err := CheckAttachment("x.png", attTestBeforeIDAT(t, plain, attTestChunk("CgBI", "\x50\x00\x20\x02")))
	attTestWant(t, err, errs.Invalid, "文件 x.png：图片的编码方式不受支持，请另存为普通 JPG 或 PNG 图片（或截图）后上传")
}

func TestCheckAttachmentPNGPixelCap(t *testing.T) {
	// A 100000×100000 RGB image in 57 bytes: the header alone refuses it.
	ihdr := binary.BigEndian.AppendUint32(nil, 100000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	huge := append([]byte("\x89PNG\r\n\x1a\n"), attTestChunk("IHDR", string(ihdr))...)
	huge = append(huge, attTestChunk("IDAT", "x\x9c\x03\x00\x00\x00\x00\x01")...)
	huge = append(huge, attTestChunk("IEND", "")...)
	_, err := CheckAttachment("huge.png", huge)
	attTestWant(t, err, errs.TooLarge, "文件 huge.png 的图片为 100000×100000 像素，超过 4000 万像素的上限，请缩小后上传")
}

// attTestPDF is a small PDF with extra entries in its catalogue, extra
// objects, and a page whose content stream is content.
func attTestPDF(catalog, objects, content string) []byte {
	return []byte("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n" +
		"1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + catalog + ">>\nendobj\n" +
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>\nendobj\n" +
		"4 0 obj\n<< /Length " + strconv.Itoa(len(content)) + " >>\nstream\n" + content + "\nendstream\nendobj\n" +
		objects +
		"trailer\n<< /Root 1 0 R /Info << /Author (Zhang San) >> >>\n%%EOF\n")
}

func TestCheckAttachmentPDF(t *testing.T) {
	plain := attTestPDF("", "", "BT /F1 12 Tf 20 100 Td (hello) Tj ET")
	a, err := CheckAttachment("申请书.PDF", plain)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "申请书.PDF" || a.MIME != "application/pdf" || !bytes.Equal(a.Data, plain) {
		t.Errorf("got %q %q, data changed: %v", a.Name, a.MIME, !bytes.Equal(a.Data, plain))
	}
	for name, data := range map[string][]byte{
		// A font named /JS in a content stream is no script; neither are
		// the bytes of a compressed stream.
		"/JS inside a stream": attTestPDF("", "", "BT /JS 12 Tf (x) Tj ET"),
		"binary stream":       attTestPDF("", "", "x\x9c/JS /Launch\x00\xFF"),
		"/JSON":               attTestPDF("/JSON 1 ", "", ""),
		"junk before header":  append([]byte(strings.Repeat("\x00", 500)), plain...),
		"PDF 2.0":             bytes.Replace(plain, []byte("%PDF-1.4"), []byte("%PDF-2.0"), 1),
		"bytes after %%EOF":   append(append([]byte(nil), plain...), strings.Repeat("\x00", 900)...),
	} {
		if _, err := CheckAttachment("a.pdf", data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	const active = "文件 a.pdf：PDF 含有脚本或嵌入文件，请另存为普通 PDF 后上传"
	for name, data := range map[string][]byte{
		"JavaScript":    attTestPDF("/Names << /JavaScript 5 0 R >> ", "5 0 obj\n<< /Names [(x) 6 0 R] >>\nendobj\n6 0 obj\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>\nendobj\n", ""),
		"escaped":       attTestPDF("/Names << /J#61vaScript 5 0 R >> ", "", ""),
		"escaped JS":    attTestPDF("", "5 0 obj\n<</S/Java#53cript/J#53(x)>>\nendobj\n", ""),
		"OpenAction":    attTestPDF("/OpenAction [3 0 R /Fit] ", "", ""),
		"Launch":        attTestPDF("", "5 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n", ""),
		"EmbeddedFiles": attTestPDF("/Names << /EmbeddedFiles 5 0 R >> ", "", ""),
		"EmbeddedFile":  attTestPDF("", "5 0 obj\n<</Type/EmbeddedFile/Length 0>>stream\n\nendstream\nendobj\n", ""),
	} {
		_, err := CheckAttachment("a.pdf", data)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		attTestWant(t, err, errs.Invalid, active)
	}
	const broken = "文件 a.pdf：PDF 文件不完整或已损坏，请重新导出为 PDF 后上传"
	for name, data := range map[string][]byte{
		"no %%EOF":         plain[:len(plain)-7],
		"%%EOF too early":  append(append([]byte(nil), plain...), strings.Repeat(" ", 1100)...),
		"version 3":        bytes.Replace(plain, []byte("%PDF-1.4"), []byte("%PDF-3.0"), 1),
		"header cut short": []byte("%PDF-"),
	} {
		_, err := CheckAttachment("a.pdf", data)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		attTestWant(t, err, errs.Invalid, broken)
	}
	// A header after the first 1024 bytes is no PDF at all.
	_, err = CheckAttachment("a.pdf", append([]byte(strings.Repeat(" ", 1100)), plain...))
	attTestWant(t, err, errs.Invalid, "文件 a.pdf 的内容不是 PDF 文件，请上传 JPG、PNG 图片或 PDF 文件")
}

func TestCheckAttachmentKindMismatch(t *testing.T) {
	jpg := attTestJPEG(t, 8, 8)
	pngData := attTestPNG(t, 8, 8)
	pdf := attTestPDF("", "", "")
	for _, tc := range []struct {
		name   string
		data   []byte
		zh, en string
	}{
		{"x.jpg", []byte("hello, world"),
			"文件 x.jpg 的内容不是 JPEG 图片，请上传 JPG、PNG 图片或 PDF 文件",
			`the content of "x.jpg" is not a JPEG image: upload JPG or PNG images or PDF files`},
		{"x.jpg", pdf,
			"文件 x.jpg 的内容不是 JPEG 图片，而是 PDF 文件，请把扩展名改为 .pdf 后重新上传",
			`the content of "x.jpg" is not a JPEG image but a PDF file: change the extension to .pdf and upload it again`},
		{"x.png", []byte("MZ\x90\x00\x03\x00\x00\x00"),
			"文件 x.png 的内容不是 PNG 图片，而是可执行程序，请上传 JPG、PNG 图片或 PDF 文件",
			`the content of "x.png" is not a PNG image but a program: upload JPG or PNG images or PDF files`},
		{"x.jpg", []byte("\xEF\xBB\xBF\n<!DOCTYPE html><html><script>alert(1)</script>"),
			"文件 x.jpg 的内容不是 JPEG 图片，而是 HTML 网页，请上传 JPG、PNG 图片或 PDF 文件",
			`the content of "x.jpg" is not a JPEG image but an HTML page: upload JPG or PNG images or PDF files`},
		{"x.PNG", jpg,
			"文件 x.PNG 的内容不是 PNG 图片，而是 JPEG 图片，请把扩展名改为 .jpg 后重新上传",
			`the content of "x.PNG" is not a PNG image but a JPEG image: change the extension to .jpg and upload it again`},
		{"x.pdf", pngData,
			"文件 x.pdf 的内容不是 PDF 文件，而是 PNG 图片，请把扩展名改为 .png 后重新上传",
			`the content of "x.pdf" is not a PDF file but a PNG image: change the extension to .png and upload it again`},
		{"photo.heic", jpg,
			"文件 photo.heic 的内容是 JPEG 图片，与扩展名 .heic 不符，请把扩展名改为 .jpg 后重新上传",
			`"photo.heic" is a JPEG image, which does not match the extension .heic: change the extension to .jpg and upload it again`},
		{"IMG_1.HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
			"文件 IMG_1.HEIC 是 HEIC 图片，请转为 JPG 或 PNG 格式（或截图）后上传",
			`"IMG_1.HEIC" is a HEIC image: convert it to JPG or PNG (or take a screenshot) and upload that`},
		{"a.gif", []byte("GIF89a\x01\x00\x01\x00"),
			"文件 a.gif 是 GIF 图片，请转为 JPG 或 PNG 格式（或截图）后上传",
			`"a.gif" is a GIF image: convert it to JPG or PNG (or take a screenshot) and upload that`},
		{"情况说明.doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00"),
			"文件 情况说明.doc 是 Word、Excel 等 Office 文档，请另存为 PDF 后上传",
			`"情况说明.doc" is an office document: save it as a PDF and upload that`},
		{"setup.exe", []byte("MZ\x90\x00"),
			"文件 setup.exe 是可执行程序，请上传 JPG、PNG 图片或 PDF 文件",
			`"setup.exe" is a program: upload JPG or PNG images or PDF files`},
		{"notes.txt", []byte("hello"),
			"文件 notes.txt 的格式无法接收，请上传 JPG、PNG 图片或 PDF 文件",
			`"notes.txt" is of a kind that cannot be accepted: upload JPG or PNG images or PDF files`},
		{"blob", []byte("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
			"文件 blob 是 SVG 图片，请转为 JPG 或 PNG 格式（或截图）后上传",
			`"blob" is an SVG image: convert it to JPG or PNG (or take a screenshot) and upload that`},
	} {
		_, err := CheckAttachment(tc.name, tc.data)
		attTestWant(t, err, errs.Invalid, tc.zh)
		if e := errs.As(err); e.EN != tc.en {
			t.Errorf("%s: English %q, want %q", tc.name, e.EN, tc.en)
		}
	}
	// The extension's case does not matter, and every JPEG ending is taken.
	for _, name := range []string{"a.JPG", "a.jpeg", "a.Jfif"} {
		if _, err := CheckAttachment(name, jpg); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckAttachmentSizes(t *testing.T) {
	_, err := CheckAttachment("empty.jpg", nil)
	attTestWant(t, err, errs.Invalid, "文件 empty.jpg 是空文件，请重新选择该文件")

	// Over the cap by one byte: refused by its length, whatever it holds.
	big := make([]byte, MaxAttachmentBytes+1)
	copy(big, attTestJPEG(t, 8, 8))
	_, err = CheckAttachment("big.jpg", big)
	attTestWant(t, err, errs.TooLarge, "文件 big.jpg 有 10.1 MB，每个附件不能超过 10 MB，请压缩后上传")
	if e := errs.As(err); e.EN != `"big.jpg" is 10.1 MB; each attachment may be at most 10 MB: compress it and upload it again` {
		t.Errorf("English %q", e.EN)
	}
	for n, want := range map[int]string{0: "0 B", 1023: "1023 B", 1024: "1 KB", 1025: "2 KB", 1 << 20: "1.0 MB", 10<<20 + 1: "10.1 MB", 21 << 20: "21.0 MB"} {
		if got := attachSize(n); got != want {
			t.Errorf("attachSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCheckAttachmentNames(t *testing.T) {
	p := attTestPNG(t, 2, 2)
	long := strings.Repeat("长", 300)
	for raw, want := range map[string]string{
		"../../etc/passwd.png":            "passwd.png",
		`C:\Users\张三\照片.PNG`:              "照片.PNG",
		"a\x00b\x1fc\x7f\u202e\u200b.png": "abc.png",
		"\xff\xfe照片.png":                  "照片.png",
		"  截图 1.png  ":                    "截图 1.png",
		"photo.png...":                    "photo.png",
		long + ".png":                     strings.Repeat("长", 96) + ".png",
		"1695878787123":                   "1695878787123.png",
		strings.Repeat("a", 100):          strings.Repeat("a", 96) + ".png",
		".png":                            ".png",
	} {
		a, err := CheckAttachment(raw, p)
		if err != nil {
			t.Errorf("%q: %v", raw, err)
			continue
		}
		if a.Name != want {
			t.Errorf("%q → %q, want %q", raw, a.Name, want)
		}
		if n := utf8.RuneCountInString(a.Name); n > 100 {
			t.Errorf("%q: %d runes", raw, n)
		}
	}
	for _, raw := range []string{"", "../", "..", "...", "\x00\x01", "   ", "C:\\tmp\\"} {
		_, err := CheckAttachment(raw, p)
		attTestWant(t, err, errs.Invalid, "附件没有文件名，请重新选择文件")
	}
}

func TestCheckAttachments(t *testing.T) {
	jpg := attTestJPEG(t, 8, 8)
	pdf := attTestPDF("", "", "")

	got, err := CheckAttachments([]NamedFile{{"a.jpg", attTestPhoto(t, jpg, binary.BigEndian, 1)}, {"b.pdf", pdf}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "a.jpg" || !bytes.Equal(got[0].Data, attTestAfterSOI(jpg,
		attTestSegment(0xE0, "JFIF\x00\x01\x02\x00\x00\x48\x00\x48\x00\x00"), attTestSegment(0xEE, "Adobe\x00\x64\x00\x00\x00\x00\x01"))) ||
		got[1].Name != "b.pdf" || got[1].MIME != "application/pdf" {
		t.Errorf("got %+v", got)
	}
	if got, err := CheckAttachments(nil); err != nil || len(got) != 0 {
		t.Errorf("no files: %v %v", got, err)
	}

	six := make([]NamedFile, 6)
	for i := range six {
		six[i] = NamedFile{"a.jpg", jpg}
	}
	_, err = CheckAttachments(six)
	attTestWant(t, err, errs.Invalid, "附件最多 5 个，现有 6 个，请删去 1 个后再提交")

	// 3 × 7 MB: each within its cap, together over; refused before any
	// content is read (these are zeros).
	seven := make([]byte, 7<<20)
	_, err = CheckAttachments([]NamedFile{{"a.jpg", seven}, {"b.jpg", seven}, {"c.jpg", seven}})
	attTestWant(t, err, errs.TooLarge, "附件合计 21.0 MB，不能超过 20 MB，请删去或压缩部分附件后再提交")

	_, err = CheckAttachments([]NamedFile{{"a.jpg", jpg}, {"b.jpg", make([]byte, 11<<20)}})
	attTestWant(t, err, errs.TooLarge, "文件 b.jpg 有 11.0 MB，每个附件不能超过 10 MB，请压缩后上传")
	_, err = CheckAttachments([]NamedFile{{"a.jpg", jpg}, {"", make([]byte, 11<<20)}})
	attTestWant(t, err, errs.Invalid, "第 2 个附件没有文件名，请重新选择该文件")

	_, err = CheckAttachments([]NamedFile{{"a.jpg", jpg}, {"/", jpg}})
	attTestWant(t, err, errs.Invalid, "第 2 个附件没有文件名，请重新选择该文件")
	_, err = CheckAttachments([]NamedFile{{"a.jpg", jpg}, {"b.jpg", pdf}, {"c.exe", jpg}})
	attTestWant(t, err, errs.Invalid, "文件 b.jpg 的内容不是 JPEG 图片，而是 PDF 文件，请把扩展名改为 .pdf 后重新上传")
}

func FuzzCheckAttachment(f *testing.F) {
	jpg := attTestJPEG(f, 16, 12)
	jfif := attTestAfterSOI(jpg, attTestSegment(0xE0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"))
	pngData := attTestPNG(f, 12, 9)
	f.Add("photo.jpg", attTestPhoto(f, jpg, binary.LittleEndian, 6))
	f.Add("photo.jpg", attTestPhoto(f, jpg, binary.BigEndian, 1))
	f.Add("p.jpeg", jfif)
	f.Add("blob", jpg)
	f.Add("screen.png", attTestBeforeIDAT(f, pngData,
		attTestChunk("tEXt", "Author\x00CANARY"),
		attTestChunk("eXIf", attTestExif(binary.BigEndian, 6, "GPSCANARY")[6:]),
		attTestChunk("gAMA", "\x00\x00\xB1\x8F")))
	var gray, paletted bytes.Buffer
	if err := jpeg.Encode(&gray, image.NewGray(image.Rect(0, 0, 9, 7)), nil); err != nil {
		f.Fatal(err)
	}
	if err := png.Encode(&paletted, image.NewPaletted(image.Rect(0, 0, 5, 3), color.Palette{color.Black, color.Transparent})); err != nil {
		f.Fatal(err)
	}
	f.Add("gray.jpg", gray.Bytes())
	f.Add("p.png", paletted.Bytes())
	f.Add("a.pdf", attTestPDF("", "", "BT /F1 12 Tf (x) Tj ET"))
	f.Add("a.pdf", attTestPDF("/OpenAction [3 0 R /Fit] ", "", ""))
	f.Add("../x.png", []byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		attTestFuzzOne(t, name, data)
		// Most mutated names no longer match their content; a name without
		// an extension takes every content to its checks.
		attTestFuzzOne(t, "upload", data)
	})
}

// attTestFuzzOne checks the properties of CheckAttachment on one input:
// refusals are attachment errors; an accepted file is clean and is
// accepted again unchanged.
func attTestFuzzOne(t *testing.T, name string, data []byte) {
	a, err := CheckAttachment(name, data)
	if err != nil {
		var e *errs.Error
		if !errors.As(err, &e) || e.Field != "attachments" || e.ZH == "" || e.EN == "" || (e.Kind != errs.Invalid && e.Kind != errs.TooLarge) {
			t.Fatalf("error %#v", err)
		}
		return
	}
	if a.Name == "" || utf8.RuneCountInString(a.Name) > 100 || strings.ContainsAny(a.Name, `/\`) ||
		strings.IndexFunc(a.Name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
		t.Fatalf("name %q", a.Name)
	}
	b, err := CheckAttachment(a.Name, a.Data)
	if err != nil {
		t.Fatalf("the accepted file is refused on a second check: %v", err)
	}
	if b.Name != a.Name || b.MIME != a.MIME || !bytes.Equal(b.Data, a.Data) {
		t.Fatalf("a second check changed the file: %q %q → %q %q", a.Name, a.MIME, b.Name, b.MIME)
	}
	switch a.MIME {
	case "image/jpeg":
		attTestCheckJPEGClean(t, a.Data)
	case "image/png":
		chunks, trailing := attTestPNGChunks(t, a.Data)
		for _, c := range chunks {
			switch c.typ {
			case "tEXt", "zTXt", "iTXt", "eXIf", "tIME":
				t.Fatalf("chunk %s kept", c.typ)
			}
			if !c.crcOK {
				t.Fatalf("chunk %s: bad CRC", c.typ)
			}
		}
		if trailing != 0 {
			t.Fatalf("%d bytes after IEND", trailing)
		}
	case "application/pdf":
		if !bytes.Equal(a.Data, data) {
			t.Fatal("a PDF was changed")
		}
	default:
		t.Fatalf("MIME %q", a.MIME)
	}
}
