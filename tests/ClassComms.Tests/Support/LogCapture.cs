using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ClassComms.Tests.Support;

/// <summary>
/// Keeps everything the shared host logs (at its configured levels): the formatted message, every structured value and any
/// exception text, so the privacy tests can show that no personal value reaches the logs.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    /// <summary>Everything logged since the last <see cref="Clear"/>, one entry a line.</summary>
    public string Text() => string.Join('\n', _lines);

    public int Count => _lines.Count;

    public void Clear() => _lines.Clear();

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"{category} scope: {Describe(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category}: {formatter(state, exception)} {Describe(state)}");
            if (exception is not null) line.Append(' ').Append(exception);
            lines.Enqueue(line.ToString());
        }

        private static string Describe(object? state) =>
            state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"))
                : state?.ToString() ?? "";
    }
}
