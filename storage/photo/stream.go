package photo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
)

// stream is what the JPEG and PNG cleaners share: the input, the output
// and, on the decode path, the decoder the image data is piped into.
type stream struct {
	r       *bufio.Reader
	dst     *bufio.Writer
	sink    io.Writer
	head    bytes.Buffer  // what is kept before the image data
	buf     []byte        // copy buffer
	dec     *pipeDecoder  // non-nil on the decode path
	decOut  *bufio.Writer // buffers writes into dec
	res     *Result
	sawExif bool
}

// readExif takes from the first EXIF block what Clean needs before the
// block is dropped: whether it points at GPS data and the orientation.
// Broken EXIF is dropped like any other and the picture kept as stored, so
// a parse error leaves the orientation at 1; the GPS flag stands if the
// GPS entry was seen before the error.
func (s *stream) readExif(tiff []byte) {
	s.sawExif = true
	info, err := parseExif(tiff)
	s.res.GPS = s.res.GPS || info.gps
	if err == nil && info.orientation != 0 {
		s.res.Orientation = info.orientation
	}
}

// route runs where the image data starts (JPEG's first scan, PNG's first
// IDAT), once the orientation is known. configErr is what the format's
// DecodeConfig said of the head: an error there means the standard decoder
// would refuse the file too, so it is refused now. Otherwise route sends
// what was kept so far, and the image data after it, either to dst as it
// is (orientation 1) or into a decoder running decode (2–8). decodeBytes
// is the format's estimate of what that decode allocates; it is checked
// before the decoder starts, so a picture too big to straighten costs
// nothing.
func (s *stream) route(configErr error, decodeBytes int64, decode func(io.Reader) (image.Image, error)) error {
	if configErr != nil {
		// Each DecodeConfig returns only its own UnsupportedError.
		_, jpegUnsupported := errors.AsType[jpeg.UnsupportedError](configErr)
		_, pngUnsupported := errors.AsType[png.UnsupportedError](configErr)
		if jpegUnsupported || pngUnsupported {
			return fmt.Errorf("%w: %v", ErrUnsupported, configErr)
		}
		return fmt.Errorf("%w: %v", ErrMalformed, configErr)
	}
	if s.res.Orientation == 1 {
		s.sink = s.dst
	} else {
		if decodeBytes > maxDecodeBytes {
			return fmt.Errorf("%w: straightening %dx%d needs about %d MiB", ErrTooLarge, s.res.Width, s.res.Height, decodeBytes>>20)
		}
		s.res.Rotated = true
		s.dec = startDecoder(decode)
		s.decOut = bufio.NewWriterSize(s.dec, 64<<10)
		s.sink = s.decOut
	}
	_, err := s.head.WriteTo(s.sink)
	return err
}

// finish ends a run that returned err: it flushes what is piped to the
// decoder, drops everything after the image's end (phones append
// previews, depth maps and motion-photo videos there) and, on the decode
// path, returns the decoded image turned upright. It returns no image
// when the photo was streamed as it is.
func (s *stream) finish(err error, format string) (image.Image, error) {
	if err == nil && s.decOut != nil {
		err = s.decOut.Flush()
	}
	if err == nil {
		var n int64
		n, err = io.Copy(io.Discard, s.r)
		s.res.RemovedBytes += n
		if err != nil {
			err = readErr(err, "data after "+format)
		}
	}
	if s.dec == nil {
		return nil, err
	}
	img, err := s.dec.Close(err)
	if err != nil {
		return nil, err
	}
	img = orient(img, s.res.Orientation)
	b := img.Bounds()
	s.res.Width, s.res.Height = b.Dx(), b.Dy()
	return img, nil
}
