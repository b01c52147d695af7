internal import CTrailproof

/// libcurl, as linked; the HTTP transfers that use it come with S3 support.
public enum Curl {
    /// libcurl's version string, e.g. "libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13".
    public static var versionString: String { String(cString: curl_version()) }
}
