package photo

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
)

// Errors Clean and Sniff return, wrapped with context; test with errors.Is.
var (
	// ErrUnsupported means the bytes are not a JPEG or PNG this package
	// can clean (HEIC, WebP, GIF, a lossless or arithmetic-coded JPEG...).
	// The message names the format when it is recognised, so the app can
	// tell the person to convert the photo. The sync API answers 415.
	ErrUnsupported = errors.New("photo: unsupported format")
	// ErrMalformed means the bytes claim to be a JPEG or PNG but break its
	// structure: truncated, a length past the end, a bad PNG CRC, image
	// data that does not decode.
	ErrMalformed = errors.New("photo: malformed image")
	// ErrTooLarge means the input holds more than MaxSize bytes or more
	// than MaxPixels pixels, or straightening it would need more memory
	// than maxDecodeBytes.
	ErrTooLarge = errors.New("photo: too large")
)

// Limits. MaxSize is the protocol's 20 MiB per photo; Clean enforces it
// itself so a reader that never ends cannot keep it busy. MaxPixels is
// the largest picture accepted at all (a 64 MP phone photo fits), the same
// for every orientation so that whether a photo is accepted does not
// depend on how the phone was held.
const (
	MaxSize   = 20 << 20
	MaxPixels = 64_000_000
)

// maxDecodeBytes bounds the memory a decode may take (decoded pixels, plus
// the coefficients the standard decoder keeps for a progressive JPEG),
// estimated from the header before decoding. Callers should still bound
// how many Cleans that decode run at once.
const maxDecodeBytes = 512 << 20

// Content types Sniff and Clean report.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// Result describes what Clean wrote.
type Result struct {
	// ContentType is JPEG or PNG, sniffed from the bytes, whatever the
	// upload claimed.
	ContentType string
	// Width and Height are the cleaned picture's, as it is displayed.
	Width, Height int
	// Orientation is the EXIF orientation (1–8) the input carried, 1 when
	// it had none or it could not be read.
	Orientation int
	// Rotated is true when Orientation was 2–8: the pixels were flipped or
	// rotated and re-encoded (JPEG quality 90, 4:2:0). Otherwise the image
	// data was copied byte for byte.
	Rotated bool
	// GPS is true when the input's EXIF held a GPS IFD (now removed).
	GPS bool
	// RemovedBytes counts the input bytes not carried over: metadata
	// segments and chunks, junk between them and anything after the end
	// of the image.
	RemovedBytes int64
	// Size is the number of bytes written to dst.
	Size int64
}

// Clean copies the photo in src to dst without its metadata: EXIF (GPS
// first of all), XMP, IPTC, comments, PNG text chunks and anything after
// the end of the image. If EXIF says the picture is stored rotated or
// mirrored, Clean applies that to the pixels so it stays upright without
// the tag. See the package documentation for what is kept and why.
//
// Clean reads at most MaxSize+1 bytes of src. It returns ErrUnsupported
// for anything but JPEG and PNG, ErrMalformed for a broken file and
// ErrTooLarge past the limits, each wrapped with details; read and write
// errors are returned wrapped. On error, dst may already hold part of the
// output, which the caller must discard.
func Clean(dst io.Writer, src io.Reader) (Result, error) {
	br := bufio.NewReaderSize(&limitReader{r: src, left: MaxSize}, 64<<10)
	head, err := br.Peek(SniffLen)
	if err != nil && err != io.EOF {
		return Result{}, fmt.Errorf("read photo: %w", err)
	}
	contentType, err := Sniff(head)
	if err != nil {
		return Result{}, err
	}
	cw := &countWriter{w: dst}
	bw := bufio.NewWriterSize(cw, 64<<10)
	res := Result{ContentType: contentType, Orientation: 1}
	switch contentType {
	case JPEG:
		err = cleanJPEG(bw, br, &res)
	case PNG:
		err = cleanPNG(bw, br, &res)
	}
	if err == nil {
		err = bw.Flush()
	}
	res.Size = cw.n
	return res, err
}

// readErr turns the end of input in the middle of something into
// ErrMalformed and wraps other read errors (ErrTooLarge among them).
func readErr(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated %s", ErrMalformed, what)
	}
	return fmt.Errorf("read %s: %w", what, err)
}

// checkPixels rejects pictures over MaxPixels before anything is decoded.
func checkPixels(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: image is %dx%d", ErrMalformed, w, h)
	}
	if int64(w)*int64(h) > MaxPixels {
		return fmt.Errorf("%w: %dx%d is more than %d pixels", ErrTooLarge, w, h, MaxPixels)
	}
	return nil
}

// errDecoderDone tells the cleaner, through the pipe, that the decoder
// stopped reading.
var errDecoderDone = errors.New("photo: decoder stopped reading")

// pipeDecoder runs decode in a goroutine on what is written to it, so the
// cleaned stream flows into the decoder and the encoded file is never held
// in memory. Close must be called exactly once, whatever happened.
type pipeDecoder struct {
	pw   *io.PipeWriter
	done chan struct{}
	img  image.Image
	err  error
}

func startDecoder(decode func(io.Reader) (image.Image, error)) *pipeDecoder {
	pr, pw := io.Pipe()
	d := &pipeDecoder{pw: pw, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		d.img, d.err = decode(pr)
		pr.CloseWithError(errDecoderDone)
	}()
	return d
}

func (d *pipeDecoder) Write(p []byte) (int, error) { return d.pw.Write(p) }

// Close ends the stream with streamErr (nil: a clean end) and returns the
// decoded image. The cleaner's own error wins over the decoder's, which
// only saw its consequences; a decoder that stopped early or failed makes
// the image ErrMalformed.
func (d *pipeDecoder) Close(streamErr error) (image.Image, error) {
	d.pw.CloseWithError(streamErr)
	<-d.done
	switch {
	case streamErr != nil && !errors.Is(streamErr, errDecoderDone) && !errors.Is(streamErr, io.ErrClosedPipe):
		return nil, streamErr
	case d.err != nil:
		return nil, fmt.Errorf("%w: decode: %v", ErrMalformed, d.err)
	case streamErr != nil:
		return nil, fmt.Errorf("%w: decoder ended before the image did", ErrMalformed)
	}
	return d.img, nil
}

// limitReader reads from r until left bytes have been read and returns
// ErrTooLarge if r holds more.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		n = int(l.left)
		l.left = -1
		return n, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxSize)
	}
	l.left -= int64(n)
	return n, err
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// insertWriter passes writes through to w, inserting extra once the first
// at bytes have gone by: ICC segments after a re-encoded JPEG's SOI, colour
// chunks after a re-encoded PNG's IHDR.
type insertWriter struct {
	w     io.Writer
	at    int
	extra []byte
}

func (iw *insertWriter) Write(p []byte) (int, error) {
	written := 0
	if iw.at > 0 && iw.extra != nil {
		k := min(iw.at, len(p))
		n, err := iw.w.Write(p[:k])
		written += n
		iw.at -= n
		if err != nil {
			return written, err
		}
		p = p[k:]
		if iw.at == 0 {
			if _, err := iw.w.Write(iw.extra); err != nil {
				return written, err
			}
			iw.extra = nil
		}
	}
	n, err := iw.w.Write(p)
	return written + n, err
}
