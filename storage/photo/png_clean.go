package photo

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image/png"
	"io"
)

// pngCleaner walks a PNG chunk by chunk, verifying every CRC, and writes
// the chunks it keeps to sink. As for JPEG, sink is head until the first
// IDAT, where the path is chosen.
type pngCleaner struct {
	stream
	colour  bytes.Buffer // colour chunks to put into a re-encoded image
	data    []byte       // the captured start of the current chunk's data
	ihdr    []byte       // width, height, depth, colour type, ..., interlace
	sawIDAT bool
}

// maxCapture bounds how much of a chunk's data is held: all of IHDR, the
// start of eXIf (IFD0 comes first), colour chunks to re-insert.
const maxCapture = 64 << 10

// keepPNG reports whether an ancillary chunk is kept: it only says how
// to render the pixels. Everything else goes: eXIf, tEXt, zTXt, iTXt, tIME,
// animation (the first frame stays), unknown and private chunks.
func keepPNG(typ string) bool {
	switch typ {
	case "PLTE", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "pHYs", "bKGD", "cICP", "mDCV", "cLLI":
		return true
	}
	return false
}

// colourPNG reports whether a kept chunk still holds for a re-encoded
// image, whose colour type and bit depth may differ from the input's (so
// not sBIT, bKGD or tRNS; the encoder writes its own PLTE).
func colourPNG(typ string) bool {
	switch typ {
	case "gAMA", "cHRM", "sRGB", "iCCP", "pHYs", "cICP", "mDCV", "cLLI":
		return true
	}
	return false
}

// cleanPNG writes the cleaned PNG from r to dst.
func cleanPNG(dst *bufio.Writer, r *bufio.Reader, res *Result) error {
	c := &pngCleaner{stream: stream{r: r, dst: dst, buf: make([]byte, 32<<10), res: res}}
	c.sink = &c.head
	img, err := c.finish(c.run(), "PNG")
	if err != nil || img == nil {
		return err
	}
	// Colour chunks go right after the encoder's signature and IHDR.
	w := &insertWriter{w: dst, at: len(pngSignature) + 25, extra: c.colour.Bytes()}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("encode PNG: %w", err)
	}
	return nil
}

// run copies the signature to IEND. Every chunk consumes input, so it ends.
func (c *pngCleaner) run() error {
	var hdr [8]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return readErr(err, "PNG")
	}
	c.head.Write(hdr[:])
	for {
		if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
			return readErr(err, "PNG chunk")
		}
		length := binary.BigEndian.Uint32(hdr[:4])
		typ := string(hdr[4:])
		if length > 1<<31-1 {
			return fmt.Errorf("%w: chunk length %d", ErrMalformed, length)
		}
		for _, b := range hdr[4:] {
			if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
				return fmt.Errorf("%w: chunk type %q", ErrMalformed, typ)
			}
		}
		if (c.ihdr == nil) != (typ == "IHDR") {
			return fmt.Errorf("%w: %s where IHDR must be, and only there", ErrMalformed, typ)
		}
		switch {
		case typ == "IHDR":
			if err := c.chunk(hdr, length, true, true); err != nil {
				return err
			}
			if err := c.readIHDR(); err != nil {
				return err
			}
		case typ == "IDAT":
			if !c.sawIDAT {
				c.sawIDAT = true
				if err := c.choosePath(); err != nil {
					return err
				}
			}
			if err := c.chunk(hdr, length, true, false); err != nil {
				return err
			}
		case typ == "IEND":
			if !c.sawIDAT {
				return fmt.Errorf("%w: PNG ends before any image data", ErrMalformed)
			}
			return c.chunk(hdr, length, true, false)
		case keepPNG(typ):
			capture := colourPNG(typ) && !c.sawIDAT && length <= maxCapture
			if err := c.chunk(hdr, length, true, capture); err != nil {
				return err
			}
			if capture {
				c.colour.Write(hdr[:])
				c.colour.Write(c.data)
				c.colour.Write(crc(hdr[4:], c.data))
			}
		case hdr[4]&0x20 == 0:
			// A critical chunk this package does not know: the picture
			// may depend on it, so it can neither be dropped nor kept.
			return fmt.Errorf("%w: PNG with critical chunk %q", ErrUnsupported, typ)
		default:
			exif := typ == "eXIf" && !c.sawIDAT && !c.sawExif
			if err := c.chunk(hdr, length, false, exif); err != nil {
				return err
			}
			if exif {
				// Some writers put JPEG's "Exif\0\0" before the TIFF
				// header; it is skipped.
				c.readExif(bytes.TrimPrefix(c.data, exifHeader))
			}
		}
	}
}

