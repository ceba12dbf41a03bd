"""Small files that declare huge images: a canvas of billions of pixels, or thousands of frames."""

import io
import struct
import zlib

from PIL import Image


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width=100_000, height=100_000) -> bytes:
    """A valid PNG header declaring width x height, with one compressed row of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * (1 + 3 * 64)))
        + _png_chunk(b"IEND", b"")
    )


def gif(width=1, height=1, frames=1) -> bytes:
    """A GIF of `frames` 1 x 1 frames on a width x height canvas (Pillow decodes each frame at canvas size)."""
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return screen + frame * frames + b"\x3b"


def webp(width=16_000, height=16_000) -> bytes:
    """An animated WebP whose canvas is width x height, holding two 1 x 1 frames."""
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (1, 1), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    data = bytearray(buffer.getvalue())
    at = data.index(b"VP8X") + 8 + 4  # flags (4 bytes), then canvas width - 1 and height - 1, 24 bits each
    data[at : at + 6] = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return bytes(data)


def tiff(width=100_000, height=100_000) -> bytes:
    """A little-endian TIFF whose one IFD declares a width x height greyscale strip."""
    tags = [
        (256, 4, 1, width),  # ImageWidth, LONG
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # Photometric: black is zero
        (273, 4, 1, 8 + 2 + 12 * 9 + 4),  # StripOffsets: right after the IFD
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, 16),  # StripByteCounts
    ]
    ifd = struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", *tag) for tag in tags) + struct.pack("<I", 0)
    return b"II*\0" + struct.pack("<I", 8) + ifd + b"\0" * 16
