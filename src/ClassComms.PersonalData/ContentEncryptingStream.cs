using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ClassComms.PersonalData;

/// <summary>
/// Write side of <see cref="ContentCipher"/> format 2: buffers at most one segment of plaintext, writes each
/// segment's ciphertext and tag to the destination as soon as it is known not to be the last one, and writes the
/// final segment on <see cref="FinishAsync"/>. Does not own the destination.
/// </summary>
public sealed class ContentEncryptingStream : Stream
{
    private readonly Stream _destination;
    private readonly AesGcm _aes;
    private readonly byte[] _header = new byte[ContentCipher.HeaderSize];
    private readonly byte[] _ad;
    private readonly byte[] _plain;
    private readonly byte[] _cipher;
    private int _buffered;
    private uint _index;
    private bool _headerWritten;
    private bool _finished;
    private long _written;

    internal ContentEncryptingStream(Stream destination, byte[] key, string associatedData, int segmentSize)
    {
        _destination = destination;
        _aes = new AesGcm(key, ContentCipher.TagSize);
        _header[0] = ContentCipher.StreamFormat;
        BinaryPrimitives.WriteUInt32BigEndian(_header.AsSpan(1), (uint)segmentSize);
        RandomNumberGenerator.Fill(_header.AsSpan(5, ContentCipher.PrefixSize));
        _ad = ContentCipher.SegmentAssociatedData(_header, associatedData);
        _plain = new byte[segmentSize];
        _cipher = new byte[segmentSize + ContentCipher.TagSize];
    }

    /// <summary>Plaintext bytes written so far.</summary>
    public long PlaintextLength => _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_buffered == _plain.Length) WriteSegment(_destination, final: false);
            var n = Math.Min(buffer.Length, _plain.Length - _buffered);
            buffer[..n].CopyTo(_plain.AsSpan(_buffered));
            _buffered += n;
            _written += n;
            buffer = buffer[n..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            if (_buffered == _plain.Length) await WriteSegmentAsync(final: false, ct);
            var n = Math.Min(buffer.Length, _plain.Length - _buffered);
            buffer[..n].CopyTo(_plain.AsMemory(_buffered));
            _buffered += n;
            _written += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>Encrypts and writes the final segment; the ciphertext is complete only after this.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        await WriteSegmentAsync(final: true, ct);
        _finished = true;
    }

    /// <inheritdoc cref="FinishAsync"/>
    public void Finish()
    {
        WriteSegment(_destination, final: true);
        _finished = true;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            _finished = true;
        }

        base.Dispose(disposing);
    }

    private int Seal(bool final)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (!final && _index == uint.MaxValue) throw new InvalidOperationException("The content is too long for one stream.");
        Span<byte> nonce = stackalloc byte[ContentCipher.NonceSize];
        ContentCipher.Nonce(_header, _index, nonce);
        ContentCipher.Bind(_ad, _index, final);
        _aes.Encrypt(nonce, _plain.AsSpan(0, _buffered), _cipher.AsSpan(0, _buffered), _cipher.AsSpan(_buffered, ContentCipher.TagSize), _ad);
        var length = _buffered + ContentCipher.TagSize;
        _buffered = 0;
        _index++;
        return length;
    }

    private void WriteSegment(Stream destination, bool final)
    {
        if (!_headerWritten)
        {
            destination.Write(_header);
            _headerWritten = true;
        }

        destination.Write(_cipher, 0, Seal(final));
    }

    private async ValueTask WriteSegmentAsync(bool final, CancellationToken ct)
    {
        if (!_headerWritten)
        {
            await _destination.WriteAsync(_header, ct);
            _headerWritten = true;
        }

        await _destination.WriteAsync(_cipher.AsMemory(0, Seal(final)), ct);
    }
}
