//! The panic hook: a panic message may quote scanned text (a failed slice prints the string it
//! cut), so keylint never prints it. It says where in keylint's own code the bug is, and the
//! scan turns the panic of one file into an `internal-error` finding and goes on.

/// Replaces the default hook (which prints the payload) for the rest of the process.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "keylint: internal error{location}; its message is not shown because it may quote scanned \
             content. Please report this bug with the location above."
        );
    }));
}
