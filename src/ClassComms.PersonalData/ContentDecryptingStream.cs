using System.Security.Cryptography;

namespace ClassComms.PersonalData;

/// <summary>
/// Read side of <see cref="ContentCipher"/> format 2: a seekable plaintext view that fetches ciphertext in
/// windows of a few segments from wherever it is read, and decrypts one segment at a time, so a range request
/// decrypts only the segments it covers and memory stays at two segments plus the window's I/O buffers.
/// </summary>
public sealed class ContentDecryptingStream : Stream
{
    private const int WindowSegments = 64;
    private readonly AesGcm _aes;
    private readonly byte[] _header;
    private readonly byte[] _ad;
    private readonly int _segmentSize;
    private readonly long _segments;
    private readonly Func<long, long, CancellationToken, Task<Stream>> _readRange;
    private readonly byte[] _plain;
    private readonly byte[] _cipher;
    private long _position;
    private long _decrypted = -1;
    private int _decryptedLength;
    private Stream? _source;
    private long _sourceNext;
    private long _sourceEnd;

    internal ContentDecryptingStream(byte[] key, string associatedData, byte[] header, int segmentSize, long plaintextLength,
        Func<long, long, CancellationToken, Task<Stream>> readRange)
    {
        _aes = new AesGcm(key, ContentCipher.TagSize);
        _header = header;
        _ad = ContentCipher.SegmentAssociatedData(header, associatedData);
        _segmentSize = segmentSize;
        Length = plaintextLength;
        _segments = ContentCipher.SegmentCount(plaintextLength, segmentSize);
        _readRange = readRange;
        _plain = new byte[segmentSize];
        _cipher = new byte[segmentSize + ContentCipher.TagSize];
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var rented = new byte[buffer.Length];
        var n = ReadAsync(rented.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (Length == 0 && _decrypted < 0) await DecryptAsync(0, ct); // empty content is still authenticated
        if (_position >= Length || buffer.IsEmpty) return 0;
        var index = _position / _segmentSize;
        if (index != _decrypted) await DecryptAsync(index, ct);
        var within = (int)(_position - index * _segmentSize);
        var n = Math.Min(buffer.Length, _decryptedLength - within);
        _plain.AsMemory(within, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source?.Dispose();
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_source is not null) await _source.DisposeAsync();
        _source = null;
        await base.DisposeAsync();
    }

    private long CipherOffset(long index) => ContentCipher.HeaderSize + index * (_segmentSize + ContentCipher.TagSize);

    private async Task DecryptAsync(long index, CancellationToken ct)
    {
        if (_source is null || _sourceNext != index || index >= _sourceEnd)
        {
            if (_source is not null) await _source.DisposeAsync();
            _sourceEnd = Math.Min(_segments, index + WindowSegments);
            var from = CipherOffset(index);
            var to = _sourceEnd == _segments ? ContentCipher.HeaderSize + Length + _segments * ContentCipher.TagSize : CipherOffset(_sourceEnd);
            _source = await _readRange(from, to - from, ct);
        }

        var final = index == _segments - 1;
        var plainLength = final ? (int)(Length - index * _segmentSize) : _segmentSize;
        _decrypted = -1;
        await _source.ReadExactlyAsync(_cipher.AsMemory(0, plainLength + ContentCipher.TagSize), ct);
        _sourceNext = index + 1;
        Span<byte> nonce = stackalloc byte[ContentCipher.NonceSize];
        ContentCipher.Nonce(_header, (uint)index, nonce);
        ContentCipher.Bind(_ad, (uint)index, final);
        _aes.Decrypt(nonce, _cipher.AsSpan(0, plainLength), _cipher.AsSpan(plainLength, ContentCipher.TagSize), _plain.AsSpan(0, plainLength), _ad);
        _decrypted = index;
        _decryptedLength = plainLength;
    }
}
