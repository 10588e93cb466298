package photo

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"
)

// JPEG markers (ITU T.81, table B.1) this file tells apart.
const (
	mSOF0  = 0xC0
	mSOF1  = 0xC1
	mSOF2  = 0xC2
	mDHT   = 0xC4
	mRST0  = 0xD0
	mRST7  = 0xD7
	mSOI   = 0xD8
	mEOI   = 0xD9
	mSOS   = 0xDA
	mDQT   = 0xDB
	mDRI   = 0xDD
	mAPP0  = 0xE0
	mAPP1  = 0xE1
	mAPP2  = 0xE2
	mAPP14 = 0xEE
	mAPP15 = 0xEF
	mCOM   = 0xFE
	mTEM   = 0x01
)

var (
	exifHeader = []byte("Exif\x00\x00")
	jfifHeader = []byte("JFIF\x00")
	iccHeader  = []byte("ICC_PROFILE\x00")
	adobeID    = []byte("Adobe")
)

// jpegCleaner walks a JPEG segment by segment and writes the segments it
// keeps to sink. Until the first scan, sink is head: the path (stream or
// decode) is chosen there, once the EXIF orientation is known.
type jpegCleaner struct {
	stream              // buf holds one segment's payload (at most 65533 bytes)
	icc    bytes.Buffer // the kept ICC segments, for a re-encoded image
	frame  frame
	scans  int
}

// frame is what a SOF segment says.
type frame struct {
	width, height, ncomp int
	progressive          bool
	h, v                 [4]int // sampling factors per component
}

// cleanJPEG writes the cleaned JPEG from r to dst: segments streamed as
// they are (orientation 1), or decoded, transformed and re-encoded.
func cleanJPEG(dst *bufio.Writer, r *bufio.Reader, res *Result) error {
	c := &jpegCleaner{stream: stream{r: r, dst: dst, buf: make([]byte, 65535), res: res}}
	c.sink = &c.head
	img, err := c.finish(c.run(), "JPEG")
	if err != nil || img == nil {
		return err
	}
	return c.reencode(img)
}

// run copies SOI to EOI. Every step consumes input, so it ends.
func (c *jpegCleaner) run() error {
	var soi [2]byte
	if _, err := io.ReadFull(c.r, soi[:]); err != nil {
		return readErr(err, "JPEG")
	}
	c.head.Write(soi[:])
	m, err := c.nextMarker()
	for {
		if err != nil {
			return err
		}
		switch {
		case m == mEOI:
			if c.scans == 0 {
				return fmt.Errorf("%w: JPEG ends before any image data", ErrMalformed)
			}
			_, err = c.sink.Write([]byte{0xFF, mEOI})
			return err
		case m == mSOS:
			m, err = c.scan()
			continue
		case m == mSOI:
			return fmt.Errorf("%w: second SOI marker", ErrMalformed)
		case m == mTEM || mRST0 <= m && m <= mRST7:
			// Stray standalone markers outside a scan; decoders skip them.
			c.res.RemovedBytes += 2
		default:
			if err = c.segment(m); err != nil {
				return err
			}
		}
		m, err = c.nextMarker()
	}
}

// nextMarker reads up to and including the next marker and returns its
// code. Junk bytes and fill bytes before it are dropped, as libjpeg and
// image/jpeg skip them.
func (c *jpegCleaner) nextMarker() (byte, error) {
	for {
		b, err := c.r.ReadByte()
		if err != nil {
			return 0, readErr(err, "JPEG")
		}
		if b != 0xFF {
			c.res.RemovedBytes++
			continue
		}
		m, err := c.r.ReadByte()
		for err == nil && m == 0xFF {
			c.res.RemovedBytes++
			m, err = c.r.ReadByte()
		}
		if err != nil {
			return 0, readErr(err, "JPEG")
		}
		if m == 0 {
			c.res.RemovedBytes += 2
			continue
		}
		return m, nil
	}
}

// readSegment reads the length and payload of the segment whose marker
// was just read. The payload is only valid until the next call.
func (c *jpegCleaner) readSegment(m byte) ([]byte, error) {
	var lb [2]byte
	if _, err := io.ReadFull(c.r, lb[:]); err != nil {
		return nil, readErr(err, "JPEG segment length")
	}
	n := int(lb[0])<<8 | int(lb[1])
	if n < 2 {
		return nil, fmt.Errorf("%w: segment %#02x has length %d", ErrMalformed, m, n)
	}
	p := c.buf[:n-2]
	if _, err := io.ReadFull(c.r, p); err != nil {
		return nil, readErr(err, fmt.Sprintf("JPEG segment %#02x", m))
	}
	return p, nil
}

// emit writes a segment to sink.
func (c *jpegCleaner) emit(m byte, p []byte) error {
	n := len(p) + 2
	if _, err := c.sink.Write([]byte{0xFF, m, byte(n >> 8), byte(n)}); err != nil {
		return err
	}
	_, err := c.sink.Write(p)
	return err
}

