using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace DistillGuard.Cluster.Hosting;

/// <summary>
/// Mutual TLS for the cluster with one pinned certificate: every silo and client presents the same certificate, and a
/// peer is accepted only if it presents that certificate too (same SHA-256 thumbprint). No certificate authority is
/// involved, so a self-signed certificate made for the cluster is enough; whoever lacks its private key cannot join,
/// read or inject cluster traffic.
/// </summary>
public static class ClusterTls
{
    /// <summary>Loads the cluster certificate (PKCS#12 / PFX with its private key).</summary>
    /// <param name="file">The PFX file.</param>
    /// <param name="password">Its password, or null.</param>
    /// <exception cref="CryptographicException">The file is not a PFX, the password is wrong, or it holds no private key.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static X509Certificate2 Load(string file, string? password)
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(file, password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey) throw new CryptographicException($"{file}: the certificate has no private key (expected a PFX with its key)");
        return certificate;
    }

    /// <summary>The cluster certificate named by <paramref name="settings"/>, or null when the cluster runs without TLS.</summary>
    /// <exception cref="CryptographicException">As <see cref="Load(string, string?)"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static X509Certificate2? LoadFor(ClusterSettings settings) =>
        settings.TlsCertificateFile is { } file ? Load(file, settings.TlsCertificatePassword) : null;

    /// <summary>One line naming a certificate for logs: subject and the start of its SHA-256 thumbprint.</summary>
    public static string Describe(X509Certificate2 certificate) =>
        $"{certificate.Subject}, SHA-256 {Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256))[..16]}…";

    /// <summary>Why the certificate cannot be used (as a one-line message), or null if it loads with its key.</summary>
    public static string? Check(string file, string? password)
    {
        try
        {
            using var certificate = Load(file, password);
            return null;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Whether <paramref name="remote"/> is the pinned cluster certificate.</summary>
    public static bool IsClusterCertificate(X509Certificate2 pinned, X509Certificate? remote) =>
        remote is not null && remote.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pinned.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>Configures TLS options for a silo or a client: present the certificate, require the peer's, accept only the pinned one.</summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Chain errors are expected for a self-signed cluster certificate; the thumbprint pin is the check.
        options.RemoteCertificateValidation = (remote, _, _) => IsClusterCertificate(certificate, remote);
    }
}
