//! Every policy file's examples and negative examples (the same check as `keylint rules test`).

use keylint::policy::{PolicyConfig, PolicySet};

#[test]
fn builtin_policy_examples_pass() {
    let set = PolicySet::load(&[], &PolicyConfig::default()).expect("built-in policies compile");
    let failures = set.run_examples();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
