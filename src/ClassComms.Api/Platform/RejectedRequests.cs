using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using JasperFx.CodeGeneration.Model;
using JasperFx.Core.Reflection;
using Wolverine.Http;

namespace ClassComms.Platform;

/// <summary>
/// Two rules of every Wolverine endpoint, applied to the generated code of all of them at once so a new
/// endpoint cannot forget them:
/// <list type="bullet">
/// <item>A JSON body of literal <c>null</c> is a 400 naming the body, answered before the endpoint runs.</item>
/// <item>A rejected request changes nothing: when the endpoint's <see cref="IResult"/> is a 4xx or 5xx, it is
/// written and the handler returns before the transactional middleware's <c>SaveChangesAsync</c> and outbox
/// flush, so whatever was staged in the session (documents, events, outgoing messages) is dropped with it.</item>
/// </list>
/// Endpoints still decide before they stage (see STYLE.md); this is the net under that rule.
/// </summary>
public sealed class RejectedRequestsPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            if (chain.RequestType is { } requestType && !chain.IsFormData
                && chain.Method.Arguments.FirstOrDefault(a => a?.VariableType == requestType) is { } body)
            {
                chain.Middleware.Insert(0, new RejectMissingBodyFrame(body));
            }

            if (chain.Method.Creates.FirstOrDefault() is { } result && result.VariableType.CanBeCastTo<IResult>())
            {
                // Postprocessors run in order after the endpoint: the commit and the flush are among them.
                chain.Postprocessors.Insert(0, new StopOnRejectionFrame(result));
            }
        }
    }
}

/// <summary>What the generated code calls; kept here so the frames stay one line each.</summary>
public static class Rejections
{
    public static bool IsRejection(IResult? result) => result is IStatusCodeHttpResult { StatusCode: >= 400 };

    public static Task WriteMissingBodyAsync(HttpContext http) =>
        Problems.Invalid("body", "is required: send a JSON object.").ExecuteAsync(http);
}

internal sealed class RejectMissingBodyFrame(Variable body) : AsyncFrame
{
    private Variable? _http;

    public override IEnumerable<Variable> FindVariables(IMethodVariables chain)
    {
        _http = chain.FindVariable(typeof(HttpContext));
        yield return _http;
        yield return body;
    }

    public override void GenerateCode(GeneratedMethod method, ISourceWriter writer)
    {
        writer.WriteComment("ClassComms: a JSON body of literal null is a 400, not a NullReferenceException");
        writer.Write($"BLOCK:if ({body.Usage} == null)");
        writer.Write($"await {typeof(Rejections).FullNameInCode()}.{nameof(Rejections.WriteMissingBodyAsync)}({_http!.Usage});");
        writer.Write("return;");
        writer.FinishBlock();
        Next?.GenerateCode(method, writer);
    }
}

internal sealed class StopOnRejectionFrame(Variable result) : AsyncFrame
{
    private Variable? _http;

    public override IEnumerable<Variable> FindVariables(IMethodVariables chain)
    {
        _http = chain.FindVariable(typeof(HttpContext));
        yield return _http;
        yield return result;
    }

    public override void GenerateCode(GeneratedMethod method, ISourceWriter writer)
    {
        writer.WriteComment("ClassComms: a 4xx/5xx answer commits nothing and sends nothing");
        writer.Write($"BLOCK:if ({typeof(Rejections).FullNameInCode()}.{nameof(Rejections.IsRejection)}({result.Usage}))");
        writer.Write($"await {result.Usage}.ExecuteAsync({_http!.Usage});");
        writer.Write("return;");
        writer.FinishBlock();
        Next?.GenerateCode(method, writer);
    }
}
