//! Colour and width of the human output: `--color`, then `NO_COLOR` (no-color.org), then
//! `FORCE_COLOR`, then whether stdout is a terminal; the terminal's width, else `COLUMNS`, else
//! 100 columns (so piped output does not depend on who ran it).

use super::args::ColorChoice;

/// Width when stdout is not a terminal and `COLUMNS` is unset.
pub const DEFAULT_WIDTH: usize = 100;

/// Whether to colour: an explicit `--color` wins; otherwise a non-empty `NO_COLOR` turns colour
/// off, a non-empty `FORCE_COLOR` (other than `0`) turns it on, and a terminal decides.
pub fn use_color(choice: Option<ColorChoice>, env: &dyn Fn(&str) -> Option<String>, terminal: bool) -> bool {
    match choice {
        Some(ColorChoice::Always) => true,
        Some(ColorChoice::Never) => false,
        Some(ColorChoice::Auto) | None => {
            let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") {
                env("FORCE_COLOR").as_deref() != Some("0")
            } else {
                terminal
            }
        }
    }
}

/// Columns to wrap at: the terminal's, else `COLUMNS`, else `DEFAULT_WIDTH` (at least 40).
pub fn width(terminal_columns: Option<usize>, env: &dyn Fn(&str) -> Option<String>) -> usize {
    let columns = terminal_columns.or_else(|| env("COLUMNS").and_then(|c| c.trim().parse().ok()));
    columns.unwrap_or(DEFAULT_WIDTH).max(40)
}

/// The width of the terminal on stdout, if it is one.
pub fn stdout_columns() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn flag_then_no_color_then_force_color_then_terminal() {
        assert!(use_color(Some(ColorChoice::Always), &env(&[("NO_COLOR", "1")]), false));
        assert!(!use_color(Some(ColorChoice::Never), &env(&[("FORCE_COLOR", "1")]), true));
        assert!(!use_color(None, &env(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]), true));
        assert!(use_color(None, &env(&[("FORCE_COLOR", "1")]), false));
        assert!(!use_color(None, &env(&[("FORCE_COLOR", "0")]), true));
        assert!(use_color(Some(ColorChoice::Auto), &env(&[("NO_COLOR", "")]), true));
        assert!(!use_color(None, &env(&[]), false));
    }

    #[test]
    fn width_from_terminal_then_columns_then_default() {
        assert_eq!(width(Some(132), &env(&[("COLUMNS", "80")])), 132);
        assert_eq!(width(None, &env(&[("COLUMNS", "80")])), 80);
        assert_eq!(width(None, &env(&[("COLUMNS", "wide")])), 100);
        assert_eq!(width(None, &env(&[("COLUMNS", "10")])), 40);
        assert_eq!(width(None, &env(&[])), 100);
    }
}