// chunk copies (keep) or drops one chunk's data and CRC, capturing (if
// capture) the first maxCapture bytes of its data in c.data. A wrong CRC is
// ErrMalformed; for a kept chunk the bytes have been written by then, and
// the caller discards the output.
func (c *pngCleaner) chunk(hdr [8]byte, length uint32, keep, capture bool) error {
	typ := string(hdr[4:])
	h := crc32.NewIEEE()
	h.Write(hdr[4:])
	if keep {
		if _, err := c.sink.Write(hdr[:]); err != nil {
			return err
		}
	} else {
		c.res.RemovedBytes += int64(length) + 12
	}
	c.data = c.data[:0]
	for left := int(length); left > 0; {
		p := c.buf[:min(left, len(c.buf))]
		if _, err := io.ReadFull(c.r, p); err != nil {
			return readErr(err, "PNG chunk "+typ)
		}
		left -= len(p)
		h.Write(p)
		if room := maxCapture - len(c.data); capture && room > 0 {
			c.data = append(c.data, p[:min(room, len(p))]...)
		}
		if keep {
			if _, err := c.sink.Write(p); err != nil {
				return err
			}
		}
	}
	var sum [4]byte
	if _, err := io.ReadFull(c.r, sum[:]); err != nil {
		return readErr(err, "PNG chunk "+typ)
	}
	if binary.BigEndian.Uint32(sum[:]) != h.Sum32() {
		return fmt.Errorf("%w: CRC mismatch in PNG chunk %s", ErrMalformed, typ)
	}
	if keep {
		if _, err := c.sink.Write(sum[:]); err != nil {
			return err
		}
	}
	return nil
}

// crc is the CRC of a chunk's type and data, as the chunk stores it.
func crc(typ, data []byte) []byte {
	h := crc32.NewIEEE()
	h.Write(typ)
	h.Write(data)
	return h.Sum(nil)
}

// readIHDR records the image size; image/png checks the rest at IDAT.
func (c *pngCleaner) readIHDR() error {
	if len(c.data) != 13 {
		return fmt.Errorf("%w: IHDR of %d bytes", ErrMalformed, len(c.data))
	}
	c.ihdr = bytes.Clone(c.data)
	w, h := binary.BigEndian.Uint32(c.ihdr), binary.BigEndian.Uint32(c.ihdr[4:])
	if w > 1<<31-1 || h > 1<<31-1 {
		return fmt.Errorf("%w: IHDR size %dx%d", ErrMalformed, w, h)
	}
	c.res.Width, c.res.Height = int(w), int(h)
	return checkPixels(int(w), int(h))
}

// choosePath runs at the first IDAT, like its JPEG twin: it checks the
// header as image/png would, then routes what was kept so far to dst
// (orientation 1) or into a decoder.
func (c *pngCleaner) choosePath() error {
	idat := []byte("\x00\x00\x00\x00IDAT") // DecodeConfig stops at an IDAT
	_, err := png.DecodeConfig(io.MultiReader(bytes.NewReader(c.head.Bytes()), bytes.NewReader(idat)))
	return c.route(err, c.decodeBytes(), png.Decode)
}

// decodeBytes estimates what image/png allocates: the image in the type
// it decodes to (1, 2, 4 or 8 bytes a pixel), twice for an interlaced one
// (its passes are decoded separately first).
func (c *pngCleaner) decodeBytes() int64 {
	depth, colourType, interlace := c.ihdr[8], c.ihdr[9], c.ihdr[12]
	bpp := int64(4)
	switch {
	case colourType == 3 || colourType == 0 && depth <= 8:
		bpp = 1
	case colourType == 0:
		bpp = 2
	case depth == 16:
		bpp = 8
	}
	n := int64(c.res.Width) * int64(c.res.Height) * bpp
	if interlace != 0 {
		n *= 2
	}
	return n
}
