//! Evaluates compiled conditions against one declaration (and one item of it) with
//! three-valued logic: `Some(true)` fires, `Some(false)` does not, `None` is "unknown" — the
//! declaration cannot tell (an inferred key's permissions, an unset parameter) — and never fires.

use super::net::Net;
use super::rule::{Cond, ListOperand, Op, Operand, Pred};
use crate::date::{parse_date, Date};
use crate::diagnostic::redact;
use crate::exchanges::ExchangeTable;
use crate::extract::{field_type, Declaration, FieldType, FieldValue, Problem, Spanned};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// A resolved value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Unknown,
    Absent,
    Str(String),
    List(Vec<String>),
    Int(i64),
    Bool(bool),
    Date(Date),
}

impl Val {
    /// Text for templates.
    pub fn text(&self) -> String {
        match self {
            Val::Unknown => "unknown".into(),
            Val::Absent => "none".into(),
            Val::Str(s) => s.clone(),
            Val::List(l) => l.join(", "),
            Val::Int(i) => i.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Date(d) => d.to_string(),
        }
    }

    /// Converts a parameter given in YAML or TOML.
    pub fn from_yaml(v: &serde_yaml::Value) -> Val {
        match v {
            serde_yaml::Value::Number(n) => n.as_i64().map(Val::Int).unwrap_or(Val::Str(n.to_string())),
            serde_yaml::Value::Bool(b) => Val::Bool(*b),
            serde_yaml::Value::String(s) => Val::Str(s.clone()),
            serde_yaml::Value::Sequence(items) => Val::List(
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string).or_else(|| i.as_i64().map(|n| n.to_string())))
                    .collect(),
            ),
            _ => Val::Unknown,
        }
    }
}

/// Parameters: policy defaults overlaid with `.keylint.toml`, plus per-environment overrides.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub values: BTreeMap<String, Val>,
    /// environment → parameter → value (e.g. `prod` → `max_age_days` → 30).
    pub by_environment: BTreeMap<String, BTreeMap<String, Val>>,
}

impl Params {
    pub fn get(&self, name: &str, decl: Option<&Declaration>) -> Val {
        if let Some(env) = decl.and_then(|d| d.str("environment")) {
            if let Some(v) = self.by_environment.get(&env.value).and_then(|m| m.get(name)) {
                return v.clone();
            }
        }
        self.values.get(name).cloned().unwrap_or(Val::Unknown)
    }
}

/// Memo type of `Ctx::first_index`.
pub type FirstIndex = RefCell<HashMap<String, HashMap<(String, String), usize>>>;

