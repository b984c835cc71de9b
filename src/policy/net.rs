//! IP addresses and CIDR blocks as policies see them: parse, contain, overlap, and classify
//! (private, loopback, …). Both families are held as u128 ranges so one code path does the math.

use std::net::IpAddr;

/// An address or CIDR block as written in an allowlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    pub v6: bool,
    /// Network address (host bits cleared).
    pub addr: u128,
    pub prefix: u8,
    /// Written with an explicit `/len`.
    pub is_cidr: bool,
    /// The written address had bits set below the prefix (`10.0.0.5/24`).
    pub host_bits: bool,
}

/// Address classes an exchange can never see as a client's source address.
/// Documentation ranges are included (domain §4): they are placeholders, not egress addresses.
const SPECIAL_V4: &[(&str, &str)] = &[
    ("0.0.0.0/32", "unspecified"),
    ("0.0.0.0/8", "reserved"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "cgnat"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "documentation"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
];
const SPECIAL_V6: &[(&str, &str)] = &[
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "reserved"),
    ("100::/64", "reserved"),
    ("2001:db8::/32", "documentation"),
    ("fc00::/7", "private"),
    ("fe80::/10", "link-local"),
    ("ff00::/8", "multicast"),
];

/// Every class name `class` predicates accept.
pub const CLASSES: &[&str] =
    &["unspecified", "reserved", "private", "cgnat", "loopback", "link-local", "documentation", "multicast", "public"];

fn mask(bits: u8, prefix: u8) -> u128 {
    let bits = u32::from(bits);
    let prefix = u32::from(prefix);
    if prefix == 0 {
        return 0;
    }
    let all: u128 = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
    all & !((1u128 << (bits - prefix)).wrapping_sub(1))
}

impl Net {
    /// Parses `1.2.3.4`, `1.2.3.0/24`, `2001:db8::/48`.
    pub fn parse(text: &str) -> Result<Net, String> {
        let t = text.trim();
        let (addr_text, prefix_text) = match t.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (t, None),
        };
        let addr: IpAddr = addr_text.parse().map_err(|_| format!("`{t}` is not an IP address"))?;
        let (v6, raw, bits) = match addr {
            IpAddr::V4(a) => (false, u128::from(u32::from(a)), 32u8),
            IpAddr::V6(a) => (true, u128::from(a), 128u8),
        };
        let prefix = match prefix_text {
            None => bits,
            Some(p) => {
                let n: u8 = p.parse().ok().filter(|n| *n <= bits && p.bytes().all(|c| c.is_ascii_digit())).ok_or_else(
                    || format!("`/{p}` is not a prefix length for {}", if v6 { "IPv6 (0-128)" } else { "IPv4 (0-32)" }),
                )?;
                n
            }
        };
        let m = mask(bits, prefix);
        Ok(Net {
            v6,
            addr: raw & m,
            prefix,
            is_cidr: prefix_text.is_some(),
            host_bits: raw & !m & mask(bits, bits) != 0,
        })
    }

    pub fn bits(&self) -> u8 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    fn last(&self) -> u128 {
        self.addr | (mask(self.bits(), self.bits()) & !mask(self.bits(), self.prefix))
    }

    /// True when every address of `other` is in `self`.
    pub fn contains(&self, other: &Net) -> bool {
        self.v6 == other.v6 && self.prefix <= other.prefix && self.addr == other.addr & mask(self.bits(), self.prefix)
    }

    pub fn overlaps(&self, other: &Net) -> bool {
        self.v6 == other.v6 && self.addr <= other.last() && other.addr <= self.last()
    }

    /// The special-purpose class the whole block lies in, or `public`.
    pub fn class(&self) -> &'static str {
        let table = if self.v6 { SPECIAL_V6 } else { SPECIAL_V4 };
        table
            .iter()
            .filter_map(|(cidr, class)| Net::parse(cidr).ok().map(|n| (n, *class)))
            .filter(|(n, _)| n.contains(self))
            // The most specific range wins (0.0.0.0/32 is unspecified, not just reserved).
            .max_by_key(|(n, _)| n.prefix)
            .map(|(_, c)| c)
            .unwrap_or("public")
    }

    /// The address as text, e.g. `10.0.0.0/24` (normalised).
    pub fn to_text(&self) -> String {
        let addr: IpAddr = if self.v6 { IpAddr::V6(self.addr.into()) } else { IpAddr::V4((self.addr as u32).into()) };
        if self.is_cidr {
            format!("{addr}/{}", self.prefix)
        } else {
            addr.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Net {
        Net::parse(s).unwrap()
    }

    #[test]
    fn parses_and_detects_host_bits() {
        assert!(n("10.0.0.5/24").host_bits);
        assert!(!n("10.0.0.0/24").host_bits);
        assert!(!n("10.0.0.5").host_bits);
        assert!(n("2001:db8::1/48").host_bits);
        assert!(Net::parse("10.0.0.0/33").is_err());
        assert!(Net::parse("*").is_err());
        assert!(Net::parse("10.0.0.0/-1").is_err());
        assert!(Net::parse("300.1.1.1").is_err());
        assert_eq!(n("0.0.0.0/0").prefix, 0);
        assert_eq!(n("10.0.0.5/24").to_text(), "10.0.0.0/24");
    }

    #[test]
    fn containment_and_overlap() {
        assert!(n("10.0.0.0/23").contains(&n("10.0.1.7")));
        assert!(!n("10.0.0.0/24").contains(&n("10.0.1.7")));
        assert!(n("0.0.0.0/0").contains(&n("11.22.33.44")));
        assert!(!n("::/0").contains(&n("11.22.33.44")));
        assert!(n("10.0.0.0/24").overlaps(&n("10.0.0.128/25")));
        assert!(!n("10.0.0.0/25").overlaps(&n("10.0.0.128/25")));
    }

    #[test]
    fn classes() {
        assert_eq!(n("10.0.3.7").class(), "private");
        assert_eq!(n("100.64.0.1").class(), "cgnat");
        assert_eq!(n("100.128.0.1").class(), "public");
        assert_eq!(n("100.64.0.0/9").class(), "public"); // wider than the CGNAT block
        assert_eq!(n("0.0.0.0").class(), "unspecified");
        assert_eq!(n("fe80::1").class(), "link-local");
        assert_eq!(n("203.0.113.10").class(), "documentation");
        assert_eq!(n("2001:db8::/48").class(), "documentation");
        assert_eq!(n("11.22.33.44").class(), "public");
        assert_eq!(n("255.255.255.255").class(), "reserved");
    }
}
