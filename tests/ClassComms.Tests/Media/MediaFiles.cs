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

    /// <summary>A distinctive slice of <paramref name="content"/> to look for in storage.</summary>
    public static byte[] Sample(byte[] content) => content.AsSpan(content.Length / 2, Math.Min(64, content.Length / 2)).ToArray();
}
