//! The library functions of the rules language that do more than compare values:
//! `parseURL`, `substring`, `uriEncode`, `isValidHostLabel`, `aws.parseArn` and
//! `aws.isVirtualHostableS3Bucket`. `None` stands for the rules language's "unset".

use serde_json::{json, Value as Json};
use std::net::{Ipv4Addr, Ipv6Addr};

/// `parseURL`: splits an `http`/`https` URL without query string or fragment into the record
/// `{scheme, authority, path, normalizedPath, isIp}`.
pub(crate) fn parse_url(url: &str) -> Option<Json> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if rest.contains(['?', '#']) {
        return None;
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let is_ip = host_is_ip(authority)?;
    let normalized_path = match path {
        "" => "/".to_owned(),
        p if p.ends_with('/') => p.to_owned(),
        p => format!("{p}/"),
    };
    Some(json!({
        "scheme": scheme,
        "authority": authority,
        "path": path,
        "normalizedPath": normalized_path,
        "isIp": is_ip,
    }))
}

/// Whether the host of `authority` (`host[:port]`) is an IP address; `None` when the
/// authority is malformed (empty host, user info, bad port, bad bracketed address).
fn host_is_ip(authority: &str) -> Option<bool> {
    if authority.contains('@') {
        return None;
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']')?;
        inside.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            after => Some(after.strip_prefix(':')?),
        };
        (None, port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(authority), None),
        }
    };
    if let Some(port) = port {
        port.parse::<u16>()
            .ok()
            .filter(|_| port.bytes().all(|b| b.is_ascii_digit()))?;
    }
    match host {
        None => Some(true),
        Some("") => None,
        Some(host) => Some(host.parse::<Ipv4Addr>().is_ok()),
    }
}

/// `substring`: the ASCII characters `start..stop` of `input`, counted from the end when
/// `reverse`; unset when `input` is not ASCII or the range does not fit.
pub(crate) fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<String> {
    if !input.is_ascii() || start >= stop || stop > input.len() {
        return None;
    }
    let (from, to) = if reverse {
        (input.len() - stop, input.len() - start)
    } else {
        (start, stop)
    };
    Some(input[from..to].to_owned())
}

/// `uriEncode`: percent-encodes every byte outside `A-Z a-z 0-9 - _ . ~`.
pub(crate) fn uri_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for byte in input.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `isValidHostLabel`: 1 to 63 ASCII letters, digits and `-`, not starting with `-`; with
/// `allow_sub_domains`, every `.`-separated label must be one.
pub(crate) fn is_valid_host_label(label: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        return label
            .split('.')
            .all(|part| is_valid_host_label(part, false));
    }
    label.len() <= 63
        && label
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `aws.parseArn`: `arn:partition:service:region:accountId:resource` into a record whose
/// `resourceId` is the resource split on `:` and `/`.
pub(crate) fn parse_arn(input: &str) -> Option<Json> {
    let mut fields = input.splitn(6, ':');
    let mut next = || fields.next();
    let (arn, partition, service, region, account_id, resource) =
        (next()?, next()?, next()?, next()?, next()?, next()?);
    if arn != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_id: Vec<&str> = resource.split([':', '/']).collect();
    Some(json!({
        "partition": partition,
        "service": service,
        "region": region,
        "accountId": account_id,
        "resourceId": resource_id,
    }))
}

/// `aws.isVirtualHostableS3Bucket`: whether `bucket` can be used as a host label (or labels,
/// with `allow_sub_domains`) in a virtual-hosted-style S3 URL: each label 3 to 63 lowercase
/// letters, digits, `-` or `.`, starting and ending with a letter or digit, not shaped like an
/// IPv4 address and without `.-` or `-.`.
pub(crate) fn is_virtual_hostable_s3_bucket(bucket: &str, allow_sub_domains: bool) -> bool {
    if !is_valid_host_label(bucket, allow_sub_domains) {
        return false;
    }
    if allow_sub_domains {
        bucket.split('.').all(is_virtual_hostable_segment)
    } else {
        is_virtual_hostable_segment(bucket)
    }
}

