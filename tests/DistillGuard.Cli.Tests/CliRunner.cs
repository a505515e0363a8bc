using System.Diagnostics;

namespace DistillGuard.Cli.Tests;

/// <summary>Runs the real distillguard binary (built next to the tests) as a user would, capturing its output.</summary>
internal static class CliRunner
{
    public static string Binary => Path.Combine(AppContext.BaseDirectory, "distillguard.dll");

    public static (int Exit, string Stdout, string Stderr) RunWithInput(string? stdinFile, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Binary);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdinFile is not null)
        {
            using (var input = File.OpenRead(stdinFile)) input.CopyTo(p.StandardInput.BaseStream);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); throw new TimeoutException("distillguard did not finish in 10 minutes"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static (int Exit, string Stdout, string Stderr) Run(params string[] args) => RunWithInput(null, args);
}