// segment reads one marker segment and keeps it, trims it or drops it.
func (c *jpegCleaner) segment(m byte) error {
	p, err := c.readSegment(m)
	if err != nil {
		return err
	}
	keep, err := c.judge(m, p)
	if err != nil {
		return err
	}
	if keep == nil {
		c.res.RemovedBytes += int64(len(p)) + 4
		return nil
	}
	c.res.RemovedBytes += int64(len(p) - len(keep))
	if m == mAPP2 && c.scans == 0 {
		n := len(keep) + 2
		c.icc.Write([]byte{0xFF, m, byte(n >> 8), byte(n)})
		c.icc.Write(keep)
	}
	return c.emit(m, keep)
}

// judge decides what of a segment to keep: all of p, a prefix of it, or
// nothing (nil). Only segments that carry no personal data are kept (see
// the package documentation); everything image/jpeg would reject is an
// error here, so a stream that passes decodes as well as its input did.
func (c *jpegCleaner) judge(m byte, p []byte) ([]byte, error) {
	switch {
	case m == mAPP0:
		if !bytes.HasPrefix(p, jfifHeader) {
			return nil, nil // JFXX thumbnails and unknown APP0s
		}
		if len(p) >= 14 {
			// Version, units and density stay; the thumbnail goes.
			p = p[:14]
			p[12], p[13] = 0, 0
		}
		return p, nil
	case m == mAPP1:
		if bytes.HasPrefix(p, exifHeader) && !c.sawExif && c.scans == 0 {
			c.readExif(p[len(exifHeader):])
		}
		return nil, nil // EXIF, XMP, extended XMP
	case m == mAPP2:
		if bytes.HasPrefix(p, iccHeader) {
			return p, nil
		}
		return nil, nil // MPF, FlashPix and others
	case m == mAPP14:
		if len(p) >= 12 && bytes.HasPrefix(p, adobeID) {
			// The colour transform flag decoders need; nothing else.
			return p[:12], nil
		}
		return nil, nil
	case mAPP0 <= m && m <= mAPP15 || m == mCOM:
		return nil, nil
	case m == mSOF0 || m == mSOF1 || m == mSOF2:
		return p, c.sof(m, p)
	case m == mDHT:
		return p, checkDHT(p)
	case m == mDQT:
		return p, checkDQT(p)
	case m == mDRI:
		if len(p) != 2 {
			return nil, fmt.Errorf("%w: DRI of %d bytes", ErrMalformed, len(p))
		}
		return p, nil
	case m < 0xC0:
		return nil, fmt.Errorf("%w: unknown marker %#02x", ErrMalformed, m)
	case m <= 0xCF:
		return nil, fmt.Errorf("%w: lossless, hierarchical or arithmetic-coded JPEG (marker %#02x)", ErrUnsupported, m)
	}
	return nil, fmt.Errorf("%w: JPEG marker %#02x", ErrUnsupported, m)
}

// sof records the frame header; image/jpeg checks the rest of it when the
// first scan starts.
func (c *jpegCleaner) sof(m byte, p []byte) error {
	if c.frame.ncomp != 0 {
		return fmt.Errorf("%w: two SOF markers", ErrMalformed)
	}
	if len(p) < 6 || len(p) != 6+3*int(p[5]) {
		return fmt.Errorf("%w: SOF of %d bytes", ErrMalformed, len(p))
	}
	f := frame{
		height:      int(p[1])<<8 | int(p[2]),
		width:       int(p[3])<<8 | int(p[4]),
		ncomp:       int(p[5]),
		progressive: m == mSOF2,
	}
	if f.ncomp != 1 && f.ncomp != 3 && f.ncomp != 4 {
		return fmt.Errorf("%w: JPEG with %d components", ErrUnsupported, f.ncomp)
	}
	if f.height == 0 {
		return fmt.Errorf("%w: JPEG height given by a DNL marker", ErrUnsupported)
	}
	for i := range f.ncomp {
		f.h[i], f.v[i] = max(1, int(p[7+3*i]>>4)), max(1, int(p[7+3*i]&15))
	}
	if f.ncomp == 1 {
		f.h[0], f.v[0] = 1, 1 // as image/jpeg treats it
	}
	c.frame = f
	c.res.Width, c.res.Height = f.width, f.height
	return checkPixels(f.width, f.height)
}

