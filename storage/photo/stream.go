package photo

import (
	"bufio"
	"bytes"
	"image"
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
