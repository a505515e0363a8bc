using DistillGuard.Simulation.Scenarios;

namespace DistillGuard.Simulation.Generation;

/// <summary>Creates a scenario's accounts: ids, registry facts, exit IPs and user agents, deterministically per seed.</summary>
public static class AccountPlanner
{
    private static readonly int[] Residential = [24, 47, 50, 67, 68, 69, 71, 72, 73, 75, 76, 96, 97, 98, 99, 108, 174, 184, 185, 188, 212, 213];
    private static readonly int[] Business = [12, 38, 63, 64, 65, 66, 70, 192, 198, 206, 207, 208, 209, 216];
    private static readonly int[] Cloud = [3, 13, 18, 20, 34, 35, 40, 44, 52, 54, 104, 137, 138, 143, 146, 159, 161, 164, 167, 178];

    /// <summary>Plans every persona's accounts.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="scale">Multiplier of account counts and totals.</param>
    public static List<SimAccount> Plan(Scenario scenario, int seed, double scale)
    {
        var accounts = new List<SimAccount>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long start = scenario.Start.ToUnixTimeMilliseconds();
        for (int pi = 0; pi < scenario.Personas.Count; pi++)
        {
            var p = scenario.Personas[pi];
            var r = new Random(Mix(seed, pi, -1));
            int count = Math.Max(1, (int)Math.Round(p.Accounts * scale));
            var payments = Enumerable.Range(0, Math.Max(1, p.Account.PaymentPool)).Select(_ => "pf_" + Hex(r, 12)).ToArray();
            var network = PlanNetwork(p.Network, count, r);
            string org = "org-" + Hex(r, 8);
            var window = p.Activity.Window ?? new ValueRange(0, scenario.Days);
            long burstBase = start + (long)(window.Min * 86_400_000) - (long)((6 + r.NextDouble() * 60) * 3_600_000);
            for (int i = 0; i < count; i++)
            {
                if (i % Math.Max(1, p.Account.OrgGroupSize) == 0) org = "org-" + Hex(r, 8);
                string id;
                do id = $"{p.Account.IdPrefix}-{Hex(r, 8)}"; while (!ids.Add(id));
                long created = p.Account.CreatedWithinHours is double hours
                    ? burstBase + (long)(r.NextDouble() * hours * 3_600_000)
                    : start - (long)(p.Account.AgeDays.Uniform(r) * 86_400_000);
                var acctRng = new Random(Mix(seed, pi, i));
                accounts.Add(new SimAccount
                {
                    Id = id,
                    PersonaIndex = pi,
                    Persona = p,
                    CreatedAtMs = created,
                    OrgId = org,
                    EmailDomain = p.Account.EmailDomains[r.Next(p.Account.EmailDomains.Count)].Replace("{org}", org[4..]),
                    PaymentFingerprint = p.Account.Payment switch
                    {
                        "unique" => "pf_" + Hex(r, 12),
                        "shared" => payments[r.Next(payments.Length)],
                        _ => null,
                    },
                    Tier = Pick(p.Account.Tiers, r) ?? "pay_as_you_go",
                    Program = Pick(p.Account.Programs, r),
                    Verified = r.NextDouble() < p.Account.Verified,
                    Country = p.Account.Countries[r.Next(p.Account.Countries.Count)],
                    TimezoneHours = p.Activity.Timezones[r.Next(p.Activity.Timezones.Count)],
                    Ips = network[i],
                    UserAgent = p.UserAgents[r.Next(p.UserAgents.Count)],
                    Budget = Math.Max(1, (int)Math.Round(p.ExchangesPerAccount.LogUniform(r))),
                    Rng = acctRng,
                });
            }
        }
        return accounts;
    }

    /// <summary>A random IPv4 address in a residential range (a one-off hop: mobile data, travel).</summary>
    public static string ResidentialIp(Random r) => $"{Residential[r.Next(Residential.Length)]}.{r.Next(256)}.{r.Next(256)}.{1 + r.Next(254)}";

    private static string[][] PlanNetwork(NetworkSpec n, int count, Random r)
    {
        var result = new string[count][];
        switch (n.Kind)
        {
            case "office_nat":
            {
                string ip = "";
                for (int i = 0; i < count; i++)
                {
                    if (i % Math.Max(1, n.GroupSize) == 0) ip = Ip(Business, r);
                    result[i] = [ip];
                }
                break;
            }
            case "campus_nat":
            {
                var net = Net(Business, r);
                var pool = Enumerable.Range(0, Math.Max(1, n.PoolSize)).Select(k => $"{net}.{10 + k}").ToArray();
                for (int i = 0; i < count; i++) result[i] = pool;
                break;
            }
            case "datacenter" when !n.Shared:
                for (int i = 0; i < count; i++)
                {
                    var net = Net(Cloud, r);
                    result[i] = Enumerable.Range(0, Math.Max(1, n.IpsPerAccount)).Select(k => $"{net}.{2 + r.Next(250)}").Distinct().ToArray();
                }
                break;
            case "datacenter":
            case "proxy_pool":
            {
                var nets = Enumerable.Range(0, Math.Max(1, n.Networks)).Select(_ => Net(n.Kind == "datacenter" ? Cloud : Residential.Concat(Cloud).ToArray(), r)).ToArray();
                var pool = Enumerable.Range(0, Math.Max(1, n.PoolSize)).Select(k => $"{nets[k % nets.Length]}.{2 + r.Next(250)}").Distinct().ToArray();
                for (int i = 0; i < count; i++)
                    result[i] = Enumerable.Range(0, Math.Max(1, n.IpsPerAccount)).Select(_ => pool[r.Next(pool.Length)]).Distinct().ToArray();
                break;
            }
            default: // residential
                for (int i = 0; i < count; i++) result[i] = [ResidentialIp(r)];
                break;
        }
        return result;
    }

    private static string Net(int[] firsts, Random r) => $"{firsts[r.Next(firsts.Length)]}.{r.Next(256)}.{r.Next(256)}";

    private static string Ip(int[] firsts, Random r) => $"{Net(firsts, r)}.{1 + r.Next(254)}";

    private static string? Pick(Dictionary<string, double> weights, Random r)
    {
        double u = r.NextDouble(), acc = 0;
        foreach (var (k, w) in weights)
        {
            acc += w;
            if (u < acc) return k;
        }
        return null;
    }

    internal static string Hex(Random r, int digits)
    {
        Span<byte> b = stackalloc byte[(digits + 1) / 2];
        r.NextBytes(b);
        return Convert.ToHexStringLower(b)[..digits];
    }

    /// <summary>Deterministic seed derivation (HashCode is randomised per process, so it cannot be used here).</summary>
    internal static int Mix(int seed, int a, int b)
    {
        uint h = unchecked((uint)seed * 0x9E3779B1u ^ (uint)a * 0x85EBCA77u ^ (uint)b * 0xC2B2AE3Du);
        h ^= h >> 16;
        h = unchecked(h * 0x7FEB352Du);
        h ^= h >> 15;
        h = unchecked(h * 0x846CA68Bu);
        h ^= h >> 16;
        return (int)(h & 0x7FFFFFFF);
    }
}
