//! Names → tokens → what they say: credential part, exchange, and whether the name belongs to
//! something else. The word lists are data (rules/vocabulary.yaml, rules/exchanges.yaml).

use crate::exchanges::ExchangeTable;
use crate::part::Part;
use regex::Regex;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Splits a name into lower-case tokens: `okxApiKey`, `OKX_API_KEY`, `okx.api.key`,
/// `OK-ACCESS-KEY`, `APIKey`, `$this->apiKey` all split at their word boundaries.
pub fn tokens(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = raw.chars().take(512).collect();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next = chars.get(i + 1).copied().unwrap_or('_');
            if prev.is_lowercase()
                || prev.is_ascii_digit() && cur.chars().any(|x| x.is_alphabetic())
                || (prev.is_uppercase() && next.is_lowercase())
            {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Tokens joined by `_` (`okxApiKey` → `okx_api_key`).
pub fn joined(raw: &str) -> String {
    tokens(raw).join("_")
}

/// A cheap test before the vocabulary: can `name` name a credential at all? Every credential
/// pattern in rules/vocabulary.yaml holds one of these stems (or is a two-letter `ak`/`sk`).
pub fn could_name_credential(name: &str) -> bool {
    // Stems by first letter (`sec` covers `secret`): one table
    // lookup per byte, since this runs on every literal of every file worth reading.
    const STEMS: [&[&[u8]]; 26] = {
        let mut t: [&[&[u8]]; 26] = [&[]; 26];
        t[0] = &[b"access", b"auth", b"agent", b"api"];
        t[(b'c' - b'a') as usize] = &[b"cred", b"client"];
        t[(b'k' - b'a') as usize] = &[b"key"];
        t[(b'l' - b'a') as usize] = &[b"login"];
        t[(b'm' - b'a') as usize] = &[b"mnemonic", b"memo"];
        t[(b'p' - b'a') as usize] = &[b"pass", b"pwd", b"priv", b"phrase"];
        t[(b's' - b'a') as usize] = &[b"sec", b"signer", b"signing"];
        t[(b't' - b'a') as usize] = &[b"token"];
        t[(b'w' - b'a') as usize] = &[b"wallet"];
        t
    };
    let b = name.as_bytes();
    if b.len() <= 3 {
        return true;
    }
    (0..b.len() - 2).any(|i| {
        let c = b[i] | 0x20;
        c.is_ascii_lowercase()
            && STEMS[(c - b'a') as usize]
                .iter()
                .any(|s| b.len() - i >= s.len() && b[i + 1..i + s.len()].eq_ignore_ascii_case(&s[1..]))
    })
}

/// A name shown as evidence: at most 64 characters.
pub fn clip_name(s: &str) -> String {
    let clipped = super::clip(s, 64);
    if clipped.len() < s.len() {
        format!("{clipped}…")
    } else {
        clipped.to_string()
    }
}

/// A value that reads as a name (`okx_api_key`, `X-MBX-APIKEY`, `/prod/okx/secret`), not data.
pub fn is_name_like(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 128
        && v.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '_')
        && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | ' '))
}

/// What a name says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameInfo {
    pub part: Option<Part>,
    /// The exchange the name itself names (index into the exchange table).
    pub exchange: Option<usize>,
    /// Names of one generic word (`key`, `secret`, `password`).
    pub weak: bool,
    /// Another service's name (`jwt_secret`) that does not name an exchange.
    pub foreign: bool,
    /// A word that makes it no credential at all (`listenKey`, `mock_secret`).
    pub excluded: bool,
}

#[derive(Deserialize)]
struct VocabularyFile {
    noise: Vec<String>,
    parts: Vec<PartPattern>,
    not_credential_modifiers: Vec<String>,
    foreign: Vec<String>,
    weak: Vec<String>,
    short_forms: HashMap<String, String>,
    exchange_fields: Vec<String>,
    exchange_heads: Vec<String>,
    setters: Vec<String>,
    pair_names: Vec<String>,
    pair_values: Vec<String>,
    credential_calls: Vec<CredentialCall>,
    sdks: Vec<Sdk>,
    #[serde(default)]
    examples: Vec<VocabularyExample>,
    #[serde(default)]
    negative_examples: Vec<String>,
}

#[derive(Deserialize)]
struct PartPattern {
    part: Part,
    pattern: String,
}

#[derive(Deserialize)]
struct CredentialCall {
    callees: Vec<String>,
    parts: Vec<Part>,
}

