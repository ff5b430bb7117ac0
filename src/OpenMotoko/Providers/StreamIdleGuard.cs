namespace OpenMotoko.Providers;

/// <summary>
/// A provider's response body that fails with a clear <see cref="LlmException"/> when no bytes arrive
/// for <see cref="ProviderHttp.StreamIdleTimeout"/> (the timer restarts after every read) or when the
/// connection drops mid-answer, instead of hanging or surfacing a bare IOException.
/// </summary>
internal sealed class StreamIdleGuard : Stream
{
    private readonly Stream _inner;
    private readonly string _provider;
    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _linked;

    public StreamIdleGuard(Stream inner, string provider, TimeProvider time, CancellationToken cancellationToken)
    {
        _inner = inner;
        _provider = provider;
        _caller = cancellationToken;
        _idle = new CancellationTokenSource(ProviderHttp.StreamIdleTimeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await _inner.ReadAsync(buffer, _linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (_idle.IsCancellationRequested && !_caller.IsCancellationRequested)
        {
            throw new LlmException(_provider, null,
                $"{_provider} sent nothing for {ProviderHttp.StreamIdleTimeout.TotalSeconds:0} seconds; the answer was abandoned.", retryable: true, ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !_caller.IsCancellationRequested)
        {
            throw new LlmException(_provider, null, $"The connection to {_provider} was lost mid-answer: {ex.Message}", retryable: true, ex);
        }
        _idle.CancelAfter(ProviderHttp.StreamIdleTimeout);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Provider streams are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _linked.Dispose();
            _idle.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
