//! Taking over the terminal and always giving it back: raw mode and the alternate screen
//! through `ratatui::try_init` (whose panic hook restores the terminal, then calls the hook
//! that was there before), and a guard that restores it when dropped, whatever the exit.

use std::io;

use ratatui::DefaultTerminal;

/// Holds the terminal; dropping it restores the operator's terminal.
pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen.
    pub fn enter() -> io::Result<TerminalGuard> {
        Ok(TerminalGuard {
            terminal: ratatui::try_init()?,
        })
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        // Errors are already reported on stderr by ratatui; there is nothing more to do.
        ratatui::restore();
    }
}
