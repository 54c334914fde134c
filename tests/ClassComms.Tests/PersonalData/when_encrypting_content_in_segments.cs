using System.Security.Cryptography;
using ClassComms.PersonalData;

namespace ClassComms.Tests.PersonalData;

/// <summary>Plain unit tests of the STREAM-style segmented content encryption (no host needed).</summary>
public sealed class when_encrypting_content_in_segments
{
    private const int Segment = 1024;
    private const int Sealed = Segment + 16;
    private const int Header = 13;
    private const string Ad = "classcomms/media/v1|test";
    private readonly byte[] _key = ContentCipher.NewKey();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Segment - 1)]
    [InlineData(Segment)]
    [InlineData(Segment + 1)]
    [InlineData(5 * Segment + 17)]
    public void content_of_any_length_round_trips_and_has_the_predicted_length(int length)
    {
        var plain = RandomNumberGenerator.GetBytes(length);
        var encrypted = Encrypt(plain);
        Assert.Equal(ContentCipher.EncryptedLength(length, Segment), encrypted.Length);
        Assert.Equal(plain, ContentCipher.Decrypt(_key, encrypted, Ad));
        Assert.Null(ContentCipher.Decrypt(_key, encrypted, Ad + "x"));
        Assert.Null(ContentCipher.Decrypt(ContentCipher.NewKey(), encrypted, Ad));
    }

    [Fact]
    public void truncating_dropping_reordering_or_extending_segments_fails_authentication()
    {
        var encrypted = Encrypt(RandomNumberGenerator.GetBytes(4 * Segment + 100));
        var segments = Enumerable.Range(0, 5).Select(i => encrypted.AsSpan(Header + i * Sealed, Math.Min(Sealed, encrypted.Length - Header - i * Sealed)).ToArray()).ToList();
        byte[] Join(params int[] order) => [.. encrypted.AsSpan(0, Header), .. order.SelectMany(i => segments[i])];

        Assert.NotNull(ContentCipher.Decrypt(_key, Join(0, 1, 2, 3, 4), Ad));
        Assert.Null(ContentCipher.Decrypt(_key, Join(0, 1, 2, 3), Ad)); // truncated at a segment boundary
        Assert.Null(ContentCipher.Decrypt(_key, Join(0, 1, 3, 4), Ad)); // a middle segment dropped
        Assert.Null(ContentCipher.Decrypt(_key, Join(1, 0, 2, 3, 4), Ad)); // reordered
        Assert.Null(ContentCipher.Decrypt(_key, Join(0, 1, 2, 3, 4, 4), Ad)); // extended
        Assert.Null(ContentCipher.Decrypt(_key, encrypted.AsSpan(0, encrypted.Length - 1), Ad)); // a byte short
        var flipped = encrypted.ToArray();
        flipped[7] ^= 1; // the nonce prefix in the header
        Assert.Null(ContentCipher.Decrypt(_key, flipped, Ad));
    }

    [Fact]
    public void a_stream_that_is_never_finished_does_not_decrypt()
    {
        using var output = new MemoryStream();
        using (var encryptor = ContentCipher.Encrypt(output, _key, Ad, Segment)) encryptor.Write(RandomNumberGenerator.GetBytes(3 * Segment + 5));
        Assert.Equal(Header + 3 * Sealed, output.Length); // three full segments, none of them final
        Assert.Null(ContentCipher.Decrypt(_key, output.ToArray(), Ad));
    }

    [Fact]
    public async Task any_range_decrypts_alone_fetching_only_the_segments_it_covers()
    {
        var plain = RandomNumberGenerator.GetBytes(20 * Segment + 333);
        var encrypted = Encrypt(plain);
        var fetched = new List<(long Offset, long Count)>();
        await using var stream = ContentCipher.OpenRead(_key, Ad, encrypted.Length, encrypted.AsSpan(0, Header), (offset, count, _) =>
        {
            fetched.Add((offset, count));
            return Task.FromResult<Stream>(new MemoryStream(encrypted, (int)offset, (int)count, writable: false));
        })!;
        Assert.Equal(plain.Length, stream.Length);

        stream.Position = 7 * Segment + 10;
        var range = new byte[Segment + 20];
        await stream.ReadExactlyAsync(range);
        Assert.Equal(plain.AsSpan(7 * Segment + 10, range.Length).ToArray(), range);
        Assert.Equal(Header + 7 * Sealed, Assert.Single(fetched).Offset);

        stream.Position = plain.Length - 10;
        var tail = new byte[10];
        await stream.ReadExactlyAsync(tail);
        Assert.Equal(plain.AsSpan(plain.Length - 10).ToArray(), tail);
        Assert.Equal(Header + 20 * Sealed, fetched[^1].Offset);
        Assert.Equal(encrypted.Length, fetched[^1].Offset + fetched[^1].Count);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));
    }

    [Fact]
    public async Task a_tampered_segment_throws_when_it_is_read_and_nothing_of_it_is_returned()
    {
        var plain = RandomNumberGenerator.GetBytes(3 * Segment);
        var encrypted = Encrypt(plain);
        encrypted[Header + Sealed + 5] ^= 0x40; // inside segment 1
        await using var stream = ContentCipher.OpenRead(_key, Ad, encrypted.Length, encrypted.AsSpan(0, Header),
            (offset, count, _) => Task.FromResult<Stream>(new MemoryStream(encrypted, (int)offset, (int)count, writable: false)))!;

        var first = new byte[Segment];
        await stream.ReadExactlyAsync(first);
        Assert.Equal(plain.AsSpan(0, Segment).ToArray(), first);
        await Assert.ThrowsAnyAsync<CryptographicException>(async () => await stream.ReadExactlyAsync(new byte[10]));
    }

    private byte[] Encrypt(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var encryptor = ContentCipher.Encrypt(output, _key, Ad, Segment))
        {
            encryptor.Write(plain.AsSpan(0, plain.Length / 3));
            encryptor.Write(plain.AsSpan(plain.Length / 3));
            encryptor.Finish();
        }

        return output.ToArray();
    }
}
