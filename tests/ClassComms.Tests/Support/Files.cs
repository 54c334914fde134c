using System.Net.Http.Headers;
using ImageMagick;

namespace ClassComms.Tests.Support;

/// <summary>Real files for upload tests, made with Magick.NET.</summary>
public static class Files
{
    /// <summary>A JPEG carrying EXIF with GPS coordinates and a camera owner name.</summary>
    public static byte[] JpegWithGps(int width = 64, int height = 48)
    {
        using var image = new MagickImage(MagickColors.SkyBlue, (uint)width, (uint)height) { Format = MagickFormat.Jpeg };
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(45, 1), new Rational(30, 1), new Rational(1234, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "W");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(73, 1), new Rational(34, 1), new Rational(5678, 100)]);
        exif.SetValue(ExifTag.Artist, "Camera Owner Name");
        image.SetProfile(exif);
        return image.ToByteArray();
    }

    public static byte[] Png(int width, int height)
    {
        using var image = new MagickImage(MagickColors.Orange, (uint)width, (uint)height) { Format = MagickFormat.Png };
        return image.ToByteArray();
    }

    /// <summary>A Windows executable header, to be disguised as a photo.</summary>
    public static byte[] Executable() => [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, .. new byte[512]];

    public static byte[] Pdf() => "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    public static MultipartFormDataContent Form(byte[] content, string fileName, string claimedType)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(claimedType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }
}
