using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ImageMagick;

namespace ClassComms.Tests.Media;

/// <summary>Files for the media tests, each with content unique to the call so storage scans cannot match stale data.</summary>
public static class MediaFiles
{
    /// <summary>An MP4 header followed by <paramref name="length"/> random bytes (a video as far as sniffing goes).</summary>
    public static byte[] Video(int length)
    {
        var content = new byte[length];
        RandomNumberGenerator.Fill(content);
        byte[] header = [0x00, 0x00, 0x00, 0x18, .. "ftypisom"u8, 0x00, 0x00, 0x02, 0x00, .. "isomiso2"u8];
        header.CopyTo(content, 0);
        return content;
    }

    /// <summary>A PDF whose body carries <paramref name="text"/>, padded to at least <paramref name="length"/> bytes.</summary>
    public static byte[] Pdf(string text, int length = 0)
    {
        var body = Encoding.UTF8.GetBytes($"%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        return body.Length >= length ? body : [.. body, .. Enumerable.Repeat((byte)' ', length - body.Length)];
    }

    /// <summary>An animated GIF: a small first frame, then a frame of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] GifWithHugeLaterFrame(uint width, uint height)
    {
        using var frames = new MagickImageCollection();
        frames.Add(new MagickImage(MagickColors.Red, 16, 16) { AnimationDelay = 10 });
        frames.Add(new MagickImage(MagickColors.Blue, width, height) { AnimationDelay = 10 });
        return frames.ToByteArray(MagickFormat.Gif);
    }

    public static byte[] AnimatedGif(int frameCount)
    {
        using var frames = new MagickImageCollection();
        for (var i = 0; i < frameCount; i++) frames.Add(new MagickImage(i % 2 == 0 ? MagickColors.Red : MagickColors.Blue, 4, 4) { AnimationDelay = 5 });
        return frames.ToByteArray(MagickFormat.Gif);
    }

    /// <summary>A JPEG whose EXIF holds GPS coordinates and the camera owner <paramref name="owner"/>.</summary>
    public static byte[] JpegWithGps(string owner)
    {
        using var image = new MagickImage(MagickColors.SkyBlue, 64, 48) { Format = MagickFormat.Jpeg };
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(45, 1), new Rational(30, 1), new Rational(1234, 100)]);
        exif.SetValue(ExifTag.Artist, owner);
        image.SetProfile(exif);
        return image.ToByteArray();
    }

    /// <summary>
    /// An animated PNG written chunk by chunk (Magick.NET cannot write APNG without ffmpeg): a 16 × 16 default image, then
    /// one frame per entry of <paramref name="laterFrames"/>, each declared (<c>fcTL</c>) with that size at the origin and
    /// carrying the default image's pixel data. <paramref name="declaredFrames"/> overrides the count in <c>acTL</c>.
    /// </summary>
    public static byte[] Apng(IReadOnlyList<(uint Width, uint Height)> laterFrames, uint? declaredFrames = null)
    {
        using var still = new MagickImage(MagickColors.Green, 16, 16) { Format = MagickFormat.Png };
        var png = still.ToByteArray();
        var chunks = new List<(string Type, byte[] Data)>();
        for (var at = 8; at < png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            chunks.Add((Encoding.ASCII.GetString(png, at + 4, 4), png.AsSpan(at + 8, length).ToArray()));
            at += 12 + length;
        }

        var idat = chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
        uint sequence = 0;
        byte[] FrameControl(uint width, uint height)
        {
            var data = new byte[26];
            BinaryPrimitives.WriteUInt32BigEndian(data, sequence++);
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), width);
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8), height);
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(20), 10); // delay 10/100 s
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(22), 100);
            return data;
        }

        var output = new MemoryStream();
        output.Write(png, 0, 8);
        foreach (var (type, data) in chunks)
        {
            if (type == "IDAT")
            {
                if (idat.Length == 0) continue;
                var control = new byte[8];
                BinaryPrimitives.WriteUInt32BigEndian(control, declaredFrames ?? (uint)(laterFrames.Count + 1));
                WriteChunk(output, "acTL", control);
                WriteChunk(output, "fcTL", FrameControl(16, 16));
                WriteChunk(output, "IDAT", idat);
                foreach (var (width, height) in laterFrames)
                {
                    WriteChunk(output, "fcTL", FrameControl(width, height));
                    var frame = new byte[4 + idat.Length];
                    BinaryPrimitives.WriteUInt32BigEndian(frame, sequence++);
                    idat.CopyTo(frame, 4);
                    WriteChunk(output, "fdAT", frame);
                }

                idat = [];
            }
            else
            {
                WriteChunk(output, type, data);
            }
        }

        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        output.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }

        return ~crc;
    }

    /// <summary>A distinctive slice of <paramref name="content"/> to look for in storage.</summary>
    public static byte[] Sample(byte[] content) => content.AsSpan(content.Length / 2, Math.Min(64, content.Length / 2)).ToArray();
}
