using System.Reflection;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using JasperFx.CodeGeneration.Model;
using JasperFx.Core.Reflection;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace ClassComms.Platform;

/// <summary>
/// What every endpoint would otherwise repeat, bound once in the generated code (registered in <c>Program.cs</c>):
/// <list type="bullet">
/// <item>A <see cref="Guid"/> parameter named after a route value (<c>Guid studentId</c> for <c>{studentId}</c>) is parsed
/// before the endpoint runs; a malformed or empty id is a 400 naming the route value (Wolverine's own binding would answer a
/// bare 404), and the endpoint never sees it.</item>
/// <item>A <see cref="Caller"/> parameter is the caller of the validated bearer token (<see cref="Caller.Of"/>).</item>
/// </list>
/// </summary>
public sealed class RouteIdBinding : IParameterStrategy
{
    public bool TryMatch(HttpChain chain, IServiceContainer container, ParameterInfo parameter, out Variable? variable)
    {
        variable = null;
        if (parameter.ParameterType != typeof(Guid) || parameter.Name is not { } name
            || chain.RoutePattern?.Parameters.Any(p => p.Name == name) != true) return false;
        variable = new ReadRouteIdFrame(name).Variable;
        return true;
    }
}

/// <inheritdoc cref="RouteIdBinding"/>
public sealed class CallerBinding : IParameterStrategy
{
    public bool TryMatch(HttpChain chain, IServiceContainer container, ParameterInfo parameter, out Variable? variable)
    {
        variable = parameter.ParameterType == typeof(Caller) ? new ReadCallerFrame(parameter.Name ?? "caller").Variable : null;
        return variable is not null;
    }
}

/// <summary>What the generated code calls; kept here so the frames stay one line each.</summary>
public static class RouteIds
{
    public static bool TryRead(HttpContext http, string name, out Guid id) =>
        Guid.TryParse(http.GetRouteValue(name) as string, out id) && id != Guid.Empty;

    public static Task WriteInvalidAsync(HttpContext http, string name) =>
        Problems.Invalid(name, "must be a non-empty GUID.").ExecuteAsync(http);
}

internal sealed class ReadRouteIdFrame : AsyncFrame
{
    private readonly string _name;
    private Variable? _http;

    public ReadRouteIdFrame(string name)
    {
        _name = name;
        Variable = new Variable(typeof(Guid), name, this);
    }

    public Variable Variable { get; }

    public override IEnumerable<Variable> FindVariables(IMethodVariables chain)
    {
        _http = chain.FindVariable(typeof(HttpContext));
        yield return _http;
    }

    public override void GenerateCode(GeneratedMethod method, ISourceWriter writer)
    {
        var ids = typeof(RouteIds).FullNameInCode();
        writer.WriteComment($"ClassComms: a malformed or empty '{_name}' is a 400 naming it");
        writer.Write($"BLOCK:if (!{ids}.{nameof(RouteIds.TryRead)}({_http!.Usage}, \"{_name}\", out var {Variable.Usage}))");
        writer.Write($"await {ids}.{nameof(RouteIds.WriteInvalidAsync)}({_http.Usage}, \"{_name}\");");
        writer.Write("return;");
        writer.FinishBlock();
        Next?.GenerateCode(method, writer);
    }
}

internal sealed class ReadCallerFrame : SyncFrame
{
    private Variable? _http;

    public ReadCallerFrame(string name) => Variable = new Variable(typeof(Caller), name, this);

    public Variable Variable { get; }

    public override IEnumerable<Variable> FindVariables(IMethodVariables chain)
    {
        _http = chain.FindVariable(typeof(HttpContext));
        yield return _http;
    }

    public override void GenerateCode(GeneratedMethod method, ISourceWriter writer)
    {
        writer.Write($"var {Variable.Usage} = {typeof(Caller).FullNameInCode()}.{nameof(Caller.Of)}({_http!.Usage}.User);");
        Next?.GenerateCode(method, writer);
    }
}
