using System.Buffers.Binary;

namespace ClassComms.Media;

/// <summary>
/// The frames of an animated PNG (APNG), read from its chunk headers: ImageMagick decodes a PNG as its default image
/// only, and reads APNG solely through an ffmpeg delegate, which is not installed (and would widen the decoder surface).
/// So the APNG control chunks are checked here, before anything is decoded: the declared frame count (<c>acTL</c>) and
/// the number of frame-control chunks (<c>fcTL</c>) against the frame limit, and every frame's size against the pixel
/// limit and the canvas (a frame outside the canvas is malformed). The image is then stored as its default frame.
/// </summary>
public static class PngAnimation
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Null when every frame is within the limits (or the file has no animation); otherwise what is wrong.</summary>
    public static string? Check(ReadOnlySpan<byte> png, long maxPixels, int maxFrames)
    {
        if (!png.StartsWith(Signature)) return null;
        var at = Signature.Length;
        uint canvasWidth = 0, canvasHeight = 0;
        var frames = 0;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[at..]);
            var type = png.Slice(at + 4, 4);
            if (length > png.Length - at - 12) return type.SequenceEqual("IEND"u8) ? null : "is not a readable image.";
            var data = png.Slice(at + 8, (int)length);
            if (type.SequenceEqual("IHDR"u8) && length >= 8)
            {
                canvasWidth = BinaryPrimitives.ReadUInt32BigEndian(data);
                canvasHeight = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
            }
            else if (type.SequenceEqual("acTL"u8))
            {
                if (length < 8) return "is not a readable image.";
                if (BinaryPrimitives.ReadUInt32BigEndian(data) > (uint)maxFrames) return TooManyFrames(maxFrames);
            }
            else if (type.SequenceEqual("fcTL"u8))
            {
                if (length < 26) return "is not a readable image.";
                if (++frames > maxFrames) return TooManyFrames(maxFrames);
                var width = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                var height = BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
                var x = BinaryPrimitives.ReadUInt32BigEndian(data[12..]);
                var y = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
                if ((ulong)width * height > (ulong)maxPixels) return $"has too many pixels: at most {maxPixels:N0} in any frame.";
                if (width == 0 || height == 0 || (ulong)x + width > canvasWidth || (ulong)y + height > canvasHeight) return "is not a readable image.";
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            at += 12 + (int)length;
        }

        return null;
    }

    private static string TooManyFrames(int maxFrames) => $"has too many frames: at most {maxFrames}.";
}