#[derive(Deserialize)]
struct Sdk {
    exchange: String,
    classes: Vec<String>,
    imports: Vec<String>,
}

#[derive(Deserialize)]
pub struct VocabularyExample {
    pub name: String,
    pub part: Part,
    pub exchange: Option<String>,
}

/// The compiled vocabulary.
pub struct Vocabulary {
    pub exchanges: ExchangeTable,
    noise: Regex,
    parts: Vec<(Part, Regex)>,
    modifiers: HashSet<String>,
    foreign: HashSet<String>,
    weak: HashSet<String>,
    short_forms: HashMap<String, usize>,
    exchange_fields: HashSet<String>,
    exchange_heads: HashSet<String>,
    setters: HashSet<String>,
    pair_names: HashSet<String>,
    pair_values: HashSet<String>,
    credential_calls: Vec<(HashSet<String>, Vec<Part>)>,
    sdk_classes: HashMap<String, usize>,
    sdk_imports: Vec<(String, usize)>,
    /// Alias token sequences (`gate io`, `crypto com`), longest first.
    aliases: Vec<(Vec<String>, usize)>,
    /// Header families (`ok access`, `x mbx`, `kc api`).
    header_families: Vec<(Vec<String>, usize)>,
    pub examples: Vec<VocabularyExample>,
    pub negative_examples: Vec<String>,
}

static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();