fn is_virtual_hostable_segment(label: &str) -> bool {
    let bytes = label.as_bytes();
    let edge_ok = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (3..=63).contains(&bytes.len())
        && bytes.first().is_some_and(edge_ok)
        && bytes.last().is_some_and(edge_ok)
        && bytes.iter().all(|b| edge_ok(b) || matches!(b, b'-' | b'.'))
        && !looks_like_ipv4(label)
        && !label.contains(".-")
        && !label.contains("-.")
}

/// Four dot-separated runs of digits, whatever their values (`^(\d+\.){3}\d+$`).
fn looks_like_ipv4(label: &str) -> bool {
    let parts: Vec<&str> = label.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_url_records() {
        assert_eq!(
            parse_url("https://example.com:8443/foo/bar").unwrap(),
            json!({"scheme": "https", "authority": "example.com:8443", "path": "/foo/bar",
                   "normalizedPath": "/foo/bar/", "isIp": false})
        );
        let plain = parse_url("http://example.com").unwrap();
        assert_eq!(plain["path"], "");
        assert_eq!(plain["normalizedPath"], "/");
        assert_eq!(
            parse_url("http://example.com/a/").unwrap()["normalizedPath"],
            "/a/"
        );
        assert_eq!(parse_url("http://127.0.0.1:80").unwrap()["isIp"], true);
        assert_eq!(parse_url("http://[fe80::1]:80/x").unwrap()["isIp"], true);
        assert_eq!(
            parse_url("http://[fe80::1]/x").unwrap()["authority"],
            "[fe80::1]"
        );
        assert_eq!(parse_url("http://1.2.3.4.5").unwrap()["isIp"], false);
        for bad in [
            "ftp://example.com",
            "example.com",
            "https://example.com/?a=b",
            "https://example.com/#x",
            "https://",
            "https://:80",
            "https://a:b",
            "https://a:99999",
            "https://[zz]:80",
            "https://[::1]x",
            "https://u@host",
        ] {
            assert_eq!(parse_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn substrings() {
        assert_eq!(substring("abcdefg", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcdefg", 0, 4, true).as_deref(), Some("defg"));
        assert_eq!(substring("abcdefg", 1, 3, true).as_deref(), Some("ef"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abcd", 2, 2, false), None);
        assert_eq!(substring("ab\u{e9}cd", 0, 1, false), None);
    }

    #[test]
    fn encodes_uris() {
        assert_eq!(uri_encode("a b/c?d=é~_.-"), "a%20b%2Fc%3Fd%3D%C3%A9~_.-");
    }

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("0abc", false));
        assert!(!is_valid_host_label("-abc", false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_valid_host_label("a.", true));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
    }

    #[test]
    fn arns() {
        assert_eq!(
            parse_arn("arn:aws:s3:us-east-1:012345678910:bucket/key:v").unwrap(),
            json!({"partition": "aws", "service": "s3", "region": "us-east-1",
                   "accountId": "012345678910", "resourceId": ["bucket", "key", "v"]})
        );
        assert_eq!(
            parse_arn("arn:aws:iam:::role").unwrap()["resourceId"],
            json!(["role"])
        );
        for bad in [
            "arn:aws:s3:::",
            "arn::s3:::r",
            "arn:aws::::r",
            "urn:aws:s3:::r",
            "arn:aws:s3",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn s3_buckets() {
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("my.bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("my.bucket", true));
        assert!(is_virtual_hostable_s3_bucket("abc.bucket", true));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("MyBucket", false));
        assert!(!is_virtual_hostable_s3_bucket("192.168.5.4", true));
        assert!(!is_virtual_hostable_s3_bucket("bucket-", false));
    }
}