// scan copies one SOS segment and the entropy-coded data after it, and
// returns the marker that ends the data. The first scan chooses the path.
func (c *jpegCleaner) scan() (byte, error) {
	p, err := c.readSegment(mSOS)
	if err != nil {
		return 0, err
	}
	if c.frame.ncomp == 0 {
		return 0, fmt.Errorf("%w: SOS before SOF", ErrMalformed)
	}
	if len(p) < 1 || p[0] < 1 || int(p[0]) > c.frame.ncomp || len(p) != 4+2*int(p[0]) {
		return 0, fmt.Errorf("%w: SOS of %d bytes", ErrMalformed, len(p))
	}
	if c.scans == 0 {
		if err := c.choosePath(); err != nil {
			return 0, err
		}
	}
	c.scans++
	if err := c.emit(mSOS, p); err != nil {
		return 0, err
	}
	return c.copyEntropy()
}

// choosePath runs at the first scan: it checks the header as image/jpeg
// would, then routes what was kept so far to dst (orientation 1: the
// image data is copied as it is) or into a decoder (2–8). Res.Width and
// Height are the frame's, from the SOF.
func (c *jpegCleaner) choosePath() error {
	sos := []byte{0xFF, mSOS, 0, 2} // DecodeConfig stops at an SOS
	_, err := jpeg.DecodeConfig(io.MultiReader(bytes.NewReader(c.head.Bytes()), bytes.NewReader(sos)))
	return c.route(err, c.frame.decodeBytes(), jpeg.Decode)
}

// copyEntropy copies entropy-coded data, with its stuffed 0xFF00 bytes and
// RST markers, up to the next other marker, which it consumes and returns.
func (c *jpegCleaner) copyEntropy() (byte, error) {
	for {
		if _, err := c.r.Peek(1); err != nil {
			return 0, readErr(err, "JPEG scan")
		}
		buf, _ := c.r.Peek(c.r.Buffered())
		i := bytes.IndexByte(buf, 0xFF)
		if i < 0 {
			i = len(buf)
		}
		if _, err := c.sink.Write(buf[:i]); err != nil {
			return 0, err
		}
		c.r.Discard(i)
		if i == len(buf) {
			continue
		}
		b, err := c.r.Peek(2)
		if err != nil {
			return 0, readErr(err, "JPEG scan")
		}
		switch m := b[1]; {
		case m == 0 || mRST0 <= m && m <= mRST7:
			if _, err := c.sink.Write(b); err != nil {
				return 0, err
			}
			c.r.Discard(2)
		case m == 0xFF:
			c.res.RemovedBytes++ // a fill byte
			c.r.Discard(1)
		default:
			c.r.Discard(2)
			return m, nil
		}
	}
}

// reencode applies the orientation to the decoded image and writes it as
// a new JPEG, with the ICC profile of a YCbCr or greyscale input (a CMYK
// profile would not fit the RGB output).
func (c *jpegCleaner) reencode(img image.Image) error {
	var icc []byte
	if c.frame.ncomp != 4 {
		icc = c.icc.Bytes()
	}
	w := &insertWriter{w: c.dst, at: 2, extra: icc}
	if err := jpeg.Encode(w, img, &jpeg.Options{Quality: 90}); err != nil {
		return fmt.Errorf("encode JPEG: %w", err)
	}
	return nil
}

// decodeBytes estimates what image/jpeg allocates to decode the frame:
// the padded sample planes, the coefficients it keeps for a progressive
// image (4 bytes a sample) and the CMYK image it converts 4 components to.
func (f *frame) decodeBytes() int64 {
	hmax, vmax := 1, 1
	for i := range f.ncomp {
		hmax, vmax = max(hmax, f.h[i]), max(vmax, f.v[i])
	}
	mxx := int64((f.width + 8*hmax - 1) / (8 * hmax))
	myy := int64((f.height + 8*vmax - 1) / (8 * vmax))
	var samples int64
	for i := range f.ncomp {
		samples += 64 * int64(f.h[i]*f.v[i]) * mxx * myy
	}
	n := samples
	if f.progressive {
		n += 4 * samples
	}
	if f.ncomp == 4 {
		n += 4 * int64(f.width) * int64(f.height)
	}
	return n
}

// checkDQT checks that a DQT segment is a whole number of tables.
func checkDQT(p []byte) error {
	for len(p) > 0 {
		pq, tq := p[0]>>4, p[0]&15
		size := 1 + 64*(1+int(pq))
		if pq > 1 || tq > 3 || len(p) < size {
			return fmt.Errorf("%w: bad DQT", ErrMalformed)
		}
		p = p[size:]
	}
	return nil
}

// checkDHT checks that a DHT segment is a whole number of tables.
func checkDHT(p []byte) error {
	for len(p) > 0 {
		if len(p) < 17 || p[0]>>4 > 1 || p[0]&15 > 3 {
			return fmt.Errorf("%w: bad DHT", ErrMalformed)
		}
		n := 0
		for _, k := range p[1:17] {
			n += int(k)
		}
		if n == 0 || n > 256 || len(p) < 17+n {
			return fmt.Errorf("%w: bad DHT", ErrMalformed)
		}
		p = p[17+n:]
	}
	return nil
}