impl Vocabulary {
    /// The built-in vocabulary (checked by `cargo test`; a broken file is a build defect).
    pub fn get() -> &'static Vocabulary {
        VOCABULARY.get_or_init(|| Vocabulary::load().unwrap_or_else(|_| Vocabulary::empty()))
    }

    /// Loads and compiles the built-in file.
    pub fn load() -> Result<Vocabulary, crate::rules_error::RuleError> {
        let exchanges = ExchangeTable::builtin_checked()?;
        let file: VocabularyFile = crate::rules_embedded::parse("vocabulary.yaml")?;
        let text = crate::rules_embedded::get("vocabulary.yaml").unwrap_or_default();
        let err =
            |e: regex::Error| crate::rules_error::RuleError::new("rules/vocabulary.yaml", text, None, e.to_string());
        let noise = Regex::new(&format!("^(?:{})$", file.noise.join("|"))).map_err(err)?;
        let mut parts = Vec::new();
        for p in &file.parts {
            parts.push((p.part, Regex::new(&p.pattern).map_err(err)?));
        }
        let index = |slug: &str| exchanges.index_of(slug);
        let short_forms =
            file.short_forms.iter().filter_map(|(k, v)| Some((k.to_ascii_lowercase(), index(v)?))).collect();
        let mut sdk_classes = HashMap::new();
        let mut sdk_imports = Vec::new();
        for sdk in &file.sdks {
            let Some(ex) = index(&sdk.exchange) else { continue };
            for c in &sdk.classes {
                sdk_classes.entry(c.to_ascii_lowercase()).or_insert(ex);
            }
            for i in &sdk.imports {
                sdk_imports.push((i.to_ascii_lowercase(), ex));
            }
        }
        let mut aliases: Vec<(Vec<String>, usize)> = Vec::new();
        let mut header_families = Vec::new();
        for (i, ex) in exchanges.exchanges.iter().enumerate() {
            for a in std::iter::once(&ex.slug).chain(ex.aliases.iter()) {
                let a = a.trim_matches(['"', '\'']).trim_start_matches("ccxt.");
                let t = tokens(a);
                if !t.is_empty() {
                    aliases.push((t, i));
                }
            }
            for h in &ex.headers {
                let mut t = tokens(h);
                t.pop();
                if !t.is_empty() {
                    header_families.push((t, i));
                }
            }
        }
        aliases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        aliases.dedup();
        header_families.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        header_families.dedup();
        let set = |v: &[String]| v.iter().map(|s| s.to_ascii_lowercase()).collect::<HashSet<_>>();
        Ok(Vocabulary {
            noise,
            parts,
            modifiers: set(&file.not_credential_modifiers),
            foreign: set(&file.foreign),
            weak: set(&file.weak),
            short_forms,
            exchange_fields: set(&file.exchange_fields),
            exchange_heads: set(&file.exchange_heads),
            setters: file.setters.iter().cloned().collect(),
            pair_names: set(&file.pair_names),
            pair_values: set(&file.pair_values),
            credential_calls: file.credential_calls.iter().map(|c| (set(&c.callees), c.parts.clone())).collect(),
            sdk_classes,
            sdk_imports,
            aliases,
            header_families,
            examples: file.examples,
            negative_examples: file.negative_examples,
            exchanges,
        })
    }

    fn empty() -> Vocabulary {
        Vocabulary {
            exchanges: ExchangeTable::builtin(),
            noise: Regex::new("^$").unwrap_or_else(|_| unreachable!()),
            parts: Vec::new(),
            modifiers: HashSet::new(),
            foreign: HashSet::new(),
            weak: HashSet::new(),
            short_forms: HashMap::new(),
            exchange_fields: HashSet::new(),
            exchange_heads: HashSet::new(),
            setters: HashSet::new(),
            pair_names: HashSet::new(),
            pair_values: HashSet::new(),
            credential_calls: Vec::new(),
            sdk_classes: HashMap::new(),
            sdk_imports: Vec::new(),
            aliases: Vec::new(),
            header_families: Vec::new(),
            examples: Vec::new(),
            negative_examples: Vec::new(),
        }
    }

    /// Runs the file's `examples` and `negative_examples`; one line per failure.
    pub fn run_examples(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for ex in &self.examples {
            let info = self.classify(&ex.name);
            let slug = info.exchange.map(|e| self.exchanges.exchanges[e].slug.as_str());
            if info.part != Some(ex.part) || info.excluded || info.foreign {
                failures.push(format!("vocabulary: `{}` should name a {} ({info:?})", ex.name, ex.part.as_str()));
            } else if ex.exchange.as_deref().is_some_and(|want| slug != Some(want)) {
                failures
                    .push(format!("vocabulary: `{}` should name exchange {:?}, got {slug:?}", ex.name, ex.exchange));
            }
        }
        for name in &self.negative_examples {
            let info = self.classify(name);
            if info.part.is_some() && !info.excluded && !info.foreign {
                failures.push(format!("vocabulary: `{name}` should name no credential ({info:?})"));
            }
        }
        failures
    }

    /// The abbreviations that name exchanges inside credential names (`bfx`, `kc`, `hl`).
    pub fn short_forms(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.short_forms.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Reads a binding name.
    pub fn classify(&self, raw: &str) -> NameInfo {
        let toks = tokens(raw);
        self.classify_tokens(&toks)
    }

    pub fn classify_tokens(&self, toks: &[String]) -> NameInfo {
        let mut info = NameInfo::default();
        let mut core: &[String] = toks;
        while core.len() > 1 && core.last().is_some_and(|t| self.noise.is_match(t)) {
            core = &core[..core.len() - 1];
        }
        let joined = core.join("_");
        info.part = self.parts.iter().find(|(_, re)| re.is_match(&joined)).map(|(p, _)| *p);
        if info.part.is_none() {
            return info;
        }
        info.exchange = self.exchange_in(toks, false);
        if info.exchange.is_none() {
            info.exchange = toks.iter().find_map(|t| self.short_forms.get(t.as_str()).copied());
        }
        info.weak = core.len() == 1 && self.weak.contains(&core[0]);
        info.excluded = toks.iter().any(|t| self.modifiers.contains(t));
        info.foreign = info.exchange.is_none() && toks.iter().any(|t| self.foreign.contains(t));
        info
    }

    /// The exchange named by a token sequence: an alias or a header family anywhere in it
    /// (`short`: also abbreviations, for section and structure names).
    pub fn exchange_in(&self, toks: &[String], short: bool) -> Option<usize> {
        for (seq, ex) in self.aliases.iter().chain(self.header_families.iter()) {
            if contains_seq(toks, seq) {
                return Some(*ex);
            }
        }
        if short {
            return toks.iter().find_map(|t| self.short_forms.get(t.as_str()).copied());
        }
        None
    }

    /// Every exchange a text names (comments, paths, values), in order of first mention.
    pub fn exchanges_in_text(&self, text: &str) -> Vec<usize> {
        let toks = tokens(text);
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (seq, ex) in &self.aliases {
            if let Some(pos) = find_seq(&toks, seq) {
                if !found.iter().any(|f| f.1 == *ex) {
                    found.push((pos, *ex));
                }
            }
        }
        found.sort();
        found.into_iter().map(|(_, ex)| ex).collect()
    }

    /// `exchange`, `venue`, `name`: a field whose value says which exchange its siblings are for.
    pub fn is_exchange_field(&self, joined_name: &str) -> bool {
        self.exchange_fields.contains(joined_name)
            || joined_name.rsplit('_').next().is_some_and(|last| self.exchange_heads.contains(last))
    }

    /// `set`, `setx`, `#define`: a command whose next word names the value after it.
    pub fn is_setter(&self, word: &str) -> bool {
        word.len() <= 20 && self.setters.contains(word)
    }

    pub fn is_pair_name(&self, joined_name: &str) -> bool {
        self.pair_names.contains(joined_name)
    }

    pub fn is_pair_value(&self, joined_name: &str) -> bool {
        self.pair_values.contains(joined_name)
    }

    /// The parts of a credential call's positional string arguments, by callee.
    pub fn credential_call_parts(&self, callee: &str) -> Option<&[Part]> {
        // Every credential callee holds one of these stems; most calls are cut off here.
        const STEMS: &[&[u8]] = &[b"cred", b"auth", b"login", b"key", b"wallet", b"signer", b"account"];
        let b = callee.as_bytes();
        let maybe = (0..b.len()).any(|i| {
            matches!(b[i] | 0x20, b'c' | b'a' | b'l' | b'k' | b'w' | b's')
                && STEMS.iter().any(|s| b.len() - i >= s.len() && b[i..i + s.len()].eq_ignore_ascii_case(s))
        });
        if !maybe {
            return None;
        }
        let key = callee_key(callee);
        // `KucoinApiCredentials`, `BinanceCredentials`: an exchange-prefixed credential class.
        let matches = |name: &String| {
            key == *name
                || (key.len() > name.len()
                    && key.ends_with(name.as_str())
                    && key.as_bytes()[key.len() - name.len() - 1] == b'_')
        };
        self.credential_calls.iter().find(|(names, _)| names.iter().any(matches)).map(|(_, parts)| parts.as_slice())
    }

    /// The exchange whose SDK client class this callee is.
    pub fn sdk_class(&self, callee: &str) -> Option<usize> {
        let last = *callee_segments(callee).last()?;
        // SDK client classes are capitalised (`RestClientV5`, `HTTP`, `MainClient`).
        if !last.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        self.sdk_classes.get(&last.to_ascii_lowercase()).copied()
    }

    /// The exchange whose SDK a module path belongs to (`pybit.unified_trading`, `binance/spot`).
    pub fn sdk_import(&self, module: &str) -> Option<usize> {
        let m = module.trim().trim_matches(['"', '\'', '`', ';']).to_ascii_lowercase();
        self.sdk_imports
            .iter()
            .filter(|(name, _)| {
                m == *name || m.strip_prefix(name.as_str()).is_some_and(|rest| rest.starts_with(['.', '/', ':', '\\']))
            })
            .max_by_key(|(name, _)| name.len())
            .map(|(_, ex)| *ex)
    }
}

