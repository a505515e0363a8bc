using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DistillGuard.Gateway.Configuration;
using Microsoft.AspNetCore.Http;

namespace DistillGuard.Gateway.Identity;

/// <summary>
/// Identifies the account behind a request: by its API key (<c>Authorization: Bearer …</c> or <c>x-api-key</c>) looked
/// up in the key map, or by a trusted header set by the provider's auth layer. Keys are compared by SHA-256 and never
/// kept in clear beyond the request. The key map file is re-read when it changes.
/// </summary>
public sealed class AccountResolver
{
    private readonly IdentityOptions _options;
    private volatile Dictionary<string, (string Account, string? Org)> _map = new();
    private DateTime _mapWritten;
    private readonly ConcurrentDictionary<string, string> _digests = new();
    private long _nextCheck;

    /// <summary>Malformed lines of the key map at its last load, as <c>file:line: field: expected</c>.</summary>
    public IReadOnlyList<string> KeyMapErrors { get; private set; } = [];

    /// <summary>Creates the resolver and loads the key map (KeyMap mode).</summary>
    /// <exception cref="IOException">The key map cannot be read.</exception>
    public AccountResolver(IdentityOptions options)
    {
        _options = options;
        if (options.Mode == IdentityMode.KeyMap) Reload();
    }

    /// <summary>Number of keys in the map.</summary>
    public int KeyCount => _map.Count;

    /// <summary>The account of <paramref name="request"/>, or null when it cannot be identified.</summary>
    public AccountIdentity? Resolve(HttpRequest request)
    {
        string? key = ApiKey(request);
        string? keyId = key is null ? null : Digest(key)[..16];
        if (_options.Mode == IdentityMode.Header)
        {
            string? account = request.Headers[_options.AccountHeader].FirstOrDefault();
            if (string.IsNullOrWhiteSpace(account)) return null;
            string? org = request.Headers[_options.OrgHeader].FirstOrDefault();
            return new AccountIdentity(account.Trim(), string.IsNullOrWhiteSpace(org) ? null : org.Trim(), keyId);
        }
        MaybeReload();
        if (key is null) return null;
        return _map.TryGetValue(Digest(key), out var entry) ? new AccountIdentity(entry.Account, entry.Org, keyId) : null;
    }

    /// <summary>The API key of a request, from <c>Authorization: Bearer</c> or <c>x-api-key</c>.</summary>
    public static string? ApiKey(HttpRequest request)
    {
        var auth = request.Headers.Authorization.FirstOrDefault();
        if (auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return auth[7..].Trim();
        var key = request.Headers["x-api-key"].FirstOrDefault();
        return string.IsNullOrWhiteSpace(key) ? null : key.Trim();
    }

    private string Digest(string key)
    {
        if (_digests.TryGetValue(key, out var d)) return d;
        d = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (_digests.Count < 100_000) _digests[key] = d;
        return d;
    }

    private void MaybeReload()
    {
        long now = Environment.TickCount64;
        if (now < Interlocked.Read(ref _nextCheck)) return;
        Interlocked.Exchange(ref _nextCheck, now + 2000);
        try
        {
            if (File.GetLastWriteTimeUtc(_options.KeyMapFile) != _mapWritten) Reload();
        }
        catch (IOException)
        {
            // Keep the last good map.
        }
    }

    private void Reload()
    {
        var map = new Dictionary<string, (string, string?)>(StringComparer.Ordinal);
        var errors = new List<string>();
        var written = File.GetLastWriteTimeUtc(_options.KeyMapFile);
        int line = 0;
        foreach (var text in File.ReadLines(_options.KeyMapFile))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            string at = $"{_options.KeyMapFile}:{line}";
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { errors.Add($"{at}: (line): a JSON object"); continue; }
                string? account = root.TryGetProperty("account_id", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                if (string.IsNullOrWhiteSpace(account)) { errors.Add($"{at}: account_id: a non-empty string"); continue; }
                string? org = root.TryGetProperty("org_id", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                string? digest = null;
                if (root.TryGetProperty("key_sha256", out var h) && h.ValueKind == JsonValueKind.String && h.GetString() is { Length: 64 } hex)
                    digest = hex.ToLowerInvariant();
                else if (root.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(k.GetString()))
                    digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(k.GetString()!)));
                if (digest is null) { errors.Add($"{at}: key: a string (or key_sha256: 64 hex digits)"); continue; }
                map[digest] = (account, org);
            }
            catch (JsonException e)
            {
                errors.Add($"{at}: (line): valid JSON ({e.Message})");
            }
        }
        _map = map;
        _mapWritten = written;
        KeyMapErrors = errors;
    }
}
