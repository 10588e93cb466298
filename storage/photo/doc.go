// Package photo checks and cleans wijksafari photos before they are
// stored or served. The photos are taken on walks around clients' homes,
// so the location a phone writes into them would tell anyone who gets the
// file where a client lives. Clean removes it, with all other metadata,
// and keeps the picture upright.
//
// # What comes in
//
// Sniff decides the type from the bytes, never from what the upload
// claims: JPEG and PNG are accepted (the sync protocol's "Photos"
// section), everything else is ErrUnsupported with a message that names
// the format when it is known (HEIC from an iPhone, WebP, GIF...) so the
// app can ask for a JPEG. Clean reads at most MaxSize (20 MiB) and
// accepts at most MaxPixels.
//
// # What is kept
//
// A JPEG keeps what is needed to show its pixels and nothing else:
//
//   - the image data (SOF, DQT, DHT, DRI, SOS and the entropy-coded
//     data), byte for byte;
//   - a JFIF APP0, trimmed to version and pixel density (its thumbnail
//     goes): nothing personal, and decoders read it to pick the colour
//     transform;
//   - an ICC profile in APP2: it says how to show the colours (Display P3
//     on recent phones) and describes a device model at most;
//   - an Adobe APP14, trimmed to its 12 bytes: the colour transform flag,
//     without which CMYK and RGB JPEGs decode in the wrong colours.
//
// Everything else goes: APP1 (EXIF with GPS, camera serial numbers and
// times; XMP, which can repeat the GPS), APP13 (IPTC, Photoshop), APP12,
// APP2 other than ICC (MPF, FlashPix), every other APPn, COM comments,
// and all bytes after EOI (phones append previews, depth maps, motion
// photo videos). A PNG keeps IHDR, PLTE, IDAT, IEND and the chunks that
// only say how to render pixels (tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, pHYs,
// bKGD, cICP, mDCV, cLLI), and drops eXIf, tEXt, zTXt, iTXt, tIME, the
// APNG animation chunks (the still image stays) and all unknown ancillary
// chunks. An unknown critical chunk makes the PNG ErrUnsupported.
//
// # Orientation
//
// Phones store pixels as the sensor saw them and write an EXIF
// Orientation tag for viewers to apply. Removing the tag would leave
// portrait photos lying on their side, so Clean reads it from IFD0 first.
// For orientation 1, or none, the image data is copied as it is,
// streaming segment by segment, with no decode and no loss. For 2–8 the
// image is decoded, flipped or rotated as the tag says, and re-encoded
// (JPEG at quality 90 with 4:2:0 chroma, or PNG); the ICC profile or PNG
// colour chunks are put back. The tag counts only before the image data
// (before the first SOS or IDAT); XMP's copy of it is ignored.
//
// EXIF that cannot be read (offsets outside the segment, a bad
// Orientation value) is removed like any other, and the picture is kept
// as stored: refusing a photo a client took for a slightly broken tag
// would lose it, while a sideways photo can still be turned by hand.
//
// # Memory
//
// Clean never holds the encoded file. On the streaming path it holds one
// segment or chunk at a time (at most 64 KiB), plus the few kept
// segments before the first scan, until it knows the orientation. On the
// decode path the cleaned stream flows through a pipe into the standard
// decoder, and the decoded image is the one full copy of the picture in
// memory: it is flipped and rotated in place (see orient) and encoded
// from there. The standard JPEG decoder also keeps the coefficients of a
// progressive image while decoding; Clean estimates that from the header
// and refuses, as ErrTooLarge, anything over maxDecodeBytes. A 12 MP
// phone photo needs 18 MiB decoded.
//
// # Errors
//
// Malformed input (truncated segments or chunks, lengths past the end,
// bad PNG CRCs, image data that does not decode) is ErrMalformed, never a
// panic or an endless loop; FuzzClean holds that line. Whether the image
// data of a streamed JPEG decodes is not checked: Clean copies it
// unchanged, so the output decodes exactly when the input did.
package photo
