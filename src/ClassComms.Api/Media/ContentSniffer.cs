using System.Text;

namespace ClassComms.Media;

public sealed record SniffedType(string Kind, string ContentType, string Extension);

/// <summary>Decides what a file is from its first bytes, never from its name or the client's content type.</summary>
public static class ContentSniffer
{
    public const string Image = "image";
    public const string Video = "video";
    public const string Pdf = "pdf";

    public static SniffedType? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((byte[])[0xFF, 0xD8, 0xFF])) return new(Image, "image/jpeg", ".jpg");
        if (head.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return new(Image, "image/png", ".png");
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return new(Image, "image/gif", ".gif");
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WEBP"u8)) return new(Image, "image/webp", ".webp");
        if (head.StartsWith("%PDF-"u8)) return new(Pdf, "application/pdf", ".pdf");
        if (head.StartsWith((byte[])[0x1A, 0x45, 0xDF, 0xA3])) return new(Video, "video/webm", ".webm");
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = Encoding.ASCII.GetString(head.Slice(8, 4));
            return brand switch
            {
                "heic" or "heix" or "mif1" or "msf1" or "hevc" => new(Image, "image/heic", ".heic"),
                "qt  " => new(Video, "video/quicktime", ".mov"),
                "isom" or "iso2" or "iso5" or "iso6" or "mp41" or "mp42" or "avc1" or "M4V " or "dash" => new(Video, "video/mp4", ".mp4"),
                _ => null,
            };
        }

        return null;
    }
}
