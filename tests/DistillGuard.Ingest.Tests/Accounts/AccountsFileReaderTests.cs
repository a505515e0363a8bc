using System.Text;
using DistillGuard.Ingest.Accounts;
using DistillGuard.Ingest.Inputs;
using DistillGuard.Ingest.Readers;

namespace DistillGuard.Ingest.Tests.Accounts;

public class AccountsFileReaderTests
{
    [Fact]
    public void Reads_accounts_and_reports_bad_lines()
    {
        var text = """
        {"account_id":"a1","created_at":"2026-01-01T00:00:00Z","org_id":"o","email_domain":"mailinator.com","payment_fingerprint":"pf1","tier":"free","program":"education","verified":false,"country":"BR","extra":1}
        {"account_id":"a2","created_at":"last week"}
        {"email_domain":"x.com"}
        {"account_id":"a3","verified":null,"payment_fingerprint":null}
        """;
        var errors = new List<IngestError>();
        var accounts = AccountsFileReader.Read(InputSource.FromStream("accounts.jsonl", () => new MemoryStream(Encoding.UTF8.GetBytes(text))), errors.Add);
        Assert.Equal(["a1", "a3"], accounts.Select(a => a.AccountId));
        var a1 = accounts[0];
        Assert.Equal((DateTimeOffset.Parse("2026-01-01T00:00:00Z").ToUnixTimeMilliseconds(), "mailinator.com", "pf1", "education", false),
            (a1.CreatedAtMs, a1.EmailDomain, a1.PaymentFingerprint, a1.Program, a1.Verified));
        Assert.Equal(["accounts.jsonl:2: created_at: an RFC 3339 date-time or null", "accounts.jsonl:3: account_id: a non-empty string (required field is missing)"],
            errors.Select(e => e.ToString()));
    }
}