/// The item a `for_each` policy is looking at.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Str {
        field: &'a str,
        index: usize,
        value: &'a Spanned<String>,
        list: &'a [Spanned<String>],
        /// `list` parsed as IP networks once, so duplicate checks stay cheap on long lists.
        nets: &'a [Option<Net>],
    },
    Problem(&'a Problem),
    /// One operation the key's linked code performs (`for_each: usage`).
    Op(&'a crate::usage::Operation),
}

/// Everything a condition can see.
pub struct Ctx<'a> {
    pub table: &'a ExchangeTable,
    pub params: &'a Params,
    pub today: Date,
    pub decls: &'a [Declaration],
    /// Where each of `decls` is (`line 4` or `path:4`), for messages.
    pub locations: &'a [String],
    /// Memo for duplicate checks: field → (source, value) → first declaration index.
    pub first_index: &'a FirstIndex,
    pub decl: Option<(usize, &'a Declaration)>,
    pub item: Option<Item<'a>>,
    /// Usage of each of `decls` (same index) when the usage analysis ran (repo scope); empty
    /// otherwise, and then every `usage.*` subject is unknown.
    pub usages: &'a [Option<crate::usage::KeyUsage>],
}

/// Does entry `j` (`other`) make entry `index` redundant? Equal entries: the later one is
/// redundant; otherwise an IP entry inside another entry's block is.
fn covers(
    me: Option<Net>,
    index: usize,
    j: usize,
    mine: &str,
    other: &Spanned<String>,
    other_net: Option<Net>,
) -> bool {
    if j == index {
        return false;
    }
    match (me, other_net) {
        (Some(a), Some(b)) if a.v6 == b.v6 && a.addr == b.addr && a.prefix == b.prefix => j < index,
        (Some(a), Some(b)) => b.contains(&a),
        _ => j < index && other.value == mine,
    }
}

/// Secret-manager reference schemes (spec/manifest.md `secret_ref`).
pub const REFERENCE_SCHEMES: &[&str] =
    &["env:", "vault:", "aws-sm:", "gcp-sm:", "azure-kv:", "k8s:", "sops:", "1password:", "op://", "encrypted:"];

pub fn is_reference(s: &str) -> bool {
    let s = s.trim();
    REFERENCE_SCHEMES.iter().any(|p| s.len() > p.len() && s.starts_with(p))
}

/// Does a value look like key material rather than a name, reference, address or date?
pub fn looks_like_key_material(s: &str) -> bool {
    let s = s.trim();
    if s.contains("PRIVATE KEY-----") {
        return true;
    }
    if is_reference(s) || s.len() < 16 || Net::parse(s).is_ok() {
        return false;
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || "+/=_-.".contains(c)) {
        return false;
    }
    // A UUID is a key id at several exchanges (OKX, KuCoin secrets).
    let groups: Vec<&str> = s.split('-').collect();
    let uuid = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    // Otherwise one long high-entropy run: names like `okx-mm-prod-2026` split into short words.
    let token = s.split(['-', '_', '.']).max_by_key(|r| r.len()).unwrap_or("");
    let has_digit = token.chars().any(|c| c.is_ascii_digit());
    let has_alpha = token.chars().any(|c| c.is_ascii_alphabetic());
    uuid || (token.len() >= 16 && has_digit && has_alpha && crate::detect::ignore::entropy(token) >= 3.0)
}

impl<'a> Ctx<'a> {
    fn decl(&self) -> Option<&'a Declaration> {
        self.decl.map(|(_, d)| d)
    }

    fn exchange_slug(&self) -> Option<&'a str> {
        let d = self.decl()?;
        self.table.resolve(&d.str("exchange")?.value)
    }

    fn date_field(&self, field: &str) -> Val {
        match self.resolve(field) {
            Val::Str(s) => parse_date(&s).map(Val::Date).unwrap_or(Val::Unknown),
            other => other,
        }
    }

    /// The date `rotated` (or else `created`) and which field it came from.
    fn last_rotation(&self) -> (Val, &'static str) {
        match self.date_field("rotated") {
            Val::Absent => (self.date_field("created"), "created"),
            v => (v, "rotated"),
        }
    }

    /// Resolves a subject to a value.
    pub fn resolve(&self, subject: &str) -> Val {
        if let Some(name) = subject.strip_prefix('$') {
            return self.params.get(name, self.decl());
        }
        if let Some(base) = subject.strip_suffix(".redacted") {
            return match self.resolve(base) {
                Val::Str(s) => Val::Str(redact(&s, false)),
                other => other,
            };
        }
        if let Some(base) = subject.strip_suffix(".age_days") {
            let v = if base == "last_rotation" { self.last_rotation().0 } else { self.date_field(base) };
            return match v {
                Val::Date(d) => Val::Int(self.today.0 - d.0),
                other => other,
            };
        }
        if let Some(base) = subject.strip_suffix(".days_until") {
            return match self.date_field(base) {
                Val::Date(d) => Val::Int(d.0 - self.today.0),
                other => other,
            };
        }
        if let Some(ty) = field_type(subject) {
            let Some(d) = self.decl() else {
                return Val::Unknown;
            };
            if !d.is_known(subject) {
                return Val::Unknown;
            }
            return match d.fields.get(subject) {
                None => Val::Absent,
                Some(FieldValue::Str(s)) if ty == FieldType::Date => {
                    parse_date(&s.value).map(Val::Date).unwrap_or(Val::Unknown)
                }
                Some(FieldValue::Str(s)) => Val::Str(s.value.clone()),
                Some(FieldValue::List(l)) => Val::List(l.value.iter().map(|i| i.value.clone()).collect()),
            };
        }
        let item_str = || match self.item {
            Some(Item::Str { value, .. }) => Some(value.value.as_str()),
            _ => None,
        };
        if let Some(v) = self.resolve_usage(subject) {
            return v;
        }
        match subject {
            "source" => self.decl().map(|d| Val::Str(d.source.to_string())).unwrap_or(Val::Str("manifest".into())),
            "today" => Val::Date(self.today),
            "item" => match self.item {
                Some(Item::Str { value, .. }) => Val::Str(value.value.clone()),
                Some(Item::Problem(p)) => Val::Str(p.field.clone()),
                Some(Item::Op(op)) => Val::Str(op.text.clone()),
                None => Val::Unknown,
            },
            "item.index" => match self.item {
                Some(Item::Str { index, .. }) => Val::Int(index as i64),
                _ => Val::Unknown,
            },
            "item.field" => match self.item {
                Some(Item::Str { field, .. }) => Val::Str(field.to_string()),
                Some(Item::Problem(p)) => Val::Str(p.field.clone()),
                Some(Item::Op(_)) => Val::Str("usage".into()),
                None => Val::Unknown,
            },
            "item.kind" => match self.item {
                Some(Item::Problem(p)) => Val::Str(p.kind.to_string()),
                _ => Val::Unknown,
            },
            "item.message" => match self.item {
                Some(Item::Problem(p)) => Val::Str(p.message.clone()),
                _ => Val::Unknown,
            },
            "item.help" => match self.item {
                Some(Item::Problem(p)) => Val::Str(p.help.clone()),
                _ => Val::Unknown,
            },
            "item.covered_by" => match self.covering_entry() {
                Some(s) => Val::Str(s),
                None => Val::Absent,
            },
            "item.suggestion" => match item_str() {
                Some(s) => self.table.suggest_permission(self.exchange_slug(), s).map(Val::Str).unwrap_or(Val::Absent),
                None => Val::Unknown,
            },
            "name.first_use" => match self.first_use() {
                Some(loc) => Val::Str(loc),
                None => Val::Absent,
            },
            "exchange.suggestion" => match self.resolve("exchange") {
                Val::Str(s) => self.table.suggest(&s).map(|s| Val::Str(s.to_string())).unwrap_or(Val::Absent),
                other => other,
            },
            "item.network" => match item_str().map(Net::parse) {
                Some(Ok(n)) => Val::Str(n.to_text()),
                Some(Err(_)) => Val::Absent,
                None => Val::Unknown,
            },
            "item.canonical" => match item_str() {
                Some(s) => {
                    self.table.canonical_permission(self.exchange_slug(), s).map(Val::Str).unwrap_or(Val::Absent)
                }
                None => Val::Unknown,
            },
            "item.class" => match item_str().map(Net::parse) {
                Some(Ok(n)) => Val::Str(n.class().to_string()),
                Some(Err(_)) => Val::Absent,
                None => Val::Unknown,
            },
            "item.prefix_len" => match item_str().map(Net::parse) {
                Some(Ok(n)) => Val::Int(i64::from(n.prefix)),
                Some(Err(_)) => Val::Absent,
                None => Val::Unknown,
            },
            "permissions.canonical" => match self.resolve("permissions") {
                Val::List(l) => Val::List(
                    l.iter().filter_map(|p| self.table.canonical_permission(self.exchange_slug(), p)).collect(),
                ),
                Val::Absent => Val::List(Vec::new()),
                other => other,
            },
            "permissions.count" | "ip_allowlist.count" => match self.resolve(subject.trim_end_matches(".count")) {
                Val::List(l) => Val::Int(l.len() as i64),
                Val::Absent => Val::Int(0),
                other => other,
            },
            "last_rotation" => self.last_rotation().0,
            "last_rotation.field" => match self.last_rotation() {
                (Val::Date(_), f) => Val::Str(f.into()),
                (other, _) => other,
            },
            "exchange.known" => match self.resolve("exchange") {
                Val::Str(s) => Val::Bool(self.table.resolve(&s).is_some()),
                other => other,
            },
            "exchange.did_you_mean" => match self.resolve("exchange") {
                Val::Str(s) => {
                    Val::Str(self.table.suggest(&s).map(|x| format!("did you mean `{x}`? ")).unwrap_or_default())
                }
                other => other,
            },
            "exchange.elsewhere" => match self.resolve("exchange") {
                Val::Str(s) => Val::Bool(self.table.resolve(&s).is_none() && self.table.is_other_venue(&s)),
                other => other,
            },
            _ => self.resolve_exchange_info(subject),
        }
    }

    /// The key's usage, if the analysis ran for it.
    fn usage(&self) -> Option<&'a crate::usage::KeyUsage> {
        let (i, _) = self.decl?;
        self.usages.get(i)?.as_ref()
    }

    /// `usage.*`, `item.used`, `item.permission`, `item.granted`, `item.location`; `None` for
    /// other subjects.
    fn resolve_usage(&self, subject: &str) -> Option<Val> {
        use crate::usage::Status;
        let usage = self.usage();
        let granted = || -> Option<Vec<String>> {
            match self.resolve("permissions.canonical") {
                Val::List(l) => Some(l),
                _ => None,
            }
        };
        Some(match subject {
            "usage.status" => usage.map(|u| Val::Str(u.status.as_str().into())).unwrap_or(Val::Unknown),
            "usage.reason" => usage.map(|u| Val::Str(u.reason_text())).unwrap_or(Val::Unknown),
            "usage.needs" => usage
                .filter(|u| u.status == Status::Resolved)
                .map(|u| Val::List(crate::usage::ordered(u.needs.iter().cloned())))
                .unwrap_or(Val::Unknown),
            "usage.files" => usage.map(|u| Val::List(u.files.clone())).unwrap_or(Val::Unknown),
            "usage.operations" => usage
                .map(|u| Val::List(u.operations.iter().map(|o| format!("{}:{}", o.path, o.start.line)).collect()))
                .unwrap_or(Val::Unknown),
            // A permission item is used when a resolved usage needs it; `read` counts as used by
            // any key whose code needs a private permission (exchanges require it with them).
            "item.used" => match (usage, self.item) {
                (Some(u), Some(Item::Str { field: "permissions", value, .. })) if u.status == Status::Resolved => {
                    match self.table.canonical_permission(self.exchange_slug(), &value.value) {
                        Some(c) => Val::Bool(u.needs.contains(&c) || (c == "read" && !u.needs.is_empty())),
                        None => Val::Unknown,
                    }
                }
                _ => Val::Unknown,
            },
            "item.permission" => match self.item {
                Some(Item::Op(op)) => Val::Str(op.permission.clone()),
                _ => Val::Unknown,
            },
            "item.granted" => match self.item {
                Some(Item::Op(op)) if op.permission == "none" => Val::Bool(true),
                Some(Item::Op(op)) => match granted() {
                    Some(l) => Val::Bool(l.contains(&op.permission)),
                    None => Val::Unknown,
                },
                _ => Val::Unknown,
            },
            "item.location" => match self.item {
                Some(Item::Op(op)) => Val::Str(format!("{}:{}", op.path, op.start.line)),
                _ => Val::Unknown,
            },
            _ => return None,
        })
    }

    fn resolve_exchange_info(&self, subject: &str) -> Val {
        let Some(ex) = self.exchange_slug().and_then(|s| self.table.get(s)) else {
            return Val::Unknown;
        };
        let opt_bool = |b: Option<bool>| b.map(Val::Bool).unwrap_or(Val::Unknown);
        match subject {
            "exchange.slug" => Val::Str(ex.slug.clone()),
            "exchange.name" => Val::Str(ex.name.clone()),
            "exchange.docs" => ex.docs.clone().map(Val::Str).unwrap_or(Val::Absent),
            "exchange.ip_max_entries" => {
                ex.ip_allowlist.max_entries.map(|n| Val::Int(n as i64)).unwrap_or(Val::Unknown)
            }
            "exchange.ip_cidr" => opt_bool(ex.ip_allowlist.cidr),
            "exchange.ip_ipv6" => opt_bool(ex.ip_allowlist.ipv6),
            "exchange.ip_source" => ex.ip_allowlist.source.clone().map(Val::Str).unwrap_or(Val::Absent),
            _ => Val::Unknown,
        }
    }

    /// `$name`: a parameter, or else a subject such as `$exchange.ip_max_entries`.
    fn param_or_subject(&self, name: &str) -> Val {
        match self.params.get(name, self.decl()) {
            Val::Unknown if super::rule::is_subject(name) => self.resolve(name),
            v => v,
        }
    }

    fn list_operand(&self, op: &ListOperand) -> Option<Vec<String>> {
        match op {
            ListOperand::Items(items) => Some(items.clone()),
            ListOperand::Param(p) => match self.param_or_subject(p) {
                Val::List(l) => Some(l),
                Val::Str(s) => Some(vec![s]),
                _ => None,
            },
        }
    }

    /// A list operand of CIDR blocks; entries that do not parse are ignored.
    fn ranges(&self, op: &ListOperand) -> Option<Vec<Net>> {
        Some(self.list_operand(op)?.iter().filter_map(|r| Net::parse(r).ok()).collect())
    }

    fn operand(&self, op: &Operand) -> Option<i64> {
        match op {
            Operand::Int(n) => Some(*n),
            Operand::Param(p) => match self.param_or_subject(p) {
                Val::Int(n) => Some(n),
                _ => None,
            },
        }
    }

    fn cmps(&self, value: Option<i64>, cmps: &[(Op, Operand)]) -> Option<bool> {
        let v = value?;
        let mut all = true;
        for (op, rhs) in cmps {
            let r = self.operand(rhs)?;
            all &= match op {
                Op::Gt => v > r,
                Op::Gte => v >= r,
                Op::Lt => v < r,
                Op::Lte => v <= r,
                Op::Eq => v == r,
                Op::Ne => v != r,
            };
        }
        Some(all)
    }

    /// Evaluates a condition.
    pub fn eval(&self, cond: &Cond) -> Option<bool> {
        match cond {
            Cond::All(cs) => {
                let mut unknown = false;
                for c in cs {
                    match self.eval(c) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Cond::Any(cs) => {
                let mut unknown = false;
                for c in cs {
                    match self.eval(c) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            Cond::Not(c) => self.eval(c).map(|b| !b),
            Cond::Test { subject, preds } => {
                let value = self.resolve(subject);
                let mut unknown = false;
                for p in preds {
                    match self.pred(subject, &value, p) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
        }
    }

    fn pred(&self, subject: &str, value: &Val, pred: &Pred) -> Option<bool> {
        if *value == Val::Unknown {
            return None;
        }
        let as_list = || match value {
            Val::List(l) => l.clone(),
            Val::Str(s) => vec![s.clone()],
            _ => Vec::new(),
        };
        let text = || match value {
            Val::Str(s) => Some(s.clone()),
            Val::Int(_) | Val::Bool(_) | Val::Date(_) => Some(value.text()),
            _ => None,
        };
        let nets = || -> Vec<Net> {
            match value {
                Val::List(l) => l.iter().filter_map(|s| Net::parse(s).ok()).collect(),
                _ => text().and_then(|s| Net::parse(&s).ok()).into_iter().collect(),
            }
        };
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        Some(match pred {
            Pred::Present(want) => {
                let present = match value {
                    Val::Absent => false,
                    Val::Str(s) => !s.trim().is_empty(),
                    Val::List(l) => !l.is_empty(),
                    _ => true,
                };
                present == *want
            }
            Pred::Equals(s) => text().is_some_and(|t| eq(&t, s)),
            Pred::In(l) => {
                let l = self.list_operand(l)?;
                text().is_some_and(|t| l.iter().any(|x| eq(x, &t)))
            }
            Pred::NotIn(l) => {
                let l = self.list_operand(l)?;
                !text().is_some_and(|t| l.iter().any(|x| eq(x, &t)))
            }
            Pred::Matches(re) => text().is_some_and(|t| re.is_match(&t)),
            Pred::AnyOf(l) => {
                let l = self.list_operand(l)?;
                as_list().iter().any(|v| l.iter().any(|x| eq(x, v)))
            }
            Pred::AllOf(l) => {
                let l = self.list_operand(l)?;
                let have = as_list();
                l.iter().all(|x| have.iter().any(|v| eq(x, v)))
            }
            Pred::NoneOf(l) => {
                let l = self.list_operand(l)?;
                !as_list().iter().any(|v| l.iter().any(|x| eq(x, v)))
            }
            Pred::Cmp(op, rhs) => {
                let v = match value {
                    Val::Int(n) => Some(*n),
                    _ => None,
                };
                self.cmps(v, &[(*op, rhs.clone())])?
            }
            Pred::Count(cmps) => {
                let n = match value {
                    Val::List(l) => l.len() as i64,
                    Val::Absent => 0,
                    _ => 1,
                };
                self.cmps(Some(n), cmps)?
            }
            Pred::AgeDays(cmps) => match value {
                Val::Date(d) => self.cmps(Some(self.today.0 - d.0), cmps)?,
                _ => false,
            },
            Pred::BeforeToday(want) => match value {
                Val::Date(d) => (d.0 < self.today.0) == *want,
                _ => false,
            },
            Pred::IpValid(want) => match text() {
                Some(t) => Net::parse(&t).is_ok() == *want,
                None => false,
            },
            // IP predicates on a list hold when any entry satisfies them (`within`: every entry).
            Pred::HostBits(want) => nets().iter().any(|n| n.host_bits == *want),
            Pred::Cidr(want) => nets().iter().any(|n| n.is_cidr == *want),
            Pred::Ipv6(want) => nets().iter().any(|n| n.v6 == *want),
            Pred::PrefixLen(cmps) => {
                let mut any = false;
                for n in nets() {
                    any |= self.cmps(Some(i64::from(n.prefix)), cmps)?;
                }
                any
            }
            Pred::Class(classes) => nets().iter().any(|n| classes.iter().any(|c| c == n.class())),
            Pred::Within(l) => {
                let ranges = self.ranges(l)?;
                let inside = |t: &str| Net::parse(t).is_ok_and(|n| ranges.iter().any(|r| r.contains(&n)));
                match value {
                    // Every entry (vacuously true for an empty or absent list; an entry that does
                    // not parse is not inside anything).
                    Val::List(items) => items.iter().all(|t| inside(t)),
                    Val::Absent => true,
                    _ => text().is_some_and(|t| inside(&t)),
                }
            }
            Pred::Contains(l) => {
                let ranges = self.ranges(l)?;
                nets().iter().any(|n| ranges.iter().any(|r| n.contains(r)))
            }
            Pred::Overlaps(l) => {
                let ranges = self.ranges(l)?;
                nets().iter().any(|n| ranges.iter().any(|r| n.overlaps(r)))
            }
            Pred::Duplicate(want) => self.is_duplicate(subject)? == *want,
            Pred::Reference(want) => text().is_some_and(|t| is_reference(&t)) == *want,
            Pred::KeyMaterial(want) => text().is_some_and(|t| looks_like_key_material(&t)) == *want,
        })
    }

    /// Where an earlier declaration with the same name is.
    fn first_use(&self) -> Option<String> {
        let (i, d) = self.decl?;
        let first = self.first_with("name", d.source, &d.str("name")?.value).filter(|&j| j < i)?;
        self.locations.get(first).cloned()
    }

    /// The entry of the item's list that repeats or covers the item (see `is_duplicate`).
    fn covering_entry(&self) -> Option<String> {
        let Some(Item::Str { index, value, list, nets, .. }) = self.item else { return None };
        let me = nets.get(index).copied().flatten();
        list.iter()
            .enumerate()
            .find(|(j, other)| covers(me, index, *j, &value.value, other, nets.get(*j).copied().flatten()))
            .map(|(_, other)| other.value.clone())
    }

    /// `item`: an earlier equal entry of the same list, or (IPs) contained in another entry.
    /// A field: an earlier declaration in the file with the same value.
    fn is_duplicate(&self, subject: &str) -> Option<bool> {
        if subject == "item" {
            let Some(Item::Str { index, value, list, nets, .. }) = self.item else {
                return None;
            };
            let me = nets.get(index).copied().flatten();
            return Some(
                list.iter()
                    .enumerate()
                    .any(|(j, other)| covers(me, index, j, &value.value, other, nets.get(j).copied().flatten())),
            );
        }
        let (i, d) = self.decl?;
        let mine = &d.str(subject)?.value;
        Some(self.first_with(subject, d.source, mine).is_some_and(|first| first < i))
    }

    /// Index of the first declaration of `source` whose `field` is `value` (memoised per field:
    /// repo-wide duplicate checks must not be quadratic).
    fn first_with(&self, field: &str, source: &str, value: &str) -> Option<usize> {
        let mut cache = self.first_index.borrow_mut();
        let index = cache.entry(field.to_string()).or_insert_with(|| {
            let mut m = HashMap::new();
            for (j, o) in self.decls.iter().enumerate() {
                if let Some(v) = o.str(field) {
                    m.entry((o.source.to_string(), v.value.clone())).or_insert(j);
                }
            }
            m
        });
        index.get(&(source.to_string(), value.to_string())).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_material_heuristic() {
        assert!(looks_like_key_material("9C0D3E8F1A2B4C5D6E7F8091A2B3C4D5"));
        assert!(looks_like_key_material("37c541a1-0a1b-4c2d-9e8f-10fe7a038418"));
        assert!(looks_like_key_material("-----BEGIN PRIVATE KEY-----\nMIIE"));
        assert!(!looks_like_key_material("okx-mm-prod-2026"));
        assert!(!looks_like_key_material("vault:kv/trading/9C0D3E8F1A2B4C5D6E7F8091A2B3C4D5"));
        assert!(!looks_like_key_material("binance-treasury-cold-storage"));
        assert!(!looks_like_key_material("2001:db8::1"));
        assert!(!looks_like_key_material("deploy/mm-bot/**"));
    }
}