/// The segments of a callee (`bybit.NewClient().WithAuth` → …, `Credentials::new`).
fn callee_segments(callee: &str) -> Vec<&str> {
    callee.split(['.', ':', '>', ' ']).filter(|s| !s.is_empty() && *s != "-").collect()
}

/// A callee's meaningful name: its last segment, with constructor words dropped
/// (`Credentials::new` → `credentials`, `NewCredentials` → `credentials`).
fn callee_key(callee: &str) -> String {
    let segs = callee_segments(callee);
    let mut it = segs.iter().rev();
    let mut last = it.next().copied().unwrap_or("");
    if matches!(last.to_ascii_lowercase().as_str(), "new" | "create" | "of" | "build" | "init" | "from") {
        last = it.next().copied().unwrap_or(last);
    }
    let mut t = tokens(last);
    if t.len() > 1 && t[0] == "new" {
        t.remove(0);
    }
    t.join("_")
}

fn contains_seq(toks: &[String], seq: &[String]) -> bool {
    find_seq(toks, seq).is_some()
}

fn find_seq(toks: &[String], seq: &[String]) -> Option<usize> {
    if seq.is_empty() || toks.len() < seq.len() {
        return None;
    }
    // A version suffix does not change the venue: `okex5`, `bitfinex2`, `huobipro`.
    let same = |t: &str, s: &str| {
        t == s || (t.len() > s.len() && t.starts_with(s) && t[s.len()..].bytes().all(|c| c.is_ascii_digit()))
    };
    if let Some(i) =
        (0..=toks.len() - seq.len()).find(|&i| toks[i..i + seq.len()].iter().zip(seq).all(|(t, s)| same(t, s)))
    {
        return Some(i);
    }
    // Mixed case splits one word: `ByBit`, `OKEx`, `KuCoin`, `BitMEX` are `bybit`, `okex`, …
    if seq.len() == 1 {
        for i in 0..toks.len() {
            if !seq[0].starts_with(toks[i].as_str()) || toks[i].len() == seq[0].len() {
                continue;
            }
            let mut joined = String::new();
            for t in toks.iter().skip(i).take(3) {
                joined.push_str(t);
                if joined.len() > seq[0].len() + 2 {
                    break;
                }
                if joined.len() > t.len() && same(&joined, &seq[0]) {
                    return Some(i);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_naming_style() {
        assert_eq!(tokens("okxApiKey"), ["okx", "api", "key"]);
        assert_eq!(tokens("OKX_API_KEY"), ["okx", "api", "key"]);
        assert_eq!(tokens("OK-ACCESS-KEY"), ["ok", "access", "key"]);
        assert_eq!(tokens("APIKey"), ["api", "key"]);
        assert_eq!(tokens("X-MBX-APIKEY"), ["x", "mbx", "apikey"]);
        assert_eq!(tokens("$this->apiKey"), ["this", "api", "key"]);
        assert_eq!(tokens("RestClientV5"), ["rest", "client", "v5"]);
        assert_eq!(tokens("kucoin.api.passphrase"), ["kucoin", "api", "passphrase"]);
        assert_eq!(tokens("api_key_2"), ["api", "key", "2"]);
    }

    #[test]
    fn vocabulary_examples_hold() {
        let v = Vocabulary::load().expect("vocabulary loads");
        assert!(!v.examples.is_empty());
        assert_eq!(v.run_examples(), Vec::<String>::new());
        for ex in &v.examples {
            let info = v.classify(&ex.name);
            assert_eq!(info.part, Some(ex.part), "{}", ex.name);
            assert!(!info.excluded && !info.foreign, "{}", ex.name);
            let slug = info.exchange.map(|e| v.exchanges.exchanges[e].slug.as_str());
            if let Some(want) = &ex.exchange {
                assert_eq!(slug, Some(want.as_str()), "{}", ex.name);
            }
        }
        for name in &v.negative_examples {
            let info = v.classify(name);
            assert!(info.part.is_none() || info.excluded || info.foreign, "{name}: {info:?}");
        }
    }

    #[test]
    fn callees_and_sdks() {
        let v = Vocabulary::load().expect("vocabulary loads");
        assert_eq!(v.credential_call_parts("Credentials::new").map(|p| p.len()), Some(3));
        assert_eq!(v.credential_call_parts("bybit.NewClient().WithAuth").map(|p| p[0]), Some(Part::ApiKey));
        assert_eq!(v.credential_call_parts("ethers.Wallet"), Some(&[Part::PrivateKey][..]));
        let bybit = v.exchanges.index_of("bybit");
        assert_eq!(v.sdk_class("RestClientV5"), bybit);
        assert_eq!(v.sdk_import("pybit.unified_trading"), bybit);
        assert_eq!(v.sdk_import("pybitx"), None);
        assert_eq!(
            v.exchanges_in_text("Access key pair for the HTX spot account"),
            vec![v.exchanges.index_of("htx").unwrap()]
        );
    }

    /// The stem pre-test agrees with the vocabulary: every credential name passes it.
    #[test]
    fn stem_pretest_lets_every_credential_name_through() {
        let v = Vocabulary::load().expect("vocabulary loads");
        for name in [
            "OKX_API_KEY",
            "okxSecretKey",
            "KC_PASSPHRASE",
            "HL_AGENT_PRIVATE_KEY",
            "SIGNING_SECRET",
            "mnemonic",
            "AccessKeyId",
            "client_id",
            "api_token",
            "login",
            "walletKey",
            "pwd",
            "X-MBX-APIKEY",
            "ak",
        ] {
            assert!(v.classify(name).part.is_some(), "{name}");
            assert!(could_name_credential(name), "{name}");
        }
        for name in ["price", "orderType", "symbols", "timeInForce", "leverage", "GET", "https://x"] {
            assert!(!could_name_credential(name) || name.len() <= 3, "{name}");
        }
    }
}
